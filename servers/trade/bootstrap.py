"""Wires trade: database (schema `trade`), Redis, outbox relay, payment-event consumer."""
from __future__ import annotations

from pathlib import Path

from clients.services import Mesh
from paymesh.trade.v1 import trade_service_pb2, trade_service_pb2_grpc as rpc
from servers.kernel import cache, db as kdb, events
from servers.kernel.server import Registration, ServiceApp
from servers.trade import handlers
from servers.trade.adapters import GrpcPayments, SqlOrderRepository, SqlUnitOfWork
from servers.trade.servicer import TradeServicer
from servers.trade.settings import Settings

SERVICES = trade_service_pb2.DESCRIPTOR.services_by_name


async def build(settings: Settings) -> ServiceApp:
    database = await kdb.connect(settings.database_url.reveal(), "trade", Path(__file__).parent / "migrations", settings.db_pool_size)
    redis = cache.connect(settings.redis_url.reveal(), "trade")
    mesh = Mesh({"payment": settings.payment_addr}, settings.deadline_ms)

    async def on_payment(conn, event: events.Event) -> None:
        await handlers.on_payment_event(SqlOrderRepository(conn), event.event_type, event.payload)

    consumer = events.Consumer(database, redis, producer="payment", topic="payment", group="trade", handler=on_payment)
    relay = events.OutboxRelay(database, redis)
    return ServiceApp(
        registrations=[
            Registration(rpc.add_TradeServiceServicer_to_server, TradeServicer(SqlUnitOfWork(database), GrpcPayments(mesh)),
                         SERVICES["TradeService"].full_name),
            Registration(rpc.add_CashierServiceServicer_to_server, rpc.CashierServiceServicer(), SERVICES["CashierService"].full_name),
            Registration(rpc.add_MemberServiceServicer_to_server, rpc.MemberServiceServicer(), SERVICES["MemberService"].full_name),
        ],
        workers=[relay.run, consumer.run],
        closers=[mesh.close, redis.close, database.close],
    )
