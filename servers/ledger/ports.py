"""What the ledger's handlers need from storage. adapters.SqlLedgerRepository implements it
on PostgreSQL; tests/unit use an in-memory fake."""
from __future__ import annotations

from typing import Protocol

from servers.ledger.domain import Account, AccountType, OwnerType, Transfer


class LedgerRepository(Protocol):
    async def get_account(self, account_id: str) -> Account | None: ...

    async def find_account(self, owner_type: OwnerType, owner_id: str, account_type: AccountType, currency_code: str) -> Account | None: ...

    async def insert_account(self, account: Account) -> Account:
        """Inserts, or returns the existing account with the same owner/type/currency."""

    async def lock_accounts(self, account_ids: list[str]) -> dict[str, Account]:
        """Row-locks the accounts in id order (no deadlocks between transfers) and returns them."""

    async def save_balances(self, accounts: list[Account]) -> None: ...

    async def insert_transfers(self, transfers: list[Transfer]) -> None:
        """Stores transfers and, for posted ones, their two entries."""

    async def find_transfers_by_request(self, request_id: str) -> list[Transfer]: ...

    async def get_transfer(self, transfer_id: str) -> Transfer | None: ...

    async def list_transfers(self, filters: dict[str, str], page_size: int, after: str) -> list[Transfer]: ...

    async def verify(self) -> list[tuple[bool, str]]: ...
