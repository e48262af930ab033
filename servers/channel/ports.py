"""What channel handlers need: storage (a unit of work per step), a connector per channel
protocol, and the in-memory catalog of configuration read by routing."""
from __future__ import annotations

import datetime as dt
from typing import Any, Awaitable, Callable, Protocol, TypeVar

from servers.channel.domain import Channel, ChannelAnswer, CodeMapping, InstOrder, RoutingRule, State

T = TypeVar("T")


class Repository(Protocol):
    async def insert_instruction(self, instruction_id: str, request_hash: bytes, order_type: int, request: dict,
                                 max_attempts: int) -> bool:
        """False when the instruction already exists."""

    async def get_instruction(self, instruction_id: str) -> tuple[bytes, dict, int] | None:
        """(request_hash, request, max_attempts)."""

    async def insert_order(self, order: InstOrder) -> None: ...

    async def get_order(self, inst_order_id: str, for_update: bool = False) -> InstOrder | None: ...

    async def first_order(self, instruction_id: str) -> InstOrder | None: ...

    async def orders_of(self, instruction_id: str) -> list[InstOrder]:
        """Every attempt of an instruction, by attempt."""

    async def cas(self, order: InstOrder, **changes: Any) -> InstOrder | None:
        """Compare-and-set on (state, version); None when another writer moved it first."""

    async def claim_init(self, limit: int) -> list[InstOrder]:
        """INIT orders, locked (SKIP LOCKED) for the rest of the transaction."""

    async def claim_due(self, now: dt.datetime, lease_seconds: int, limit: int) -> list[InstOrder]:
        """Open orders whose next query is due; their next_query_time moves lease_seconds on."""

    async def reserve_quota(self, channel_id: str, currency: str, day: dt.date, amount_minor: int, quota_minor: int) -> bool: ...

    async def release_quota(self, channel_id: str, currency: str, day: dt.date, amount_minor: int) -> None: ...

    async def record_notification(self, channel_id: str, notification_id: str, inst_order_id: str, result: int) -> bool:
        """False when this notification was seen before."""

    async def set_notification_result(self, channel_id: str, notification_id: str, result: int) -> None: ...

    async def refunded_minor(self, original_inst_order_id: str) -> int:
        """Sum of the refund orders of a PAY order that did not fail."""

    async def add_event(self, order: InstOrder, previous: State, cause: str) -> None: ...


class UnitOfWork(Protocol):
    async def __call__(self, work: Callable[[Repository], Awaitable[T]]) -> T:
        """Runs work in one transaction."""


class Connector(Protocol):
    async def send(self, channel: Channel, order: InstOrder, request: dict) -> ChannelAnswer:
        """Sends the order with its inst_order_id as our reference. Returns status REJECTED only
        when the channel certainly did not process it (connection refused, explicit 503 before
        processing); a timeout or broken connection is ERROR (outcome unknown)."""

    async def query(self, channel: Channel, order: InstOrder) -> ChannelAnswer: ...

    def parse_notification(self, channel: Channel, body: bytes, headers: dict[str, str]) -> ChannelAnswer:
        """Verifies the signature (raises errors.bad_signature) and parses the body."""


class Catalog(Protocol):
    """Configuration snapshot used on the hot path (routing), refreshed in the background."""

    channels: dict[str, Channel]
    rules: list[RoutingRule]
    mappings: dict[tuple[str, str], CodeMapping]
    used: dict[tuple[str, str], int]


# --- reconciliation -----------------------------------------------------------------------
# A parsed statement line: (channel_reference, inst_order_id, type, state, currency_code,
# amount_minor, fee_minor, transaction_time, raw_status) — the column order of statement_lines.
LineRow = tuple


class StatementParser(Protocol):
    """One per channel adapter kind: turns the channel's statement text into rows, lazily."""

    def parse(self, lines: list[str], first_line: int) -> list[LineRow]:
        """Parses a batch of complete text lines, numbered from first_line (line 1 is the file's
        header, checked and skipped); raises ValueError naming the line on malformed input."""


class StatementFetcher(Protocol):
    def fetch(self, channel: Channel, date: dt.date) -> Any:
        """An async iterator of byte chunks of the channel's statement for the date."""


class ReconLedger(Protocol):
    async def book(self, request_id: str, channel_id: str, currency: str, amount_minor: int, code: str, ref: dict) -> list[str]:
        """Posts between the channel's clearing account and platform suspense: positive amounts
        clearing → suspense, negative suspense → clearing. Idempotent per request id."""
