"""UFS file use cases: authentication, standalone and share files, STS URLs, copies, the
reaper and the object collector.

Every write streams to a fresh object key registered first in the garbage list with a lease
(`object_gc`), and becomes visible only when one transaction both removes that entry and
points the file's row at the key. So no object outlives its row and no row points at a
missing object, whatever crashes where; the row insert (`ON CONFLICT DO NOTHING`) is the
single arbiter of `x-ufs-forbid-overwrite`, not the S3 backend."""
from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import hashlib
import hmac
import logging
import mimetypes
import secrets
from dataclasses import dataclass
from typing import AsyncIterator, Awaitable, Callable

from servers.kernel.errors import PaymeshError
from servers.ufs import domain, errors, streams
from servers.ufs.handlers_once import Once, Replayed, file_from_record, file_record, once
from servers.ufs.domain import Client, ClientState, Content, StoredFile, StsGrant, StsTargetKind, now
from servers.ufs.ports import KeyService, ObjectStore, Repository, UnitOfWork

log = logging.getLogger("paymesh.ufs")
Fetch = Callable[[str], Awaitable[tuple[Client | None, object]]]  # client id → (client, extra)
OCTET = "application/octet-stream"


@dataclass(frozen=True)
class Deps:
    uow: UnitOfWork
    store: ObjectStore
    keys: KeyService
    share_bucket: str
    public_url: str
    gc_grace_seconds: int = 900
    upload_lease_seconds: int = 86400


@dataclass(frozen=True)
class Upload:
    content_type: str  # the request's, multipart boundary included
    chunks: AsyncIterator[bytes]  # the raw request body
    metadata: dict[str, str]
    encrypt: bool = False
    request_id: str = ""  # AIP-155, optional (handlers_once)


@dataclass(frozen=True)
class Download:
    file_name: str
    content_type: str
    metadata: dict[str, str]
    size_bytes: int
    range: tuple[int, int] | None
    chunks: AsyncIterator[bytes]


class Authenticator:
    """Basic auth against scrypt hashes. A verified (client, password) pair is remembered in
    memory as an HMAC under a per-process key, tied to the stored hash, so a rotation or a
    new password invalidates it and a slow hash is paid once per client and process."""

    def __init__(self, uow: UnitOfWork):
        self.uow = uow
        self._key = secrets.token_bytes(32)
        self._verified: dict[str, tuple[str, bytes]] = {}

    async def client(self, headers: dict[str, str]) -> Client:
        return (await self._load(headers))[0]

    async def _load(self, headers: dict[str, str], fetch: Fetch | None = None) -> tuple[Client, object]:
        client_id = headers.get("x-ufs-client-id", "")
        if not client_id:
            raise errors.unauthorized("x-ufs-client-id is required")

        if fetch is not None:
            client, extra = await fetch(client_id)
        else:
            client, extra = await self.uow.client(client_id), None
        if client is None or client.state != ClientState.ACTIVE:
            raise errors.unauthorized("unknown or disabled client")
        return client, extra

    async def standalone(self, headers: dict[str, str]) -> Client:
        return (await self.standalone_with(headers))[0]

    async def standalone_with(self, headers: dict[str, str], fetch: Fetch | None = None) -> tuple[Client, object]:
        """Basic auth; `fetch(client_id)` loads the client together with something else
        (saving a round trip), handed back only once the credentials check out."""
        user, password = domain.parse_basic_auth(headers.get("authorization"))
        client, extra = await self._load({"x-ufs-client-id": user, **headers}, fetch)  # the client id header, else the user
        if not hmac.compare_digest(user.encode(), (client.auth_user or client.client_id).encode()):
            raise errors.unauthorized("invalid credentials")
        mac = hmac.new(self._key, f"{user}\0{password}".encode(), hashlib.sha256).digest()
        remembered = self._verified.get(client.client_id)
        if remembered is None or remembered[0] != client.password_hash or not hmac.compare_digest(remembered[1], mac):
            if not await asyncio.to_thread(domain.verify_password, password, client.password_hash):
                raise errors.unauthorized("invalid credentials")
            if len(self._verified) > 10_000:
                self._verified.clear()
            self._verified[client.client_id] = (client.password_hash, mac)
        return client, extra


# --- writing content -------------------------------------------------------------------------

async def _parse(upload: Upload, default_name: str, name_from_path: bool) -> tuple[AsyncIterator[bytes], str, str]:
    """The file's bytes, name and content type. name_from_path: a standalone file is named by its
    ossPath (§3.6.2 downloads helloworld.txt whatever the uploaded form file was called); a share
    file keeps the form's file name."""
    boundary = streams.boundary_of(upload.content_type) if upload.content_type else None
    if boundary:
        part, data = await streams.multipart_file(upload.chunks, boundary)
        file_name = default_name if name_from_path else domain.safe_file_name(part.file_name, default_name)
        return data, file_name, part.content_type or mimetypes.guess_type(file_name)[0] or OCTET
    return upload.chunks, default_name, upload.content_type or OCTET


async def _write(deps: Deps, bucket: str, key_prefix: str, upload: Upload, default_name: str, name_from_path: bool = False) -> Content:
    data, file_name, content_type = await _parse(upload, default_name, name_from_path)
    object_key = domain.new_object_key(key_prefix)
    lease = now() + dt.timedelta(seconds=deps.upload_lease_seconds)
    await deps.uow(lambda repo: repo.schedule_delete(bucket, object_key, lease))
    digest = streams.Digest()
    stream, wrapped = digest.tap(data), b""
    if upload.encrypt:
        key, wrapped = await deps.keys.new_data_key()
        stream = streams.encrypt(stream, key)
    try:
        await deps.store.put(bucket, object_key, stream, OCTET if upload.encrypt else content_type)
    except Exception:
        await _discard(deps, bucket, object_key)
        raise
    return Content(object_key, file_name, content_type, digest.size, digest.sha.hexdigest(), upload.metadata, upload.encrypt, wrapped)


async def _copy(deps: Deps, bucket: str, content: Content, to_bucket: str, key_prefix: str) -> Content:
    object_key = domain.new_object_key(key_prefix)
    lease = now() + dt.timedelta(seconds=deps.upload_lease_seconds)
    await deps.uow(lambda repo: repo.schedule_delete(to_bucket, object_key, lease))
    try:
        await deps.store.copy(bucket, content.object_key, to_bucket, object_key, streams.cipher_size(content.size_bytes)
                              if content.encrypted else content.size_bytes)
    except Exception:
        await _discard(deps, to_bucket, object_key)
        raise
    return dataclasses.replace(content, object_key=object_key)


async def _commit(deps: Deps, bucket: str, content: Content, work, once: Once | None = None, record=None):
    """Makes a written object visible: in one transaction the lease entry goes and `work`
    records the row (and `once`'s key its response, `record(result)`). On failure the object is
    deleted at once (or by the collector); so is it when a duplicate request committed first
    (handlers_once.Replayed carries that one's response)."""
    async def unit(repo: Repository):
        if not await repo.cancel_delete(bucket, content.object_key):
            raise errors.system_error("the upload outlived its lease")
        if once is not None:
            first = await repo.claim_request(once.method, once.request_id, once.digest(content))
            if first is not None:
                raise Replayed(first)
        result = await work(repo)
        if once is not None:
            await repo.complete_request(once.method, once.request_id, record(result))
        return result

    try:
        return await asyncio.shield(deps.uow(unit))  # a cancelled caller never leaves it half-done
    except Exception:
        await _discard(deps, bucket, content.object_key)
        raise


async def _discard(deps: Deps, bucket: str, object_key: str) -> None:
    try:
        await deps.store.delete(bucket, object_key)
        await deps.uow(lambda repo: repo.cancel_delete(bucket, object_key))
    except Exception:  # noqa: BLE001 - the lease entry stays; the collector retries
        log.warning("discard failed; left to the collector", extra={"bucket": bucket, "object_key": object_key})


async def _place(deps: Deps, bucket: str, oss_path: str, content: Content, forbid_overwrite: bool, once: Once | None = None) -> StoredFile:
    async def work(repo: Repository) -> StoredFile:
        for _ in range(5):
            if (inserted := await repo.insert_file(StoredFile(bucket, oss_path, content))) is not None:
                return inserted  # as stored (create/update time), without another query
            if forbid_overwrite:
                raise errors.conflict(f"{oss_path} exists and overwriting is forbidden")
            old = await repo.get_file(bucket, oss_path, lock=True)
            if old is not None:
                replaced = await repo.replace_file(StoredFile(bucket, oss_path, content))
                # Downloads in flight may still read the old object: it goes after a grace time.
                await repo.schedule_delete(bucket, old.content.object_key, now() + dt.timedelta(seconds=deps.gc_grace_seconds))
                assert replaced is not None  # the row is locked
                return replaced
        raise errors.system_error(f"{oss_path} kept changing under the upload")  # inserted and deleted 5 times over

    return await _commit(deps, bucket, content, work, once, file_record)


async def replay(deps: Deps, once: Once | None, upload: Upload, default_name: str, name_from_path: bool = False) -> bytes | None:
    """The stored response if `once` already succeeded: the body is hashed as it streams (nothing
    is stored) and must be the same request, else CONFLICT (REQUEST_ID_REUSED)."""
    if once is None:
        return None
    prior = await deps.uow.read(lambda repo: repo.get_request(once.method, once.request_id))
    if prior is None:
        return None
    data, file_name, content_type = await _parse(upload, default_name, name_from_path)
    digest = streams.Digest()
    async for _ in digest.tap(data):
        pass
    content = Content("", file_name, content_type, digest.size, digest.sha.hexdigest(), upload.metadata, upload.encrypt, b"")
    if prior[0] != once.digest(content):
        raise once.reused()
    return prior[1]


# --- reading content -------------------------------------------------------------------------

async def _open(deps: Deps, bucket: str, content: Content, range_header: str | None) -> Download:
    size = content.size_bytes
    wanted = domain.parse_range(range_header, size)
    start, end = wanted or (0, size - 1)
    if size == 0:
        chunks = _empty()
    elif content.encrypted:
        key = await deps.keys.unwrap(content.wrapped_key)
        first, offset, length = streams.cipher_window(start, end, size)
        raw = await deps.store.open(bucket, content.object_key, offset, length)
        chunks = streams.decrypt(raw, key, first, size, start, end)
    else:
        chunks = await deps.store.open(bucket, content.object_key, start, end - start + 1)
    return Download(content.file_name, content.content_type, content.metadata, size, wanted, chunks)


async def _empty() -> AsyncIterator[bytes]:
    return
    yield b""  # pragma: no cover


# --- standalone bucket -----------------------------------------------------------------------

async def upload_file(deps: Deps, client: Client, alias: str, oss_path: str, upload: Upload, forbid_overwrite: bool) -> StoredFile:
    domain.check_oss_path(oss_path)
    bucket = client.bucket(alias).bucket_name
    key = once("UfsStandaloneService/UploadFile", client.client_id, upload.request_id, bucket, oss_path, forbid_overwrite,
               upload.encrypt, sorted(upload.metadata.items()), upload.content_type)
    default_name = oss_path.rsplit("/", 1)[-1]
    if (first := await replay(deps, key, upload, default_name, name_from_path=True)) is not None:
        return file_from_record(first)
    if forbid_overwrite and await deps.uow(lambda repo: repo.get_file(bucket, oss_path)) is not None:
        # early, so as not to stream in vain — unless the file is there because a duplicate of this very
        # request committed since replay() looked (the body is still unread: replay can look again)
        if (first := await replay(deps, key, upload, default_name, name_from_path=True)) is not None:
            return file_from_record(first)
        raise errors.conflict(f"{oss_path} exists and overwriting is forbidden")
    content = await _write(deps, bucket, oss_path, upload, default_name, name_from_path=True)
    try:
        return await _place(deps, bucket, oss_path, content, forbid_overwrite, key)
    except Replayed as dup:  # a duplicate committed first; this copy was discarded
        return file_from_record(dup.response)


async def _file(deps: Deps, bucket: str, oss_path: str) -> StoredFile:
    stored = await deps.uow.read(lambda repo: repo.get_file(bucket, oss_path))
    if stored is None:
        raise errors.not_exist(f"file {oss_path}")
    return stored


async def download_file(deps: Deps, client: Client, alias: str, oss_path: str, range_header: str | None,
                        found: tuple[str, StoredFile | None] | None = None) -> Download:
    """`found`: (bucket, row) already read with the client (authenticated_download)."""
    domain.check_oss_path(oss_path)
    bucket = client.bucket(alias).bucket_name
    if found is not None and found[0] == bucket:
        if found[1] is None:
            raise errors.not_exist(f"file {oss_path}")
        stored = found[1]
    else:
        stored = await _file(deps, bucket, oss_path)
    return await _open(deps, bucket, stored.content, range_header)


async def authenticated_download(deps: Deps, auth: Authenticator, headers: dict[str, str], alias: str, oss_path: str,
                                 range_header: str | None) -> Download:
    """Authentication and the file lookup in one query; the checks and their order (credentials,
    path, alias, existence) are download_file's, and the row is used only once they have passed."""
    client, found = await auth.standalone_with(headers, lambda client_id: deps.uow.client_and_file(client_id, alias, oss_path))
    if found is None:  # no file there, or the alias resolves to nothing: download_file decides which, as before
        try:
            found = (client.bucket(alias).bucket_name, None)
        except PaymeshError:
            found = None
    return await download_file(deps, client, alias, oss_path, range_header, found)  # type: ignore[arg-type]


async def file_url(deps: Deps, client: Client, alias: str, oss_path: str, expire_s: int, public: bool) -> tuple[str, str]:
    domain.check_oss_path(oss_path)
    binding = client.bucket(alias)
    stored = await _file(deps, binding.bucket_name, oss_path)
    if public:
        return await _presign(deps, binding.bucket_name, stored.content, expire_s), ""
    return await _grant(deps, client.client_id, StsTargetKind.STANDALONE_FILE, expire_s,
                        bucket_alias=binding.bucket_alias, bucket_name=binding.bucket_name, oss_path=oss_path)


async def _presign(deps: Deps, bucket: str, content: Content, expire_s: int) -> str:
    if content.encrypted:
        raise errors.invalid("x-ufs-public-access", "an encrypted file can only be shared through a UFS STS URL")
    return await deps.store.presign(bucket, content.object_key, expire_s, content.file_name, content.content_type)


async def _grant(deps: Deps, client_id: str, kind: StsTargetKind, expire_s: int, bucket_alias: str = "", bucket_name: str = "",
                 oss_path: str = "", file_tag: str = "") -> tuple[str, str]:
    token, digest = domain.new_sts_token()  # only the digest is stored: the token is the credential
    grant = StsGrant(digest, client_id, kind, bucket_alias, bucket_name, oss_path, file_tag, now() + dt.timedelta(seconds=expire_s))
    await deps.uow(lambda repo: repo.insert_grant(grant))
    return f"{deps.public_url}/ufs2/sts/file/{token}", token


def _header(headers: dict[str, str], name: str) -> str:
    value = headers.get(name, "")
    if not value:
        raise errors.invalid(name, "is required")
    return value


async def copy_file(deps: Deps, client: Client, headers: dict[str, str]) -> tuple[StoredFile, str]:
    source = client.bucket(headers.get("x-ufs-from-bucket-alias", ""))
    target = client.bucket(headers.get("x-ufs-to-bucket-alias", ""))
    from_path = domain.check_oss_path(_header(headers, "x-ufs-from-oss-path"), "x-ufs-from-oss-path")
    to_path = domain.check_oss_path(_header(headers, "x-ufs-to-oss-path"), "x-ufs-to-oss-path")
    forbid = domain.parse_bool(headers, "x-ufs-forbid-overwrite")
    stored = await _file(deps, source.bucket_name, from_path)
    content = await _copy(deps, source.bucket_name, stored.content, target.bucket_name, to_path)
    return await _place(deps, target.bucket_name, to_path, content, forbid), target.bucket_alias


async def list_files(deps: Deps, client: Client, alias: str, prefix: str, page_size: int, after: str) -> tuple[list[StoredFile], str]:
    bucket = client.bucket(alias).bucket_name
    size = page_size or 50
    rows = await deps.uow(lambda repo: repo.list_files(bucket, prefix, after, size + 1))
    return rows[:size], (rows[size - 1].oss_path if len(rows) > size else "")


async def delete_file(deps: Deps, client: Client, alias: str, oss_path: str) -> bool:
    domain.check_oss_path(oss_path)
    bucket = client.bucket(alias).bucket_name

    async def work(repo: Repository) -> bool:
        gone = await repo.delete_file(bucket, oss_path)
        if gone is not None:
            await repo.schedule_delete(bucket, gone.content.object_key, now() + dt.timedelta(seconds=deps.gc_grace_seconds))
        return gone is not None

    return await deps.uow(work)
