"""Wires ufs. Its contract is served; its issue has not landed, so every RPC but health
answers UNIMPLEMENTED."""
from __future__ import annotations

from paymesh.ufs.v1 import ufs_service_pb2, ufs_service_pb2_grpc
from servers.kernel.server import ServiceApp, unimplemented
from servers.ufs.settings import Settings


async def build(settings: Settings) -> ServiceApp:
    return ServiceApp(registrations=unimplemented(ufs_service_pb2, ufs_service_pb2_grpc))
