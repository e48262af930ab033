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
    REVIEW = 6  # the channel captured another amount than asked: held for operations, the difference in suspense


# States the engine never moves a payment out of (REVIEW is resolved by operations).
FINAL = {PaymentState.SUCCEEDED, PaymentState.FAILED, PaymentState.REVIEW}
# Every allowed compare-and-set transition; anything else is a bug or a race and is refused.
TRANSITIONS: dict[PaymentState, set[PaymentState]] = {
    PaymentState.CREATED: {PaymentState.PROCESSING, PaymentState.FAILED},
    PaymentState.PROCESSING: {PaymentState.SUCCEEDED, PaymentState.FAILED, PaymentState.UNKNOWN, PaymentState.REVIEW},
    PaymentState.UNKNOWN: {PaymentState.SUCCEEDED, PaymentState.FAILED, PaymentState.REVIEW},
    PaymentState.SUCCEEDED: set(),
    PaymentState.FAILED: set(),
    PaymentState.REVIEW: {PaymentState.SUCCEEDED, PaymentState.FAILED},  # only by ResolveReview (review.py)
}


def check_transition(current: PaymentState, target: PaymentState) -> None:
    if target not in TRANSITIONS[current]:
        raise FailedPrecondition("ILLEGAL_PAYMENT_TRANSITION", f"payment cannot go from {current.name} to {target.name}",
                                 {"from": current.name, "to": target.name})


class InstructionState(IntEnum):
    PENDING = 1
    SUCCEEDED = 2
    FAILED = 3
    COMPENSATED = 4
    PROCESSING = 5  # at an asynchronous tool (a channel); its verdict arrives by event


@dataclass(frozen=True)
class Instruction:
    instruction_id: str
    seq: int
    method: PaymentMethod
    tool: str
    amount: Money
    state: InstructionState = InstructionState.PENDING
    failure_reason: str = ""
    ledger_transfer_ids: tuple[str, ...] = ()
    inst_order_id: str = ""
    channel_id: str = ""
    redirect_url: str = ""
    channel_result: str = ""  # SUCCESS | FAIL | UNKNOWN | REQUIRES_ACTION, from channel events
    settled_minor: int = 0

    @property
    def captured(self) -> Money:
        """What the channel reports it moved (the amount asked when it did not say)."""
        return Money(self.amount.currency_code, self.settled_minor or self.amount.amount_minor)

    @property
    def mismatched(self) -> bool:
        return self.channel_result == "SUCCESS" and self.captured.amount_minor != self.amount.amount_minor


# Which payment tool runs each method. Configurable (Settings.payment_tools), not hard-coded in the engine.
DEFAULT_TOOLS = {"BALANCE": "balance", "CARD_3DS": "channel", "CARD_NON_3DS": "channel", "BANK_TRANSFER": "channel"}


def build_plan(parts: list[tuple[PaymentMethod, Money]], total: Money, tools: dict[str, str], new_id) -> tuple[Instruction, ...]:
    """One instruction per part, balance first (cheapest to compensate: a hold or a reversal
    inside our own ledger), in a stable order."""
    from servers.payment import errors

    if sum(m.amount_minor for _, m in parts) != total.amount_minor or any(m.currency_code != total.currency_code for _, m in parts):
        raise errors.parts_do_not_add_up()
    ordered = sorted(parts, key=lambda p: (tools.get(p[0].name) != "balance", p[0]))
    plan = []
    for seq, (method, amount) in enumerate(ordered):
        tool = tools.get(method.name)
        if tool is None:
            raise errors.method_not_supported(method.name)
        plan.append(Instruction(new_id("ins"), seq, method, tool, amount))
    return tuple(plan)


@dataclass(frozen=True)
class CardRef:
    card_no_ticket: str
    card_org: str
    card_bin: str = ""
    card_last4: str = ""
    expiry_month: int = 0
    expiry_year: int = 0
    cvv2_ticket: str = ""


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
    fee_plan_version: int = 0
    original_payment_id: str = ""
    refunded_minor: int = 0
    to_member_id: str = ""
    instructions: tuple[Instruction, ...] = ()
    card: CardRef | None = None
    return_url: str = ""
    bank_account_ticket: str = ""  # a withdrawal's bank account, as a UES ticket
    captured_minor: int = 0  # for a payment in REVIEW: what the channels captured in all
    review_reason: str = ""  # PARTIAL_CAPTURE | AMOUNT_MISMATCH
    duplicate_of: str = ""  # a second successful payment of an order: the payment that paid it first
    late_capture_minor: int = 0  # channel SUCCESS after the payment FAILED, booked into suspense
    review_resolution: str = ""  # ACCEPT | REFUND once operations resolved the REVIEW
    resolved_by: str = ""
    resolution_note: str = ""
    resolution_request_id: str = ""
    channel_refunds: tuple["ChannelRefund", ...] = ()

    @property
    def refundable(self) -> Money:
        return Money(self.amount.currency_code, self.amount.amount_minor - self.refunded_minor)


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
    parts: tuple[tuple[PaymentMethod, Money], ...] = ()
    card: CardRef | None = None
    return_url: str = ""

    def plan_parts(self) -> list[tuple[PaymentMethod, Money]]:
        return list(self.parts) or [(self.method, self.amount)]


@dataclass(frozen=True)
class Refund:
    request_id: str
    request_hash: bytes
    payment_id: str
    amount: Money
    reason: str
    context_id: str


@dataclass(frozen=True)
class TopUp:
    """A member recharges their wallet from a card through a channel."""
    request_id: str
    request_hash: bytes
    member_id: str
    amount: Money
    method: PaymentMethod
    context_id: str
    card: CardRef | None = None
    return_url: str = ""


@dataclass(frozen=True)
class Withdrawal:
    """Wallet → bank through a channel payout, held in the ledger until the channel confirms."""
    request_id: str
    request_hash: bytes
    member_id: str
    amount: Money
    bank_account_ticket: str
    context_id: str


# The platform merchant a top-up is routed as: channel routing rules match merchant ids, so a
# rule with merchant_ids=["platform_topup"] picks the channels that take top-ups.
TOPUP_MERCHANT_ID = "platform_topup"
PAYOUT_TOOL = "payout"


def review_of(instructions: tuple[Instruction, ...], amount: Money) -> tuple[str, Money] | None:
    """(reason, captured in all) when a channel captured another amount than asked; None when
    every instruction moved exactly its amount. Less than asked is a partial capture; more (or a
    mix) is an amount mismatch."""
    if not any(i.mismatched for i in instructions):
        return None
    captured = sum(i.captured.amount_minor if i.channel_result == "SUCCESS" else i.amount.amount_minor for i in instructions)
    shortfall = all(i.captured.amount_minor <= i.amount.amount_minor for i in instructions if i.mismatched)
    return ("PARTIAL_CAPTURE" if shortfall else "AMOUNT_MISMATCH"), Money(amount.currency_code, captured)


@dataclass(frozen=True)
class LateCapture:
    """A channel's SUCCESS for an instruction of a payment that had already FAILED."""
    inst_order_id: str
    payment_id: str
    instruction_id: str
    channel_id: str
    amount: Money
    ledger_transfer_ids: tuple[str, ...] = ()
    booked: bool = False


@dataclass(frozen=True)
class MemberTransfer:
    request_id: str
    request_hash: bytes
    from_member_id: str
    to_member_id: str
    amount: Money
    context_id: str


@dataclass(frozen=True)
class ChannelRefund:
    """A refund the engine sends by itself (duplicate, late capture, resolved review), one per
    captured instruction. Booked when the channel confirms: fee income → merchant pending
    (fee_back), merchant pending → channel clearing (merchant_minor; → the payer's wallet for a
    balance part, channel_id ""), platform suspense → channel clearing (suspense_minor)."""
    refund_key: str  # idempotency: the channel request id; the ledger's is channel-refund:<key>
    payment_id: str
    source: str  # DUPLICATE | LATE_CAPTURE | REVIEW_REFUND | REVIEW_EXCESS
    instruction_id: str  # the id the channel knows the refund by
    original_inst_order_id: str
    channel_id: str
    currency_code: str
    merchant_minor: int = 0
    suspense_minor: int = 0
    fee_back_minor: int = 0
    state: str = "PENDING"  # PENDING → SUBMITTED → SUCCEEDED | FAILED
    channel_result: str = ""  # SUCCESS | FAIL from the refund's channel event
    inst_order_id: str = ""
    ledger_transfer_ids: tuple[str, ...] = ()
    failure_reason: str = ""

    @property
    def amount(self) -> Money:
        return Money(self.currency_code, self.merchant_minor + self.suspense_minor)


def event_payload(p: Payment) -> dict:
    """The payload of every payment event (outbox)."""
    return {"payment_id": p.payment_id, "kind": p.kind.name, "order_id": p.order_id, "merchant_id": p.merchant_id,
            "state": p.state.name, "amount_minor": p.amount.amount_minor, "currency_code": p.amount.currency_code,
            "fee_minor": p.fee.amount_minor if p.fee else 0, "failure_reason": p.failure_reason,
            "original_payment_id": p.original_payment_id, "ledger_transfer_ids": list(p.ledger_transfer_ids),
            "captured_minor": p.captured_minor, "review_reason": p.review_reason, "duplicate_of": p.duplicate_of,
            "review_resolution": p.review_resolution}
