"""gRPC ↔ UFS operator handlers. Mutations run once per request_id (kernel idempotency, in
the same transaction as their effect). Passwords never reach the idempotency table: the
request is fingerprinted with the password replaced by a keyed HMAC, and a generated
password is returned only by the call that generated it."""
from __future__ import annotations

import asyncio
import hashlib
import hmac

from paymesh.ufs.v1 import ufs_pb2 as pb, ufs_service_pb2 as api, ufs_service_pb2_grpc as rpc
from servers.kernel import idempotency
from servers.kernel.db import Database
from servers.ufs import domain, handlers_admin as admin, handlers_share as share
from servers.ufs.adapters import SqlRepository
from servers.ufs.domain import Client, ClientState, StsGrant
from servers.ufs.handlers import Deps
from servers.ufs.servicer import ts


def client_pb(c: Client) -> pb.UfsClient:
    return pb.UfsClient(client_id=c.client_id, display_name=c.display_name, state=int(c.state),
                        buckets=[pb.BucketBinding(bucket_alias=b.bucket_alias, bucket_name=b.bucket_name, bind_time=ts(b.bind_time))
                                 for b in c.buckets],
                        default_bucket_alias=c.default_bucket_alias, password_update_time=ts(c.password_update_time),
                        create_time=ts(c.create_time), update_time=ts(c.update_time), auth_user=c.auth_user or c.client_id)


def grant_pb(g: StsGrant, token: str) -> pb.StsToken:
    return pb.StsToken(sts_token=token, client_id=g.client_id, target_kind=int(g.target_kind), bucket_alias=g.bucket_alias,
                       oss_path=g.oss_path, file_tag=g.file_tag, create_time=ts(g.create_time), expire_time=ts(g.expire_time),
                       revoke_time=ts(g.revoke_time))


class AdminServicer(rpc.UfsAdminServiceServicer):
    def __init__(self, db: Database, deps: Deps, pepper: bytes, ensure_bucket):
        self.db, self.deps, self.pepper, self.ensure_bucket = db, deps, pepper, ensure_bucket

    def _fingerprint(self, request):
        if not getattr(request, "password", ""):
            return request
        masked = type(request)()
        masked.CopyFrom(request)
        masked.password = hmac.new(self.pepper, request.password.encode(), hashlib.sha256).hexdigest()
        return masked

    async def _once(self, method: str, request, response_type, work):
        return await idempotency.run_once(self.db, method, request.request_id, self._fingerprint(request), response_type,
                                          lambda conn: work(SqlRepository(conn)))

    async def _read(self, work):
        async with self.db.transaction() as conn:
            return await work(SqlRepository(conn))

    async def CreateClient(self, request, context):
        password = request.password or domain.new_password()
        password_hash = await asyncio.to_thread(domain.hash_password, password)
        fresh: list[bool] = []

        async def work(repo):
            fresh[:] = [True]
            client = await admin.create_client(repo, request.client_id, request.display_name, password_hash, request.auth_user)
            return api.CreateClientResponse(client=client_pb(client))

        reply = await self._once("CreateClient", request, api.CreateClientResponse, work)
        if fresh and not request.password:
            reply.generated_password = password
        return reply

    async def GetClient(self, request, context):
        return api.GetClientResponse(client=client_pb(await self._read(lambda repo: admin.get_client(repo, request.client_id))))

    async def ListClients(self, request, context):
        clients, token = await self._read(lambda repo: admin.list_clients(repo, request.state, request.page_size, request.page_token))
        return api.ListClientsResponse(clients=[client_pb(c) for c in clients], next_page_token=token)

    async def SetClientPassword(self, request, context):
        password_hash = await asyncio.to_thread(domain.hash_password, request.password)

        async def work(repo):
            return api.SetClientPasswordResponse(client=client_pb(await admin.set_password_hash(repo, request.client_id, password_hash)))
        return await self._once("SetClientPassword", request, api.SetClientPasswordResponse, work)

    async def RotateClientPassword(self, request, context):
        password = domain.new_password()
        password_hash = await asyncio.to_thread(domain.hash_password, password)
        fresh: list[bool] = []

        async def work(repo):
            fresh[:] = [True]
            return api.RotateClientPasswordResponse(client=client_pb(await admin.set_password_hash(repo, request.client_id, password_hash)))

        reply = await self._once("RotateClientPassword", request, api.RotateClientPasswordResponse, work)
        if fresh:
            reply.new_password = password
        return reply

    async def BindBucketAlias(self, request, context):
        await self.ensure_bucket(request.bucket_name)

        async def work(repo):
            client = await admin.bind_bucket(repo, request.client_id, request.bucket_alias, request.bucket_name)
            return api.BindBucketAliasResponse(client=client_pb(client))
        return await self._once("BindBucketAlias", request, api.BindBucketAliasResponse, work)

    async def UnbindBucketAlias(self, request, context):
        async def work(repo):
            return api.UnbindBucketAliasResponse(client=client_pb(await admin.unbind_bucket(repo, request.client_id, request.bucket_alias)))
        if not request.request_id:
            return await self._read(work)
        return await self._once("UnbindBucketAlias", request, api.UnbindBucketAliasResponse, work)

    async def SetDefaultBucket(self, request, context):
        async def work(repo):
            return api.SetDefaultBucketResponse(client=client_pb(await admin.set_default_bucket(repo, request.client_id, request.bucket_alias)))
        return await self._once("SetDefaultBucket", request, api.SetDefaultBucketResponse, work)

    async def DisableClient(self, request, context):
        async def work(repo):
            return api.DisableClientResponse(client=client_pb(await admin.set_state(repo, request.client_id, ClientState.DISABLED)))
        return await self._once("DisableClient", request, api.DisableClientResponse, work)

    async def EnableClient(self, request, context):
        async def work(repo):
            return api.EnableClientResponse(client=client_pb(await admin.set_state(repo, request.client_id, ClientState.ACTIVE)))
        return await self._once("EnableClient", request, api.EnableClientResponse, work)

    async def RevokeStsToken(self, request, context):
        async def work(repo):
            return api.RevokeStsTokenResponse(sts_token=grant_pb(await admin.revoke_sts(repo, request.sts_token), request.sts_token))
        return await self._once("RevokeStsToken", request, api.RevokeStsTokenResponse, work)

    async def ReapExpiredFiles(self, request, context):
        before = request.expired_before_time.ToDatetime(tzinfo=domain.dt.timezone.utc) if request.HasField("expired_before_time") \
            else domain.now()
        reaped, failed, more = await share.reap(self.deps, before, request.max_files or 1000, request.dry_run)
        return api.ReapExpiredFilesResponse(reaped_count=reaped, failed_count=failed, more_remaining=more)
