"""Automatic tokenization: request fields marked `(paymesh.common.v1.sensitive)` are replaced
by UES tickets before any handler sees them, so a servicer only ever receives tickets.

Innermost server interceptor (after validation, which checks the plaintext's limits). Only
methods whose request type has a sensitive field anywhere are wrapped; the others get their
handler back untouched, so services that receive no sensitive fields pay nothing. All the
sensitive values of one request go to UES in one SaveDatas call, as the service's client
identity (`x-ues-client-id`). Values that already are tickets pass through unchanged (a hop
inside the mesh never tokenizes twice). A value UES rejects fails the request with
INVALID_ARGUMENT on that field, without echoing the value. The UES server never installs this;
other services opt in with `tokenize_sensitive` in their Settings.
"""
from __future__ import annotations

import functools
import re
import uuid
from dataclasses import dataclass
from typing import Any

import grpc
from google.protobuf import descriptor_pool
from google.protobuf.descriptor import Descriptor, FieldDescriptor

from paymesh.common.v1 import options_pb2
from servers.kernel.errors import FieldViolation, InvalidArgument, Unavailable
from servers.kernel.interceptors import _Base

TICKET = re.compile(r"^[CP][0-9a-f]{32}$")
CLIENT_HEADER = "x-ues-client-id"
_MAX_DEPTH = 8


@dataclass
class Spot:
    message: Any
    field: str
    index: int | None
    path: str
    value: str
    data_type: str
    temporary: bool


@functools.cache
def _plan(descriptor: Descriptor, depth: int = 0) -> tuple[tuple, tuple]:
    direct, nested = [], []
    for fd in descriptor.fields:
        opts = fd.GetOptions()
        if fd.type == FieldDescriptor.TYPE_STRING and opts.HasExtension(options_pb2.sensitive):
            direct.append((fd, opts.Extensions[options_pb2.sensitive]))
        elif (fd.type == FieldDescriptor.TYPE_MESSAGE and depth < _MAX_DEPTH and not fd.message_type.GetOptions().map_entry
              and has_sensitive(fd.message_type, depth + 1)):
            nested.append(fd)
    return tuple(direct), tuple(nested)


@functools.cache
def has_sensitive(descriptor: Descriptor, depth: int = 0) -> bool:
    direct, nested = _plan(descriptor, depth)
    return bool(direct or nested)


def collect(message, prefix: str = "", depth: int = 0) -> list[Spot]:
    """Every set sensitive string in the message tree that is not a ticket yet."""
    out: list[Spot] = []
    direct, nested = _plan(message.DESCRIPTOR, depth)
    for fd, opt in direct:
        value = getattr(message, fd.name)
        if fd.is_repeated:
            out += [Spot(message, fd.name, i, f"{prefix}{fd.name}[{i}]", v, opt.data_type, opt.temporary)
                    for i, v in enumerate(value) if v and not TICKET.match(v)]
        elif value and not TICKET.match(value):
            out.append(Spot(message, fd.name, None, prefix + fd.name, value, opt.data_type, opt.temporary))
    for fd in nested:
        if fd.is_repeated:
            for i, item in enumerate(getattr(message, fd.name)):
                out += collect(item, f"{prefix}{fd.name}[{i}].", depth + 1)
        elif message.HasField(fd.name):
            out += collect(getattr(message, fd.name), f"{prefix}{fd.name}.", depth + 1)
    return out


def _put(spot: Spot, ticket: str) -> None:
    if spot.index is None:
        setattr(spot.message, spot.field, ticket)
    else:
        getattr(spot.message, spot.field)[spot.index] = ticket


async def tokenize(stub, client_id: str, request) -> int:
    """Replaces the request's sensitive plaintexts by tickets in place; returns how many."""
    from paymesh.ues.v1 import ues_pb2, ues_service_pb2 as api

    spots = collect(request)
    if not spots:
        return 0
    items = [api.SaveDataItem(plain_data=s.value, data_type=s.data_type,
                              type=ues_pb2.TICKET_TYPE_TEMPORARY if s.temporary else ues_pb2.TICKET_TYPE_UNSPECIFIED) for s in spots]
    try:
        reply = await stub.SaveDatas(api.SaveDatasRequest(items=items, request_id=f"tok-{uuid.uuid4().hex}"),
                                     metadata=((CLIENT_HEADER, client_id),))
    except grpc.aio.AioRpcError as exc:
        raise Unavailable("TOKENIZATION_UNAVAILABLE", f"UES could not tokenize the request ({exc.code().name})") from None
    violations = []
    for spot, result in zip(spots, reply.results):
        spot.value = ""  # drop our reference to the plaintext
        if result.HasField("error"):
            violations.append(FieldViolation(spot.path, f"is not a valid {spot.data_type} ({result.error.message.split(': ')[-1]})"))
        else:
            _put(spot, result.ticket.ticket)
    if violations:
        raise InvalidArgument(violations, reason="SENSITIVE_VALUE_REJECTED")
    return len(spots)


@functools.cache
def request_type(method: str) -> Descriptor | None:
    """`/pkg.Service/Method` → the request message descriptor (None if not in the pool)."""
    try:
        return descriptor_pool.Default().FindMethodByName(method.lstrip("/").replace("/", ".")).input_type
    except KeyError:
        return None


class TokenizationInterceptor(_Base):
    def __init__(self, ues_addr: str, client_id: str, deadline_ms: int = 2000):
        self.ues_addr, self.client_id, self.deadline_ms = ues_addr, client_id, deadline_ms
        self._stub = None

    @property
    def stub(self):
        if self._stub is None:  # opened on first use: services without sensitive fields never connect
            from clients.channel import open_channel
            from paymesh.ues.v1 import ues_service_pb2_grpc

            self._stub = ues_service_pb2_grpc.UesServiceStub(open_channel(self.ues_addr, self.deadline_ms))
        return self._stub

    def wraps(self, handler: grpc.RpcMethodHandler, method: str) -> bool:
        if handler.request_streaming:
            return False
        descriptor = request_type(method)
        return descriptor is not None and has_sensitive(descriptor)

    def wrap(self, behavior, method, request_streaming, response_streaming):
        if response_streaming:
            async def stream(request, context):
                await tokenize(self.stub, self.client_id, request)
                async for item in behavior(request, context):
                    yield item
            return stream

        async def unary(request, context):
            await tokenize(self.stub, self.client_id, request)
            return await behavior(request, context)
        return unary


def interceptors_for(settings) -> list[grpc.aio.ServerInterceptor]:
    """[TokenizationInterceptor] when the service opted in (a `tokenize_sensitive: bool = True`
    field in its Settings, env PAYMESH_<SVC>_TOKENIZE_SENSITIVE) and has a UES address; never
    for UES itself. Opt-in, because a service's handlers must expect tickets in those fields."""
    if not getattr(settings, "tokenize_sensitive", False) or not getattr(settings, "ues_addr", "") or settings.service == "ues":
        return []
    return [TokenizationInterceptor(settings.ues_addr, settings.service)]
