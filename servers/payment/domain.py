"""Payment domain: the payment order and its state machine. Pure: no I/O.
Enum values equal the contract's (paymesh.payment.v1)."""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum

from servers.kernel.errors import FailedPrecondition
from servers.kernel.money import Money


class PaymentKind(IntEnum):
    ORDER = 1
    TOP_UP = 2
    WITHDRAW = 3
    REFUND = 4
    TRANSFER = 5


class PaymentMethod(IntEnum):
    BALANCE = 1
    CARD_3DS = 2
    CARD_NON_3DS = 3
    BANK_TRANSFER = 4


class PaymentState(IntEnum):
    CREATED = 1
    PROCESSING = 2
    SUCCEEDED = 3
    FAILED = 4
    UNKNOWN = 5


FINAL = {PaymentState.SUCCEEDED, PaymentState.FAILED}
# Every allowed compare-and-set transition; anything else is a bug or a race and is refused.
TRANSITIONS: dict[PaymentState, set[PaymentState]] = {
    PaymentState.CREATED: {PaymentState.PROCESSING, PaymentState.FAILED},
    PaymentState.PROCESSING: {PaymentState.SUCCEEDED, PaymentState.FAILED, PaymentState.UNKNOWN},
    PaymentState.UNKNOWN: {PaymentState.SUCCEEDED, PaymentState.FAILED},
    PaymentState.SUCCEEDED: set(),
    PaymentState.FAILED: set(),
}


def check_transition(current: PaymentState, target: PaymentState) -> None:
    if target not in TRANSITIONS[current]:
        raise FailedPrecondition("ILLEGAL_PAYMENT_TRANSITION", f"payment cannot go from {current.name} to {target.name}",
                                 {"from": current.name, "to": target.name})


@dataclass(frozen=True)
class Payment:
    payment_id: str
    request_id: str
    kind: PaymentKind
    order_id: str
    merchant_id: str
    payer_member_id: str
    amount: Money
    method: PaymentMethod
    state: PaymentState
    fee: Money | None = None
    failure_reason: str = ""
    ledger_transfer_ids: tuple[str, ...] = field(default_factory=tuple)
    context_id: str = ""
    version: int = 1
    create_time: object = None
    update_time: object = None


@dataclass(frozen=True)
class PayOrder:
    request_id: str
    request_hash: bytes
    order_id: str
    merchant_id: str
    payer_member_id: str
    amount: Money
    method: PaymentMethod
    context_id: str
