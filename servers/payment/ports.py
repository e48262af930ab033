"""What the payment engine needs: storage (a unit of work per step), payment tools (plugins
that execute and compensate instructions), and the ledger."""
from __future__ import annotations

from typing import Any, Awaitable, Callable, Protocol, TypeVar

from servers.payment.domain import ChannelRefund, Instruction, InstructionState, LateCapture, Payment, PaymentState
from servers.payment.fees import FeePlan

T = TypeVar("T")


class PaymentRepository(Protocol):
    async def find_by_request(self, request_id: str) -> tuple[Payment, bytes] | None:
        """The payment created with request_id, and the hash of the request that created it."""

    async def get(self, payment_id: str) -> Payment | None:
        """With its instructions."""

    async def insert(self, payment: Payment, request_hash: bytes) -> bool:
        """Inserts the payment and its instructions; False when request_id exists (a duplicate won)."""

    async def transition(self, payment: Payment, target: PaymentState, **changes: Any) -> Payment | None:
        """Compare-and-set on (state, version); None when another writer moved it first."""

    async def set_instruction(self, instruction: Instruction, expected: InstructionState, target: InstructionState,
                              **changes: Any) -> bool:
        """Compare-and-set on the instruction's state."""

    async def add_refunded(self, payment_id: str, delta_minor: int) -> Payment | None:
        """Atomically moves refunded_minor by delta; None if that would exceed the amount or go below 0."""

    async def add_event(self, event_type: str, payload: dict[str, Any]) -> None: ...

    async def find_instruction(self, instruction_id: str) -> tuple[Payment, Instruction] | None: ...

    async def record_channel_result(self, instruction_id: str, verdict: str, inst_order_id: str, channel_id: str,
                                    settled_minor: int, redirect_url: str, reason: str) -> bool:
        """Stores a channel verdict on a PROCESSING instruction; SUCCESS/FAIL are final and never overwritten."""

    async def waiting_payments(self, limit: int) -> list[str]:
        """Payments with a channel verdict not yet acted on, or a late capture not yet booked (the janitor resumes them)."""

    async def succeeded_payment_of_order(self, order_id: str, other_than: str) -> str:
        """Another SUCCEEDED payment of the order ("" if none), serialised per order to the end of the transaction."""

    async def record_late_capture(self, late: LateCapture) -> bool:
        """Records a late capture once per institution order; False if it was recorded before."""

    async def late_captures(self, payment_id: str) -> list[LateCapture]: ...

    async def mark_late_capture_booked(self, inst_order_id: str, transfer_ids: tuple[str, ...]) -> None: ...

    async def record_refunds(self, rows: list[ChannelRefund]) -> None:
        """Records engine refunds once per refund_key (a repeat is a no-op)."""

    async def channel_refunds(self, payment_id: str) -> list[ChannelRefund]: ...

    async def set_refund(self, refund_key: str, expected: str, target: str, **changes: Any) -> bool:
        """Compare-and-set on the refund's state."""

    async def record_refund_result(self, instruction_id: str, verdict: str, inst_order_id: str, reason: str) -> str | None:
        """Stores a channel verdict (SUCCESS/FAIL, final) on the refund sent as instruction_id; its payment id, None if not ours
        or already recorded."""

    async def list_payments(self, filters: dict[str, str], page_size: int, after: str) -> list[Payment]: ...

    async def latest_fee_plan(self, merchant_id: str) -> FeePlan | None: ...

    async def fee_plan(self, merchant_id: str, version: int) -> FeePlan | None: ...

    async def insert_fee_plan(self, plan: FeePlan) -> FeePlan:
        """Stores plan as the next version (version ignored) and returns it."""


class UnitOfWork(Protocol):
    async def __call__(self, work: Callable[[PaymentRepository], Awaitable[T]]) -> T:
        """Runs work in one transaction."""


class PaymentTool(Protocol):
    """A payment-tool plugin. Both calls are idempotent per (payment, instruction)."""

    async def execute(self, payment: Payment, instruction: Instruction) -> list[str]:
        """Moves the instruction's money; returns ledger transfer ids. Raises errors.Declined
        on a business refusal, kernel Unavailable when the outcome is unknown."""

    async def compensate(self, payment: Payment, instruction: Instruction) -> None:
        """Undoes an executed instruction (void a hold, reverse a posting)."""


class LedgerPort(Protocol):
    async def pay_from_wallet(self, payment: Payment, instruction: Instruction) -> list[str]: ...

    async def charge_fee(self, payment: Payment) -> list[str]: ...

    async def book_channel_capture(self, payment: Payment, instruction: Instruction) -> list[str]:
        """On a channel's SUCCESS, by payment kind: an order books channel clearing → merchant pending
        settlement (what was captured), a top-up clearing → the member's wallet, a withdrawal posts its hold."""

    async def book_late_capture(self, payment: Payment, late: LateCapture) -> list[str]:
        """A channel SUCCESS after the payment FAILED: clearing → platform suspense (idempotent per institution order)."""

    async def refund_to_wallet(self, refund: Payment) -> list[str]: ...

    async def transfer_between_members(self, payment: Payment) -> list[str]: ...

    async def reverse(self, request_id: str, transfer_ids: list[str]) -> None: ...

    async def void_holds(self, instruction_id: str, transfer_ids: list[str]) -> None:
        """Voids an instruction's ledger holds (idempotent per instruction and hold)."""

    async def book_channel_refund(self, payment: Payment, refund: ChannelRefund) -> list[str]:
        """A confirmed engine refund: fee back, merchant pending / suspense → channel clearing (or → wallet for a balance part);
        idempotent per refund_key."""


class ChannelRefunder(Protocol):
    async def submit_refund(self, payment: Payment, refund: ChannelRefund) -> str:
        """SubmitRefund to the refund's channel, idempotent per refund_key; the refund's institution order id.
        Raises errors.Declined when the channel refuses it, Unavailable when it did not answer."""
