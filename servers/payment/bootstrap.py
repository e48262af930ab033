"""Wires payment: database (schema `payment`), Redis, outbox relay, ledger client, payment tools."""
from __future__ import annotations

from pathlib import Path

from clients.services import Mesh
from paymesh.payment.v1 import payment_service_pb2, payment_service_pb2_grpc as rpc
from servers.kernel import cache, db as kdb, events
from servers.kernel.server import Registration, ServiceApp
import asyncio
import logging

from servers.payment import handlers, settlement, withdrawal_recovery
from servers.payment.adapters import GrpcLedger, GrpcTrail, SqlPaymentRepository, SqlUnitOfWork
from servers.payment.domain import PAYOUT_TOOL
from servers.payment.tools import BalanceTool, ChannelTool, PayoutTool
from servers.payment.servicer import FeePlanServicer, PaymentServicer, SettlementServicer
from servers.payment.settlement_adapters import GrpcSettlementLedger, RedisLocks, SqlSettlementStore, SqlSettlementUnitOfWork
from servers.payment.settlement_periodic import run_round
from servers.payment.settings import Settings

SERVICES = payment_service_pb2.DESCRIPTOR.services_by_name


async def build(settings: Settings) -> ServiceApp:
    database = await kdb.connect(settings.database_url.reveal(), "payment", Path(__file__).parent / "migrations", settings.db_pool_size)
    redis = cache.connect(settings.redis_url.reveal(), "payment")
    mesh = Mesh({"ledger": settings.ledger_addr, "channel": settings.channel_addr}, settings.deadline_ms)
    relay = events.OutboxRelay(database, redis)
    uow, ledger = SqlUnitOfWork(database), GrpcLedger(mesh)
    tools = {"balance": BalanceTool(ledger), "channel": ChannelTool(mesh, ledger), PAYOUT_TOOL: PayoutTool(mesh, ledger)}
    payout_probe = withdrawal_recovery.GrpcPayoutProbe(mesh)

    async def on_channel_event(conn, event: events.Event):
        payment_id = await handlers.on_channel_event(SqlPaymentRepository(conn), event.payload.get("inst_order", {}))
        if payment_id is None:
            return None
        return lambda: handlers.resume(uow, tools, ledger, payment_id)  # after commit: book and move on

    async def janitor() -> None:
        """Resumes payments whose channel verdict was recorded but not acted on (a crash between), the engine's
        channel refunds and review decisions left unfinished, and withdrawals stuck before their payout was recorded."""
        while True:
            await asyncio.sleep(settings.janitor_interval_seconds)
            try:
                for payment_id in await uow(lambda repo: repo.waiting_payments(100)):
                    await handlers.resume(uow, tools, ledger, payment_id)
                for payment_id in await uow(lambda repo: repo.stuck_withdrawals(withdrawal_recovery.GRACE_SECONDS, 20)):
                    await withdrawal_recovery.recover(uow, tools, ledger, payout_probe, payment_id)
            except Exception:  # noqa: BLE001 - keep the janitor alive; it retries next round
                logging.getLogger("paymesh.payment").exception("janitor round failed")

    settlements, locks, settle_ledger = SqlSettlementUnitOfWork(database), RedisLocks(redis), GrpcSettlementLedger(ledger)

    async def settlement_worker() -> None:
        """Periodic settlement (T+N) and the sweep of failed auto batches (settlement_periodic.py)."""
        while True:
            await asyncio.sleep(settings.janitor_interval_seconds)
            try:
                await run_round(settlements, locks, settle_ledger)
            except Exception:  # noqa: BLE001 - keep the worker alive; it retries next round
                logging.getLogger("paymesh.payment").exception("settlement round failed")

    async def on_payment_event(conn, event: events.Event):
        """Auto settlement: a merchant in AUTO mode is settled after each of its order payments succeeds."""
        p = event.payload
        if event.event_type != "payment.succeeded" or p.get("kind") != "ORDER":
            return None
        if await SqlSettlementStore(conn).mode(p["merchant_id"]) != settlement.SettlementMode.AUTO:
            return None
        return lambda: settlement.settle_payment(settlements, locks, settle_ledger, p["payment_id"], p["merchant_id"])

    payment_events = events.Consumer(database, redis, producer="payment", topic="payment", group="payment-settlement",
                                     handler=on_payment_event)
    channel_events = events.Consumer(database, redis, producer="channel", topic="channel", group="payment", handler=on_channel_event)
    return ServiceApp(
        registrations=[
            Registration(rpc.add_PaymentServiceServicer_to_server, PaymentServicer(uow, tools, ledger, settings.tool_rules,
                                                                                     settings.topup_merchant_id, GrpcTrail(mesh)),
                         SERVICES["PaymentService"].full_name),
            Registration(rpc.add_FeePlanServiceServicer_to_server, FeePlanServicer(uow), SERVICES["FeePlanService"].full_name),
            Registration(rpc.add_SettlementServiceServicer_to_server, SettlementServicer(settlements, locks, settle_ledger), SERVICES["SettlementService"].full_name),
        ],
        workers=[relay.run, channel_events.run, payment_events.run, janitor, settlement_worker],
        closers=[mesh.close, redis.close, database.close],
    )
