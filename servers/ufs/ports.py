"""What UFS's handlers need from the outside. adapters.py implements the repository on
PostgreSQL, adapters_s3.py the object store on any S3 (minio SDK), adapters_keys.py the key
service with UFS's own envelope hierarchy; tests/unit use in-memory fakes."""
from __future__ import annotations

import datetime as dt
from typing import AsyncIterator, Awaitable, Callable, Protocol, TypeVar

from servers.ufs.domain import BucketBinding, Client, ShareFile, StoredFile, StsGrant

T = TypeVar("T")


class Repository(Protocol):
    """One transaction's view of UFS's tables."""

    async def get_client(self, client_id: str, lock: bool = False) -> Client | None: ...
    async def get_client_and_file(self, client_id: str, alias: str, oss_path: str) -> tuple[Client | None, tuple[str, StoredFile | None] | None]:
        """The client and, in the same snapshot, the file at `oss_path` in the bucket its alias
        (or default alias) names: (bucket, file) when it exists, else None."""
    async def insert_client(self, client: Client) -> bool: ...
    async def update_client(self, client: Client) -> None:
        """Saves display name, state, password hash and default alias; bumps update_time."""
    async def list_clients(self, state: int, after: str, limit: int) -> list[Client]: ...
    async def bucket_owner(self, bucket_name: str) -> str | None: ...
    async def bind_bucket(self, client_id: str, binding: BucketBinding) -> bool: ...
    async def unbind_bucket(self, client_id: str, alias: str) -> bool: ...

    async def get_file(self, bucket_name: str, oss_path: str, lock: bool = False) -> StoredFile | None: ...
    async def insert_file(self, file: StoredFile) -> StoredFile | None:
        """Inserts unless the path exists (ON CONFLICT DO NOTHING): the overwrite arbiter. The row, or None."""
    async def replace_file(self, file: StoredFile) -> StoredFile | None: ...
    async def delete_file(self, bucket_name: str, oss_path: str) -> StoredFile | None: ...
    async def list_files(self, bucket_name: str, prefix: str, after: str, limit: int) -> list[StoredFile]: ...

    async def insert_share(self, file: ShareFile) -> None: ...
    async def get_share(self, file_tag: str, lock: bool = False) -> ShareFile | None: ...
    async def adopt_share(self, file_tag: str, client_id: str, at: dt.datetime) -> None: ...
    async def take_expired_shares(self, before: dt.datetime, limit: int) -> list[ShareFile]:
        """Deletes and returns up to `limit` expired un-adopted rows (FOR UPDATE SKIP LOCKED)."""
    async def count_expired_shares(self, before: dt.datetime) -> int: ...

    async def insert_grant(self, grant: StsGrant) -> None: ...
    async def get_grant(self, token_sha256: bytes) -> StsGrant | None: ...
    async def revoke_grant(self, token_sha256: bytes, at: dt.datetime) -> StsGrant | None: ...

    async def get_request(self, method: str, request_id: str) -> tuple[bytes, bytes] | None:
        """(request hash, stored response) of a completed idempotent request."""
    async def claim_request(self, method: str, request_id: str, digest: bytes) -> bytes | None:
        """Claims the key (None), or returns the first request's response; another hash raises REQUEST_ID_REUSED."""
    async def complete_request(self, method: str, request_id: str, response: bytes) -> None: ...

    async def schedule_delete(self, bucket_name: str, object_key: str, not_before: dt.datetime) -> None:
        """Records that an object must be deleted after `not_before` (the garbage list)."""
    async def cancel_delete(self, bucket_name: str, object_key: str) -> bool:
        """Removes the entry; False if the collector already took it."""
    async def due_deletes(self, limit: int, keys: list[tuple[str, str]] | None = None) -> list[tuple[str, str]]:
        """Locks (SKIP LOCKED) due entries, or the given ones, and deletes them from the list."""


class UnitOfWork(Protocol):
    async def __call__(self, work: Callable[[Repository], Awaitable[T]]) -> T:
        """Runs `work` in one transaction (retried on serialization failures)."""

    async def read(self, work: Callable[[Repository], Awaitable[T]]) -> T:
        """Runs read-only `work` outside a transaction: each query sees the latest committed
        state on its own (cheaper: no BEGIN/COMMIT round trips). Never for writes."""

    async def client(self, client_id: str) -> Client | None:
        """Repository.get_client (no lock) on the cheapest read path: every authenticated call."""

    async def client_and_file(self, client_id: str, alias: str, oss_path: str) -> tuple[Client | None, tuple[str, StoredFile | None] | None]:
        """Repository.get_client_and_file on the cheapest read path (the download's one query)."""


class ObjectStore(Protocol):
    async def bucket_exists(self, bucket: str) -> bool: ...
    async def make_bucket(self, bucket: str) -> None: ...
    async def put(self, bucket: str, key: str, chunks: AsyncIterator[bytes], content_type: str) -> None:
        """Streams an object of unknown length with memory bounded by the part size."""
    async def open(self, bucket: str, key: str, offset: int = 0, length: int = 0) -> AsyncIterator[bytes]:
        """Opens the object (raises NOT_EXIST before any byte if missing) and returns its stream."""
    async def copy(self, bucket: str, key: str, to_bucket: str, to_key: str, size: int) -> None: ...
    async def delete(self, bucket: str, key: str) -> None:
        """Idempotent: deleting a missing object succeeds."""
    async def presign(self, bucket: str, key: str, expires_s: int, file_name: str, content_type: str) -> str: ...


class KeyService(Protocol):
    """Envelope encryption: a fresh data key per file, stored only wrapped."""

    async def new_data_key(self) -> tuple[bytes, bytes]:
        """(plaintext key, wrapped key)."""
    async def unwrap(self, wrapped: bytes) -> bytes: ...
