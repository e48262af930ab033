"""What payment handlers need: storage (a unit of work per step) and the ledger."""
from __future__ import annotations

from typing import Any, Awaitable, Callable, Protocol, TypeVar

from servers.payment.domain import Payment, PaymentState

T = TypeVar("T")


class PaymentRepository(Protocol):
    async def find_by_request(self, request_id: str) -> tuple[Payment, bytes] | None:
        """The payment created with request_id, and the hash of the request that created it."""

    async def get(self, payment_id: str) -> Payment | None: ...

    async def insert(self, payment: Payment, request_hash: bytes) -> bool:
        """False when the request_id already exists (a concurrent duplicate won)."""

    async def transition(self, payment: Payment, target: PaymentState, **changes: Any) -> Payment | None:
        """Compare-and-set on (state, version); None when another writer moved it first."""

    async def add_event(self, event_type: str, payload: dict[str, Any]) -> None: ...

    async def list_by_order(self, order_id: str) -> list[Payment]: ...


class UnitOfWork(Protocol):
    async def __call__(self, work: Callable[[PaymentRepository], Awaitable[T]]) -> T:
        """Runs work in one transaction."""


class LedgerPort(Protocol):
    async def book_order_payment(self, payment: Payment) -> list[str]:
        """Posts payer wallet → merchant pending settlement, idempotently per payment.
        Raises errors.LedgerDeclined on a business refusal, errors.ledger_unavailable() when
        the ledger can't be reached."""
