"""One way to open a channel to a paymesh service."""
from __future__ import annotations

from typing import Any

import grpc

from servers.kernel.context import HEADER, current_context_id

DEADLINE_MS_DEFAULT = 5000
_OPTIONS = [("grpc.max_receive_message_length", 64 * 1024 * 1024), ("grpc.max_send_message_length", 64 * 1024 * 1024),
            ("grpc.keepalive_time_ms", 30_000), ("grpc.enable_retries", 0)]


class _Details(grpc.aio.ClientCallDetails):
    def __new__(cls, method, timeout, metadata, credentials, wait_for_ready):
        return super().__new__(cls, method, timeout, metadata, credentials, wait_for_ready)


def _with_context(details: grpc.aio.ClientCallDetails, deadline_ms: int) -> grpc.aio.ClientCallDetails:
    metadata = grpc.aio.Metadata(*(details.metadata or ()))
    context_id = current_context_id()
    if context_id and HEADER not in metadata:
        metadata.add(HEADER, context_id)
    timeout = details.timeout if details.timeout is not None else deadline_ms / 1000
    return _Details(details.method, timeout, metadata, details.credentials, details.wait_for_ready)


class ContextClientInterceptor(grpc.aio.UnaryUnaryClientInterceptor, grpc.aio.UnaryStreamClientInterceptor,
                               grpc.aio.StreamUnaryClientInterceptor):
    """Adds x-context-id from the current context and a default deadline to every call."""

    def __init__(self, deadline_ms: int):
        self.deadline_ms = deadline_ms

    async def intercept_unary_unary(self, continuation, details, request):
        return await continuation(_with_context(details, self.deadline_ms), request)

    async def intercept_unary_stream(self, continuation, details, request):
        return await continuation(_with_context(details, self.deadline_ms), request)

    async def intercept_stream_unary(self, continuation, details, request_iterator):
        return await continuation(_with_context(details, self.deadline_ms), request_iterator)


def open_channel(address: str, deadline_ms: int = DEADLINE_MS_DEFAULT, traced: bool = True) -> grpc.aio.Channel:
    interceptors: list[Any] = [ContextClientInterceptor(deadline_ms)]
    if traced:
        from servers.kernel.telemetry import client_interceptors

        interceptors += client_interceptors()
    return grpc.aio.insecure_channel(address, options=_OPTIONS, interceptors=interceptors)


def error_reason(exc: grpc.aio.AioRpcError) -> str:
    """The google.rpc.ErrorInfo reason of a failed call ("" when there is none)."""
    from google.rpc import error_details_pb2, status_pb2

    for key, value in exc.trailing_metadata() or ():
        if key == "grpc-status-details-bin":
            for detail in status_pb2.Status.FromString(value).details:
                if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
                    info = error_details_pb2.ErrorInfo()
                    detail.Unpack(info)
                    return info.reason
    return ""


def as_domain_error(exc: grpc.aio.AioRpcError) -> Exception:
    """A peer's refusal, re-raised as our own PaymeshError with the same code and reason, so a
    caller's caller sees e.g. REFUND_EXCEEDS_PAID instead of INTERNAL."""
    from servers.kernel import errors

    kinds = {grpc.StatusCode.NOT_FOUND: errors.NotFound, grpc.StatusCode.ALREADY_EXISTS: errors.AlreadyExists,
             grpc.StatusCode.FAILED_PRECONDITION: errors.FailedPrecondition, grpc.StatusCode.ABORTED: errors.Conflict,
             grpc.StatusCode.PERMISSION_DENIED: errors.PermissionDenied, grpc.StatusCode.RESOURCE_EXHAUSTED: errors.ResourceExhausted,
             grpc.StatusCode.UNAVAILABLE: errors.Unavailable, grpc.StatusCode.DEADLINE_EXCEEDED: errors.Unavailable}
    kind = kinds.get(exc.code())
    if kind is None:
        return exc
    return kind(error_reason(exc) or exc.code().name, exc.details() or exc.code().name)
