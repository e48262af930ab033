"""What the ledger's handlers need from storage. adapters.SqlLedgerRepository implements it
on PostgreSQL (one connection inside the caller's transaction); tests/unit use an in-memory
fake with the same semantics, buffered deltas included."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from servers.ledger.domain import Account, AccountType, Delta, Entry, OwnerType, Transfer

Check = tuple[bool, str]


class LedgerRepository(Protocol):
    async def now(self) -> datetime:
        """The transaction's clock (timeouts, resolve times)."""

    async def get_accounts(self, account_ids: list[str]) -> dict[str, Account]:
        """Unlocked read; balances include every committed buffered delta."""

    async def account_flags(self, account_ids: list[str]) -> dict[str, Account]:
        """Existing accounts by id for their immutable attributes (owner, type, currency, flags,
        hotness) only: balances and state may be stale (the adapter caches them)."""

    async def find_account(self, owner_type: OwnerType, owner_id: str, account_type: AccountType, currency_code: str) -> Account | None: ...

    async def insert_account(self, account: Account) -> Account:
        """Inserts, or returns the existing account with the same owner/type/currency."""

    async def list_accounts(self, owner_type: OwnerType | None, owner_id: str, page_size: int, after: str) -> list[Account]: ...

    async def lock_accounts(self, row_locked: list[str], shared: list[str]) -> dict[str, Account]:
        """`row_locked`: exclusive row locks in id order, buffered deltas rolled into the row,
        so the balance is exact. `shared`: a lock that only freeze/unfreeze/close conflict
        with (the state cannot change); the balance is a committed snapshot."""

    async def lock_account_state(self, account_id: str) -> Account | None:
        """The strongest lock (waits for every posting in flight), deltas rolled up."""

    async def save_state(self, account: Account) -> None: ...

    async def apply_deltas(self, row: dict[str, Delta], buffered: dict[str, Delta]) -> None:
        """`row` updates locked account rows; `buffered` appends deltas of hot accounts."""

    async def roll_up(self, accounts_max: int) -> int:
        """Folds buffered deltas into account rows; returns the number of deltas folded."""

    async def insert_transfers(self, transfers: list[Transfer]) -> list[Transfer]:
        """Stores transfers and, for posted ones, their two entries; returns them as stored."""

    async def lock_transfer(self, transfer_id: str) -> Transfer | None: ...

    async def resolve_transfer(self, hold: Transfer) -> Transfer:
        """Stores a hold's one transition (and its entries when posted)."""

    async def reversed_amount(self, transfer_id: str) -> int: ...

    async def due_holds(self, now: datetime, limit: int) -> list[Transfer]:
        """Pending holds past their timeout, locked, skipping ones another worker holds."""

    async def find_transfers_by_request(self, request_id: str) -> list[Transfer]: ...

    async def get_transfer(self, transfer_id: str) -> Transfer | None: ...

    async def list_transfers(self, filters: dict[str, str], page_size: int, after: str) -> list[Transfer]: ...

    async def list_entries(self, account_id: str, page_size: int, before: int) -> list[Entry]:
        """Newest first; `before` = 0 starts from the newest."""

    async def balance_at(self, account: Account, at: datetime) -> Account:
        """The account's balances as they were at `at` (from entries and holds)."""

    async def flush(self) -> None:
        """Sends writes the repository deferred (see adapters); a no-op otherwise."""

    async def add_event(self, event_type: str, payload: dict[str, Any]) -> None: ...

    async def verify(self) -> list[Check]: ...
