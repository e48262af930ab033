"""UES operations: key versions (first start, rotation, retirement), the rewrap job, the
registry refresh, data types and access policies. Every change is audited."""
from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import replace

from sqlalchemy.exc import IntegrityError

from servers.kernel.db import Database
from servers.kernel.errors import FieldViolation, InvalidArgument
from servers.kernel.ids import new_id
from servers.ues import crypto, errors
from servers.ues.adapters import SqlVault
from servers.ues.domain import MAX_CHARS, DataType, Policy
from servers.ues.handlers import AUDIT_KEY_CHANGE, AUDIT_POLICY_CHANGE, Ues, audit
from servers.ues.keys import KeyState, KeyVersion, Purpose, UnknownKey, first_versions
from servers.ues.ports import RewrapJob
from servers.ues.registry import Caller

log = logging.getLogger("paymesh.ues.admin")
PENDING, RUNNING, PAUSED, SUCCEEDED, FAILED = 1, 2, 3, 4, 5


class Admin:
    def __init__(self, ues: Ues, db: Database, batch_size: int = 500):
        self.ues, self.db, self.batch_size = ues, db, batch_size
        self._jobs: dict[str, asyncio.Task] = {}
        self._started = self._applied = 0

    # ------------------------------------------------------------ registry
    async def refresh(self) -> None:
        """Loads the snapshot; a refresh that started before a newer one finished is dropped, so a
        slow background read can never undo a retirement applied a moment later."""
        self._started += 1
        generation = self._started
        async with self.db.transaction() as conn:
            vault = SqlVault(conn)
            versions, types, policies = await vault.key_versions(), await vault.data_types(), await vault.policies()
        if generation < self._applied:
            return
        self._applied = generation
        self.ues.ring.set_versions(versions)
        self.ues.registry.set_types(types)
        self.ues.registry.set_policies(policies)

    async def bootstrap_keys(self) -> None:
        """First start: registers version 1 of each purpose from the key source."""
        async with self.db.transaction() as conn:
            vault = SqlVault(conn)
            await vault.lock_keys()
            have = {v.purpose for v in await vault.key_versions()}
            for version in first_versions(self.ues.ring):
                if version.purpose not in have:
                    await vault.insert_key(version)
        await self.refresh()

    async def refresher(self, interval_s: float) -> None:
        while True:
            await asyncio.sleep(interval_s)
            try:
                await self.refresh()
            except Exception:  # noqa: BLE001 - keep the last snapshot; retry next tick
                log.warning("registry refresh failed", exc_info=True)

    # ------------------------------------------------------------ keys
    async def rotate(self, caller: Caller, vault: SqlVault, purpose: Purpose, key_id: str) -> tuple[KeyVersion, KeyVersion | None]:
        self.ues.ring.reload_source()
        try:
            described = self.ues.ring.describe(purpose, key_id)
        except UnknownKey:
            raise errors.key_not_found(key_id) from None
        await vault.lock_keys()
        versions = await vault.key_versions()
        if any(v.key_id == key_id for v in versions):
            raise errors.key_exists(key_id)
        previous = next((v for v in versions if v.purpose == purpose and v.state == KeyState.ACTIVE), None)
        if previous is not None:
            await vault.set_key_state(previous.key_id, KeyState.DECRYPT_ONLY)
        number = max((v.version for v in versions if v.purpose == purpose), default=0) + 1
        await vault.insert_key(replace(described, version=number))
        await vault.insert_audit([audit(caller, AUDIT_KEY_CHANGE, "", f"rotate {purpose.name} {key_id}")])
        after = {v.key_id: v for v in await vault.key_versions()}
        return after[key_id], after.get(previous.key_id) if previous else None

    async def retire(self, caller: Caller, vault: SqlVault, key_id: str) -> KeyVersion:
        await vault.lock_keys()
        versions = {v.key_id: v for v in await vault.key_versions()}
        version = versions.get(key_id)
        if version is None:
            raise errors.key_not_found(key_id)
        if version.state == KeyState.ACTIVE:
            raise errors.key_active(key_id)
        await vault.set_key_state(key_id, KeyState.RETIRED)
        await vault.insert_audit([audit(caller, AUDIT_KEY_CHANGE, "", f"retire {key_id}")])
        return {v.key_id: v for v in await vault.key_versions()}[key_id]

    async def after_retire(self, key_id: str) -> None:
        await self.refresh()
        dropped = await self.ues.cache.drop_key(key_id)
        log.info("key retired", extra={"key_id": key_id, "cache_entries_dropped": dropped})

    # ------------------------------------------------------------ rewrap
    async def start_rewrap(self, caller: Caller, vault: SqlVault, purpose: Purpose, from_key_ids: list[str], batch_size: int) -> RewrapJob:
        versions = {v.key_id: v for v in await vault.key_versions()}
        target = next((v for v in versions.values() if v.purpose == purpose and v.state == KeyState.ACTIVE), None)
        if target is None:
            raise errors.key_not_found(f"active {purpose.name}")
        sources = from_key_ids or [v.key_id for v in versions.values() if v.purpose == purpose and v.state == KeyState.DECRYPT_ONLY]
        for i, key_id in enumerate(sources):
            v = versions.get(key_id)
            if v is None or v.purpose != purpose or v.key_id == target.key_id:
                raise InvalidArgument([FieldViolation(f"from_key_ids[{i}]", "must be a non-active key version of the purpose")])
        job = RewrapJob(new_id("rwj"), RUNNING, purpose, sources, target.key_id, batch_size or self.batch_size,
                        await vault.count_records(sources))
        try:
            async with vault.conn.begin_nested():
                await vault.insert_job(job)
        except IntegrityError:
            raise errors.job_running(purpose.name) from None
        await vault.insert_audit([audit(caller, AUDIT_KEY_CHANGE, "", f"rewrap {','.join(sources)} -> {target.key_id}")])
        return job

    async def resume(self, caller: Caller, vault: SqlVault, job_id: str) -> RewrapJob:
        job = await vault.get_job(job_id)  # unlocked first: a running batch holds the row's lock
        if job is not None and job.state == PAUSED:
            job = await vault.get_job(job_id, lock=True)
        if job is None:
            raise errors.job_not_found(job_id)
        if job.state != PAUSED:
            raise errors.job_not_paused(job_id)
        await vault.update_job(job_id, state=RUNNING, error_message="")
        await vault.insert_audit([audit(caller, AUDIT_KEY_CHANGE, "", f"resume {job_id}")])
        return replace(job, state=RUNNING, error_message="")

    def kick(self, job_id: str) -> None:
        if job_id not in self._jobs or self._jobs[job_id].done():
            self._jobs[job_id] = asyncio.create_task(self.run_job(job_id), name=f"rewrap-{job_id}")

    async def run_job(self, job_id: str) -> None:
        """Batch by batch, each batch one transaction holding the job row (so two replicas never
        run the same job) and recording the checkpoint with the rewrapped keys."""
        while True:
            try:
                if await self.db.run_in_transaction(lambda conn: self._batch(SqlVault(conn), job_id)):
                    return
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - the job pauses with the reason; ResumeRewrapJob continues
                log.warning("rewrap job paused", extra={"job_id": job_id}, exc_info=True)
                async with self.db.transaction() as conn:
                    await SqlVault(conn).update_job(job_id, state=PAUSED, error_message=type(exc).__name__)
                return

    async def _batch(self, vault: SqlVault, job_id: str) -> bool:
        job = await vault.get_job(job_id, lock=True)
        if job is None or job.state != RUNNING:
            return True
        records = await vault.records_to_rewrap(job.from_key_ids, job.checkpoint, job.batch_size)
        if not records:
            await vault.update_job(job_id, state=SUCCEEDED)
            return True
        target = self.ues.ring.usable(job.target_key_id)
        moved, failed = [], 0
        for record in records:
            try:
                old = self.ues.ring.usable(record.key_id)
                key = old.unwrap(record.wrapped_key, crypto.wrap_aad(record.ticket, record.data_type, record.record_key_id, record.key_id))
                wrapped = target.wrap(key, crypto.wrap_aad(record.ticket, record.data_type, record.record_key_id, job.target_key_id))
                moved.append(record.rewrapped(wrapped, job.target_key_id))
            except (UnknownKey, crypto.TamperedError):
                failed += 1
                log.warning("rewrap skipped a record", extra={"ticket": record.ticket, "key_id": record.key_id})
        done = await vault.save_rewrapped({r.ticket: r.key_id for r in records}, moved)
        await vault.update_job(job_id, done_records=job.done_records + done, failed_records=job.failed_records + failed,
                               checkpoint=records[-1].ticket)
        return False

    async def job_watcher(self, interval_s: float) -> None:
        """Runs RUNNING jobs (new ones, and ones a shutdown interrupted) on this replica too."""
        while True:
            try:
                async with self.db.transaction() as conn:
                    for job in await SqlVault(conn).list_jobs(RUNNING, "", 10):
                        self.kick(job.job_id)
            except Exception:  # noqa: BLE001
                log.warning("rewrap watcher failed", exc_info=True)
            await asyncio.sleep(interval_s)

    async def close(self) -> None:
        for task in self._jobs.values():
            task.cancel()
        await asyncio.gather(*self._jobs.values(), return_exceptions=True)

    # ------------------------------------------------------------ data types and policies
    async def upsert_type(self, caller: Caller, vault: SqlVault, dt: DataType) -> DataType:
        try:
            re.compile(dt.pattern)
        except re.error:
            raise InvalidArgument([FieldViolation("data_type.pattern", "is not a valid regular expression")]) from None
        if dt.max_length_chars > MAX_CHARS:
            raise InvalidArgument([FieldViolation("data_type.max_length_chars", f"must be at most {MAX_CHARS}")])
        await vault.upsert_data_type(dt)
        await vault.insert_audit([audit(caller, AUDIT_POLICY_CHANGE, "", dt.name)])
        return next(t for t in await vault.data_types() if t.name == dt.name)

    async def upsert_policy(self, caller: Caller, vault: SqlVault, policy: Policy) -> Policy:
        await vault.upsert_policy(policy)
        await vault.insert_audit([audit(caller, AUDIT_POLICY_CHANGE, "", f"policy {policy.client_id}/{policy.data_type}")])
        return next(p for p in await vault.policies() if (p.client_id, p.data_type) == (policy.client_id, policy.data_type))

    async def delete_policy(self, caller: Caller, vault: SqlVault, client_id: str, data_type: str) -> bool:
        deleted = await vault.delete_policy(client_id, data_type)
        await vault.insert_audit([audit(caller, AUDIT_POLICY_CHANGE, "", f"delete policy {client_id}/{data_type}")])
        return deleted
