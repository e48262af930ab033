"""The card vault over UES (the CardVault port): card numbers become persistent UES tickets with a
keyed digest, holder names and mobile numbers persistent tickets. Trade keeps only tickets, the
UES digest (dedupe and risk), and the masked number / BIN it computed before tokenizing.

The same card number is found again through UES `QueryTicket` (digest lookup), so one PAN has one
ticket. Errors never carry the value: a UES refusal of a value is INVALID_ARGUMENT on the field,
UES being down is UNAVAILABLE.
"""
from __future__ import annotations

import grpc

from clients.services import Mesh
from paymesh.ues.v1 import ues_pb2, ues_service_pb2 as ues_api
from servers.kernel import errors as kerrors
from servers.kernel.ids import new_id
from servers.trade.domain import mask_card_no
from servers.trade.ports import ProtectedCard

CLIENT_ID, CLIENT_ID_HEADER = "trade", "x-ues-client-id"
_FIELDS = {"card_no": "card_no", "name": "holder_name", "mobile_no": "mobile"}


def _error(exc: grpc.aio.AioRpcError, data_type: str) -> Exception:
    if exc.code() == grpc.StatusCode.INVALID_ARGUMENT:
        return kerrors.invalid(_FIELDS.get(data_type, data_type), f"not a valid {data_type}", "SENSITIVE_VALUE_INVALID")
    if exc.code() == grpc.StatusCode.PERMISSION_DENIED:
        return kerrors.Unavailable("CARD_VAULT_REFUSED", f"the card vault refused trade for {data_type}")
    return kerrors.Unavailable("CARD_VAULT_UNAVAILABLE", "the card vault is unavailable; try again")


class UesCardVault:
    def __init__(self, mesh: Mesh, client_id: str = CLIENT_ID):
        self.mesh, self.metadata = mesh, ((CLIENT_ID_HEADER, client_id),)

    async def _save(self, data_type: str, value: str, kind: int) -> ues_pb2.Ticket:
        try:
            reply = await self.mesh.ues.SaveData(ues_api.SaveDataRequest(
                plain_data=value, data_type=data_type, type=kind, request_id=new_id("trade")), metadata=self.metadata)
        except grpc.aio.AioRpcError as exc:
            raise _error(exc, data_type) from None
        return reply.ticket

    async def _find(self, data_type: str, value: str) -> ues_pb2.Ticket | None:
        try:
            reply = await self.mesh.ues.QueryTicket(ues_api.QueryTicketRequest(plain_data=value, data_type=data_type),
                                                    metadata=self.metadata)
        except grpc.aio.AioRpcError as exc:
            if exc.code() == grpc.StatusCode.NOT_FOUND:
                return None
            raise _error(exc, data_type) from None
        return reply.ticket

    async def protect(self, data_type: str, value: str) -> str:
        return (await self._save(data_type, value, ues_pb2.TICKET_TYPE_PERSISTENT)).ticket

    async def protect_card(self, card_no: str, holder_name: str) -> ProtectedCard:
        ticket = await self._find("card_no", card_no) or await self._save("card_no", card_no, ues_pb2.TICKET_TYPE_PERSISTENT_WITH_DIGEST)
        holder = await self.protect("name", holder_name) if holder_name else ""
        return ProtectedCard(ticket.ticket, holder, ticket.digest or ticket.ticket, mask_card_no(card_no), card_no[:6])

