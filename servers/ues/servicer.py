"""gRPC ↔ UES handlers for UesService: the reference's envelope RPCs (§4.8) and the native
ones. Translation only; the reference RPCs turn domain errors into `success: false`."""
from __future__ import annotations

from typing import Callable

from google.protobuf import struct_pb2
from google.rpc import code_pb2, error_details_pb2, status_pb2

from paymesh.ues.v1 import ues_pb2 as pb, ues_service_pb2 as api, ues_service_pb2_grpc as rpc
from servers.kernel import idempotency
from servers.kernel.context import current_context_id
from servers.kernel.db import Database
from servers.kernel.errors import PaymeshError
from servers.ues import crypto
from servers.ues.adapters import SqlVault
from servers.ues.domain import Record, TicketType
from servers.ues.handlers import SaveItem, Ues
from servers.ues.registry import Caller
from servers.kernel.timestamps import to_timestamp as ts

CLIENT_HEADER = "x-ues-client-id"
ANONYMOUS = "anonymous"
NULL = struct_pb2.Value(null_value=struct_pb2.NULL_VALUE)


def caller_of(context, rpc_name: str, service: str = "UesService") -> Caller:
    """The calling client (x-ues-client-id metadata; in production bound to the mTLS identity by
    the mesh), the context id and the RPC, for policies and audit."""
    md = dict(context.invocation_metadata() or ())
    client = str(md.get(CLIENT_HEADER) or ANONYMOUS)[:64]
    return Caller(client, current_context_id(), f"/paymesh.ues.v1.{service}/{rpc_name}")


def ticket_pb(r: Record) -> pb.Ticket:
    return pb.Ticket(ticket=r.ticket, type=int(r.type), data_type=r.data_type, summary=r.summary, digest=r.digest,
                     digest_key_id=r.digest_key_id, key_id=r.key_id, single_use=r.single_use, compressed=r.compressed,
                     plain_length=r.plain_length, owner_client_id=r.owner_client_id, create_time=ts(r.create_time),
                     expire_time=ts(r.expire_time))


def status_of(exc: PaymeshError) -> status_pb2.Status:
    info = error_details_pb2.ErrorInfo(reason=exc.reason, domain="ues.paymesh", metadata=exc.metadata)
    detail = status_pb2.Status().details.add()
    detail.Pack(info)
    return status_pb2.Status(code=getattr(code_pb2, exc.code_name), message=exc.message, details=[detail])


def message_of(exc: PaymeshError) -> struct_pb2.Value:
    """The reference's message: one violation's description, else the error message."""
    violations = getattr(exc, "violations", [])
    return text(violations[0].description if len(violations) == 1 else exc.message)


def _name(response_type) -> str:
    return response_type.DESCRIPTOR.name.removesuffix("Response")


def text(value: str) -> struct_pb2.Value:
    return struct_pb2.Value(string_value=value)


class UesServicer(rpc.UesServiceServicer):
    def __init__(self, ues: Ues, db: Database):
        self.ues, self.db = ues, db

    def surrogate(self, request):
        """The request as hashed for idempotency: plaintexts replaced by a keyed digest, so the
        idempotency table never holds an unkeyed hash of a card number."""
        copy = type(request)()
        copy.CopyFrom(request)
        key_id, key = self.ues.ring.digest_keys()[-1]
        if hasattr(copy, "plain_data"):
            copy.plain_data = crypto.digest(key, copy.plain_data)
        for item in getattr(copy, "items", ()):
            item.plain_data = crypto.digest(key, item.plain_data)
        return copy

    async def _save(self, context, request, method: str, response_type, items: list[SaveItem], build: Callable, cache: bool = False,
                    batch: bool = False):
        caller = caller_of(context, method)
        if not request.request_id:
            return build(await self.ues.save(caller, items, cache=cache, batch=batch))

        async def work(conn):
            return build(await self.ues.save(caller, items, vault=SqlVault(conn), cache=cache, batch=batch))

        return await idempotency.run_once(self.db, method, request.request_id, self.surrogate(request), response_type, work)

    # ------------------------------------------------------------ reference envelope RPCs
    async def _encrypt(self, request, context, response_type, cache: bool):
        def build(results):
            if isinstance(results[0], PaymeshError):
                raise results[0]
            return response_type(success=True, data=text(results[0].ticket), message=NULL)

        try:
            return await self._save(context, request, _name(response_type), response_type,
                                    [SaveItem(request.plain_data, request.data_type, request.summary)], build, cache)
        except PaymeshError as exc:
            return response_type(success=False, data=NULL, message=message_of(exc))

    async def _batch_encrypt(self, request, context, response_type, cache: bool):
        def build(results):
            data = struct_pb2.ListValue()
            for r in results:
                data.values.append(NULL if isinstance(r, PaymeshError) else text(r.ticket))
            return response_type(success=True, data=data, message=NULL)

        items = [SaveItem(i.plain_data, i.data_type, i.summary) for i in request.items]
        return await self._save(context, request, _name(response_type), response_type, items, build, cache, batch=True)

    async def _decrypt(self, request, context, response_type, cache: bool):
        try:
            plain, _ = await self.ues.read_one(caller_of(context, _name(response_type)), request.ticket, cache)
        except PaymeshError as exc:
            return response_type(success=False, data=NULL, message=message_of(exc))
        return response_type(success=True, data=text(plain), message=NULL)

    async def _batch_decrypt(self, request, context, response_type, cache: bool):
        result = await self.ues.read(caller_of(context, _name(response_type)), list(request.tickets), cache)
        return response_type(success=True, data=result.plain, message=NULL)

    async def Encrypt(self, request, context):
        return await self._encrypt(request, context, api.EncryptResponse, False)

    async def EncryptWithCache(self, request, context):
        return await self._encrypt(request, context, api.EncryptWithCacheResponse, True)

    async def BatchEncrypt(self, request, context):
        return await self._batch_encrypt(request, context, api.BatchEncryptResponse, False)

    async def BatchEncryptWithCache(self, request, context):
        return await self._batch_encrypt(request, context, api.BatchEncryptWithCacheResponse, True)

    async def Decrypt(self, request, context):
        return await self._decrypt(request, context, api.DecryptResponse, False)

    async def DecryptWithCache(self, request, context):
        return await self._decrypt(request, context, api.DecryptWithCacheResponse, True)

    async def BatchDecrypt(self, request, context):
        return await self._batch_decrypt(request, context, api.BatchDecryptResponse, False)

    async def BatchDecryptWithCache(self, request, context):
        return await self._batch_decrypt(request, context, api.BatchDecryptWithCacheResponse, True)

    # ------------------------------------------------------------ native RPCs
    async def SaveData(self, request, context):
        def build(results):
            if isinstance(results[0], PaymeshError):
                raise results[0]
            return api.SaveDataResponse(ticket=ticket_pb(results[0]))

        item = SaveItem(request.plain_data, request.data_type, request.summary, TicketType(request.type), request.ttl_seconds,
                        request.single_use)
        return await self._save(context, request, "SaveData", api.SaveDataResponse, [item], build)

    async def SaveDatas(self, request, context):
        def build(results):
            return api.SaveDatasResponse(results=[
                api.SaveDataResult(error=status_of(r)) if isinstance(r, PaymeshError) else api.SaveDataResult(ticket=ticket_pb(r))
                for r in results])

        items = [SaveItem(i.plain_data, i.data_type, i.summary, TicketType(i.type), i.ttl_seconds, i.single_use) for i in request.items]
        return await self._save(context, request, "SaveDatas", api.SaveDatasResponse, items, build, batch=True)

    async def GetData(self, request, context):
        plain, record = await self.ues.read_one(caller_of(context, "GetData"), request.ticket, request.use_cache)
        return api.GetDataResponse(plain_data=plain, ticket=ticket_pb(record) if record else None)

    async def GetDatas(self, request, context):
        result = await self.ues.read(caller_of(context, "GetDatas"), list(request.tickets), request.use_cache)
        return api.GetDatasResponse(plain_data_by_ticket=result.plain, errors=[
            api.TicketError(ticket=t, error=status_of(e)) for t, e in result.errors.items()])

    async def QueryTicket(self, request, context):
        record = await self.ues.query_ticket(caller_of(context, "QueryTicket"), request.plain_data, request.data_type)
        return api.QueryTicketResponse(ticket=ticket_pb(record))

    async def ConvertTicket(self, request, context):
        caller = caller_of(context, "ConvertTicket")

        async def work(conn):
            record = await self.ues.convert(caller, SqlVault(conn), request.ticket, request.data_type, TicketType(request.type),
                                            request.summary)
            return api.ConvertTicketResponse(ticket=ticket_pb(record))

        return await idempotency.run_once(self.db, "ConvertTicket", request.request_id, request, api.ConvertTicketResponse, work)

    async def GetMaskedData(self, request, context):
        value, record = await self.ues.masked(caller_of(context, "GetMaskedData"), request.ticket)
        return api.GetMaskedDataResponse(masked_data=value, ticket=ticket_pb(record))

    async def GetTicket(self, request, context):
        return api.GetTicketResponse(ticket=ticket_pb(await self.ues.ticket(request.ticket)))
