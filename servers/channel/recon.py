"""Reconciliation: classification rules, automatic resolution and maker-checker adjustments.
The batch matching itself is set-based SQL (recon_store.py); `classify` is the same rule for one
line (near-real-time checks, unit tests). Ledger bookings are channel clearing ↔ platform
suspense with request id `recon:<case_id>` (automatic) or `recon:<case_id>:<proposal_id>`
(manual), made after the case is stored (`booked` = false until done: a crash retries)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from enum import IntEnum
from typing import Any, Awaitable, Callable, Protocol

from servers.channel.ports import ReconLedger
from servers.kernel.context import context_scope
from servers.kernel.errors import FailedPrecondition, NotFound, PermissionDenied
from servers.kernel.ids import new_id

SUCCESS, FAIL = 5, 6


class Kind(IntEnum):
    LOCAL_MISSING = 1
    CHANNEL_MISSING = 2
    AMOUNT_MISMATCH = 3
    STATUS_MISMATCH = 4
    FEE_MISMATCH = 5


class CaseState(IntEnum):
    OPEN = 1
    AUTO_RESOLVED = 2
    ADJUSTED = 3
    WRITTEN_OFF = 4


MATCHED, IGNORED = -1, 0
CLASS_NAMES = {MATCHED: "MATCHED", IGNORED: "IGNORED", **{k.value: k.name for k in Kind}}
SLA_SECONDS = {Kind.LOCAL_MISSING: 86_400, Kind.CHANNEL_MISSING: 2 * 86_400, Kind.AMOUNT_MISMATCH: 86_400,
               Kind.STATUS_MISMATCH: 86_400, Kind.FEE_MISMATCH: 3 * 86_400}
NOTES = {
    Kind.LOCAL_MISSING: "channel SUCCESS we have no order for: no payment RPC completes an unknown payment, so the money was"
                        " booked channel clearing → suspense; operations: adjust or write off",
    Kind.CHANNEL_MISSING: "our SUCCESS is missing from the statement: waits for the next statement, then is reversed through suspense",
    Kind.AMOUNT_MISMATCH: "the amount difference was booked between channel clearing and suspense",
    Kind.STATUS_MISMATCH: "the channel's final state differs from ours: its word wins (see recon.resolve_status)",
    Kind.FEE_MISMATCH: "the channel's fee differs from ours: manual adjustment (maker-checker) or write off",
}


@dataclass(frozen=True)
class Tolerance:
    amount_minor: int = 0
    fee_minor: int = 0


def classify(channel_state: int, channel_amount: int, channel_fee: int, local_state: int | None, local_amount: int | None,
             local_fee: int | None, tol: Tolerance = Tolerance()) -> int:
    """MATCHED, IGNORED (a FAIL line we never had) or a Kind — the SQL in recon_store does the same."""
    if local_state is None:
        return Kind.LOCAL_MISSING if channel_state == SUCCESS else IGNORED
    if local_state != channel_state:
        return Kind.STATUS_MISMATCH
    if channel_state == FAIL:
        return MATCHED
    if abs(channel_amount - (local_amount or 0)) > tol.amount_minor:
        return Kind.AMOUNT_MISMATCH
    if abs(channel_fee - (local_fee or 0)) > tol.fee_minor:
        return Kind.FEE_MISMATCH
    return MATCHED


def initial_state(kind: Kind) -> tuple[CaseState, str, bool]:
    """(state, resolution, booked) of a new case."""
    if kind == Kind.AMOUNT_MISMATCH:
        return CaseState.AUTO_RESOLVED, "SUSPENSE_ADJUSTED", False
    if kind == Kind.LOCAL_MISSING:
        return CaseState.OPEN, "BOOKED_TO_SUSPENSE", False
    return CaseState.OPEN, "", True


def booking_amount(case: "Case") -> int:
    """Signed amount of the automatic booking: positive clearing → suspense (flipped for money out)."""
    return _money_in_amount(case) * (1 if case.order_type == 1 else -1)


def _money_in_amount(case: "Case") -> int:
    if case.kind == Kind.LOCAL_MISSING:
        return case.channel_amount or 0
    if case.kind == Kind.AMOUNT_MISMATCH:
        return (case.channel_amount or 0) - (case.local_amount or 0)
    if case.kind == Kind.CHANNEL_MISSING or (case.kind == Kind.STATUS_MISMATCH and case.channel_state == FAIL):
        return -(case.local_amount or 0)
    return 0


@dataclass(frozen=True)
class Case:
    case_id: str
    kind: Kind
    state: CaseState
    channel_id: str
    statement_date: dt.date
    currency_code: str
    run_id: str = ""
    inst_order_id: str = ""
    channel_reference: str = ""
    line_number: int = 0
    local_amount: int | None = None
    channel_amount: int | None = None
    local_fee: int | None = None
    channel_fee: int | None = None
    local_state: int = 0
    channel_state: int = 0
    resolution: str = ""
    note: str = ""
    ledger_transfer_ids: tuple[str, ...] = ()
    adjustment: dict | None = None
    booked: bool = True
    context_id: str = ""
    version: int = 1
    create_time: dt.datetime | None = None
    update_time: dt.datetime | None = None
    order_type: int = 1  # 1 PAY (money in); 2 REFUND, 3 PAYOUT (money out: bookings flip sign)
    extra: dict = field(default_factory=dict)

    def age_seconds(self, now: dt.datetime) -> int:
        return int((now - self.create_time).total_seconds()) if self.create_time else 0

    def sla_breached(self, now: dt.datetime) -> bool:
        return self.state == CaseState.OPEN and self.age_seconds(now) > SLA_SECONDS[self.kind]


class CaseStore(Protocol):
    async def get_case(self, case_id: str) -> Case | None: ...

    async def cas_case(self, case: Case, **changes: Any) -> Case | None:
        """Compare-and-set on version; None when someone else moved it first."""

    async def unbooked(self, channel_id: str) -> list[Case]: ...

    async def insert_case(self, case: Case) -> bool: ...

    async def open_status_cases(self, channel_id: str) -> list[Case]:
        """OPEN STATUS_MISMATCH cases of PAY orders a statement run found, not resolved yet (resolve_status's input)."""


# Front.correct: (inst order id, captured?, channel amount) → applies the channel's final word to the order.
Correct = Callable[[str, bool, "int | None"], Awaitable[Any]]


def _ref(case: Case) -> dict:
    return {"payment_id": case.extra.get("payment_id", ""), "order_id": case.extra.get("order_id", "")}


async def book_pending(store: CaseStore, ledger: ReconLedger, channel_id: str) -> int:
    """Posts every automatic booking not yet posted (idempotent per case)."""
    done = 0
    for case in await store.unbooked(channel_id):
        with context_scope(case.context_id):
            ids = await ledger.book(f"recon:{case.case_id}", case.channel_id, case.currency_code, booking_amount(case),
                                    f"RECON_{case.kind.name}", _ref(case))
        if await store.cas_case(case, booked=True, ledger_transfer_ids=tuple(ids)):
            done += 1
    return done


async def _load(store: CaseStore, case_id: str) -> Case:
    case = await store.get_case(case_id)
    if case is None:
        raise NotFound("CASE_NOT_FOUND", f"reconciliation case {case_id} not found", {"case_id": case_id})
    return case


def _not_open(case: Case) -> FailedPrecondition:
    return FailedPrecondition("CASE_NOT_OPEN", f"case {case.case_id} is {case.state.name}", {"state": case.state.name})


async def propose(store: CaseStore, case_id: str, amount_minor: int, note: str, operator: str) -> Case:
    case = await _load(store, case_id)
    pending = case.adjustment or {}
    if pending.get("proposed_by") == operator and pending.get("amount_minor") == amount_minor and pending.get("note") == note:
        return case  # the same proposal again
    if case.state != CaseState.OPEN:
        raise _not_open(case)
    proposal = {"proposal_id": new_id("adj"), "amount_minor": amount_minor, "note": note, "proposed_by": operator,
                "approved_by": "", "ledger_transfer_ids": []}
    moved = await store.cas_case(case, adjustment=proposal)
    if moved is None:
        raise FailedPrecondition("CASE_CHANGED", "the case changed meanwhile; read it again", {"case_id": case_id})
    return moved


def check_approval(case: Case, operator: str) -> None:
    adj = case.adjustment
    if case.state != CaseState.OPEN:
        raise _not_open(case)
    if not adj:
        raise FailedPrecondition("NO_PROPOSAL", "nothing proposed to approve", {"case_id": case.case_id})
    if adj["proposed_by"] == operator:
        raise PermissionDenied("MAKER_CHECKER", "the approver must not be the proposer", {"case_id": case.case_id})


async def approve(store: CaseStore, ledger: ReconLedger, case_id: str, operator: str) -> Case:
    case = await _load(store, case_id)
    if case.state == CaseState.ADJUSTED and (case.adjustment or {}).get("approved_by") == operator:
        return case  # approved already, by the same checker
    check_approval(case, operator)
    adj = case.adjustment
    with context_scope(case.context_id):
        ids = await ledger.book(f"recon:{case.case_id}:{adj['proposal_id']}", case.channel_id, case.currency_code,
                                adj["amount_minor"], "RECON_ADJUSTMENT", _ref(case))
    moved = await store.cas_case(case, state=CaseState.ADJUSTED, resolution="MANUAL_ADJUSTMENT",
                                 adjustment={**adj, "approved_by": operator, "ledger_transfer_ids": ids})
    if moved is None:  # booked with the same request id: approving again is safe
        raise FailedPrecondition("CASE_CHANGED", "the case changed meanwhile; approve again", {"case_id": case_id})
    return moved


async def write_off(store: CaseStore, case_id: str, note: str, operator: str) -> Case:
    case = await _load(store, case_id)
    if case.state == CaseState.WRITTEN_OFF:
        return case
    if case.state != CaseState.OPEN:
        raise _not_open(case)
    moved = await store.cas_case(case, state=CaseState.WRITTEN_OFF, resolution="WRITTEN_OFF",
                                 note=f"{case.note} | written off by {operator}: {note}"[:1000])
    if moved is None:
        raise FailedPrecondition("CASE_CHANGED", "the case changed meanwhile; read it again", {"case_id": case_id})
    return moved


PAY = 1


async def resolve_status(store: CaseStore, correct: Correct, case: Case) -> Case | None:
    """Automatic resolution of a STATUS_MISMATCH on a PAY order; the channel's final word wins:
    - it captured, we did not record it (FAIL, or still open): the order is corrected to SUCCESS and the
      payment engine takes the capture — it completes the payment, or books it to suspense and refunds it
      when the payment already failed or the order was paid otherwise (CAPTURE_TO_PAYMENT);
    - it failed, we recorded SUCCESS: the receivable we booked is not real — reversed through suspense
      like a channel-missing order (REVERSED_TO_SUSPENSE, booked by book_pending);
    - it failed, ours is still open: the order fails (FAILED_PER_CHANNEL) and the payment moves on.
    The correction comes first and is idempotent, so a crash before the case's CAS is redone by the next
    run. Refund and payout orders stay OPEN for operations (money out: no automatic guess)."""
    if case.kind != Kind.STATUS_MISMATCH or case.state != CaseState.OPEN or case.resolution or case.order_type != PAY:
        return None
    if case.channel_state == SUCCESS:
        await correct(case.inst_order_id, True, case.channel_amount)
        return await store.cas_case(case, state=CaseState.AUTO_RESOLVED, resolution="CAPTURE_TO_PAYMENT",
                                    note=f"{case.note} | order corrected to SUCCESS; the payment engine completes or refunds it")
    if case.local_state == SUCCESS:
        return await store.cas_case(case, state=CaseState.AUTO_RESOLVED, resolution="REVERSED_TO_SUSPENSE", booked=False,
                                    note=f"{case.note} | the channel failed what we booked: reversed through suspense")
    await correct(case.inst_order_id, False, None)
    return await store.cas_case(case, state=CaseState.AUTO_RESOLVED, resolution="FAILED_PER_CHANNEL",
                                note=f"{case.note} | order failed per the channel")


async def resolve_open_status(store: CaseStore, correct: Correct, ledger: ReconLedger, channel_id: str) -> int:
    """resolve_status for every unresolved STATUS_MISMATCH a statement found (run cases, not near-real-time
    ones), then the bookings it planned."""
    done = sum([await resolve_status(store, correct, c) is not None for c in await store.open_status_cases(channel_id)])
    if done:
        await book_pending(store, ledger, channel_id)
    return done


def near_real_time_case(order: Any, channel_state: int, channel_amount: int | None, now: dt.date) -> Case | None:
    """A channel answer arriving for an order already final: a case when it disagrees."""
    local_amount = order.settled_amount.amount_minor if order.settled_amount is not None else order.amount.amount_minor
    kind = classify(channel_state, channel_amount if channel_amount is not None else local_amount, 0, int(order.state),
                    local_amount, 0)
    if kind in (MATCHED, IGNORED):
        return None
    state, resolution, booked = initial_state(Kind(kind))
    return Case(new_id("rcc"), Kind(kind), state, order.channel_id, now, order.amount.currency_code,
                inst_order_id=order.inst_order_id, channel_reference=order.channel_reference, local_amount=local_amount,
                channel_amount=channel_amount, local_state=int(order.state), channel_state=channel_state,
                resolution=resolution, note="near-real-time: " + NOTES[Kind(kind)], booked=booked, context_id=order.context_id,
                order_type=int(order.type), extra={"payment_id": order.payment_id, "order_id": order.order_id})


async def watch(store: CaseStore, ledger: ReconLedger, correct: Correct, order: Any, channel_state: int,
                channel_amount: int | None) -> Case | None:
    """Near-real-time reconciliation: a case at once when a channel's answer disagrees with the
    final state we recorded (same dedup key as the batch: the T+1 run never opens it again),
    a capture we missed resolved at once (resolve_status). A FAIL after our SUCCESS stays OPEN: an
    answer alone never reverses booked money: operations decide."""
    case = near_real_time_case(order, channel_state, channel_amount, dt.datetime.now(dt.timezone.utc).date())
    if case is None or not await store.insert_case(case):
        return None
    if channel_state == SUCCESS:  # a signed capture: resolved at once; a late FAIL waits for the statement
        case = await resolve_status(store, correct, case) or case
    if not case.booked:
        await book_pending(store, ledger, case.channel_id)
    return case


__all__ = ["Case", "CaseState", "Kind", "Tolerance", "classify", "book_pending", "resolve_status", "resolve_open_status", "propose", "approve", "write_off", "replace"]
