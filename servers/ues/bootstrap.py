"""Wires UES: key source (key file / setting), database (schema `ues`), Redis (temporary
tickets, plaintext cache), registry snapshot, both servicers, the refresher and rewrap workers."""
from __future__ import annotations

from pathlib import Path

from paymesh.ues.v1 import ues_service_pb2, ues_service_pb2_grpc as rpc
from servers.kernel import cache as kcache, db as kdb
from servers.kernel.server import Registration, ServiceApp
from servers.ues.adapters import DirectVault, SqlVault
from servers.ues.admin import Admin
from servers.ues.admin_servicer import UesAdminServicer
from servers.ues.handlers import Limits, Ues
from servers.ues.keys import KeyRing, KeySource, KeyState, Purpose
from servers.ues.redis_store import RedisPlainCache, RedisTempStore
from servers.ues.registry import Registry
from servers.ues.servicer import UesServicer
from servers.ues.settings import Settings

SERVICES = ues_service_pb2.DESCRIPTOR.services_by_name


def key_source(settings: Settings) -> KeySource:
    if settings.master_keys.reveal():
        return KeySource(None, settings.master_keys.reveal())
    home = Path(settings.home)
    return KeySource(Path(settings.key_file) if settings.key_file else home / "ues" / "keys.json")


async def build_core(settings: Settings) -> tuple[Ues, Admin, kdb.Database, kcache.AppRedis]:
    database = await kdb.connect(settings.database_url.reveal(), settings.db_schema, Path(__file__).parent / "migrations", settings.db_pool_size)
    pool = await kdb.raw_pool(settings.database_url.reveal(), settings.db_schema, settings.db_pool_size)  # the request path
    redis = kcache.connect(settings.redis_url.reveal(), settings.db_schema)
    ring = KeyRing(key_source(settings), [])

    def is_live(key_id: str) -> bool:
        version = ring.versions.get(key_id)
        return version is not None and version.state != KeyState.RETIRED

    async def tx(work):
        return await database.run_in_transaction(lambda conn: work(SqlVault(conn)))

    limits = Limits(settings.temp_ttl_seconds, settings.temp_ttl_max_seconds,
                    Purpose.RSA if settings.wrap_purpose == "rsa" else Purpose.RECORD_WRAPPING, settings.audit_batch_max,
                    settings.audit_linger_ms)
    ues = Ues(ring, Registry(settings.extra_data_types, settings.access_policies), tx, RedisTempStore(redis),
              RedisPlainCache(redis, min(settings.cache_ttl_seconds, settings.cache_ttl_max_seconds), is_live), limits, DirectVault(pool))
    admin = Admin(ues, database, settings.rewrap_batch_size)
    await admin.bootstrap_keys()
    return ues, admin, database, redis


async def build(settings: Settings) -> ServiceApp:
    ues, admin, database, redis = await build_core(settings)
    return ServiceApp(
        registrations=[
            Registration(rpc.add_UesServiceServicer_to_server, UesServicer(ues, database), SERVICES["UesService"].full_name),
            Registration(rpc.add_UesAdminServiceServicer_to_server, UesAdminServicer(admin, database),
                         SERVICES["UesAdminService"].full_name),
        ],
        workers=[lambda: admin.refresher(settings.registry_refresh_seconds), lambda: admin.job_watcher(5.0)],
        closers=[admin.close, ues.audit.close, redis.close, ues.direct.pool.close, database.close],
    )
