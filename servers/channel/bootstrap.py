"""Wires channel. Its contract is served; its issue has not landed, so every RPC but health
answers UNIMPLEMENTED."""
from __future__ import annotations

from paymesh.channel.v1 import channel_service_pb2, channel_service_pb2_grpc
from servers.kernel.server import ServiceApp, unimplemented
from servers.channel.settings import Settings


async def build(settings: Settings) -> ServiceApp:
    return ServiceApp(registrations=unimplemented(channel_service_pb2, channel_service_pb2_grpc))
