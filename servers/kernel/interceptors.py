"""Server interceptors, outermost first: OpenTelemetry (telemetry.py) → context id →
access log + error mapping → validation. Servicers stay thin: no try/except, no metadata."""
from __future__ import annotations

import logging
import time
from typing import Any, Awaitable, Callable

import grpc
import redis.exceptions as redis_errors
from google.protobuf import any_pb2
from google.rpc import code_pb2, error_details_pb2, status_pb2
from opentelemetry import trace
from sqlalchemy.exc import DBAPIError

from servers.kernel import context as ctx
from servers.kernel.errors import InvalidArgument, PaymeshError, PermissionDenied
from servers.kernel.validation import validate

log = logging.getLogger("paymesh.rpc")
_QUIET = ("/grpc.health.", "/grpc.reflection.")

# A behavior wrapper gets (behavior, method, streaming kinds) and returns the new behavior.
Wrap = Callable[[Callable[..., Any], str, bool, bool], Callable[..., Any]]


def _rewrap(handler: grpc.RpcMethodHandler, method: str, wrap: Wrap) -> grpc.RpcMethodHandler:
    kinds = {
        (False, False): ("unary_unary", grpc.unary_unary_rpc_method_handler),
        (False, True): ("unary_stream", grpc.unary_stream_rpc_method_handler),
        (True, False): ("stream_unary", grpc.stream_unary_rpc_method_handler),
        (True, True): ("stream_stream", grpc.stream_stream_rpc_method_handler),
    }
    attr, factory = kinds[(handler.request_streaming, handler.response_streaming)]
    behavior = wrap(getattr(handler, attr), method, handler.request_streaming, handler.response_streaming)
    return factory(behavior, request_deserializer=handler.request_deserializer, response_serializer=handler.response_serializer)


class _Base(grpc.aio.ServerInterceptor):
    def wrap(self, behavior, method: str, request_streaming: bool, response_streaming: bool):
        raise NotImplementedError

    async def intercept_service(self, continuation, details: grpc.HandlerCallDetails):
        handler = await continuation(details)
        if handler is None or details.method.startswith(_QUIET):
            return handler
        return _rewrap(handler, details.method, self.wrap)


def _around(behavior, response_streaming: bool, before: Callable[[Any, Any], Any], on_error: Callable[[BaseException, Any], Awaitable[None]] | None = None, after: Callable[[Any, Any], None] | None = None):
    """Builds a behavior that runs before() first, maps errors with on_error, and after() last."""
    if response_streaming:
        async def stream(request, context):
            state = before(request, context)
            try:
                async for item in behavior(request, context):
                    yield item
            except BaseException as exc:  # noqa: BLE001 - mapped, never swallowed
                if on_error is None:
                    raise
                await on_error(exc, context)
            finally:
                if after:
                    after(state, context)
        return stream

    async def unary(request, context):
        state = before(request, context)
        try:
            return await behavior(request, context)
        except BaseException as exc:  # noqa: BLE001
            if on_error is None:
                raise
            await on_error(exc, context)
        finally:
            if after:
                after(state, context)
    return unary


class ContextInterceptor(_Base):
    """Adopts the caller's x-context-id (or baggage), or creates one, for the whole RPC,
    stamps it on the server span and echoes it back in initial metadata."""

    def wrap(self, behavior, method, request_streaming, response_streaming):
        def before(request, context):
            md = dict(context.invocation_metadata() or ())
            context_id = ctx.normalize(md.get(ctx.HEADER)) or ctx.current_context_id() or ctx.new_context_id()
            ctx.bind(context_id)
            ctx.bind_trusted_merchant(md.get(ctx.MERCHANT_HEADER, ""))
            trace.get_current_span().set_attribute(ctx.BAGGAGE_KEY, context_id)
            return None
        return _around(behavior, response_streaming, before)


def _dependency_down(exc: BaseException) -> bool:
    """A lost or refused connection to PostgreSQL or Redis (including Redis still loading its data)."""
    if isinstance(exc, (redis_errors.ConnectionError, redis_errors.TimeoutError, ConnectionError)):
        return True
    if isinstance(exc, DBAPIError):
        return exc.connection_invalidated or isinstance(getattr(exc, "orig", None), (ConnectionError, OSError))
    return type(exc).__module__.startswith("asyncpg") and type(exc).__name__ in (
        "ConnectionDoesNotExistError", "CannotConnectNowError", "ConnectionFailureError", "TooManyConnectionsError")


class ErrorInterceptor(_Base):
    """Maps PaymeshError to a gRPC status with ErrorInfo (+ BadRequest), anything else to
    INTERNAL carrying only the context id; writes one access-log line per RPC."""

    def __init__(self, domain: str, reason_aliases: dict[str, str] | None = None):
        self.domain = domain
        self.reason_aliases = dict(reason_aliases or {})

    def wrap(self, behavior, method, request_streaming, response_streaming):
        def before(request, context):
            return time.perf_counter()

        async def on_error(exc: BaseException, context) -> None:
            if isinstance(exc, (grpc.aio.AbortError, GeneratorExit)) or not isinstance(exc, Exception):
                raise exc
            code, trailing = self.to_status(exc)
            await context.abort(code, trailing[1], trailing[0])

        def after(started: float, context) -> None:
            code = context.code() or grpc.StatusCode.OK
            name = code.name if isinstance(code, grpc.StatusCode) else str(code)
            log.info("rpc", extra={"rpc_method": method, "rpc_code": name, "duration_ms": round((time.perf_counter() - started) * 1000, 3)})

        return _around(behavior, response_streaming, before, on_error, after)

    def to_status(self, exc: Exception) -> tuple[grpc.StatusCode, tuple[tuple, str]]:
        context_id = ctx.current_context_id()
        if isinstance(exc, PaymeshError):
            code = grpc.StatusCode[exc.code_name]
            reason, message, metadata = exc.reason, exc.message, dict(exc.metadata)
        elif isinstance(exc, NotImplementedError):  # generated base servicers: the issue has not landed yet
            code, reason, message, metadata = grpc.StatusCode.UNIMPLEMENTED, "NOT_IMPLEMENTED", "not implemented yet", {}
        elif _dependency_down(exc):  # PostgreSQL / Redis unreachable, restarting or loading: retryable, not a bug
            log.warning("dependency unavailable", extra={"error": type(exc).__name__})
            code, reason, message, metadata = (grpc.StatusCode.UNAVAILABLE, "DEPENDENCY_UNAVAILABLE",
                                               f"a backing store is unavailable; retry later (context id {context_id})", {})
        else:
            log.error("unhandled error", exc_info=exc)
            code, reason, message, metadata = grpc.StatusCode.INTERNAL, "INTERNAL", f"internal error; context id {context_id}", {}
        metadata["context_id"] = context_id
        reason = self.reason_aliases.get(reason, reason)
        info = error_details_pb2.ErrorInfo(reason=reason, domain=f"{self.domain}.paymesh", metadata=metadata)
        details = [_pack(info)]
        if isinstance(exc, InvalidArgument):
            bad = error_details_pb2.BadRequest(field_violations=[
                error_details_pb2.BadRequest.FieldViolation(field=v.field, description=v.description) for v in exc.violations
            ])
            details.append(_pack(bad))
        status = status_pb2.Status(code=getattr(code_pb2, code.name), message=message, details=details)
        trailing: list[tuple[str, Any]] = [("grpc-status-details-bin", status.SerializeToString())]
        http_status = getattr(exc, "http_status", None)
        if http_status:
            trailing.append(("x-http-status", str(http_status)))
        return code, (tuple(trailing), message)


def apply_trusted_merchant(request: Any, merchant_id: str) -> None:
    """Public calls act for the merchant the gateway verified: an empty `merchant_id` field is
    filled with it, a different one is refused (services never trust a caller's merchant id)."""
    if not merchant_id:
        return
    field = request.DESCRIPTOR.fields_by_name.get("merchant_id")
    if field is None or field.type != field.TYPE_STRING or field.is_repeated:
        return
    if not request.merchant_id:
        request.merchant_id = merchant_id
    elif request.merchant_id != merchant_id:
        raise PermissionDenied("MERCHANT_MISMATCH", "merchant_id differs from the merchant of the API key",
                               {"merchant_id": request.merchant_id})


class ValidationInterceptor(_Base):
    """Applies the trusted merchant (apply_trusted_merchant), then checks unary requests
    against the `(paymesh.common.v1.rules)` of their contract."""

    def wrap(self, behavior, method, request_streaming, response_streaming):
        if request_streaming:
            return behavior

        def before(request, context):
            apply_trusted_merchant(request, ctx.trusted_merchant())
            violations = validate(request)
            if violations:
                raise InvalidArgument(violations)
        # Raise inside the behavior so the error interceptor (outside) maps it.
        if response_streaming:
            async def stream(request, context):
                before(request, context)
                async for item in behavior(request, context):
                    yield item
            return stream

        async def unary(request, context):
            before(request, context)
            return await behavior(request, context)
        return unary


def _pack(msg) -> any_pb2.Any:
    packed = any_pb2.Any()
    packed.Pack(msg)
    return packed
