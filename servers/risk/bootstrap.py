"""Wires risk. Its contract is served; its issue has not landed, so every RPC but health
answers UNIMPLEMENTED."""
from __future__ import annotations

from paymesh.risk.v1 import risk_service_pb2, risk_service_pb2_grpc
from servers.kernel.server import ServiceApp, unimplemented
from servers.risk.settings import Settings


async def build(settings: Settings) -> ServiceApp:
    return ServiceApp(registrations=unimplemented(risk_service_pb2, risk_service_pb2_grpc))
