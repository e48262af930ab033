"""gRPC ↔ UES operations (UesAdminService): data types, access policies, keys, rewrap jobs,
audit log. Translation only."""
from __future__ import annotations

from datetime import timezone

from paymesh.ues.v1 import ues_pb2 as pb, ues_service_pb2 as api, ues_service_pb2_grpc as rpc
from servers.kernel import idempotency
from servers.kernel.db import Database
from servers.ues import errors
from servers.ues.adapters import SqlVault
from servers.ues.admin import Admin
from servers.ues.domain import DataType, MaskStyle, Normalization, Permission, Policy
from servers.ues.keys import KeyVersion, Purpose
from servers.ues.ports import AuditEntry, RewrapJob
from servers.ues.servicer import caller_of, ts

PAGE = 50


def type_pb(t: DataType) -> pb.DataType:
    return pb.DataType(name=t.name, pattern=t.pattern, description=t.description, normalization=int(t.normalization),
                       mask_style=int(t.mask_style), temporary_only=t.temporary_only, always_single_use=t.always_single_use,
                       digest_allowed=t.digest_allowed, max_length_chars=t.max_length_chars, default_ttl_seconds=t.default_ttl_seconds,
                       max_ttl_seconds=t.max_ttl_seconds, builtin=t.builtin, update_time=ts(t.update_time))


def policy_pb(p: Policy) -> pb.AccessPolicy:
    return pb.AccessPolicy(client_id=p.client_id, data_type=p.data_type, permissions=sorted(int(x) for x in p.permissions),
                           update_time=ts(p.update_time))


def key_pb(v: KeyVersion) -> pb.KeyVersion:
    return pb.KeyVersion(key_id=v.key_id, purpose=int(v.purpose), version=v.version, state=int(v.state), algorithm=v.algorithm,
                         source=v.source, public_key_pem=v.public_key_pem, record_count=v.record_count, create_time=ts(v.create_time),
                         activate_time=ts(v.activate_time), retire_time=ts(v.retire_time))


def job_pb(j: RewrapJob) -> pb.RewrapJob:
    return pb.RewrapJob(job_id=j.job_id, state=j.state, purpose=int(j.purpose), from_key_ids=j.from_key_ids, target_key_id=j.target_key_id,
                        total_records=j.total_records, done_records=j.done_records, failed_records=j.failed_records,
                        checkpoint=j.checkpoint, error_message=j.error_message, create_time=ts(j.create_time),
                        update_time=ts(j.update_time), finish_time=ts(j.finish_time))


def audit_pb(a: AuditEntry) -> pb.AuditRecord:
    return pb.AuditRecord(audit_id=a.audit_id, action=a.action, client_id=a.client_id, ticket=a.ticket, data_type=a.data_type,
                          context_id=a.context_id, allowed=a.allowed, reason=a.reason, method=a.method, create_time=ts(a.create_time))


def _page(items: list, key, size: int, token: str) -> tuple[list, str]:
    size = size or PAGE
    rest = [i for i in items if not token or key(i) > token]
    return rest[:size], (key(rest[size - 1]) if len(rest) > size else "")


class UesAdminServicer(rpc.UesAdminServiceServicer):
    def __init__(self, admin: Admin, db: Database):
        self.admin, self.db = admin, db

    def _caller(self, context, name: str):
        return caller_of(context, name, "UesAdminService")

    async def _once(self, name: str, request, response_type, work):
        return await idempotency.run_once(self.db, name, request.request_id, request, response_type,
                                          lambda conn: work(SqlVault(conn)))

    async def ListDataTypes(self, request, context):
        types = sorted(self.admin.ues.registry.types.values(), key=lambda t: t.name)
        page, token = _page(types, lambda t: t.name, request.page_size, request.page_token)
        return api.ListDataTypesResponse(data_types=[type_pb(t) for t in page], next_page_token=token)

    async def GetDataType(self, request, context):
        found = self.admin.ues.registry.types.get(request.name)
        if found is None:
            raise errors.data_type_not_found(request.name)
        return api.GetDataTypeResponse(data_type=type_pb(found))

    async def UpsertDataType(self, request, context):
        d, caller = request.data_type, self._caller(context, "UpsertDataType")
        dt = DataType(d.name, d.pattern, d.description, Normalization(d.normalization or 1), MaskStyle(d.mask_style or 1),
                      d.temporary_only, d.always_single_use, d.digest_allowed, d.max_length_chars or 100_000,
                      d.default_ttl_seconds, d.max_ttl_seconds)
        response = await self._once("UpsertDataType", request, api.UpsertDataTypeResponse,
                                    lambda v: self._upsert_type(caller, v, dt))
        await self.admin.refresh()
        return response

    async def _upsert_type(self, caller, vault, dt):
        return api.UpsertDataTypeResponse(data_type=type_pb(await self.admin.upsert_type(caller, vault, dt)))

    async def ListAccessPolicies(self, request, context):
        async with self.db.transaction() as conn:
            policies = [p for p in await SqlVault(conn).policies() if not request.client_id or p.client_id == request.client_id]
        page, token = _page(policies, lambda p: f"{p.client_id}/{p.data_type}", request.page_size, request.page_token)
        return api.ListAccessPoliciesResponse(policies=[policy_pb(p) for p in page], next_page_token=token)

    async def UpsertAccessPolicy(self, request, context):
        p, caller = request.policy, self._caller(context, "UpsertAccessPolicy")
        policy = Policy(p.client_id, p.data_type, frozenset(Permission(x) for x in p.permissions))

        async def work(vault):
            return api.UpsertAccessPolicyResponse(policy=policy_pb(await self.admin.upsert_policy(caller, vault, policy)))

        response = await self._once("UpsertAccessPolicy", request, api.UpsertAccessPolicyResponse, work)
        await self.admin.refresh()
        return response

    async def DeleteAccessPolicy(self, request, context):
        caller = self._caller(context, "DeleteAccessPolicy")
        async with self.db.transaction() as conn:
            deleted = await self.admin.delete_policy(caller, SqlVault(conn), request.client_id, request.data_type)
        await self.admin.refresh()
        return api.DeleteAccessPolicyResponse(deleted=deleted)

    async def ListKeyVersions(self, request, context):
        async with self.db.transaction() as conn:
            versions = [v for v in await SqlVault(conn).key_versions() if not request.purpose or v.purpose == request.purpose]
        versions.sort(key=lambda v: (v.create_time, v.key_id), reverse=True)
        start = next((i + 1 for i, v in enumerate(versions) if v.key_id == request.page_token), 0) if request.page_token else 0
        size = request.page_size or PAGE
        page = versions[start:start + size]
        token = page[-1].key_id if start + size < len(versions) else ""
        return api.ListKeyVersionsResponse(key_versions=[key_pb(v) for v in page], next_page_token=token)

    async def RotateKey(self, request, context):
        caller = self._caller(context, "RotateKey")

        async def work(vault):
            new, previous = await self.admin.rotate(caller, vault, Purpose(request.purpose), request.key_id)
            return api.RotateKeyResponse(key_version=key_pb(new), previous_key_version=key_pb(previous) if previous else None)

        response = await self._once("RotateKey", request, api.RotateKeyResponse, work)
        await self.admin.refresh()
        return response

    async def RetireKeyVersion(self, request, context):
        caller = self._caller(context, "RetireKeyVersion")

        async def work(vault):
            return api.RetireKeyVersionResponse(key_version=key_pb(await self.admin.retire(caller, vault, request.key_id)))

        response = await self._once("RetireKeyVersion", request, api.RetireKeyVersionResponse, work)
        await self.admin.after_retire(request.key_id)
        return response

    async def StartRewrapJob(self, request, context):
        caller = self._caller(context, "StartRewrapJob")

        async def work(vault):
            job = await self.admin.start_rewrap(caller, vault, Purpose(request.purpose), list(request.from_key_ids), request.batch_size)
            return api.StartRewrapJobResponse(job=job_pb(job))

        response = await self._once("StartRewrapJob", request, api.StartRewrapJobResponse, work)
        self.admin.kick(response.job.job_id)
        return response

    async def GetRewrapJob(self, request, context):
        async with self.db.transaction() as conn:
            job = await SqlVault(conn).get_job(request.job_id)
        if job is None:
            raise errors.job_not_found(request.job_id)
        return api.GetRewrapJobResponse(job=job_pb(job))

    async def ListRewrapJobs(self, request, context):
        size = request.page_size or PAGE
        async with self.db.transaction() as conn:
            jobs = await SqlVault(conn).list_jobs(request.state, request.page_token, size + 1)
        return api.ListRewrapJobsResponse(jobs=[job_pb(j) for j in jobs[:size]], next_page_token=jobs[size - 1].job_id if len(jobs) > size else "")

    async def ResumeRewrapJob(self, request, context):
        caller = self._caller(context, "ResumeRewrapJob")

        async def work(vault):
            return api.ResumeRewrapJobResponse(job=job_pb(await self.admin.resume(caller, vault, request.job_id)))

        response = await self._once("ResumeRewrapJob", request, api.ResumeRewrapJobResponse, work)
        self.admin.kick(request.job_id)
        return response

    async def ListAuditRecords(self, request, context):
        size = request.page_size or PAGE
        filters = {"ticket": request.ticket, "client_id": request.client_id, "context_id": request.context_id,
                   "action": int(request.action) or None,
                   "start_time": request.start_time.ToDatetime(tzinfo=timezone.utc) if request.HasField("start_time") else None,
                   "end_time": request.end_time.ToDatetime(tzinfo=timezone.utc) if request.HasField("end_time") else None}
        async with self.db.transaction() as conn:
            rows = await SqlVault(conn).list_audit(filters, request.page_token, size + 1)
        return api.ListAuditRecordsResponse(records=[audit_pb(a) for a in rows[:size]],
                                            next_page_token=rows[size - 1].audit_id if len(rows) > size else "")
