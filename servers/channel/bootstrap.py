"""Wires channel: database (schema `channel`), Redis (outbox relay), the catalog, the HTTP
connector with its signing keys, the dispatcher and the active query loop."""
from __future__ import annotations

import os
from pathlib import Path

from clients.services import Mesh
from paymesh.channel.v1 import channel_service_pb2, channel_service_pb2_grpc as rpc
from paymesh.channel.v1 import reconciliation_pb2, reconciliation_pb2_grpc as rc_rpc
from servers.channel.adapters import SqlCatalog, SqlUnitOfWork
from servers.channel.connector import HttpJsonConnector, load_keys
from servers.channel.handlers import Front
from servers.channel.health import HealthBoard, HealthPolicy
from servers.channel import recon
from servers.channel.recon_store import SqlReconStore
from servers.channel.recon_adapters import GrpcReconLedger, HttpStatementFetcher, UfsStatementFetcher
from servers.channel.recon_servicer import ReconciliationServicer, StatementServicer
from servers.channel.servicer import ChannelAdminServicer, ChannelServicer, RoutingServicer
from servers.channel.settings import Settings
from servers.kernel import cache, db as kdb, events
from servers.kernel.server import Registration, ServiceApp

SERVICES = channel_service_pb2.DESCRIPTOR.services_by_name


def keys_path(settings: Settings) -> Path:
    if settings.signing_keys_file:
        return Path(settings.signing_keys_file)
    home = settings.home or os.environ.get("PAYMESH_HOME") or str(Path(__file__).resolve().parents[2] / ".paymesh")
    return Path(home) / "channel" / "signing-keys.json"


async def build(settings: Settings) -> ServiceApp:
    database = await kdb.connect(settings.database_url.reveal(), "channel", Path(__file__).parent / "migrations", settings.db_pool_size)
    redis = cache.connect(settings.redis_url.reveal(), "channel")
    relay = events.OutboxRelay(database, redis)
    catalog = SqlCatalog(database, settings.catalog_refresh_millis / 1000)
    await catalog.refresh()
    keys = load_keys(keys_path(settings))
    connector = HttpJsonConnector(keys, settings.send_concurrency_max)
    health = HealthBoard(HealthPolicy(window_seconds=settings.health_window_seconds, open_seconds=settings.circuit_open_seconds))
    mesh = Mesh({"ledger": settings.ledger_addr, "ufs": settings.ufs_addr}, settings.deadline_ms)
    front = Front(SqlUnitOfWork(database), connector, catalog, health, concurrency=settings.send_concurrency_max,
                  batch_max=settings.dispatch_batch_max, challenge_seconds=settings.challenge_window_seconds)

    recon_ledger = GrpcReconLedger(mesh)
    recon_store = SqlReconStore(database)
    front.on_result = lambda order, state, amount: recon.watch(recon_store, recon_ledger, front.correct, order, state, amount)

    async def dispatcher() -> None:
        await front.run_dispatcher(settings.dispatch_poll_millis / 1000)

    async def query_loop() -> None:
        await front.run_query_loop(settings.query_poll_millis / 1000)

    def reg(name: str, servicer) -> Registration:
        return Registration(getattr(rpc, f"add_{name}Servicer_to_server"), servicer, SERVICES[name].full_name)

    return ServiceApp(
        registrations=[
            reg("ChannelService", ChannelServicer(front, database)),
            reg("RoutingService", RoutingServicer(front, database, catalog)),
            reg("ChannelAdminService", ChannelAdminServicer(front, database, catalog, set(keys))),
            reg("ChannelStatementService", StatementServicer(database, catalog, HttpStatementFetcher(keys),
                                                            UfsStatementFetcher(mesh, settings.ufs_client_id,
                                                                                settings.statement_download_seconds))),
            Registration(rc_rpc.add_ReconciliationServiceServicer_to_server, ReconciliationServicer(database, recon_ledger, front.correct),
                         reconciliation_pb2.DESCRIPTOR.services_by_name["ReconciliationService"].full_name),
        ],
        workers=[relay.run, catalog.run, dispatcher, query_loop],
        closers=[connector.close, mesh.close, redis.close, database.close],
    )
