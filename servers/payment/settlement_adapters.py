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
from servers.kernel.money import Money
from servers.payment.settlement_disputes import Disputable, Dispute, DisputeState
from servers.payment.settlement import Batch, BatchState, Candidate, Config, Deduction, Line, SettlementMode

T = TypeVar("T")
_COLS = ("batch_id, request_id, merchant_id, currency_code, cutoff_time, gross_minor, fees_minor, refunds_minor, net_minor,"
         " line_count, state, fence, ledger_transfer_ids, create_time")


def _batch(r) -> Batch:
    return Batch(r.batch_id, r.request_id, r.merchant_id, r.currency_code, r.cutoff_time, r.gross_minor, r.fees_minor, r.refunds_minor,
                 r.net_minor, r.line_count, BatchState(r.state), r.fence, tuple(r.ledger_transfer_ids), r.create_time)


_DCOLS = "dispute_id, payment_id, merchant_id, currency_code, amount_minor, state, reason, ledger_transfer_ids, create_time, close_time"


def _dispute(r) -> Dispute:
    return Dispute(r.dispute_id, r.payment_id, r.merchant_id, r.currency_code.strip(), r.amount_minor, DisputeState(r.state), r.reason,
                   tuple(r.ledger_transfer_ids), r.create_time, r.close_time)


class SqlDisputeStore:
    """Disputes, in the settlement store's transaction (mixed into SqlSettlementStore)."""
    conn: AsyncConnection

    async def disputable(self, payment_id: str) -> Disputable | None:
        r = (await self.conn.execute(text(
            "SELECT p.payment_id, p.merchant_id, p.currency_code, p.amount_minor, coalesce(p.fee_minor, 0) AS fee, p.refunded_minor,"
            " p.kind = 1 AND p.state = 3 AND p.duplicate_of = '' AS ok,"
            " EXISTS (SELECT 1 FROM settlement_lines l WHERE l.payment_id = p.payment_id) AS settled,"
            " coalesce(r.done, 0) AS done, coalesce(r.fee_back, 0) AS fee_back"
            " FROM payments p LEFT JOIN LATERAL (SELECT sum(x.amount_minor) AS done, sum(x.fee_minor) AS fee_back FROM payments x"
            "   WHERE x.original_payment_id = p.payment_id AND x.kind = 4 AND x.state = 3) r ON TRUE"
            " WHERE p.payment_id = :p FOR UPDATE OF p"), {"p": payment_id})).first()
        if r is None:
            return None
        left = r.amount_minor - (r.fee - int(r.fee_back)) - int(r.done)
        return Disputable(r.payment_id, r.merchant_id, r.currency_code.strip(), r.amount_minor, bool(r.ok), bool(r.settled), left,
                          r.refunded_minor != int(r.done))

    async def find_dispute_by_request(self, request_id: str):
        r = (await self.conn.execute(text(f"SELECT {_DCOLS}, request_hash FROM settlement_disputes WHERE request_id = :r"),
                                     {"r": request_id})).first()
        return (_dispute(r), bytes(r.request_hash)) if r else None

    async def get_dispute(self, dispute_id: str) -> Dispute | None:
        r = (await self.conn.execute(text(f"SELECT {_DCOLS} FROM settlement_disputes WHERE dispute_id = :d"), {"d": dispute_id})).first()
        return _dispute(r) if r else None

    async def open_dispute_of(self, payment_id: str) -> Dispute | None:
        r = (await self.conn.execute(text(f"SELECT {_DCOLS} FROM settlement_disputes WHERE payment_id = :p AND state IN (1, 3)"),
                                     {"p": payment_id})).first()
        return _dispute(r) if r else None

    async def insert_dispute(self, d: Dispute, request_hash: bytes) -> None:
        await self.conn.execute(text(
            "INSERT INTO settlement_disputes (dispute_id, request_id, request_hash, payment_id, merchant_id, currency_code, amount_minor,"
            " state, reason) VALUES (:d, :r, :h, :p, :m, :c, :a, :s, :reason)"),
            {"d": d.dispute_id, "r": d.request_id, "h": request_hash, "p": d.payment_id,
             "m": d.merchant_id, "c": d.currency_code, "a": d.amount_minor, "s": int(d.state), "reason": d.reason})

    async def close_dispute(self, dispute_id: str, outcome: DisputeState, transfer_ids: tuple[str, ...]) -> Dispute | None:
        r = (await self.conn.execute(text(
            f"UPDATE settlement_disputes SET state = :s, ledger_transfer_ids = :ids, close_time = now() WHERE dispute_id = :d"
            f" AND state = 1 RETURNING {_DCOLS}"), {"d": dispute_id, "s": int(outcome), "ids": list(transfer_ids)})).first()
        if r is not None and outcome == DisputeState.LOST:  # refunds the chargeback already left out: never deducted
            await self.conn.execute(text(
                "INSERT INTO settlement_refund_covers (refund_id, dispute_id) SELECT x.payment_id, :d FROM payments x"
                " WHERE x.original_payment_id = :p AND x.kind = 4 AND x.state = 3 ON CONFLICT DO NOTHING"),
                {"d": dispute_id, "p": r.payment_id})
        return _dispute(r) if r else None

    async def list_disputes(self, merchant_id: str, payment_id: str, before: str, limit: int) -> list[Dispute]:
        rows = await self.conn.execute(text(
            f"SELECT {_DCOLS} FROM settlement_disputes WHERE (:m = '' OR merchant_id = :m) AND (:p = '' OR payment_id = :p)"
            " AND (:before = '' OR dispute_id < :before) ORDER BY dispute_id DESC LIMIT :n"),
            {"m": merchant_id, "p": payment_id, "before": before, "n": limit})
        return [_dispute(r) for r in rows]


class SqlSettlementStore(SqlDisputeStore):
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
            " AND NOT EXISTS (SELECT 1 FROM settlement_disputes d WHERE d.payment_id = p.payment_id AND d.state IN (1, 3))"
            " ORDER BY p.create_time, p.payment_id LIMIT :n FOR SHARE OF p"), {"m": merchant_id, "cutoff": cutoff, "n": limit})
        return [Candidate(r.payment_id, r.order_id, r.currency_code.strip(), r.amount_minor, r.fee_minor, r.refunded_minor,
                          int(r.done), int(r.fee_back)) for r in rows]

    async def deductions(self, merchant_id: str, cutoff: dt.datetime, limit: int) -> list[Deduction]:
        rows = await self.conn.execute(text(
            "SELECT x.payment_id, x.original_payment_id, x.order_id, x.currency_code, x.amount_minor, coalesce(x.fee_minor, 0) AS fee_back"
            " FROM payments x WHERE x.merchant_id = :m AND x.kind = 4 AND x.state = 3 AND x.create_time <= :cutoff"
            " AND (EXISTS (SELECT 1 FROM settlement_lines l WHERE l.payment_id = x.original_payment_id)"
            "   OR EXISTS (SELECT 1 FROM settlement_disputes d WHERE d.payment_id = x.original_payment_id AND d.state = 3))"
            " AND NOT EXISTS (SELECT 1 FROM settlement_lines y WHERE y.payment_id = x.payment_id)"
            " AND NOT EXISTS (SELECT 1 FROM settlement_refund_covers c WHERE c.refund_id = x.payment_id)"
            " ORDER BY x.create_time, x.payment_id LIMIT :n"), {"m": merchant_id, "cutoff": cutoff, "n": limit})
        return [Deduction(r.payment_id, r.original_payment_id, r.order_id, r.currency_code.strip(), r.amount_minor, int(r.fee_back))
                for r in rows]

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
            " net_minor, original_payment_id) VALUES (:p, :b, :o, :c, :a, :f, :r, :n, :orig)"),
            [{"p": x.payment_id, "b": b.batch_id, "o": x.order_id, "c": x.currency_code, "a": x.amount_minor, "f": x.fee_minor,
              "r": x.refunded_minor, "n": x.net_minor, "orig": x.original_payment_id} for x in b.lines])
        netted = [x.payment_id for x in b.lines if x.refunded_minor and not x.original_payment_id]
        if netted:  # the refunds netted inside these lines are never deducted again
            await self.conn.execute(text(
                "INSERT INTO settlement_refund_covers (refund_id, batch_id) SELECT x.payment_id, :b FROM payments x"
                " WHERE x.original_payment_id = ANY(:ps) AND x.kind = 4 AND x.state = 3"), {"b": b.batch_id, "ps": netted})
        return True

    async def finish(self, b: Batch, target: BatchState, transfer_ids: tuple[str, ...]) -> Batch | None:
        r = (await self.conn.execute(text(
            f"UPDATE settlement_batches SET state = :t, ledger_transfer_ids = :ids, update_time = now()"
            f" WHERE batch_id = :b AND state = 1 RETURNING {_COLS}"), {"b": b.batch_id, "t": int(target), "ids": list(transfer_ids)})).first()
        if r is not None and target == BatchState.CANCELLED:
            await self.conn.execute(text("DELETE FROM settlement_lines WHERE batch_id = :b"), {"b": b.batch_id})
            await self.conn.execute(text("DELETE FROM settlement_refund_covers WHERE batch_id = :b"), {"b": b.batch_id})
        return _batch(r) if r else None

    async def lines(self, batch_id: str) -> list[Line]:
        rows = await self.conn.execute(text(
            "SELECT payment_id, order_id, currency_code, amount_minor, fee_minor, refunded_minor, net_minor, original_payment_id"
            " FROM settlement_lines WHERE batch_id = :b ORDER BY payment_id"), {"b": batch_id})
        return [Line(r.payment_id, r.order_id, r.currency_code.strip(), r.amount_minor, r.fee_minor, r.refunded_minor, r.net_minor,
                     r.original_payment_id) for r in rows]

    async def list(self, merchant_id: str, before: str, limit: int) -> list[Batch]:
        rows = await self.conn.execute(text(
            f"SELECT {_COLS} FROM settlement_batches WHERE merchant_id = :m AND (:before = '' OR batch_id < :before)"
            " ORDER BY batch_id DESC LIMIT :n"), {"m": merchant_id, "before": before, "n": limit})
        return [_batch(r) for r in rows]

    async def mode(self, merchant_id: str) -> SettlementMode:
        mode = (await self.conn.execute(text("SELECT mode FROM settlement_configs WHERE merchant_id = :m"), {"m": merchant_id})).scalar()
        return SettlementMode(mode or SettlementMode.MANUAL)

    async def config(self, merchant_id: str) -> Config:
        r = (await self.conn.execute(text("SELECT mode, cutoff_local_time, time_zone, delay_days, update_time FROM settlement_configs"
                                          " WHERE merchant_id = :m"), {"m": merchant_id})).first()
        if r is None:
            return Config(merchant_id)
        return Config(merchant_id, SettlementMode(r.mode), r.cutoff_local_time, r.time_zone, r.delay_days, r.update_time)

    async def set_config(self, c: Config) -> dt.datetime:
        return (await self.conn.execute(text(
            "INSERT INTO settlement_configs (merchant_id, mode, cutoff_local_time, time_zone, delay_days) VALUES (:m, :mode, :cut, :tz, :n)"
            " ON CONFLICT (merchant_id) DO UPDATE SET mode = EXCLUDED.mode, cutoff_local_time = EXCLUDED.cutoff_local_time,"
            " time_zone = EXCLUDED.time_zone, delay_days = EXCLUDED.delay_days, update_time = now() RETURNING update_time"),
            {"m": c.merchant_id, "mode": int(c.mode), "cut": c.cutoff_local_time, "tz": c.time_zone, "n": c.delay_days})).scalar_one()

    async def periodic_configs(self) -> list[Config]:
        rows = await self.conn.execute(text("SELECT merchant_id, mode, cutoff_local_time, time_zone, delay_days, update_time"
                                            " FROM settlement_configs WHERE mode = 3 ORDER BY merchant_id"))
        return [Config(r.merchant_id, SettlementMode(r.mode), r.cutoff_local_time, r.time_zone, r.delay_days, r.update_time) for r in rows]

    async def unsettled_auto(self, older_than: dt.datetime, limit: int) -> list[tuple[str, str]]:
        """(merchant, oldest unsettled payment id) of AUTO merchants with SUCCEEDED order payments in no batch."""
        rows = await self.conn.execute(text(
            "SELECT p.merchant_id, min(p.payment_id) AS first FROM payments p JOIN settlement_configs c ON c.merchant_id = p.merchant_id"
            " AND c.mode = 2 WHERE p.kind = 1 AND p.state = 3 AND p.duplicate_of = '' AND p.update_time < :t"
            " AND NOT EXISTS (SELECT 1 FROM settlement_lines l WHERE l.payment_id = p.payment_id)"
            " AND NOT EXISTS (SELECT 1 FROM settlement_disputes d WHERE d.payment_id = p.payment_id AND d.state IN (1, 3))"
            " GROUP BY p.merchant_id ORDER BY p.merchant_id LIMIT :n"), {"t": older_than, "n": limit})
        return [(r.merchant_id, r.first) for r in rows]


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


class GrpcSettlementLedger:
    """Settlement's money flows, on payment's GrpcLedger (its account cache and error mapping)."""

    def __init__(self, ledger):
        self.ledger = ledger

    async def settle(self, batch) -> list[str]:
        return await self.ledger.settle(batch)

    async def chargeback(self, dispute: Dispute, amount_minor: int) -> list[str]:
        currency = dispute.currency_code
        pending, suspense = await self.ledger._merchant_pending(dispute.merchant_id, currency), await self.ledger._suspense(currency)
        return await self.ledger._post(f"chargeback:{dispute.dispute_id}", [
            (pending, suspense, Money(currency, amount_minor), "CHARGEBACK", {"payment_id": dispute.payment_id})])
