"""PostgreSQL side of UES (schema `ues`), SQLAlchemy Core on the caller's connection: sealed
records, key version metadata, rewrap jobs, data types, access policies, audit records."""
from __future__ import annotations

from datetime import datetime, timezone

import asyncpg
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from servers.ues.domain import DataType, MaskStyle, Normalization, Permission, Policy, Record, TicketType
from servers.ues.keys import KeyState, KeyVersion, Purpose
from servers.ues.ports import AuditEntry, RewrapJob

_REC = ("t.ticket, t.type, t.data_type, t.summary, t.ciphertext, t.record_key_id, t.wrapped_key, t.key_id, t.digest,"
        " t.digest_key_id, t.compressed, t.plain_length, t.owner_client_id, t.context_id, t.create_time")
_JOB = ("job_id, state, purpose, from_key_ids, target_key_id, batch_size, total_records, done_records, failed_records,"
        " checkpoint, error_message, create_time, update_time, finish_time")


def _record(r) -> Record:
    return Record(r.ticket, TicketType(r.type), r.data_type, r.summary, bytes(r.ciphertext), r.record_key_id, bytes(r.wrapped_key),
                  r.key_id, r.digest or "", r.digest_key_id or "", False, r.compressed, r.plain_length, r.owner_client_id,
                  r.context_id, r.create_time)


def _job(r) -> RewrapJob:
    return RewrapJob(r.job_id, r.state, Purpose(r.purpose), list(r.from_key_ids), r.target_key_id, r.batch_size, r.total_records,
                     r.done_records, r.failed_records, r.checkpoint, r.error_message, r.create_time, r.update_time, r.finish_time)


class SqlVault:
    def __init__(self, conn: AsyncConnection):
        self.conn = conn

    async def _driver_in_tx(self):
        """The asyncpg connection, inside this transaction: SQLAlchemy begins lazily on its first
        statement, so a write that goes straight to the driver starts it first (otherwise it would
        autocommit outside the caller's transaction)."""
        raw = await self.conn.get_raw_connection()
        adapted = raw.dbapi_connection
        if getattr(adapted, "_transaction", True) is None:
            await adapted._start_transaction()
        return raw.driver_connection

    # ------------------------------------------------------------ records
    async def insert_records(self, records: list[Record]) -> None:
        """One statement for a whole batch, straight on the driver inside this transaction."""
        if records:
            await insert_records(await self._driver_in_tx(), records)

    async def get_records(self, tickets: list[str]) -> dict[str, Record]:
        return await get_records((await self.conn.get_raw_connection()).driver_connection, tickets)

    async def find_by_digest(self, data_type: str, digests: list[str]) -> Record | None:
        row = (await self.conn.execute(text(
            f"SELECT {_REC} FROM tickets t WHERE t.data_type = :dt AND t.digest = ANY(:ds) ORDER BY t.create_time DESC LIMIT 1"),
            {"dt": data_type, "ds": digests})).first()
        return _record(row) if row else None

    async def records_to_rewrap(self, from_key_ids: list[str], after: str, limit: int) -> list[Record]:
        rows = (await self.conn.execute(text(
            f"SELECT {_REC} FROM tickets t WHERE t.key_id = ANY(:ks) AND t.ticket > :after ORDER BY t.ticket LIMIT :n"
            " FOR UPDATE"), {"ks": from_key_ids, "after": after, "n": limit})).all()
        return [_record(r) for r in rows]

    async def count_records(self, key_ids: list[str]) -> int:
        return (await self.conn.execute(text("SELECT count(*) FROM tickets WHERE key_id = ANY(:ks)"), {"ks": key_ids})).scalar_one()

    async def save_rewrapped(self, old_key_ids: dict[str, str], records: list[Record]) -> int:
        """Rewrites only wrapped_key and key_id, and only if the row is still under its old key."""
        if not records:
            return 0
        rows = await self.conn.execute(text(
            "UPDATE tickets t SET wrapped_key = u.w, key_id = u.k FROM unnest(CAST(:t AS text[]), CAST(:w AS bytea[]),"
            " CAST(:k AS text[]), CAST(:old AS text[])) AS u(t, w, k, old) WHERE t.ticket = u.t AND t.key_id = u.old RETURNING t.ticket"),
            {"t": [r.ticket for r in records], "w": [r.wrapped_key for r in records], "k": [r.key_id for r in records],
             "old": [old_key_ids[r.ticket] for r in records]})
        return len(rows.all())

    # ------------------------------------------------------------ key versions
    async def key_versions(self) -> list[KeyVersion]:
        rows = (await self.conn.execute(text(
            "SELECT k.*, (SELECT count(*) FROM tickets t WHERE t.key_id = k.key_id) AS n FROM key_versions k"
            " ORDER BY k.purpose, k.version DESC"))).all()
        return [KeyVersion(r.key_id, Purpose(r.purpose), r.version, KeyState(r.state), r.algorithm, r.source, r.public_key_pem,
                           r.n, r.create_time, r.activate_time, r.retire_time) for r in rows]

    async def lock_keys(self) -> None:
        await self.conn.execute(text("LOCK TABLE key_versions IN SHARE ROW EXCLUSIVE MODE"))

    async def insert_key(self, v: KeyVersion) -> None:
        await self.conn.execute(text(
            "INSERT INTO key_versions (key_id, purpose, version, state, algorithm, source, public_key_pem, activate_time)"
            " VALUES (:k, :p, :v, CAST(:s AS smallint), :a, :src, :pem, CASE WHEN CAST(:s AS smallint) = 1 THEN now() END)"),
            {"k": v.key_id, "p": int(v.purpose), "v": v.version, "s": int(v.state), "a": v.algorithm, "src": v.source,
             "pem": v.public_key_pem})

    async def set_key_state(self, key_id: str, state: KeyState) -> None:
        await self.conn.execute(text(
            "UPDATE key_versions SET state = CAST(:s AS smallint), retire_time = CASE WHEN CAST(:s AS smallint) = 3 THEN now()"
            " ELSE retire_time END WHERE key_id = :k"),
            {"s": int(state), "k": key_id})

    # ------------------------------------------------------------ rewrap jobs
    async def insert_job(self, job: RewrapJob) -> None:
        await self.conn.execute(text(
            "INSERT INTO rewrap_jobs (job_id, state, purpose, from_key_ids, target_key_id, batch_size, total_records)"
            " VALUES (:j, :s, :p, :f, :t, :b, :n)"),
            {"j": job.job_id, "s": job.state, "p": int(job.purpose), "f": job.from_key_ids, "t": job.target_key_id,
             "b": job.batch_size, "n": job.total_records})

    async def get_job(self, job_id: str, lock: bool = False) -> RewrapJob | None:
        row = (await self.conn.execute(text(f"SELECT {_JOB} FROM rewrap_jobs WHERE job_id = :j" + (" FOR UPDATE" if lock else "")),
                                       {"j": job_id})).first()
        return _job(row) if row else None

    async def list_jobs(self, state: int, after: str, limit: int) -> list[RewrapJob]:
        rows = (await self.conn.execute(text(
            f"SELECT {_JOB} FROM rewrap_jobs WHERE (CAST(:s AS smallint) = 0 OR state = CAST(:s AS smallint)) AND (:a = '' OR job_id < :a)"
            " ORDER BY job_id DESC LIMIT :n"), {"s": state, "a": after, "n": limit})).all()
        return [_job(r) for r in rows]

    async def update_job(self, job_id: str, **fields) -> None:
        sets = ", ".join(f"{k} = :{k}" for k in fields)
        finish = ", finish_time = now()" if fields.get("state") in (4, 5) else ""
        await self.conn.execute(text(f"UPDATE rewrap_jobs SET {sets}, update_time = now(){finish} WHERE job_id = :job_id"),
                                {**fields, "job_id": job_id})

    # ------------------------------------------------------------ data types and policies
    async def data_types(self) -> list[DataType]:
        rows = (await self.conn.execute(text("SELECT * FROM data_types ORDER BY name"))).all()
        return [DataType(r.name, r.pattern, r.description, Normalization(r.normalization), MaskStyle(r.mask_style), r.temporary_only,
                         r.always_single_use, r.digest_allowed, r.max_length_chars, r.default_ttl_seconds, r.max_ttl_seconds,
                         False, r.update_time) for r in rows]

    async def upsert_data_type(self, t: DataType) -> None:
        await self.conn.execute(text(
            "INSERT INTO data_types (name, pattern, description, normalization, mask_style, temporary_only, always_single_use,"
            " digest_allowed, max_length_chars, default_ttl_seconds, max_ttl_seconds) VALUES (:n, :p, :d, :no, :m, :to, :su, :da,"
            " :ml, :dt, :mt) ON CONFLICT (name) DO UPDATE SET pattern = :p, description = :d, normalization = :no, mask_style = :m,"
            " temporary_only = :to, always_single_use = :su, digest_allowed = :da, max_length_chars = :ml, default_ttl_seconds = :dt,"
            " max_ttl_seconds = :mt, update_time = now()"),
            {"n": t.name, "p": t.pattern, "d": t.description, "no": int(t.normalization), "m": int(t.mask_style),
             "to": t.temporary_only, "su": t.always_single_use, "da": t.digest_allowed, "ml": t.max_length_chars,
             "dt": t.default_ttl_seconds, "mt": t.max_ttl_seconds})

    async def policies(self) -> list[Policy]:
        rows = (await self.conn.execute(text("SELECT * FROM access_policies ORDER BY client_id, data_type"))).all()
        return [Policy(r.client_id, r.data_type, frozenset(Permission(p) for p in r.permissions), r.update_time) for r in rows]

    async def upsert_policy(self, p: Policy) -> None:
        await self.conn.execute(text(
            "INSERT INTO access_policies (client_id, data_type, permissions) VALUES (:c, :d, :p)"
            " ON CONFLICT (client_id, data_type) DO UPDATE SET permissions = :p, update_time = now()"),
            {"c": p.client_id, "d": p.data_type, "p": sorted(int(x) for x in p.permissions)})

    async def delete_policy(self, client_id: str, data_type: str) -> bool:
        result = await self.conn.execute(text("DELETE FROM access_policies WHERE client_id = :c AND data_type = :d"),
                                         {"c": client_id, "d": data_type})
        return result.rowcount > 0

    # ------------------------------------------------------------ audit
    async def insert_audit(self, entries: list[AuditEntry]) -> None:
        """Audit rows written with the caller's transaction (admin changes, conversions)."""
        if entries:
            await insert_audit(await self._driver_in_tx(), entries)

    async def list_audit(self, filters: dict, after: str, limit: int) -> list[AuditEntry]:
        clauses, params = ["(:after = '' OR audit_id < :after)"], {"after": after, "n": limit}
        for column in ("ticket", "client_id", "context_id", "action"):
            if filters.get(column):
                clauses.append(f"{column} = :{column}")
                params[column] = filters[column]
        for column, op in (("start_time", ">="), ("end_time", "<")):
            if filters.get(column):
                clauses.append(f"create_time {op} :{column}")
                params[column] = filters[column]
        rows = (await self.conn.execute(text(
            f"SELECT * FROM audit_records WHERE {' AND '.join(clauses)} ORDER BY audit_id DESC LIMIT :n"), params)).all()
        return [AuditEntry(r.audit_id, r.action, r.client_id, r.ticket, r.data_type, r.context_id, r.allowed, r.reason, r.method,
                           r.create_time) for r in rows]


# ---------------------------------------------------------------- the hot path, on an asyncpg connection
# One statement each, no per-row ORM work: a batch is one `unnest` INSERT or one `= ANY` SELECT.
_INSERT_RECORDS = (
    "INSERT INTO tickets (ticket, type, data_type, summary, ciphertext, record_key_id, wrapped_key, key_id, digest,"
    " digest_key_id, compressed, plain_length, owner_client_id, context_id)"
    " SELECT * FROM unnest($1::text[], $2::smallint[], $3::text[], $4::text[], $5::bytea[], $6::text[], $7::bytea[],"
    " $8::text[], $9::text[], $10::text[], $11::boolean[], $12::integer[], $13::text[], $14::text[])")
_INSERT_AUDIT = (
    "INSERT INTO audit_records (audit_id, action, client_id, ticket, data_type, context_id, allowed, reason, method)"
    " SELECT * FROM unnest($1::text[], $2::smallint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::boolean[],"
    " $8::text[], $9::text[])")


async def insert_records(raw: asyncpg.Connection, records: list[Record]) -> None:
    await raw.execute(
        _INSERT_RECORDS,
        [r.ticket for r in records], [int(r.type) for r in records], [r.data_type for r in records], [r.summary for r in records],
        [r.ciphertext for r in records], [r.record_key_id for r in records], [r.wrapped_key for r in records],
        [r.key_id for r in records], [r.digest or None for r in records], [r.digest_key_id or None for r in records],
        [r.compressed for r in records], [r.plain_length for r in records], [r.owner_client_id for r in records],
        [r.context_id for r in records])


async def get_records(raw: asyncpg.Connection, tickets: list[str]) -> dict[str, Record]:
    rows = await raw.fetch(f"SELECT {_REC} FROM tickets t WHERE t.ticket = ANY($1::text[])", tickets)
    return {r["ticket"]: Record(r["ticket"], TicketType(r["type"]), r["data_type"], r["summary"], r["ciphertext"], r["record_key_id"],
                                r["wrapped_key"], r["key_id"], r["digest"] or "", r["digest_key_id"] or "", False, r["compressed"],
                                r["plain_length"], r["owner_client_id"], r["context_id"], r["create_time"]) for r in rows}


async def insert_audit(raw: asyncpg.Connection, entries: list[AuditEntry]) -> None:
    await raw.execute(
        _INSERT_AUDIT,
        [e.audit_id for e in entries], [e.action for e in entries], [e.client_id for e in entries], [e.ticket for e in entries],
        [e.data_type for e in entries], [e.context_id for e in entries], [e.allowed for e in entries],
        [e.reason for e in entries], [e.method for e in entries])


class DirectVault:
    """The request path without a transaction around it: each call is ONE autocommitted statement
    on a pooled asyncpg connection (one round trip; a write is durable when it returns, as
    synchronous_commit stays on). Enough where one statement is the whole unit of work: sealing a
    batch of records (no idempotency key), reading records, a group-commit batch of audit rows.
    Skips SQLAlchemy's BEGIN/COMMIT round trips and its pool and greenlet overhead (~0.3-0.5 ms
    of CPU a call)."""

    def __init__(self, pool: asyncpg.Pool):
        self.pool = pool

    async def insert_records(self, records: list[Record]) -> None:
        if records:
            async with self.pool.acquire() as raw:
                await insert_records(raw, records)

    async def get_records(self, tickets: list[str]) -> dict[str, Record]:
        async with self.pool.acquire() as raw:
            return await get_records(raw, tickets)

    async def insert_audit(self, entries: list[AuditEntry]) -> None:
        if entries:
            async with self.pool.acquire() as raw:
                await insert_audit(raw, entries)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)
