"""Wires the gateway: KEK (setting or key file), database (schema `gateway`), Redis, the route
table from the contracts, caches, the admin servicers, and Envoy's ext_authz Check on a lean
server of its own (`check_port`)."""
from __future__ import annotations

from pathlib import Path

from paymesh.gateway.v1 import gateway_service_pb2, gateway_service_pb2_grpc as rpc
from servers.gateway.adapters import RedisCounters, Sealer, SqlKeys, SqlLimits, SqlUsage
from servers.gateway.admin import Admin
from servers.gateway.handlers import Authorizer, CachedKeys, CachedLimits
from servers.gateway.resp import RespClient
from servers.gateway.routes import RouteTable, public_methods
from servers.gateway.servicer import ApiKeyServicer, AuthorizationServicer, CheckMetrics, MeteringServicer, RateLimitServicer, serve_check
from servers.gateway.settings import Settings
from servers.kernel import cache as kcache, db as kdb
from servers.kernel.keyfiles import load_or_create_key
from servers.kernel.metrics import METRICS
from servers.kernel.server import Registration, ServiceApp, server_options

SERVICES = gateway_service_pb2.DESCRIPTOR.services_by_name


async def build(settings: Settings) -> ServiceApp:
    kek = load_or_create_key(settings.kek.reveal(), Path(settings.key_file) if settings.key_file else Path(settings.home) / "gateway" / "kek.key")
    database = await kdb.connect(settings.database_url.reveal(), settings.db_schema, Path(__file__).parent / "migrations", settings.db_pool_size)
    redis = kcache.connect(settings.redis_url.reveal(), settings.db_schema)
    wire = RespClient(settings.redis_url.reveal(), settings.redis_timeout_seconds)
    keys, limits, counters = SqlKeys(database, Sealer(kek)), SqlLimits(database), RedisCounters(redis, wire, settings.usage_ttl_days)
    key_cache, limit_cache = CachedKeys(keys.record, settings.key_cache_seconds), CachedLimits(limits.load, settings.limit_cache_seconds)
    methods = public_methods()
    admin = Admin(database, keys, limits, counters, key_cache, limit_cache, {scope for _, scope, _ in methods},
                  settings.rotate_overlap_seconds, SqlUsage(database))
    authorizer = Authorizer(RouteTable(methods), key_cache, limit_cache, counters, settings.timestamp_window_seconds)
    check = AuthorizationServicer(authorizer, CheckMetrics(METRICS.registry))
    return ServiceApp(
        registrations=[
            Registration(rpc.add_ApiKeyServiceServicer_to_server, ApiKeyServicer(admin), SERVICES["ApiKeyService"].full_name),
            Registration(rpc.add_RateLimitServiceServicer_to_server, RateLimitServicer(admin), SERVICES["RateLimitService"].full_name),
            Registration(rpc.add_MeteringServiceServicer_to_server, MeteringServicer(admin), SERVICES["MeteringService"].full_name),
        ],
        workers=[lambda: admin.flush_usage(settings.usage_flush_seconds),
                 lambda: serve_check(check, f"{settings.host}:{settings.check_port}", server_options(settings), settings.max_concurrent_rpcs)],
        closers=[wire.close, redis.close, database.close],
    )
