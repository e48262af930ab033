"""Wires ues. Its contract is served; its issue has not landed, so every RPC but health
answers UNIMPLEMENTED."""
from __future__ import annotations

from paymesh.ues.v1 import ues_service_pb2, ues_service_pb2_grpc
from servers.kernel.server import ServiceApp, unimplemented
from servers.ues.settings import Settings


async def build(settings: Settings) -> ServiceApp:
    return ServiceApp(registrations=unimplemented(ues_service_pb2, ues_service_pb2_grpc))
