"""Wires ufs: database (schema `ufs`), S3 through minio, the key service, the four gRPC
services, and two workers: the reaper of expired share files and the object collector."""
from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import logging
from pathlib import Path

from paymesh.ufs.v1 import ufs_service_pb2, ufs_service_pb2_grpc as rpc
from servers.kernel import db as kdb
from servers.kernel.interceptors import ErrorMapper
from servers.kernel.server import Registration, ServiceApp
from servers.kernel.settings import port
from servers.ufs import errors, handlers_share
from servers.ufs.adapters import SqlUnitOfWork
from servers.kernel.keyfiles import load_or_create_key
from servers.ufs.adapters_keys import LocalKeyService
from servers.ufs.adapters_s3 import MinioStore
from servers.ufs.handlers import Authenticator, Deps
from servers.ufs.servicer import ShareServicer, StandaloneServicer, StsServicer
from servers.ufs.servicer_admin import AdminServicer
from servers.ufs.servicer_http import FileHttpServer
from servers.ufs.settings import Settings

log = logging.getLogger("paymesh.ufs")
SERVICES = ufs_service_pb2.DESCRIPTOR.services_by_name
# The reference's return codes (§3.8) for what the kernel raises itself.
REASON_ALIASES = {"INVALID_ARGUMENT": errors.INVALID_PARAMETER, "INTERNAL": errors.SYSTEM_ERROR,
                  "REQUEST_ID_REUSED": errors.CONFLICT}


def _master_key(settings: Settings) -> bytes:
    home = Path(settings.home or ".paymesh")
    return load_or_create_key(settings.master_key.reveal(), Path(settings.master_key_file or home / "ufs" / "master.key"))


async def build(settings: Settings) -> ServiceApp:
    database = await kdb.connect(settings.database_url.reveal(), "ufs", Path(__file__).parent / "migrations", settings.db_pool_size)
    store = MinioStore(settings.s3_endpoint or f"127.0.0.1:{port('s3')}", settings.s3_access_key.reveal(),
                       settings.s3_secret_key.reveal(), settings.s3_secure, settings.s3_region,
                       part_size=settings.part_size_mb * 1024 * 1024, chunk_bytes=settings.chunk_bytes,
                       parallel_parts=settings.parallel_parts)
    if not await store.bucket_exists(settings.share_bucket):
        await store.make_bucket(settings.share_bucket)
    master = _master_key(settings)
    raw = await kdb.raw_pool(settings.database_url.reveal(), "ufs", min(4, settings.db_pool_size))  # downloads' one query
    uow = SqlUnitOfWork(database, raw)
    deps = Deps(uow, store, LocalKeyService(master), settings.share_bucket,
                (settings.public_url or f"http://127.0.0.1:{port('envoy')}").rstrip("/"),
                settings.gc_grace_seconds, settings.upload_lease_seconds)
    auth = Authenticator(uow)

    async def ensure_bucket(bucket: str) -> None:
        if not await store.bucket_exists(bucket):
            if not settings.auto_create_buckets:
                raise errors.not_exist(f"S3 bucket {bucket}")
            await store.make_bucket(bucket)

    async def janitor() -> None:
        """Reaps share files expired for an hour (until then they answer 410) and collects due objects."""
        while True:
            try:
                before = dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=1)
                await handlers_share.reap(deps, before, settings.reap_batch, dry_run=False)
                await handlers_share.collect(deps)
            except Exception:  # noqa: BLE001 - next round retries
                log.warning("janitor round failed", exc_info=True)
            await asyncio.sleep(settings.reap_interval_seconds)

    # REST downloads bypass the transcoder (servicer_http); bound now, so a taken port fails the start.
    files_http = FileHttpServer(deps, auth, ErrorMapper(settings.service, REASON_ALIASES))
    await files_http.start(settings.host, settings.http_bind_port())

    pepper = hashlib.sha256(b"paymesh.ufs.idempotency\0" + master).digest()
    return ServiceApp(
        registrations=[
            Registration(rpc.add_UfsStandaloneServiceServicer_to_server, StandaloneServicer(deps, auth), SERVICES["UfsStandaloneService"].full_name),
            Registration(rpc.add_UfsShareServiceServicer_to_server, ShareServicer(deps, auth), SERVICES["UfsShareService"].full_name),
            Registration(rpc.add_UfsStsServiceServicer_to_server, StsServicer(deps), SERVICES["UfsStsService"].full_name),
            Registration(rpc.add_UfsAdminServiceServicer_to_server, AdminServicer(database, deps, pepper, ensure_bucket),
                         SERVICES["UfsAdminService"].full_name),
        ],
        workers=[janitor],
        closers=[files_http.close, store.close, raw.close, database.close],
        reason_aliases=REASON_ALIASES,
        # Uploads: without BDP probing the HTTP/2 receive window stays at its default instead of
        # growing to many MiB while S3 is slower than the sender, so gRPC holds only a window of body.
        grpc_options=[("grpc.http2.bdp_probe", 0)],
    )
