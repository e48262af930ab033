"""What UES's handlers need from storage: the vault (PostgreSQL, adapters.SqlVault), the
temporary-ticket store and the plaintext cache (Redis, redis_store). tests/unit use fakes."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from servers.ues.domain import Record
from servers.ues.keys import Purpose


@dataclass(frozen=True)
class AuditEntry:
    audit_id: str
    action: int              # paymesh.ues.v1.AuditAction
    client_id: str
    ticket: str
    data_type: str
    context_id: str
    allowed: bool
    reason: str
    method: str
    create_time: datetime | None = None


@dataclass(frozen=True)
class RewrapJob:
    job_id: str
    state: int               # paymesh.ues.v1.RewrapJobState
    purpose: Purpose
    from_key_ids: list[str]
    target_key_id: str
    batch_size: int
    total_records: int = 0
    done_records: int = 0
    failed_records: int = 0
    checkpoint: str = ""
    error_message: str = ""
    create_time: datetime | None = None
    update_time: datetime | None = None
    finish_time: datetime | None = None


class Vault(Protocol):
    async def insert_records(self, records: list[Record]) -> None: ...

    async def get_records(self, tickets: list[str]) -> dict[str, Record]: ...

    async def find_by_digest(self, data_type: str, digests: list[str]) -> Record | None: ...

    async def insert_audit(self, entries: list[AuditEntry]) -> None: ...


class TempStore(Protocol):
    """Temporary tickets (Redis): sealed records with a TTL; single-use ones are read once."""

    async def put_many(self, records: list[tuple[Record, int]]) -> None:
        """(record, ttl seconds) pairs; never overwrites a ticket."""

    async def get_many(self, tickets: list[str]) -> dict[str, Record]: ...

    async def consume(self, tickets: list[str]) -> set[str]:
        """Deletes single-use tickets; returns those this caller deleted (the only ones it may read)."""


class PlainCache(Protocol):
    """WithCache: plaintexts sealed with a process-memory key, bounded TTL."""

    async def get_many(self, tickets: list[str]) -> dict[str, tuple[str, str]]:
        """ticket → (data_type, plaintext) for live entries."""

    async def put_many(self, entries: list[tuple[str, str, str, str]], rand=None) -> None:
        """(ticket, key_id, data_type, plaintext) entries; `rand`: the batch's randomness."""

    async def drop_key(self, key_id: str) -> int: ...
