"""Wires the ledger: database (schema `ledger`), servicer."""
from __future__ import annotations

from pathlib import Path

from paymesh.ledger.v1 import ledger_service_pb2, ledger_service_pb2_grpc
from servers.kernel import db as kdb
from servers.kernel.server import Registration, ServiceApp
from servers.ledger.servicer import LedgerServicer
from servers.ledger.settings import Settings

SERVICE = ledger_service_pb2.DESCRIPTOR.services_by_name["LedgerService"].full_name


async def build(settings: Settings) -> ServiceApp:
    database = await kdb.connect(settings.database_url.reveal(), "ledger", Path(__file__).parent / "migrations", settings.db_pool_size)
    return ServiceApp(
        registrations=[Registration(ledger_service_pb2_grpc.add_LedgerServiceServicer_to_server, LedgerServicer(database), SERVICE)],
        closers=[database.close],
    )
