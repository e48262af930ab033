"""Typed stubs per service: `Mesh(settings)` opens one channel per peer on first use.

    mesh = Mesh({"ledger": "127.0.0.1:8105"})
    reply = await mesh.ledger.GetAccount(GetAccountRequest(account_id=...))
"""
from __future__ import annotations

import importlib
from typing import Any

from clients.channel import DEADLINE_MS_DEFAULT, open_channel

# stub name → (module, stub class); HOSTS says which server hosts it.
STUBS: dict[str, tuple[str, str]] = {
    "trade": ("paymesh.trade.v1.trade_service_pb2_grpc", "TradeServiceStub"),
    "cashier": ("paymesh.trade.v1.trade_service_pb2_grpc", "CashierServiceStub"),
    "member": ("paymesh.trade.v1.trade_service_pb2_grpc", "MemberServiceStub"),
    "risk": ("paymesh.risk.v1.risk_service_pb2_grpc", "RiskServiceStub"),
    "risk_rules": ("paymesh.risk.v1.risk_service_pb2_grpc", "RiskRuleServiceStub"),
    "risk_lists": ("paymesh.risk.v1.risk_service_pb2_grpc", "RiskListServiceStub"),
    "payment": ("paymesh.payment.v1.payment_service_pb2_grpc", "PaymentServiceStub"),
    "settlement": ("paymesh.payment.v1.payment_service_pb2_grpc", "SettlementServiceStub"),
    "fee_plans": ("paymesh.payment.v1.payment_service_pb2_grpc", "FeePlanServiceStub"),
    "channel": ("paymesh.channel.v1.channel_service_pb2_grpc", "ChannelServiceStub"),
    "routing": ("paymesh.channel.v1.channel_service_pb2_grpc", "RoutingServiceStub"),
    "channel_admin": ("paymesh.channel.v1.channel_service_pb2_grpc", "ChannelAdminServiceStub"),
    "statements": ("paymesh.channel.v1.channel_service_pb2_grpc", "ChannelStatementServiceStub"),
    "recon": ("paymesh.channel.v1.reconciliation_pb2_grpc", "ReconciliationServiceStub"),
    "ledger": ("paymesh.ledger.v1.ledger_service_pb2_grpc", "LedgerServiceStub"),
    "ufs_standalone": ("paymesh.ufs.v1.ufs_service_pb2_grpc", "UfsStandaloneServiceStub"),
    "ufs_share": ("paymesh.ufs.v1.ufs_service_pb2_grpc", "UfsShareServiceStub"),
    "ufs_sts": ("paymesh.ufs.v1.ufs_service_pb2_grpc", "UfsStsServiceStub"),
    "ufs_admin": ("paymesh.ufs.v1.ufs_service_pb2_grpc", "UfsAdminServiceStub"),
    "ues": ("paymesh.ues.v1.ues_service_pb2_grpc", "UesServiceStub"),
    "ues_admin": ("paymesh.ues.v1.ues_service_pb2_grpc", "UesAdminServiceStub"),
    "api_keys": ("paymesh.gateway.v1.gateway_service_pb2_grpc", "ApiKeyServiceStub"),
    "rate_limits": ("paymesh.gateway.v1.gateway_service_pb2_grpc", "RateLimitServiceStub"),
    "metering": ("paymesh.gateway.v1.gateway_service_pb2_grpc", "MeteringServiceStub"),
}
HOSTS = {name: module.split(".")[1] for name, (module, _cls) in STUBS.items()}


class Mesh:
    def __init__(self, addresses: dict[str, str], deadline_ms: int = DEADLINE_MS_DEFAULT, traced: bool = True):
        self.addresses, self.deadline_ms, self.traced = addresses, deadline_ms, traced
        self._channels: dict[str, Any] = {}
        self._stubs: dict[str, Any] = {}

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_") or name not in STUBS:
            raise AttributeError(name)
        if name not in self._stubs:
            host = HOSTS[name]
            if host not in self._channels:
                self._channels[host] = open_channel(self.addresses[host], self.deadline_ms, self.traced)
            module, cls = STUBS[name]
            self._stubs[name] = getattr(importlib.import_module(module), cls)(self._channels[host])
        return self._stubs[name]

    async def close(self) -> None:
        for channel in self._channels.values():
            await channel.close()
        self._channels.clear()
        self._stubs.clear()
