"""UFS on real PostgreSQL and S3 (SeaweedFS): the forbid-overwrite arbiter, overwrite without
orphans, and concurrent reapers racing adoptions leave no orphan object or row."""
from __future__ import annotations

import asyncio
import datetime as dt
import os
from pathlib import Path

import pytest

from servers.kernel import db as kdb
from servers.ufs import handlers, handlers_share as share
from servers.ufs.adapters import SqlUnitOfWork
from servers.ufs.adapters_keys import LocalKeyService
from servers.ufs.adapters_s3 import MinioStore
from servers.ufs.domain import BucketBinding, Client, ClientState
from servers.ufs.handlers import Deps, Upload

MIGRATIONS = Path(__file__).resolve().parents[2] / "servers/ufs/migrations"


@pytest.fixture
async def ufs(infra, settings, unique):
    database = await kdb.connect(settings.database_url.reveal(), "ufs", MIGRATIONS)
    store = MinioStore(infra["PAYMESH_S3_ENDPOINT"], infra["PAYMESH_S3_ACCESS_KEY"], infra["PAYMESH_S3_SECRET_KEY"])
    bucket, share_bucket = unique("ib").replace("_", "-"), unique("is").replace("_", "-")
    for b in (bucket, share_bucket):
        await store.make_bucket(b)
    deps = Deps(SqlUnitOfWork(database), store, LocalKeyService(os.urandom(32)), share_bucket, "http://edge", gc_grace_seconds=0)
    client = Client(unique("c"), "", ClientState.ACTIVE, "x", "main", (BucketBinding("main", bucket),))
    yield deps, client, bucket
    await store.close()
    await database.close()


async def _body(data: bytes):
    yield data


def upload(data: bytes, encrypt: bool = False) -> Upload:
    return Upload("application/octet-stream", _body(data), {}, encrypt)


async def objects(deps: Deps, bucket: str) -> set[str]:
    return {o.object_name for o in await asyncio.to_thread(lambda: list(deps.store.client.list_objects(bucket, recursive=True)))}


async def test_forbid_overwrite_arbiter_and_overwrite_leave_one_object(ufs):
    deps, client, bucket = ufs
    results = await asyncio.gather(*[handlers.upload_file(deps, client, "", "p/one.txt", upload(b"v%d" % i), True) for i in range(20)],
                                   return_exceptions=True)
    winners = [r for r in results if not isinstance(r, Exception)]
    assert len(winners) == 1 and all(getattr(r, "reason", "") == "CONFLICT" for r in results if isinstance(r, Exception))
    await handlers.upload_file(deps, client, "", "p/one.txt", upload(b"new", encrypt=True), False)
    await share.collect(deps)  # grace 0: the replaced object goes now
    stored = await deps.uow(lambda repo: repo.get_file(bucket, "p/one.txt"))
    assert await objects(deps, bucket) == {stored.content.object_key}
    download = await handlers.download_file(deps, client, "", "p/one.txt", None)
    assert b"".join([c async for c in download.chunks]) == b"new"


async def test_concurrent_reapers_and_adoptions_leave_no_orphans(ufs):
    deps, client, _ = ufs
    tags = [(await share.upload_share(deps, client, upload(b"s%d" % i), 1)).file_tag for i in range(30)]
    await asyncio.sleep(1.2)
    later = dt.datetime.now(dt.timezone.utc)
    adopt = [share.adopt_share(deps, client, tag) for tag in tags[:10]]
    reapers = [share.reap(deps, later, 7, dry_run=False) for _ in range(4)]
    results = await asyncio.gather(*adopt, *reapers, return_exceptions=True)
    reaped = sum(r[0] for r in results[10:] if isinstance(r, tuple))
    while True:  # until a run finds nothing left
        n, failed, _ = await share.reap(deps, later, 100, dry_run=False)
        assert failed == 0
        if not n:
            break
        reaped += n
    adopted = [r for r in results[:10] if not isinstance(r, Exception)]
    assert reaped + len(adopted) == 30
    rows = {tag for tag in tags if await deps.uow(lambda repo, t=tag: repo.get_share(t)) is not None}
    keys = {(await deps.uow(lambda repo, t=tag: repo.get_share(t))).content.object_key for tag in rows}
    assert rows == {a.file_tag for a in adopted} and await objects(deps, deps.share_bucket) == keys
