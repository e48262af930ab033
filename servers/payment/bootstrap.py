"""Wires payment: database (schema `payment`), Redis, outbox relay, ledger client."""
from __future__ import annotations

from pathlib import Path

from clients.services import Mesh
from paymesh.payment.v1 import payment_service_pb2, payment_service_pb2_grpc
from servers.kernel import cache, db as kdb, events
from servers.kernel.server import Registration, ServiceApp
from servers.payment.adapters import GrpcLedger, SqlUnitOfWork
from servers.payment.servicer import PaymentServicer
from servers.payment.settings import Settings

SERVICES = payment_service_pb2.DESCRIPTOR.services_by_name


async def build(settings: Settings) -> ServiceApp:
    database = await kdb.connect(settings.database_url.reveal(), "payment", Path(__file__).parent / "migrations", settings.db_pool_size)
    redis = cache.connect(settings.redis_url.reveal(), "payment")
    mesh = Mesh({"ledger": settings.ledger_addr}, settings.deadline_ms)
    relay = events.OutboxRelay(database, redis)
    servicer = PaymentServicer(SqlUnitOfWork(database), GrpcLedger(mesh))
    return ServiceApp(
        registrations=[
            Registration(payment_service_pb2_grpc.add_PaymentServiceServicer_to_server, servicer, SERVICES["PaymentService"].full_name),
            Registration(payment_service_pb2_grpc.add_SettlementServiceServicer_to_server,
                         payment_service_pb2_grpc.SettlementServiceServicer(), SERVICES["SettlementService"].full_name),
        ],
        workers=[relay.run],
        closers=[mesh.close, redis.close, database.close],
    )
