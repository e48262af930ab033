"""Wires trade: database (schema `trade`), Redis, outbox relay, payment-event consumer, the
expiry worker, signed merchant webhooks (delivery worker), the cashier and members, risk over gRPC and the card vault port (UES or local)."""
from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from clients.services import Mesh
from paymesh.trade.v1 import trade_service_pb2, trade_service_pb2_grpc as rpc
from servers.kernel import cache, db as kdb, events
from servers.kernel.server import Registration, ServiceApp
from servers.trade import handlers, webhooks
from servers.trade.adapters import GrpcPayments, GrpcRisk, SqlOrderRepository, SqlUnitOfWork
from servers.trade.adapters_webhooks import HttpxSender, SqlWebhookStore
from servers.trade.adapters_members import LocalCardVault, RedisTokenStore, SqlMemberUnitOfWork
from servers.trade.adapters_ues import UesCardVault
from servers.trade.ports import CardVault
from servers.trade.cashier import parse_method_table
from servers.trade.servicer import CashierServicer, MemberServicer, TradeServicer, WebhookServicer
from servers.trade.settings import Settings
from servers.kernel.keyfiles import load_or_create_key

SERVICES = trade_service_pb2.DESCRIPTOR.services_by_name
log = logging.getLogger("paymesh.trade")


async def build(settings: Settings) -> ServiceApp:
    database = await kdb.connect(settings.database_url.reveal(), "trade", Path(__file__).parent / "migrations", settings.db_pool_size)
    redis = cache.connect(settings.redis_url.reveal(), "trade")
    mesh = Mesh({"payment": settings.payment_addr, "risk": settings.risk_addr, "ues": settings.ues_addr}, settings.deadline_ms)
    hook_attempts = settings.webhook_max_attempts if settings.webhooks_enabled else 0
    raw = await kdb.raw_pool(settings.database_url.reveal(), "trade", min(4, settings.db_pool_size))  # GetOrder & co: one statement each
    uow, member_uow = SqlUnitOfWork(database, hook_attempts, raw), SqlMemberUnitOfWork(database)
    tokens, risk = RedisTokenStore(redis), GrpcRisk(mesh)
    keys = Path(settings.home) / "keys"
    vault: CardVault
    if settings.vault_kind() == "ues":
        vault = UesCardVault(mesh)
    else:
        vault = LocalCardVault(database, load_or_create_key(settings.vault_digest_key.reveal(), keys / "trade-vault-digest.key"),
                               load_or_create_key(settings.vault_encryption_key.reveal(), keys / "trade-vault-encryption.key"))

    async def on_payment(conn, event: events.Event) -> None:
        await handlers.on_payment_event(SqlOrderRepository(conn, hook_attempts), event.event_type, event.payload)

    async def close_expired_orders() -> None:
        while True:
            try:
                while await handlers.close_expired(uow) > 0:
                    pass
            except Exception:  # noqa: BLE001 — the worker outlives a bad sweep
                log.exception("expiry sweep failed")
            await asyncio.sleep(settings.expiry_sweep_seconds)

    policy = webhooks.RetryPolicy.parse(settings.webhook_backoff_seconds, settings.webhook_max_attempts,
                                        settings.webhook_max_age_seconds)
    keyring = webhooks.Keyring(webhooks.load_master_key(settings.webhook_master_key.reveal(), settings.home))
    hook_store, sender, hook_wake = SqlWebhookStore(database), HttpxSender(settings.webhook_timeout_seconds), asyncio.Event()

    async def send_webhooks() -> None:
        lease = settings.webhook_timeout_seconds * 2 + 5
        while True:
            try:
                while await webhooks.send_due(hook_store, sender, keyring, policy, lease) > 0:
                    pass
            except Exception:  # noqa: BLE001 — the worker outlives a bad round
                log.exception("webhook round failed")
            try:
                await asyncio.wait_for(hook_wake.wait(), settings.webhook_poll_seconds)
            except asyncio.TimeoutError:
                pass
            hook_wake.clear()

    consumer = events.Consumer(database, redis, producer="payment", topic="payment", group="trade", handler=on_payment)
    relay = events.OutboxRelay(database, redis)
    return ServiceApp(
        registrations=[
            Registration(rpc.add_TradeServiceServicer_to_server, TradeServicer(uow, GrpcPayments(mesh), risk, member_uow),
                         SERVICES["TradeService"].full_name),
            Registration(rpc.add_CashierServiceServicer_to_server,
                         CashierServicer(uow, member_uow, tokens, risk, parse_method_table(settings.cashier_methods)),
                         SERVICES["CashierService"].full_name),
            Registration(rpc.add_MemberServiceServicer_to_server, MemberServicer(member_uow, vault, tokens),
                         SERVICES["MemberService"].full_name),
            Registration(rpc.add_WebhookServiceServicer_to_server, WebhookServicer(hook_store, keyring, hook_wake.set),
                         SERVICES["WebhookService"].full_name),
        ],
        workers=[relay.run, consumer.run, close_expired_orders] + ([send_webhooks] if settings.webhooks_enabled else []),
        closers=[sender.close, mesh.close, redis.close, raw.close, database.close],
    )
