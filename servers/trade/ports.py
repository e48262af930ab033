"""What trade handlers need: storage (a unit of work per step), the payment core, risk, the
card vault (UES, or a local stand-in) and the cashier's token store."""
from __future__ import annotations

from servers.kernel.money import Money

from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Protocol, TypeVar

import datetime as dt

from servers.trade.domain import Member, Order, OrderPayment, OrderState, SavedCard

T = TypeVar("T")


class OrderRepository(Protocol):
    async def insert(self, order: Order) -> bool:
        """False when (merchant_id, out_trade_no) already exists."""

    async def get(self, order_id: str) -> Order | None: ...

    async def get_by_out_trade_no(self, merchant_id: str, out_trade_no: str) -> Order | None: ...

    async def transition(self, order: Order, target: OrderState, **changes: Any) -> Order | None:
        """Compare-and-set on (state, version); None when another writer moved it first."""

    async def add_event(self, event_type: str, payload: dict[str, Any]) -> None: ...

    async def list(self, merchant_id: str, state: int, start: dt.datetime | None, end: dt.datetime | None,
                   after: tuple[dt.datetime, str] | None, limit: int) -> list[Order]:
        """Newest first; `after` is the (create_time, order_id) keyset of the previous page's last row."""

    async def expired_unpaid(self, now: dt.datetime, limit: int) -> list[Order]:
        """WAIT_PAY orders past their expiry, locked for this transaction (others skip them)."""

    async def record_attempt(self, attempt: OrderPayment) -> None:
        """Upserts a payment attempt by (order_id, request_id)."""

    async def attempts(self, order_id: str) -> list[OrderPayment]: ...


class UnitOfWork(Protocol):
    async def __call__(self, work: Callable[[OrderRepository], Awaitable[T]]) -> T: ...
    async def read_order(self, order_id: str, attempts: bool = False) -> tuple[Order | None, list[OrderPayment]]:
        """The order (None if unknown) and, when asked, its payment attempts: one consistent read, outside any transaction."""


@dataclass(frozen=True)
class PaymentResult:
    payment_id: str
    state: str  # PAYMENT_STATE_* name
    failure_reason: str


class PaymentPort(Protocol):
    async def pay(self, order: Order, request_id: str, method: int, risk_ticket: str, card: SavedCard | None = None) -> PaymentResult:
        """Card methods pass the saved card: payment gets its UES ticket, org, BIN, last 4 and expiry, never a number."""

    async def refund(self, order: Order, request_id: str, amount: Money, reason: str) -> PaymentResult:
        """Refunds part of the order's payment; payment enforces never more than was paid."""


@dataclass(frozen=True)
class RiskVerdict:
    decision: str  # DECISION_* name
    decision_id: str
    ticket: str = ""
    challenge_id: str = ""
    challenge_types: tuple[str, ...] = ()


@dataclass(frozen=True)
class PayContext:
    """What trade tells risk about a payment attempt."""
    order: Order
    method: int
    request_id: str
    card: SavedCard | None = None
    member_create_time: dt.datetime | None = None
    device_id: str = ""
    client_ip: str = ""


class RiskPort(Protocol):
    async def assess(self, ctx: PayContext) -> RiskVerdict: ...

    async def redeem(self, ctx: PayContext, ticket: str) -> None:
        """Marks the ticket used for this payment; raises when it is invalid, expired, replayed or bound elsewhere."""

    async def requirements(self, order: Order, methods: list[int], member_create_time: dt.datetime | None) -> list[tuple[int, str, tuple[str, ...]]]:
        """(method, DECISION_* name, verifications) per method; records nothing."""


@dataclass(frozen=True)
class ProtectedCard:
    card_no_ticket: str
    holder_ticket: str
    digest: str  # keyed digest of the card number: dedupe without the number
    masked: str
    card_bin: str


class CardVault(Protocol):
    """The only place card numbers and holder names go: UES (UesCardVault), or LocalCardVault without UES."""

    async def protect_card(self, card_no: str, holder_name: str) -> ProtectedCard: ...

    async def protect(self, data_type: str, value: str) -> str:
        """Returns a persistent ticket for a sensitive value (e.g. a mobile number)."""


class MemberRepository(Protocol):
    async def insert_member(self, member: Member, request_id: str) -> Member:
        """Returns the member created by this request_id (the existing one on a retry)."""

    async def get_member(self, member_id: str) -> Member | None: ...

    async def password_hash(self, member_id: str) -> str: ...

    async def set_password_hash(self, member_id: str, password_hash: str) -> None: ...

    async def insert_card(self, card: SavedCard, request_id: str) -> SavedCard:
        """Returns the card saved by this request_id; raises CARD_ALREADY_SAVED for a duplicate digest."""

    async def list_cards(self, member_id: str, after: str, limit: int) -> list[SavedCard]: ...

    async def get_card(self, member_id: str, card_id: str) -> SavedCard | None: ...

    async def remove_card(self, member_id: str, card_id: str) -> bool: ...


class MemberUnitOfWork(Protocol):
    async def __call__(self, work: Callable[[MemberRepository], Awaitable[T]]) -> T: ...


class TokenStore(Protocol):
    """Short-lived keyed values with a TTL (Redis)."""

    async def put(self, key: str, value: str, ttl_seconds: int) -> None: ...

    async def get(self, key: str) -> str | None: ...

    async def incr(self, key: str, ttl_seconds: int) -> int: ...

    async def delete(self, key: str) -> None: ...
