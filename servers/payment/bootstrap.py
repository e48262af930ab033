"""Wires payment: database (schema `payment`), Redis, outbox relay, ledger client, payment tools."""
from __future__ import annotations

from pathlib import Path

from clients.services import Mesh
from paymesh.payment.v1 import payment_service_pb2, payment_service_pb2_grpc as rpc
from servers.kernel import cache, db as kdb, events
from servers.kernel.server import Registration, ServiceApp
from servers.payment.adapters import BalanceTool, GrpcLedger, SqlUnitOfWork
from servers.payment.servicer import FeePlanServicer, PaymentServicer
from servers.payment.settings import Settings

SERVICES = payment_service_pb2.DESCRIPTOR.services_by_name


async def build(settings: Settings) -> ServiceApp:
    database = await kdb.connect(settings.database_url.reveal(), "payment", Path(__file__).parent / "migrations", settings.db_pool_size)
    redis = cache.connect(settings.redis_url.reveal(), "payment")
    mesh = Mesh({"ledger": settings.ledger_addr}, settings.deadline_ms)
    relay = events.OutboxRelay(database, redis)
    uow, ledger = SqlUnitOfWork(database), GrpcLedger(mesh)
    tools = {"balance": BalanceTool(ledger)}  # "channel" joins when the channel service lands
    return ServiceApp(
        registrations=[
            Registration(rpc.add_PaymentServiceServicer_to_server, PaymentServicer(uow, tools, ledger, settings.tool_rules),
                         SERVICES["PaymentService"].full_name),
            Registration(rpc.add_FeePlanServiceServicer_to_server, FeePlanServicer(uow), SERVICES["FeePlanService"].full_name),
            Registration(rpc.add_SettlementServiceServicer_to_server, rpc.SettlementServiceServicer(), SERVICES["SettlementService"].full_name),
        ],
        workers=[relay.run],
        closers=[mesh.close, redis.close, database.close],
    )
