"""What trade handlers need: storage (a unit of work per step) and the payment core."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Protocol, TypeVar

from servers.trade.domain import Order, OrderState

T = TypeVar("T")


class OrderRepository(Protocol):
    async def insert(self, order: Order) -> bool:
        """False when (merchant_id, out_trade_no) already exists."""

    async def get(self, order_id: str) -> Order | None: ...

    async def get_by_out_trade_no(self, merchant_id: str, out_trade_no: str) -> Order | None: ...

    async def transition(self, order: Order, target: OrderState, **changes: Any) -> Order | None:
        """Compare-and-set on (state, version); None when another writer moved it first."""

    async def add_event(self, event_type: str, payload: dict[str, Any]) -> None: ...


class UnitOfWork(Protocol):
    async def __call__(self, work: Callable[[OrderRepository], Awaitable[T]]) -> T: ...


@dataclass(frozen=True)
class PaymentResult:
    payment_id: str
    state: str  # PAYMENT_STATE_* name
    failure_reason: str


class PaymentPort(Protocol):
    async def pay(self, order: Order, request_id: str, method: int, risk_ticket: str) -> PaymentResult: ...
