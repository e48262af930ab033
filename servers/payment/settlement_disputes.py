"""Disputes (chargebacks) of order payments not settled yet, and how settlement treats them.

Money flow. OPEN: nothing moves; the payment is held out of settlement (its money stays in the
merchant's pending settlement). WON: nothing moves; the next batch settles the payment as usual.
LOST: what the payment left in pending (amount − fee kept − refunded) moves merchant pending →
platform suspense (`CHARGEBACK`, request `chargeback:<dispute_id>`), where reconciliation pays the
issuer back through the channel; the platform keeps its fee; the payment is never settled.
Opening and closing hold the merchant's settlement lock, so a batch and a dispute never race.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import IntEnum
from typing import Protocol

from servers.kernel.errors import AlreadyExists, FailedPrecondition, NotFound
from servers.kernel.ids import new_id
from servers.payment import errors
from servers.payment.settlement import Locks, SettlementUnitOfWork


class DisputeState(IntEnum):
    OPEN = 1
    WON = 2
    LOST = 3


@dataclass(frozen=True)
class Dispute:
    dispute_id: str
    payment_id: str
    merchant_id: str
    currency_code: str
    amount_minor: int
    state: DisputeState
    reason: str = ""
    ledger_transfer_ids: tuple[str, ...] = ()
    create_time: dt.datetime | None = None
    close_time: dt.datetime | None = None
    request_id: str = ""


@dataclass(frozen=True)
class Disputable:
    """What a dispute needs to know of its payment."""
    payment_id: str
    merchant_id: str
    currency_code: str
    amount_minor: int
    ok: bool                 # a SUCCEEDED order payment, not a duplicate
    settled: bool            # already in a batch
    left_in_pending: int     # amount − fee kept − SUCCEEDED refunds
    refund_in_flight: bool


@dataclass(frozen=True)
class OpenDispute:
    request_id: str
    request_hash: bytes
    payment_id: str
    reason: str


class DisputeStore(Protocol):
    async def disputable(self, payment_id: str) -> Disputable | None:
        """Locks the payment row (FOR UPDATE) against a batch collecting it meanwhile."""

    async def find_dispute_by_request(self, request_id: str) -> tuple[Dispute, bytes] | None: ...

    async def get_dispute(self, dispute_id: str) -> Dispute | None: ...

    async def open_dispute_of(self, payment_id: str) -> Dispute | None:
        """The OPEN or LOST dispute of the payment, if any."""

    async def insert_dispute(self, dispute: Dispute, request_hash: bytes) -> None: ...

    async def close_dispute(self, dispute_id: str, outcome: DisputeState, transfer_ids: tuple[str, ...]) -> Dispute | None:
        """CAS OPEN → outcome."""

    async def list_disputes(self, merchant_id: str, payment_id: str, before: str, limit: int) -> list[Dispute]: ...


class ChargebackLedger(Protocol):
    async def chargeback(self, dispute: Dispute, amount_minor: int) -> list[str]:
        """Merchant pending → platform suspense (idempotent per dispute). Raises Declined."""


def dispute_not_found(dispute_id: str) -> NotFound:
    return NotFound("DISPUTE_NOT_FOUND", f"dispute {dispute_id} does not exist", {"dispute_id": dispute_id})


async def open_dispute(uow: SettlementUnitOfWork, locks: Locks, cmd: OpenDispute) -> Dispute:
    found = await uow(lambda s: s.find_dispute_by_request(cmd.request_id))
    if found is not None:
        return _same(found, cmd)
    payment = await uow(lambda s: s.disputable(cmd.payment_id))
    if payment is None:
        raise errors.payment_not_found(cmd.payment_id)
    async with locks.hold(f"settle:{payment.merchant_id}"):
        async def work(s) -> Dispute:
            again = await s.find_dispute_by_request(cmd.request_id)
            if again is not None:
                return _same(again, cmd)
            p = await s.disputable(cmd.payment_id)
            if not p.ok:
                raise FailedPrecondition("NOT_DISPUTABLE", f"payment {p.payment_id} is not a successful order payment",
                                         {"payment_id": p.payment_id})
            if p.settled:
                raise FailedPrecondition("PAYMENT_ALREADY_SETTLED", f"payment {p.payment_id} is already settled; dispute it"
                                         " through a refund", {"payment_id": p.payment_id})
            if await s.open_dispute_of(p.payment_id) is not None:
                raise FailedPrecondition("DISPUTE_ALREADY_OPEN", f"payment {p.payment_id} already has an open or lost dispute",
                                         {"payment_id": p.payment_id})
            dispute = Dispute(new_id("dsp"), p.payment_id, p.merchant_id, p.currency_code, p.amount_minor, DisputeState.OPEN,
                              cmd.reason, request_id=cmd.request_id)
            await s.insert_dispute(dispute, cmd.request_hash)
            return await s.get_dispute(dispute.dispute_id)
        return await uow(work)


def _same(found: tuple[Dispute, bytes], cmd: OpenDispute) -> Dispute:
    dispute, digest = found
    if digest != cmd.request_hash:
        raise AlreadyExists("REQUEST_ID_REUSED", f"request_id {cmd.request_id!r} was already used for another dispute",
                            {"request_id": cmd.request_id})
    return dispute


async def close_dispute(uow: SettlementUnitOfWork, locks: Locks, ledger: ChargebackLedger, dispute_id: str,
                        outcome: DisputeState) -> Dispute:
    dispute = await get_dispute(uow, dispute_id)
    if outcome not in (DisputeState.WON, DisputeState.LOST):
        raise FailedPrecondition("BAD_OUTCOME", "a dispute closes WON or LOST", {"dispute_id": dispute_id})
    async with locks.hold(f"settle:{dispute.merchant_id}"):
        dispute = await get_dispute(uow, dispute_id)
        if dispute.state != DisputeState.OPEN:
            if dispute.state == outcome:
                return dispute
            raise FailedPrecondition("DISPUTE_CLOSED", f"dispute {dispute_id} is already {dispute.state.name}",
                                     {"dispute_id": dispute_id, "state": dispute.state.name})
        ids: tuple[str, ...] = ()
        if outcome == DisputeState.LOST:
            payment = await uow(lambda s: s.disputable(dispute.payment_id))
            if payment.refund_in_flight:
                raise FailedPrecondition("REFUND_IN_FLIGHT", f"payment {payment.payment_id} has a refund in flight; retry",
                                         {"payment_id": payment.payment_id})
            try:
                ids = tuple(await ledger.chargeback(dispute, payment.left_in_pending)) if payment.left_in_pending else ()
            except errors.Declined as declined:
                raise FailedPrecondition("CHARGEBACK_DECLINED", f"the ledger refused the chargeback of {dispute_id}: {declined.reason}",
                                         {"dispute_id": dispute_id, "reason": declined.reason}) from None
        done = await uow(lambda s: s.close_dispute(dispute_id, outcome, ids))
        return done or await get_dispute(uow, dispute_id)


async def get_dispute(uow: SettlementUnitOfWork, dispute_id: str) -> Dispute:
    dispute = await uow(lambda s: s.get_dispute(dispute_id))
    if dispute is None:
        raise dispute_not_found(dispute_id)
    return dispute


async def list_disputes(uow: SettlementUnitOfWork, merchant_id: str, payment_id: str, page_size: int,
                        token: str) -> tuple[list[Dispute], str]:
    from servers.kernel.errors import FieldViolation, InvalidArgument

    if not merchant_id and not payment_id:
        raise InvalidArgument([FieldViolation("merchant_id", "merchant_id or payment_id is required")])
    size = page_size or 50
    rows = await uow(lambda s: s.list_disputes(merchant_id, payment_id, token, size + 1))
    return rows[:size], (rows[size - 1].dispute_id if len(rows) > size else "")
