"""Wires the ledger: database (schema `ledger`), Redis (outbox), servicer, and the workers:
outbox relay, hold expiry, roll-up of hot accounts."""
from __future__ import annotations

from pathlib import Path

from paymesh.ledger.v1 import ledger_service_pb2, ledger_service_pb2_grpc
from servers.kernel import cache, db as kdb, events
from servers.kernel.server import Registration, ServiceApp
from servers.ledger.servicer import LedgerServicer
from servers.ledger.settings import Settings
from servers.ledger.workers import HoldExpiry, RollUp

SERVICE = ledger_service_pb2.DESCRIPTOR.services_by_name["LedgerService"].full_name


async def build(settings: Settings) -> ServiceApp:
    database = await kdb.connect(settings.database_url.reveal(), "ledger", Path(__file__).parent / "migrations", settings.db_pool_size)
    redis = cache.connect(settings.redis_url.reveal(), "ledger")
    relay = events.OutboxRelay(database, redis, poll_seconds=0.2)  # the ledger does not NOTIFY (README)
    expiry = HoldExpiry(database, interval_ms=settings.hold_expiry_interval_ms)
    roll_up = RollUp(database, idle_interval_ms=settings.roll_up_interval_ms)
    return ServiceApp(
        registrations=[Registration(ledger_service_pb2_grpc.add_LedgerServiceServicer_to_server, LedgerServicer(database, settings.group_commit_inflight), SERVICE)],
        workers=[relay.run, expiry.run, roll_up.run],
        closers=[redis.close, database.close],
    )
