"""Channel domain: channels, routing rules, institution orders and their state machine, fees,
and how a channel's answer becomes a state. Pure: no I/O. Enum values equal the contract's
(paymesh.channel.v1)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import IntEnum

from servers.kernel.errors import FailedPrecondition
from servers.kernel.money import Money


class ChannelState(IntEnum):
    ACTIVE = 1
    PAUSED = 2
    DISABLED = 3


class Method(IntEnum):
    CARD = 1
    BANK_TRANSFER = 2
    DIRECT_DEBIT = 3
    E_WALLET = 4


class Verification(IntEnum):
    UNSPECIFIED = 0
    NONE = 1
    PASSWORD = 2
    OTP = 3
    THREE_DS = 4


class ThreeDs(IntEnum):
    NONE = 1
    SUPPORTED = 2
    ALWAYS = 3


class OrderType(IntEnum):
    PAY = 1
    REFUND = 2
    PAYOUT = 3


class State(IntEnum):
    INIT = 1
    SENT = 2
    PROCESSING = 3
    REQUIRES_ACTION = 4
    SUCCESS = 5
    FAIL = 6
    UNKNOWN = 7


class Result(IntEnum):
    UNSPECIFIED = 0
    SUCCESS = 1
    PROCESSING = 2
    REQUIRES_ACTION = 3
    DECLINED = 4
    INSUFFICIENT_FUNDS = 5
    CARD_EXPIRED = 6
    INVALID_CARD = 7
    AUTHENTICATION_FAILED = 8
    SUSPECTED_FRAUD = 9
    LIMIT_EXCEEDED = 10
    INVALID_REQUEST = 11
    DUPLICATE = 12
    CHANNEL_UNAVAILABLE = 13
    TIMEOUT = 14
    UNMAPPED = 15
    SYSTEM_ERROR = 16


class Strategy(IntEnum):
    PRIORITY = 1
    LOWEST_FEE = 2
    BEST_SUCCESS_RATE = 3
    LOWEST_LATENCY = 4


class NotificationResult(IntEnum):
    APPLIED = 1
    DUPLICATE = 2
    STALE = 3


FINAL = frozenset({State.SUCCESS, State.FAIL})
OPEN = frozenset({State.SENT, State.PROCESSING, State.REQUIRES_ACTION, State.UNKNOWN})
# Every allowed compare-and-set transition. Final states have none: late, duplicated or
# out-of-order news can never move a SUCCESS or FAIL. PROCESSING never goes back to
# REQUIRES_ACTION, and nothing returns to INIT or SENT.
TRANSITIONS: dict[State, frozenset[State]] = {
    State.INIT: frozenset({State.SENT, State.FAIL}),
    State.SENT: frozenset({State.PROCESSING, State.REQUIRES_ACTION, State.SUCCESS, State.FAIL, State.UNKNOWN}),
    State.REQUIRES_ACTION: frozenset({State.PROCESSING, State.SUCCESS, State.FAIL}),
    State.PROCESSING: frozenset({State.SUCCESS, State.FAIL}),
    State.UNKNOWN: frozenset({State.PROCESSING, State.REQUIRES_ACTION, State.SUCCESS, State.FAIL}),
    State.SUCCESS: frozenset(),
    State.FAIL: frozenset(),
}


def can_move(current: State, target: State) -> bool:
    return target in TRANSITIONS[current]


def check_transition(current: State, target: State) -> None:
    if not can_move(current, target):
        raise FailedPrecondition("ILLEGAL_INST_ORDER_TRANSITION", f"institution order cannot go from {current.name} to {target.name}",
                                 {"from": current.name, "to": target.name})


@dataclass(frozen=True)
class CurrencyTerms:
    currency_code: str
    fixed_fee_minor: int = 0
    daily_quota_minor: int | None = None
    min_amount_minor: int | None = None
    max_amount_minor: int | None = None


@dataclass(frozen=True)
class Channel:
    channel_id: str
    state: ChannelState
    methods: frozenset[int]
    card_orgs: frozenset[int]
    operations: frozenset[int]
    currencies: dict[str, CurrencyTerms]
    fee_rate_bps: int
    three_ds: ThreeDs
    adapter: str
    endpoint: str
    signing_key_ref: str = ""
    request_timeout_millis: int = 0
    query_backoff_seconds: tuple[int, ...] = ()
    version: int = 1

    def fee(self, amount: Money) -> Money:
        """Percentage (rounded half up, in minor units) plus the currency's fixed fee."""
        terms = self.currencies.get(amount.currency_code)
        fixed = terms.fixed_fee_minor if terms else 0
        return Money(amount.currency_code, (amount.amount_minor * self.fee_rate_bps + 5_000) // 10_000 + fixed)


DEFAULT_BACKOFF_SECONDS = (5, 30, 300, 3600)


def next_query_delay_seconds(channel: Channel | None, query_count: int) -> int:
    backoff = (channel.query_backoff_seconds if channel else ()) or DEFAULT_BACKOFF_SECONDS
    return backoff[min(query_count, len(backoff) - 1)]


@dataclass(frozen=True)
class BinRange:
    start_bin: str
    end_bin: str

    def contains(self, card_bin: str) -> bool:
        width = len(self.start_bin)
        return len(card_bin) >= width and self.start_bin <= card_bin[:width] <= self.end_bin


@dataclass(frozen=True)
class AmountRange:
    currency_code: str
    min_minor: int
    max_minor: int | None


@dataclass(frozen=True)
class Conditions:
    operations: frozenset[int] = frozenset()
    methods: frozenset[int] = frozenset()
    verification_methods: frozenset[int] = frozenset()
    card_orgs: frozenset[int] = frozenset()
    bin_ranges: tuple[BinRange, ...] = ()
    currency_codes: frozenset[str] = frozenset()
    amount_ranges: tuple[AmountRange, ...] = ()
    merchant_ids: frozenset[str] = frozenset()
    member_ids: frozenset[str] = frozenset()


@dataclass(frozen=True)
class RoutingRule:
    rule_id: str
    name: str
    priority: int
    conditions: Conditions
    channel_ids: tuple[str, ...]
    strategy: Strategy
    active: bool = True
    version: int = 1


@dataclass(frozen=True)
class CodeMapping:
    result: Result
    retryable: bool


@dataclass(frozen=True)
class RequiredAction:
    redirect_url: str
    http_method: str = "GET"
    form_fields: dict[str, str] = field(default_factory=dict)
    expire_time: dt.datetime | None = None


@dataclass(frozen=True)
class InstOrder:
    inst_order_id: str
    instruction_id: str
    attempt: int
    type: OrderType
    state: State
    channel_id: str
    amount: Money
    method: int
    verification_method: int = 0
    order_id: str = ""
    payment_id: str = ""
    refund_id: str = ""
    merchant_id: str = ""
    member_id: str = ""
    fee: Money | None = None
    settled_amount: Money | None = None
    original_inst_order_id: str = ""
    channel_reference: str = ""
    channel_result_code: str = ""
    channel_result_message: str = ""
    result: Result = Result.UNSPECIFIED
    retryable: bool = False
    required_action: RequiredAction | None = None
    routing_rule_id: str = ""
    superseded_by: str = ""
    quota_reserved_date: dt.date | None = None
    query_count: int = 0
    next_query_time: dt.datetime | None = None
    context_id: str = ""
    version: int = 1
    create_time: dt.datetime | None = None
    send_time: dt.datetime | None = None
    finish_time: dt.datetime | None = None
    update_time: dt.datetime | None = None


@dataclass(frozen=True)
class ChannelAnswer:
    """What a channel said about an order (response, query or notification), in its own terms.
    status: SUCCESS | DECLINED | PENDING | REQUIRES_ACTION | ERROR | NOT_FOUND."""

    status: str
    code: str = ""
    message: str = ""
    channel_reference: str = ""
    amount_minor: int | None = None
    redirect_url: str = ""
    notification_id: str = ""
    inst_order_id: str = ""


@dataclass(frozen=True)
class Outcome:
    state: State
    result: Result
    retryable: bool


def outcome(answer: ChannelAnswer, mapping: CodeMapping | None) -> Outcome:
    """The unified view of an answer. Decline codes go through the channel's table; a code
    not in it is UNMAPPED and not retryable (never guess that money did not move)."""
    if answer.status == "SUCCESS":
        return Outcome(State.SUCCESS, Result.SUCCESS, False)
    if answer.status == "PENDING":
        return Outcome(State.PROCESSING, Result.PROCESSING, False)
    if answer.status == "REQUIRES_ACTION":
        return Outcome(State.REQUIRES_ACTION, Result.REQUIRES_ACTION, False)
    if answer.status == "DECLINED":
        if mapping is None:
            return Outcome(State.FAIL, Result.UNMAPPED, False)
        if mapping.result in (Result.SUCCESS, Result.PROCESSING, Result.REQUIRES_ACTION):
            return Outcome(State.FAIL, Result.UNMAPPED, False)  # a decline mapped to success is a table error
        return Outcome(State.FAIL, mapping.result, mapping.retryable)
    if answer.status == "REJECTED":  # the channel refused before processing (5xx "unavailable", not sent)
        result = mapping.result if mapping else Result.CHANNEL_UNAVAILABLE
        return Outcome(State.FAIL, result, mapping.retryable if mapping else True)
    return Outcome(State.UNKNOWN, Result.TIMEOUT, False)  # ERROR / timeout / broken connection: ask later
