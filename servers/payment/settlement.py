"""Settlement (reference stage 5): a merchant's pending settlement → its settled account, net of
fees and refunds, in batches. Pure netting, the ports it needs, and the handlers.

CreateSettlementBatch, under the per-merchant fenced lock:
  1. finishes the merchant's OPEN batches (a crash between recording and booking);
  2. in one transaction: checks the lock's fence is the newest seen, collects the SUCCEEDED order
     payments up to the cutoff in no batch yet (settlement_lines.payment_id is the primary key:
     the database guard), nets them, inserts the batch OPEN with its lines;
  3. books ONE ledger transfer pending → settled for the net (request `settle:<batch_id>`);
  4. CAS OPEN → SETTLED. A ledger refusal cancels the batch (its lines are freed).

A refund that SUCCEEDED after its payment was settled took its money from the merchant's pending
balance: the next batch carries it as a deduction line (net < 0), as PSPs net refunds against the
next payout. Payments under an OPEN or LOST dispute are held out (settlement_disputes.py); periodic
mode and the sweep of failed auto batches are in settlement_periodic.py.
"""
from __future__ import annotations

import contextlib
import hashlib
import datetime as dt
from dataclasses import dataclass, field
from enum import IntEnum
from typing import AsyncContextManager, Awaitable, Callable, Protocol, TypeVar

from servers.kernel.errors import AlreadyExists, FailedPrecondition, NotFound, Unavailable
from servers.kernel.ids import new_id
from servers.kernel.money import Money
from servers.payment import errors

T = TypeVar("T")
MAX_LINES = 10_000  # a batch's lines at most; the rest waits for the next batch


class SettlementMode(IntEnum):
    MANUAL = 1
    AUTO = 2
    PERIODIC = 3


class BatchState(IntEnum):
    OPEN = 1
    SETTLED = 2
    CANCELLED = 3


@dataclass(frozen=True)
class Candidate:
    """A SUCCEEDED order payment in no batch yet, with its SUCCEEDED refunds summed."""
    payment_id: str
    order_id: str
    currency_code: str
    amount_minor: int
    fee_minor: int
    refunded_minor: int          # reserved on the payment (in-flight refunds included)
    refunds_done_minor: int      # SUCCEEDED refunds
    fee_back_minor: int          # fee returned to the merchant by those refunds


@dataclass(frozen=True)
class Deduction:
    """A SUCCEEDED refund of a payment already settled, not netted yet."""
    refund_id: str
    original_payment_id: str
    order_id: str
    currency_code: str
    amount_minor: int
    fee_back_minor: int          # fee returned to the merchant's pending by the refund


@dataclass(frozen=True)
class Config:
    merchant_id: str
    mode: SettlementMode = SettlementMode.MANUAL
    cutoff_local_time: str = ""   # "HH:MM" (PERIODIC)
    time_zone: str = ""           # IANA; empty = UTC
    delay_days: int = 0
    update_time: dt.datetime | None = None


@dataclass(frozen=True)
class Line:
    payment_id: str
    order_id: str
    currency_code: str
    amount_minor: int
    fee_minor: int       # fee kept by the platform (charged − returned by refunds)
    refunded_minor: int
    net_minor: int
    original_payment_id: str = ""   # set on a deduction line (payment_id is then the refund's)

    def csv(self) -> str:
        return f"{self.payment_id},{self.order_id},{self.amount_minor},{self.fee_minor},{self.refunded_minor},{self.net_minor},{self.currency_code}"


@dataclass(frozen=True)
class Batch:
    batch_id: str
    request_id: str
    merchant_id: str
    currency_code: str
    cutoff_time: dt.datetime
    gross_minor: int
    fees_minor: int
    refunds_minor: int
    net_minor: int
    line_count: int
    state: BatchState
    fence: int = 0
    ledger_transfer_ids: tuple[str, ...] = ()
    create_time: dt.datetime | None = None
    lines: tuple[Line, ...] = field(default=(), repr=False)


@dataclass(frozen=True)
class CreateBatch:
    request_id: str
    request_hash: bytes
    merchant_id: str
    cutoff_time: dt.datetime | None


REPORT_HEADER = "payment_id,order_id,amount,fee,refunded,net,currency"


def net_lines(candidates: list[Candidate], deductions: list[Deduction] = ()) -> list[Line]:
    """Lines of one currency (the first candidate's; others wait for a later batch). A payment with
    a refund still in flight (reserved ≠ succeeded) waits too, so what is netted is what the ledger moved.
    Deductions (refunds after settlement) follow, oldest first, while the batch's net stays ≥ 0."""
    if not candidates:
        return []
    currency = candidates[0].currency_code
    lines = _payment_lines(candidates, currency)
    total = sum(x.net_minor for x in lines)
    for d in deductions:
        net = d.fee_back_minor - d.amount_minor
        if d.currency_code != currency or net > 0 or total + net < 0:
            continue  # waits for a batch large enough to absorb it
        total += net
        lines.append(Line(d.refund_id, d.order_id, currency, 0, -d.fee_back_minor, d.amount_minor, net, d.original_payment_id))
    return lines if any(x.amount_minor for x in lines) else []


def _payment_lines(candidates: list[Candidate], currency: str) -> list[Line]:
    lines = []
    for c in candidates:
        if c.currency_code != currency or c.refunded_minor != c.refunds_done_minor:
            continue
        fee = c.fee_minor - c.fee_back_minor
        net = c.amount_minor - fee - c.refunded_minor
        if fee < 0 or net < 0:
            continue  # never settle what the books cannot explain; left for operations
        lines.append(Line(c.payment_id, c.order_id, currency, c.amount_minor, fee, c.refunded_minor, net))
    return lines


def build_batch(cmd: CreateBatch, cutoff: dt.datetime, lines: list[Line], fence: int) -> Batch:
    return Batch(new_id("stb"), cmd.request_id, cmd.merchant_id, lines[0].currency_code, cutoff,
                 sum(x.amount_minor for x in lines), sum(x.fee_minor for x in lines), sum(x.refunded_minor for x in lines),
                 sum(x.net_minor for x in lines), len(lines), BatchState.OPEN, fence, lines=tuple(lines))


def report_csv(lines: list[Line]) -> str:
    return "\n".join([REPORT_HEADER, *(x.csv() for x in lines)]) + "\n"


class SettlementStore(Protocol):
    async def find_by_request(self, request_id: str) -> tuple[Batch, bytes] | None: ...

    async def get(self, batch_id: str) -> Batch | None: ...

    async def open_batches(self, merchant_id: str) -> list[Batch]: ...

    async def advance_fence(self, merchant_id: str, fence: int) -> bool:
        """Records fence as the merchant's newest; False if a newer one was seen (our lease lapsed)."""

    async def candidates(self, merchant_id: str, cutoff: dt.datetime, limit: int) -> list[Candidate]:
        """SUCCEEDED order payments up to cutoff, in no batch, not duplicates, under no OPEN/LOST dispute."""

    async def deductions(self, merchant_id: str, cutoff: dt.datetime, limit: int) -> list[Deduction]:
        """SUCCEEDED refunds up to cutoff of payments already in a batch, neither covered by that line nor deducted."""

    async def insert(self, batch: Batch, request_hash: bytes) -> bool:
        """Inserts the batch and its lines, and covers the refunds netted in its payment lines; False when
        request_id exists. A line already in a batch raises."""

    async def finish(self, batch: Batch, target: BatchState, transfer_ids: tuple[str, ...]) -> Batch | None:
        """CAS OPEN → target (CANCELLED deletes the lines)."""

    async def lines(self, batch_id: str) -> list[Line]: ...

    async def list(self, merchant_id: str, before: str, limit: int) -> list[Batch]:
        """Newest first, batch_id < before (empty: from the newest)."""

    async def mode(self, merchant_id: str) -> SettlementMode:
        """MANUAL when never set."""

    async def config(self, merchant_id: str) -> Config:
        """Config(merchant_id) (MANUAL) when never set."""

    async def set_config(self, config: Config) -> dt.datetime:
        """Upserts; returns the update time."""


class SettlementUnitOfWork(Protocol):
    async def __call__(self, work: Callable[[SettlementStore], Awaitable[T]]) -> T: ...


class Locks(Protocol):
    def hold(self, name: str) -> AsyncContextManager[int]:
        """A distributed lock; yields its fencing token."""


class SettlementLedger(Protocol):
    async def settle(self, batch: Batch) -> list[str]:
        """ONE transfer merchant pending → settled for the net (idempotent per batch). Raises Declined."""


def batch_not_found(batch_id: str) -> NotFound:
    return NotFound("SETTLEMENT_BATCH_NOT_FOUND", f"settlement batch {batch_id} does not exist", {"batch_id": batch_id})


def nothing_to_settle(merchant_id: str) -> FailedPrecondition:
    return FailedPrecondition("NOTHING_TO_SETTLE", f"merchant {merchant_id} has nothing left to settle up to the cutoff",
                              {"merchant_id": merchant_id})


async def create_batch(uow: SettlementUnitOfWork, locks: Locks, ledger: SettlementLedger, cmd: CreateBatch,
                       now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.timezone.utc)) -> Batch:
    existing = await uow(lambda s: s.find_by_request(cmd.request_id))
    if existing is not None:
        return await _resume(uow, ledger, _same(existing, cmd))
    cutoff = cmd.cutoff_time or now()
    async with locks.hold(f"settle:{cmd.merchant_id}") as fence:
        for batch in await uow(lambda s: s.open_batches(cmd.merchant_id)):
            with contextlib.suppress(FailedPrecondition):
                await _resume(uow, ledger, batch)

        async def record(s: SettlementStore) -> Batch:
            found = await s.find_by_request(cmd.request_id)
            if found is not None:
                return _same(found, cmd)
            if not await s.advance_fence(cmd.merchant_id, fence):
                raise Unavailable("SETTLEMENT_LOCK_LOST", "the settlement lock passed to another worker; retry")
            lines = net_lines(await s.candidates(cmd.merchant_id, cutoff, MAX_LINES),
                              await s.deductions(cmd.merchant_id, cutoff, MAX_LINES))
            if not lines:
                raise nothing_to_settle(cmd.merchant_id)
            batch = build_batch(cmd, cutoff, lines, fence)
            await s.insert(batch, cmd.request_hash)
            return batch
        batch = await uow(record)
        return await _resume(uow, ledger, batch)


def _same(found: tuple[Batch, bytes], cmd: CreateBatch) -> Batch:
    batch, digest = found
    if digest != cmd.request_hash:
        raise AlreadyExists("REQUEST_ID_REUSED", f"request_id {cmd.request_id!r} was already used for another settlement",
                            {"request_id": cmd.request_id})
    return batch


async def _resume(uow: SettlementUnitOfWork, ledger: SettlementLedger, batch: Batch) -> Batch:
    """Books an OPEN batch and marks it SETTLED; a ledger refusal cancels it (its payments are free again)."""
    if batch.state != BatchState.OPEN:
        return batch
    try:
        ids = tuple(await ledger.settle(batch)) if batch.net_minor else ()
    except errors.Declined as declined:
        await uow(lambda s: s.finish(batch, BatchState.CANCELLED, ()))
        raise FailedPrecondition("SETTLEMENT_DECLINED", f"the ledger refused settlement batch {batch.batch_id}: {declined.reason}",
                                 {"batch_id": batch.batch_id, "reason": declined.reason}) from None
    done = await uow(lambda s: s.finish(batch, BatchState.SETTLED, ids))
    return done or await get_batch(uow, batch.batch_id)


async def get_batch(uow: SettlementUnitOfWork, batch_id: str) -> Batch:
    batch = await uow(lambda s: s.get(batch_id))
    if batch is None:
        raise batch_not_found(batch_id)
    return batch


async def list_batches(uow: SettlementUnitOfWork, merchant_id: str, page_size: int, token: str) -> tuple[list[Batch], str]:
    size = page_size or 50
    rows = await uow(lambda s: s.list(merchant_id, token, size + 1))
    return rows[:size], (rows[size - 1].batch_id if len(rows) > size else "")


async def report(uow: SettlementUnitOfWork, batch_id: str) -> str:
    async def work(s: SettlementStore) -> str:
        if await s.get(batch_id) is None:
            raise batch_not_found(batch_id)
        return report_csv(await s.lines(batch_id))
    return await uow(work)


async def set_config(uow: SettlementUnitOfWork, config: Config) -> Config:
    if config.mode == SettlementMode.PERIODIC:
        from servers.payment.settlement_periodic import check_schedule
        check_schedule(config)
    else:
        config = Config(config.merchant_id, config.mode)
    at = await uow(lambda s: s.set_config(config))
    return Config(config.merchant_id, config.mode, config.cutoff_local_time, config.time_zone, config.delay_days, at)


async def get_config(uow: SettlementUnitOfWork, merchant_id: str) -> Config:
    return await uow(lambda s: s.config(merchant_id))


async def settle_payment(uow: SettlementUnitOfWork, locks: Locks, ledger: SettlementLedger, payment_id: str, merchant_id: str) -> Batch | None:
    """Auto mode, on `payment.succeeded`: a batch per payment event (request `auto:<payment_id>`), which also
    sweeps anything of the merchant left unsettled. None when an earlier batch already took it."""
    return await settle_as(uow, locks, ledger, f"auto:{payment_id}", merchant_id)


async def settle_as(uow: SettlementUnitOfWork, locks: Locks, ledger: SettlementLedger, request_id: str, merchant_id: str,
                    cutoff: dt.datetime | None = None, now: Callable[[], dt.datetime] | None = None) -> Batch | None:
    """A system batch (auto, sweep, periodic): its request id names it; None when there is nothing to settle.
    A batch of that id the ledger refused (CANCELLED) is retried as `<request_id>:2`, `:3`, … (at most 5 tries)."""
    for attempt in range(1, SYSTEM_ATTEMPTS + 1):
        rid = request_id if attempt == 1 else f"{request_id}:{attempt}"
        try:
            batch = await create_batch(uow, locks, ledger, CreateBatch(rid, hashlib.sha256(rid.encode()).digest(), merchant_id, cutoff),
                                       *([now] if now else []))
        except FailedPrecondition as exc:
            if exc.reason == "NOTHING_TO_SETTLE":
                return None
            raise
        if batch.state != BatchState.CANCELLED:
            return batch
    return None


SYSTEM_ATTEMPTS = 5


def money(batch: Batch, minor: int) -> Money:
    return Money(batch.currency_code, minor)
