"""PostgreSQL implementation of UFS's repository (SQLAlchemy Core on one connection, inside
the caller's transaction) and its unit of work."""
from __future__ import annotations

import datetime as dt
import json
from types import SimpleNamespace
from typing import Awaitable, Callable, TypeVar

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from servers.kernel import idempotency
from servers.kernel.db import Database
from servers.ufs.domain import BucketBinding, Client, ClientState, Content, ShareFile, StoredFile, StsGrant, StsTargetKind

T = TypeVar("T")
_CLIENT = ("SELECT c.client_id, c.display_name, c.state, c.password_hash, c.default_bucket_alias, c.auth_user, c.password_update_time,"
           " c.create_time, c.update_time, coalesce((SELECT json_agg(json_build_object('a', b.bucket_alias, 'b', b.bucket_name,"
           " 't', b.bind_time) ORDER BY b.bucket_alias) FROM bucket_bindings b WHERE b.client_id = c.client_id), '[]') AS buckets"
           " FROM clients c")
_CONTENT = "object_key, file_name, content_type, size_bytes, content_sha256, metadata, encrypted, wrapped_key"
_FILE = f"SELECT bucket_name, oss_path, {_CONTENT}, create_time, update_time FROM files"
_SHARE = (f"SELECT file_tag, owner_client_id, {_CONTENT}, expire_time, adopted, adopter_client_id, adopt_time, create_time"
          " FROM share_files")
_GRANT = ("SELECT token_sha256, client_id, target_kind, bucket_alias, bucket_name, oss_path, file_tag, expire_time, create_time,"
          " revoke_time FROM sts_tokens")


# One statement (one snapshot, one round trip): the client, the bucket its alias (or default)
# names, and the file there. The caller checks credentials before using the file. asyncpg style
# ($n): it also runs on the bare pool of the download path (SqlUnitOfWork.client_and_file).
_CLIENT_AND_FILE = (
    f"SELECT q.*, f.bucket_name AS f_bucket, f.oss_path AS f_path, {', '.join(f'f.{c.strip()} AS f_{c.strip()}' for c in _CONTENT.split(','))},"
    " f.create_time AS f_create_time, f.update_time AS f_update_time"
    f" FROM ({_CLIENT} WHERE c.client_id = $1) q"
    " LEFT JOIN bucket_bindings rb ON rb.client_id = q.client_id AND rb.bucket_alias = coalesce(nullif($2, ''), q.default_bucket_alias)"
    " LEFT JOIN files f ON f.bucket_name = rb.bucket_name AND f.oss_path = $3")


def _client_and_file(record) -> tuple[Client | None, tuple[str, StoredFile | None] | None]:
    if record is None:
        return None, None
    row = SimpleNamespace(**record)
    resolved = None
    if row.f_bucket is not None:
        content = Content(row.f_object_key, row.f_file_name, row.f_content_type, row.f_size_bytes, row.f_content_sha256,
                          row.f_metadata if isinstance(row.f_metadata, dict) else json.loads(row.f_metadata), row.f_encrypted,
                          bytes(row.f_wrapped_key))
        resolved = (row.f_bucket, StoredFile(row.f_bucket, row.f_path, content, row.f_create_time, row.f_update_time))
    return _client(row), resolved


def _client(row) -> Client:
    buckets = row.buckets if isinstance(row.buckets, list) else json.loads(row.buckets)
    return Client(row.client_id, row.display_name, ClientState(row.state), row.password_hash, row.default_bucket_alias,
                  tuple(BucketBinding(b["a"], b["b"], dt.datetime.fromisoformat(b["t"])) for b in buckets),
                  row.password_update_time, row.create_time, row.update_time, row.auth_user)


def _content(row) -> Content:
    meta = row.metadata if isinstance(row.metadata, dict) else json.loads(row.metadata)
    return Content(row.object_key, row.file_name, row.content_type, row.size_bytes, row.content_sha256, meta, row.encrypted,
                   bytes(row.wrapped_key))


def _content_params(c: Content) -> dict:
    return {"k": c.object_key, "n": c.file_name, "ct": c.content_type, "s": c.size_bytes, "h": c.content_sha256,
            "m": json.dumps(c.metadata), "e": c.encrypted, "w": c.wrapped_key}


def _share(row) -> ShareFile:
    return ShareFile(row.file_tag, row.owner_client_id, _content(row), row.expire_time, row.adopted, row.adopter_client_id,
                     row.adopt_time, row.create_time)


def _grant(row) -> StsGrant:
    return StsGrant(bytes(row.token_sha256), row.client_id, StsTargetKind(row.target_kind), row.bucket_alias, row.bucket_name,
                    row.oss_path, row.file_tag, row.expire_time, row.create_time, row.revoke_time)


class SqlRepository:
    def __init__(self, conn: AsyncConnection):
        self.conn = conn

    async def _one(self, sql: str, params: dict):
        return (await self.conn.execute(text(sql), params)).first()

    # clients -------------------------------------------------------------------------------
    async def get_client(self, client_id: str, lock: bool = False) -> Client | None:
        row = await self._one(f"{_CLIENT} WHERE c.client_id = :c" + (" FOR UPDATE OF c" if lock else ""), {"c": client_id})
        return _client(row) if row else None

    async def get_client_and_file(self, client_id: str, alias: str, oss_path: str) -> tuple[Client | None, tuple[str, StoredFile | None] | None]:
        raw = (await self.conn.get_raw_connection()).driver_connection
        return _client_and_file(await raw.fetchrow(_CLIENT_AND_FILE, client_id, alias, oss_path))

    async def insert_client(self, client: Client) -> bool:
        row = await self._one("INSERT INTO clients (client_id, display_name, state, password_hash, auth_user)"
                              " VALUES (:c, :d, :s, :p, :u) ON CONFLICT DO NOTHING RETURNING client_id",
                              {"c": client.client_id, "d": client.display_name, "s": int(client.state), "p": client.password_hash,
                               "u": client.auth_user or client.client_id})
        return row is not None

    async def update_client(self, client: Client) -> None:
        await self.conn.execute(text(
            "UPDATE clients SET display_name = :d, state = :s, password_hash = :p, default_bucket_alias = :a, update_time = now(),"
            " password_update_time = CASE WHEN password_hash <> :p THEN now() ELSE password_update_time END WHERE client_id = :c"),
            {"c": client.client_id, "d": client.display_name, "s": int(client.state), "p": client.password_hash,
             "a": client.default_bucket_alias})

    async def list_clients(self, state: int, after: str, limit: int) -> list[Client]:
        rows = (await self.conn.execute(text(
            f"{_CLIENT} WHERE c.client_id > :after AND (:s = 0 OR c.state = :s) ORDER BY c.client_id LIMIT :n"),
            {"after": after, "s": state, "n": limit})).all()
        return [_client(r) for r in rows]

    async def bucket_owner(self, bucket_name: str) -> str | None:
        row = await self._one("SELECT client_id FROM bucket_bindings WHERE bucket_name = :b", {"b": bucket_name})
        return row.client_id if row else None

    async def bind_bucket(self, client_id: str, binding: BucketBinding) -> bool:
        row = await self._one("INSERT INTO bucket_bindings (client_id, bucket_alias, bucket_name) VALUES (:c, :a, :b)"
                              " ON CONFLICT DO NOTHING RETURNING bucket_name",
                              {"c": client_id, "a": binding.bucket_alias, "b": binding.bucket_name})
        return row is not None

    async def unbind_bucket(self, client_id: str, alias: str) -> bool:
        row = await self._one("DELETE FROM bucket_bindings WHERE client_id = :c AND bucket_alias = :a RETURNING bucket_name",
                              {"c": client_id, "a": alias})
        return row is not None

    # standalone files ----------------------------------------------------------------------
    async def get_file(self, bucket_name: str, oss_path: str, lock: bool = False) -> StoredFile | None:
        row = await self._one(f"{_FILE} WHERE bucket_name = :b AND oss_path = :p" + (" FOR UPDATE" if lock else ""),
                              {"b": bucket_name, "p": oss_path})
        return StoredFile(row.bucket_name, row.oss_path, _content(row), row.create_time, row.update_time) if row else None

    async def insert_file(self, file: StoredFile) -> StoredFile | None:
        row = await self._one(
            f"INSERT INTO files (bucket_name, oss_path, {_CONTENT}) VALUES (:b, :p, :k, :n, :ct, :s, :h, CAST(:m AS jsonb), :e, :w)"
            f" ON CONFLICT DO NOTHING RETURNING bucket_name, oss_path, {_CONTENT}, create_time, update_time",
            {"b": file.bucket_name, "p": file.oss_path, **_content_params(file.content)})
        return StoredFile(row.bucket_name, row.oss_path, _content(row), row.create_time, row.update_time) if row else None

    async def replace_file(self, file: StoredFile) -> StoredFile | None:
        row = await self._one(
            "UPDATE files SET object_key = :k, file_name = :n, content_type = :ct, size_bytes = :s, content_sha256 = :h,"
            " metadata = CAST(:m AS jsonb), encrypted = :e, wrapped_key = :w, update_time = now()"
            f" WHERE bucket_name = :b AND oss_path = :p RETURNING bucket_name, oss_path, {_CONTENT}, create_time, update_time",
            {"b": file.bucket_name, "p": file.oss_path, **_content_params(file.content)})
        return StoredFile(row.bucket_name, row.oss_path, _content(row), row.create_time, row.update_time) if row else None

    async def delete_file(self, bucket_name: str, oss_path: str) -> StoredFile | None:
        row = await self._one(f"DELETE FROM files WHERE bucket_name = :b AND oss_path = :p RETURNING bucket_name, oss_path,"
                              f" {_CONTENT}, create_time, update_time", {"b": bucket_name, "p": oss_path})
        return StoredFile(row.bucket_name, row.oss_path, _content(row), row.create_time, row.update_time) if row else None

    async def list_files(self, bucket_name: str, prefix: str, after: str, limit: int) -> list[StoredFile]:
        rows = (await self.conn.execute(text(
            f"{_FILE} WHERE bucket_name = :b AND oss_path > :after AND left(oss_path, length(:pre)) = :pre"
            " ORDER BY oss_path LIMIT :n"), {"b": bucket_name, "after": after, "pre": prefix, "n": limit})).all()
        return [StoredFile(r.bucket_name, r.oss_path, _content(r), r.create_time, r.update_time) for r in rows]

    # share files ---------------------------------------------------------------------------
    async def insert_share(self, file: ShareFile) -> None:
        await self.conn.execute(text(
            f"INSERT INTO share_files (file_tag, owner_client_id, {_CONTENT}, expire_time, create_time)"
            " VALUES (:t, :o, :k, :n, :ct, :s, :h, CAST(:m AS jsonb), :e, :w, :x, :at)"),
            {"t": file.file_tag, "o": file.owner_client_id, "x": file.expire_time, "at": file.create_time,
             **_content_params(file.content)})

    async def get_share(self, file_tag: str, lock: bool = False) -> ShareFile | None:
        row = await self._one(f"{_SHARE} WHERE file_tag = :t" + (" FOR UPDATE" if lock else ""), {"t": file_tag})
        return _share(row) if row else None

    async def adopt_share(self, file_tag: str, client_id: str, at: dt.datetime) -> None:
        await self.conn.execute(text("UPDATE share_files SET adopted = true, adopter_client_id = :c, adopt_time = :at,"
                                     " expire_time = NULL WHERE file_tag = :t AND NOT adopted"), {"t": file_tag, "c": client_id, "at": at})

    async def take_expired_shares(self, before: dt.datetime, limit: int) -> list[ShareFile]:
        rows = (await self.conn.execute(text(
            f"WITH doomed AS (SELECT file_tag FROM share_files WHERE NOT adopted AND expire_time <= :before"
            f" ORDER BY expire_time LIMIT :n FOR UPDATE SKIP LOCKED)"
            f" DELETE FROM share_files s USING doomed WHERE s.file_tag = doomed.file_tag"
            f" RETURNING s.file_tag, s.owner_client_id, {', '.join('s.' + c.strip() for c in _CONTENT.split(','))},"
            f" s.expire_time, s.adopted, s.adopter_client_id, s.adopt_time, s.create_time"), {"before": before, "n": limit})).all()
        return [_share(r) for r in rows]

    async def count_expired_shares(self, before: dt.datetime) -> int:
        row = await self._one("SELECT count(*) AS n FROM share_files WHERE NOT adopted AND expire_time <= :before", {"before": before})
        return int(row.n)

    # STS grants ----------------------------------------------------------------------------
    async def insert_grant(self, g: StsGrant) -> None:
        await self.conn.execute(text(
            "INSERT INTO sts_tokens (token_sha256, client_id, target_kind, bucket_alias, bucket_name, oss_path, file_tag, expire_time)"
            " VALUES (:d, :c, :k, :a, :b, :p, :t, :x)"),
            {"d": g.token_sha256, "c": g.client_id, "k": int(g.target_kind), "a": g.bucket_alias, "b": g.bucket_name,
             "p": g.oss_path, "t": g.file_tag, "x": g.expire_time})

    async def get_grant(self, token_sha256: bytes) -> StsGrant | None:
        row = await self._one(f"{_GRANT} WHERE token_sha256 = :d", {"d": token_sha256})
        return _grant(row) if row else None

    async def revoke_grant(self, token_sha256: bytes, at: dt.datetime) -> StsGrant | None:
        await self.conn.execute(text("UPDATE sts_tokens SET revoke_time = :at WHERE token_sha256 = :d AND revoke_time IS NULL"),
                                {"d": token_sha256, "at": at})
        return await self.get_grant(token_sha256)

    # idempotent uploads (the kernel's idempotency_keys table, in this schema) -------------
    async def get_request(self, method: str, request_id: str) -> tuple[bytes, bytes] | None:
        row = await self._one("SELECT request_hash, response FROM idempotency_keys WHERE method = :m AND request_id = :r"
                              " AND response IS NOT NULL", {"m": method, "r": request_id})
        return (bytes(row.request_hash), bytes(row.response)) if row else None

    async def claim_request(self, method: str, request_id: str, digest: bytes) -> bytes | None:
        return await idempotency.claim(self.conn, method, request_id, digest)

    async def complete_request(self, method: str, request_id: str, response: bytes) -> None:
        await self.conn.execute(text("UPDATE idempotency_keys SET response = :b WHERE method = :m AND request_id = :r"),
                                {"b": response, "m": method, "r": request_id})

    # garbage list --------------------------------------------------------------------------
    async def schedule_delete(self, bucket_name: str, object_key: str, not_before: dt.datetime) -> None:
        await self.conn.execute(text("INSERT INTO object_gc (bucket_name, object_key, not_before) VALUES (:b, :k, :t)"
                                     " ON CONFLICT (bucket_name, object_key) DO UPDATE SET not_before = least(object_gc.not_before, :t)"),
                                {"b": bucket_name, "k": object_key, "t": not_before})

    async def cancel_delete(self, bucket_name: str, object_key: str) -> bool:
        row = await self._one("DELETE FROM object_gc WHERE bucket_name = :b AND object_key = :k RETURNING object_key",
                              {"b": bucket_name, "k": object_key})
        return row is not None

    async def due_deletes(self, limit: int, keys: list[tuple[str, str]] | None = None) -> list[tuple[str, str]]:
        only = ""
        params: dict = {"n": limit}
        if keys is not None:
            only = " AND (bucket_name, object_key) IN (SELECT * FROM unnest(CAST(:bs AS text[]), CAST(:ks AS text[])))"
            params.update(bs=[b for b, _ in keys], ks=[k for _, k in keys])
        rows = (await self.conn.execute(text(
            "DELETE FROM object_gc WHERE (bucket_name, object_key) IN (SELECT bucket_name, object_key FROM object_gc"
            f" WHERE not_before <= now(){only} ORDER BY not_before LIMIT :n FOR UPDATE SKIP LOCKED)"
            " RETURNING bucket_name, object_key"), params)).all()
        return [(r.bucket_name, r.object_key) for r in rows]


class SqlUnitOfWork:
    def __init__(self, db: Database, raw=None):
        self.db, self.raw = db, raw  # raw: kernel raw_pool for the download path's one query (None: through the engine)

    async def client(self, client_id: str) -> Client | None:
        if self.raw is None:
            return await self.read(lambda repo: repo.get_client(client_id))
        async with self.raw.acquire() as conn:
            row = await conn.fetchrow(f"{_CLIENT} WHERE c.client_id = $1", client_id)
        return _client(SimpleNamespace(**row)) if row else None

    async def client_and_file(self, client_id: str, alias: str, oss_path: str) -> tuple[Client | None, tuple[str, StoredFile | None] | None]:
        if self.raw is None:
            return await self.read(lambda repo: repo.get_client_and_file(client_id, alias, oss_path))
        async with self.raw.acquire() as conn:
            return _client_and_file(await conn.fetchrow(_CLIENT_AND_FILE, client_id, alias, oss_path))

    async def __call__(self, work: Callable[[SqlRepository], Awaitable[T]]) -> T:
        return await self.db.run_in_transaction(lambda conn: work(SqlRepository(conn)))

    async def read(self, work: Callable[[SqlRepository], Awaitable[T]]) -> T:
        # AUTOCOMMIT: no BEGIN/COMMIT around the queries, one round trip each (the download path)
        async with self.db.engine.connect() as conn:
            conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
            return await work(SqlRepository(conn))
