"""Settlement adapters: the PostgreSQL store (schema `payment`) and the kernel's fenced Redis lock."""
from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from typing import AsyncIterator, Awaitable, Callable, TypeVar

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from servers.kernel.cache import AppRedis
from servers.kernel.db import Database
from servers.kernel.errors import Unavailable
from servers.payment.settlement import Batch, BatchState, Candidate, Line, SettlementMode

T = TypeVar("T")
_COLS = ("batch_id, request_id, merchant_id, currency_code, cutoff_time, gross_minor, fees_minor, refunds_minor, net_minor,"
         " line_count, state, fence, ledger_transfer_ids, create_time")


def _batch(r) -> Batch:
    return Batch(r.batch_id, r.request_id, r.merchant_id, r.currency_code, r.cutoff_time, r.gross_minor, r.fees_minor, r.refunds_minor,
                 r.net_minor, r.line_count, BatchState(r.state), r.fence, tuple(r.ledger_transfer_ids), r.create_time)


class SqlSettlementStore:
    def __init__(self, conn: AsyncConnection):
        self.conn = conn

    async def find_by_request(self, request_id: str):
        r = (await self.conn.execute(text(f"SELECT {_COLS}, request_hash FROM settlement_batches WHERE request_id = :r"),
                                     {"r": request_id})).first()
        return (_batch(r), bytes(r.request_hash)) if r else None

    async def get(self, batch_id: str) -> Batch | None:
        r = (await self.conn.execute(text(f"SELECT {_COLS} FROM settlement_batches WHERE batch_id = :b"), {"b": batch_id})).first()
        return _batch(r) if r else None

    async def open_batches(self, merchant_id: str) -> list[Batch]:
        rows = await self.conn.execute(text(f"SELECT {_COLS} FROM settlement_batches WHERE merchant_id = :m AND state = 1"
                                            " ORDER BY batch_id"), {"m": merchant_id})
        return [_batch(r) for r in rows]

    async def advance_fence(self, merchant_id: str, fence: int) -> bool:
        done = await self.conn.execute(text(
            "INSERT INTO settlement_fences (merchant_id, fence) VALUES (:m, :f) ON CONFLICT (merchant_id) DO UPDATE"
            " SET fence = EXCLUDED.fence WHERE settlement_fences.fence <= EXCLUDED.fence RETURNING fence"), {"m": merchant_id, "f": fence})
        return done.first() is not None

    async def candidates(self, merchant_id: str, cutoff: dt.datetime, limit: int) -> list[Candidate]:
        # FOR SHARE OF p: a refund reserving on one of these payments waits for this transaction.
        rows = await self.conn.execute(text(
            "SELECT p.payment_id, p.order_id, p.currency_code, p.amount_minor, p.fee_minor, p.refunded_minor,"
            " coalesce(r.done, 0) AS done, coalesce(r.fee_back, 0) AS fee_back"
            " FROM payments p LEFT JOIN LATERAL (SELECT sum(x.amount_minor) AS done, sum(x.fee_minor) AS fee_back FROM payments x"
            "   WHERE x.original_payment_id = p.payment_id AND x.kind = 4 AND x.state = 3) r ON TRUE"
            " WHERE p.merchant_id = :m AND p.kind = 1 AND p.state = 3 AND p.duplicate_of = '' AND p.create_time <= :cutoff"
            " AND NOT EXISTS (SELECT 1 FROM settlement_lines l WHERE l.payment_id = p.payment_id)"
            " ORDER BY p.create_time, p.payment_id LIMIT :n FOR SHARE OF p"), {"m": merchant_id, "cutoff": cutoff, "n": limit})
        return [Candidate(r.payment_id, r.order_id, r.currency_code.strip(), r.amount_minor, r.fee_minor, r.refunded_minor,
                          int(r.done), int(r.fee_back)) for r in rows]

    async def insert(self, b: Batch, request_hash: bytes) -> bool:
        done = await self.conn.execute(text(
            "INSERT INTO settlement_batches (batch_id, request_id, request_hash, merchant_id, currency_code, cutoff_time, gross_minor,"
            " fees_minor, refunds_minor, net_minor, line_count, state, fence) VALUES (:b, :r, :h, :m, :c, :cut, :g, :f, :rf, :n, :lc,"
            " :s, :fence) ON CONFLICT (request_id) DO NOTHING RETURNING batch_id"),
            {"b": b.batch_id, "r": b.request_id, "h": request_hash, "m": b.merchant_id, "c": b.currency_code, "cut": b.cutoff_time,
             "g": b.gross_minor, "f": b.fees_minor, "rf": b.refunds_minor, "n": b.net_minor, "lc": b.line_count, "s": int(b.state),
             "fence": b.fence})
        if done.first() is None:
            return False
        await self.conn.execute(text(
            "INSERT INTO settlement_lines (payment_id, batch_id, order_id, currency_code, amount_minor, fee_minor, refunded_minor,"
            " net_minor) VALUES (:p, :b, :o, :c, :a, :f, :r, :n)"),
            [{"p": x.payment_id, "b": b.batch_id, "o": x.order_id, "c": x.currency_code, "a": x.amount_minor, "f": x.fee_minor,
              "r": x.refunded_minor, "n": x.net_minor} for x in b.lines])
        return True

    async def finish(self, b: Batch, target: BatchState, transfer_ids: tuple[str, ...]) -> Batch | None:
        r = (await self.conn.execute(text(
            f"UPDATE settlement_batches SET state = :t, ledger_transfer_ids = :ids, update_time = now()"
            f" WHERE batch_id = :b AND state = 1 RETURNING {_COLS}"), {"b": b.batch_id, "t": int(target), "ids": list(transfer_ids)})).first()
        if r is not None and target == BatchState.CANCELLED:
            await self.conn.execute(text("DELETE FROM settlement_lines WHERE batch_id = :b"), {"b": b.batch_id})
        return _batch(r) if r else None

    async def lines(self, batch_id: str) -> list[Line]:
        rows = await self.conn.execute(text(
            "SELECT payment_id, order_id, currency_code, amount_minor, fee_minor, refunded_minor, net_minor FROM settlement_lines"
            " WHERE batch_id = :b ORDER BY payment_id"), {"b": batch_id})
        return [Line(r.payment_id, r.order_id, r.currency_code.strip(), r.amount_minor, r.fee_minor, r.refunded_minor, r.net_minor)
                for r in rows]

    async def list(self, merchant_id: str, before: str, limit: int) -> list[Batch]:
        rows = await self.conn.execute(text(
            f"SELECT {_COLS} FROM settlement_batches WHERE merchant_id = :m AND (:before = '' OR batch_id < :before)"
            " ORDER BY batch_id DESC LIMIT :n"), {"m": merchant_id, "before": before, "n": limit})
        return [_batch(r) for r in rows]

    async def mode(self, merchant_id: str) -> SettlementMode:
        mode = (await self.conn.execute(text("SELECT mode FROM settlement_configs WHERE merchant_id = :m"), {"m": merchant_id})).scalar()
        return SettlementMode(mode or SettlementMode.MANUAL)

    async def set_mode(self, merchant_id: str, mode: SettlementMode) -> dt.datetime:
        return (await self.conn.execute(text(
            "INSERT INTO settlement_configs (merchant_id, mode) VALUES (:m, :mode) ON CONFLICT (merchant_id) DO UPDATE"
            " SET mode = EXCLUDED.mode, update_time = now() RETURNING update_time"), {"m": merchant_id, "mode": int(mode)})).scalar_one()


class SqlSettlementUnitOfWork:
    def __init__(self, db: Database):
        self.db = db

    async def __call__(self, work: Callable[[SqlSettlementStore], Awaitable[T]]) -> T:
        return await self.db.run_in_transaction(lambda conn: work(SqlSettlementStore(conn)))


class RedisLocks:
    """The kernel's FencedLock, waiting up to wait_s for a busy lock before answering LOCK_BUSY."""

    def __init__(self, redis: AppRedis, wait_s: float = 15.0):
        self.redis, self.wait_s = redis, wait_s

    @contextlib.asynccontextmanager
    async def hold(self, name: str) -> AsyncIterator[int]:
        lock = self.redis.lock(name)
        deadline = asyncio.get_running_loop().time() + self.wait_s
        while (fence := await lock.try_acquire()) is None:
            if asyncio.get_running_loop().time() > deadline:
                raise Unavailable("LOCK_BUSY", f"settlement of {name} is running elsewhere; retry")
            await asyncio.sleep(0.05)
        try:
            yield fence
        finally:
            await lock.release()
