"""Share bucket, STS downloads, the reaper of expired share files and the object collector."""
from __future__ import annotations

import datetime as dt
import logging

from servers.ufs import domain, errors
from servers.ufs.domain import Client, ClientState, ShareFile, StsTargetKind, now
from servers.ufs.domain import StoredFile
from servers.ufs.handlers import Deps, Download, Upload, _commit, _copy, _grant, _header, _open, _place, _presign, _write, replay
from servers.ufs.handlers_once import Replayed, once, share_from_record, share_record
from servers.ufs.ports import Repository

log = logging.getLogger("paymesh.ufs")


async def upload_share(deps: Deps, client: Client, upload: Upload, expire_s: int | None) -> ShareFile:
    tag = domain.new_file_tag()
    key = once("UfsShareService/UploadShareFile", client.client_id, upload.request_id, expire_s, upload.encrypt,
               sorted(upload.metadata.items()), upload.content_type)
    if (first := await replay(deps, key, upload, tag)) is not None:
        return share_from_record(first)
    content = await _write(deps, deps.share_bucket, f"share/{tag}", upload, tag)

    async def work(repo: Repository) -> ShareFile:
        at = now()
        share = ShareFile(tag, client.client_id, content, at + dt.timedelta(seconds=expire_s) if expire_s else None, create_time=at)
        await repo.insert_share(share)
        return share

    try:
        return await _commit(deps, deps.share_bucket, content, work, key, share_record)
    except Replayed as dup:  # a duplicate committed first; this copy was discarded
        return share_from_record(dup.response)


async def live_share(deps: Deps, file_tag: str) -> ShareFile:
    domain.check_file_tag(file_tag, "file_tag")
    share = await deps.uow.read(lambda repo: repo.get_share(file_tag))
    if share is None:
        raise errors.not_exist(f"share file {file_tag}")
    if share.expired_at(now()):
        raise errors.expired(f"share file {file_tag}")
    return share


async def copy_share_file(deps: Deps, client: Client, headers: dict[str, str]) -> StoredFile:
    share = await live_share(deps, _header(headers, "x-ufs-from-file-tag"))
    target = client.bucket(headers.get("x-ufs-bucket-alias", ""))
    to_path = domain.copy_target(_header(headers, "x-ufs-to-oss-path"), share.content.file_name,
                                 domain.parse_bool(headers, "x-ufs-copy-suffix"))
    forbid = domain.parse_bool(headers, "x-ufs-forbid-overwrite")
    content = await _copy(deps, deps.share_bucket, share.content, target.bucket_name, to_path)
    return await _place(deps, target.bucket_name, to_path, content, forbid)


async def download_share(deps: Deps, file_tag: str, range_header: str | None) -> Download:
    share = await live_share(deps, file_tag)
    return await _open(deps, deps.share_bucket, share.content, range_header)


async def adopt_share(deps: Deps, client: Client, file_tag: str) -> ShareFile:
    """Idempotent: adopting an adopted file returns it unchanged (its first adopter stays)."""
    domain.check_file_tag(file_tag, "file_tag")

    async def work(repo: Repository) -> ShareFile:
        share = await repo.get_share(file_tag, lock=True)  # the reaper skips locked rows
        if share is None:
            raise errors.not_exist(f"share file {file_tag}")
        if share.adopted:
            return share
        if share.expired_at(now()):
            raise errors.expired(f"share file {file_tag}")
        await repo.adopt_share(file_tag, client.client_id, now())
        adopted = await repo.get_share(file_tag)
        assert adopted is not None
        return adopted

    return await deps.uow(work)


async def share_url(deps: Deps, client: Client, file_tag: str, expire_s: int, public: bool) -> tuple[str, str]:
    share = await live_share(deps, file_tag)
    if share.expire_time is not None:  # a URL never outlives the file
        expire_s = max(1, min(expire_s, int((share.expire_time - now()).total_seconds())))
    if public:
        if not share.may_share_publicly(client.client_id):
            raise errors.unauthorized("only the client that uploaded or adopted the file may make it public")
        return await _presign(deps, deps.share_bucket, share.content, expire_s), ""
    return await _grant(deps, client.client_id, StsTargetKind.SHARE_FILE, expire_s, file_tag=file_tag)


async def download_sts(deps: Deps, token: str, range_header: str | None) -> Download:
    grant = await deps.uow.read(lambda repo: repo.get_grant(domain.sts_digest(token)))
    if grant is None or grant.revoke_time is not None:
        raise errors.not_exist("STS token")
    if grant.expire_time <= now():
        raise errors.expired("STS token")
    if grant.target_kind == StsTargetKind.SHARE_FILE:
        return await download_share(deps, grant.file_tag, range_header)

    async def lookup(repo: Repository):
        client = await repo.get_client(grant.client_id)
        still_bound = client is not None and client.state == ClientState.ACTIVE and any(
            b.bucket_name == grant.bucket_name for b in client.buckets)
        return await repo.get_file(grant.bucket_name, grant.oss_path) if still_bound else None

    stored = await deps.uow(lookup)  # the token dies with the client's access to the bucket
    if stored is None:
        raise errors.not_exist(f"file {grant.oss_path}")
    return await _open(deps, grant.bucket_name, stored.content, range_header)


async def reap(deps: Deps, before: dt.datetime, limit: int, dry_run: bool) -> tuple[int, int, bool]:
    """Deletes expired, un-adopted share files: rows and their objects' garbage entries go in
    one transaction (rows locked SKIP LOCKED, so concurrent reapers and adoptions never
    collide), then the collector deletes the objects. Returns (reaped, failed, more)."""
    if dry_run:
        count = await deps.uow(lambda repo: repo.count_expired_shares(before))
        return min(count, limit), 0, count > limit

    async def work(repo: Repository):
        taken = await repo.take_expired_shares(before, limit)
        for share in taken:
            await repo.schedule_delete(deps.share_bucket, share.content.object_key, now())
        return taken, await repo.count_expired_shares(before) > 0

    taken, more = await deps.uow(work)
    failed = await collect(deps, keys=[(deps.share_bucket, s.content.object_key) for s in taken]) if taken else 0
    return len(taken), failed, more


async def collect(deps: Deps, limit: int = 100, keys: list[tuple[str, str]] | None = None) -> int:
    """Deletes due objects of the garbage list; an entry goes only with its object (same
    transaction), so a failed delete is retried by a later run. Returns how many failed."""
    async def work(repo: Repository) -> int:
        due = await repo.due_deletes(limit if keys is None else len(keys), keys)
        for bucket, key in due:
            await deps.store.delete(bucket, key)
        return len(due)

    try:
        await deps.uow(work)
        return 0
    except Exception:  # noqa: BLE001 - retried by the next run
        log.warning("object collection failed; will retry", exc_info=True)
        return len(keys) if keys is not None else limit
