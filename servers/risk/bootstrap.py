"""Wires risk: database (schema `risk`), Redis counters, trade's member service for password
checks, and the default rules (seeded once by name)."""
from __future__ import annotations

from pathlib import Path

import redis.asyncio as aioredis
from redis.asyncio import BlockingConnectionPool

from clients.services import Mesh
from paymesh.risk.v1 import risk_service_pb2, risk_service_pb2_grpc as rpc
from servers.kernel import cache, db as kdb
from servers.kernel.server import Registration, ServiceApp
from servers.risk.adapters import GrpcPasswords, RedisCounters
from servers.risk.handlers import Risk
from servers.risk.otp import OTP_INBOX, FileOtpSender, Otps
from servers.risk.reports import Reports
from servers.risk.rules import Rules, seed_defaults
from servers.risk.servicer import RiskListServicer, RiskRuleServicer, RiskServicer
from servers.risk.settings import Settings
from servers.risk.snapshot import RuleSnapshot

SERVICES = risk_service_pb2.DESCRIPTOR.services_by_name


def _redis(settings: Settings) -> cache.AppRedis:
    """Every Assess talks to Redis: a bounded pool where a burst waits for a connection (up to
    `redis_wait_seconds`) instead of failing once the default pool's 100 connections are out."""
    pool = BlockingConnectionPool.from_url(settings.redis_url.reveal(), max_connections=settings.redis_connections_max,
                                           timeout=settings.redis_wait_seconds, socket_timeout=15, socket_connect_timeout=5,
                                           health_check_interval=60)
    return cache.AppRedis(aioredis.Redis(connection_pool=pool), "risk")


async def _records_pool(settings: Settings):
    """The Assess records' own small pool, committing asynchronously, unless Settings.decision_commit is durable."""
    if settings.decision_commit == "durable":
        return None
    if settings.decision_commit != "async":
        raise ValueError(f"PAYMESH_RISK_DECISION_COMMIT must be async or durable, not {settings.decision_commit!r}")
    return await kdb.raw_pool(settings.database_url.reveal(), "risk", settings.record_inflight_max + 2,
                              synchronous_commit="off", application_name="paymesh-risk-records")


async def build(settings: Settings) -> ServiceApp:
    database = await kdb.connect(settings.database_url.reveal(), "risk", Path(__file__).parent / "migrations", settings.db_pool_size)
    redis = _redis(settings)
    mesh = Mesh({"trade": settings.trade_addr}, settings.deadline_ms)
    if settings.seed_default_rules:
        await seed_defaults(database)
    snapshot = RuleSnapshot(database, settings.rule_poll_seconds)
    rules = Rules(database, snapshot.changed)
    records = await _records_pool(settings)
    risk = Risk(database, RedisCounters(redis), GrpcPasswords(mesh), settings, snapshot, records)
    if settings.otp_sender == "file":
        risk.otps, risk.otp_sender = Otps(redis, risk.key), FileOtpSender(Path(settings.home) / "risk" / OTP_INBOX)
    elif settings.otp_sender != "none":
        raise ValueError(f"PAYMESH_RISK_OTP_SENDER must be file or none, not {settings.otp_sender!r}")
    return ServiceApp(
        registrations=[
            Registration(rpc.add_RiskServiceServicer_to_server, RiskServicer(risk),
                         SERVICES["RiskService"].full_name),
            Registration(rpc.add_RiskRuleServiceServicer_to_server, RiskRuleServicer(rules, Reports(database, settings)), SERVICES["RiskRuleService"].full_name),
            Registration(rpc.add_RiskListServiceServicer_to_server, RiskListServicer(rules), SERVICES["RiskListService"].full_name),
        ],
        closers=[mesh.close, redis.close, database.close] + ([records.close] if records else []),
    )
