"""PostgreSQL through SQLAlchemy 2 (asyncio + asyncpg): one engine per service, a unit of
work per business operation, and versioned SQL migrations in the service's own schema.

Each service owns one schema (`trade`, `payment`, `ledger`, ...) and never reads another's.
"""
from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from pathlib import Path
from typing import Any, AsyncIterator, Awaitable, Callable, TypeVar

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

log = logging.getLogger("paymesh.db")
T = TypeVar("T")
_RETRYABLE_SQLSTATES = {"40001", "40P01"}  # serialization failure, deadlock detected


async def raw_pool(url: str, schema: str, size: int, **server_settings: str):
    """A bare asyncpg pool for a hot path of single autocommitted statements (no SQLAlchemy
    compile, Row or BEGIN/COMMIT: ~0.4 ms less per query). `url` as for SQLAlchemy; search_path
    is the service's schema; `server_settings` adds session settings (e.g. synchronous_commit).
    Connections are released without asyncpg's reset query (advisory unlock, CLOSE ALL,
    UNLISTEN, RESET ALL: one more round trip per call): these sessions keep no state, locks,
    cursors or listeners, and an open transaction is still rolled back by the pool itself."""
    import asyncpg

    async def keep_session(conn) -> None:
        return None

    return await asyncpg.create_pool(url.replace("+asyncpg", "", 1), min_size=min(2, size), max_size=size, command_timeout=30,
                                     server_settings={"search_path": schema, "application_name": f"paymesh-{schema}",
                                                      **server_settings}, reset=keep_session)


def create_engine(url: str, schema: str, pool_size: int = 10) -> AsyncEngine:
    return create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=False,
        pool_recycle=1800,
        connect_args={"server_settings": {"search_path": schema, "application_name": f"paymesh-{schema}"}, "command_timeout": 30},
    )


class Database:
    """A unit of work is one transaction: `async with db.transaction() as conn:` commits on
    success and rolls back on any exception; `run_in_transaction` retries serialization
    failures and deadlocks with backoff."""

    def __init__(self, engine: AsyncEngine, schema: str):
        self.engine = engine
        self.schema = schema

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncConnection]:
        async with self.engine.begin() as conn:
            yield conn

    async def run_in_transaction(self, work: Callable[[AsyncConnection], Awaitable[T]], attempts_max: int = 5) -> T:
        for attempt in range(1, attempts_max + 1):
            try:
                async with self.transaction() as conn:
                    return await work(conn)
            except DBAPIError as exc:
                if attempt == attempts_max or sqlstate(exc) not in _RETRYABLE_SQLSTATES:
                    raise
                await asyncio.sleep(0.005 * 2**attempt)
        raise AssertionError("unreachable")

    async def close(self) -> None:
        await self.engine.dispose()


async def cas_update(conn: AsyncConnection, table: str, where: dict[str, Any], target: Any, changes: dict[str, Any],
                     returning: str, versioned: bool = False):
    """Compare-and-set transition: UPDATE `table` SET state = target (and version + 1 when `versioned`),
    update_time = now() and `changes`, WHERE every `where` column still has its value. Returns the
    RETURNING row, or None when the row has moved on (someone else won). Tuples are stored as arrays."""
    sets = ["state = :target", *(["version = version + 1"] if versioned else []), "update_time = now()"]
    params: dict[str, Any] = {"target": target}
    for column, value in changes.items():
        sets.append(f"{column} = :c_{column}")
        params[f"c_{column}"] = list(value) if isinstance(value, tuple) else value
    for column, value in where.items():
        params[f"w_{column}"] = value
    match = " AND ".join(f"{column} = :w_{column}" for column in where)
    return (await conn.execute(text(f"UPDATE {table} SET {', '.join(sets)} WHERE {match} RETURNING {returning}"), params)).first()


def sqlstate(exc: DBAPIError) -> str | None:
    orig = getattr(exc, "orig", None)
    return getattr(orig, "sqlstate", None) or getattr(getattr(orig, "__cause__", None), "sqlstate", None)


def is_unique_violation(exc: DBAPIError) -> bool:
    return sqlstate(exc) == "23505"


KERNEL_MIGRATIONS = Path(__file__).parent / "migrations"


async def migrate(engine: AsyncEngine, schema: str, directory: Path) -> list[str]:
    """Applies the kernel's tables (outbox, idempotency, processed events) and then the
    service's `NNNN_name.sql` files in order, once each, under an advisory lock so replicas
    starting together don't race. A changed, already-applied file is refused."""
    files = sorted(KERNEL_MIGRATIONS.glob("kernel_*.sql")) + sorted(directory.glob("[0-9][0-9][0-9][0-9]_*.sql"))
    applied_now: list[str] = []
    async with engine.begin() as conn:
        lock_key = int.from_bytes(hashlib.sha256(f"migrate:{schema}".encode()).digest()[:8], "big", signed=True)
        await conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": lock_key})
        await conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
        await conn.execute(text(
            f'CREATE TABLE IF NOT EXISTS "{schema}".schema_migrations ('
            " version TEXT PRIMARY KEY, checksum TEXT NOT NULL, applied_time TIMESTAMPTZ NOT NULL DEFAULT now())"
        ))
        done = dict((await conn.execute(text(f'SELECT version, checksum FROM "{schema}".schema_migrations'))).all())
        for path in files:
            body = path.read_text()
            checksum = hashlib.sha256(body.encode()).hexdigest()
            if path.stem in done:
                if done[path.stem] != checksum:
                    raise RuntimeError(f"migration {schema}/{path.name} changed after it was applied")
                continue
            await conn.execute(text(f'SET LOCAL search_path TO "{schema}"'))
            raw = await conn.get_raw_connection()
            await raw.driver_connection.execute(body)  # simple protocol: many statements
            await conn.execute(
                text(f'INSERT INTO "{schema}".schema_migrations (version, checksum) VALUES (:v, :c)'),
                {"v": path.stem, "c": checksum},
            )
            applied_now.append(path.stem)
    if applied_now:
        log.info("migrated", extra={"schema": schema, "versions": applied_now})
    return applied_now


async def connect(url: str, schema: str, migrations: Path, pool_size: int = 10) -> Database:
    engine = create_engine(url, schema, pool_size)
    await migrate(engine, schema, migrations)
    return Database(engine, schema)
