"""The server's per-RPC chain (KernelInterceptor): trace span, context id, trusted merchant and
validation, error mapping, metrics, access log. Servicers stay thin: no try/except, no metadata."""
from __future__ import annotations

import logging
import time
from typing import Any, Callable

import grpc
import redis.exceptions as redis_errors
from google.protobuf import any_pb2
from google.rpc import code_pb2, error_details_pb2, status_pb2
from opentelemetry import context as otel_context, propagate, trace
from opentelemetry.trace import Status, StatusCode
from sqlalchemy.exc import DBAPIError

from servers.kernel import context as ctx
from servers.kernel.errors import InvalidArgument, PaymeshError, PermissionDenied
from servers.kernel.validation import validate

log = logging.getLogger("paymesh.rpc")
_QUIET = ("/grpc.health.", "/grpc.reflection.")
# Codes that mark the server span as an error (as OpenTelemetry's gRPC instrumentation does);
# a refused request (INVALID_ARGUMENT, NOT_FOUND, ...) is a correct answer, not a fault.
_SERVER_FAULTS = frozenset({grpc.StatusCode.UNKNOWN, grpc.StatusCode.DEADLINE_EXCEEDED, grpc.StatusCode.UNIMPLEMENTED,
                            grpc.StatusCode.INTERNAL, grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DATA_LOSS})

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
    """An interceptor that wraps each method's behavior once: the wrapped handler is cached per
    method (the generic handler hands back the same object every call), not rebuilt per RPC."""

    def wrap(self, behavior, method: str, request_streaming: bool, response_streaming: bool):
        raise NotImplementedError

    def wraps(self, handler: grpc.RpcMethodHandler, method: str) -> bool:
        return True

    async def intercept_service(self, continuation, details: grpc.HandlerCallDetails):
        handler = await continuation(details)
        if handler is None or details.method.startswith(_QUIET) or not self.wraps(handler, details.method):
            return handler
        cache = self.__dict__.setdefault("_wrapped", {})
        hit = cache.get(details.method)
        if hit is None or hit[0] is not handler:
            hit = cache[details.method] = (handler, _rewrap(handler, details.method, self.wrap))
        return hit[1]


def _dependency_down(exc: BaseException) -> bool:
    """A lost or refused connection to PostgreSQL or Redis (including Redis still loading its data)."""
    if isinstance(exc, (redis_errors.ConnectionError, redis_errors.TimeoutError, ConnectionError)):
        return True
    if isinstance(exc, DBAPIError):
        return exc.connection_invalidated or isinstance(getattr(exc, "orig", None), (ConnectionError, OSError))
    return type(exc).__module__.startswith("asyncpg") and type(exc).__name__ in (
        "ConnectionDoesNotExistError", "CannotConnectNowError", "ConnectionFailureError", "TooManyConnectionsError")


class ErrorMapper:
    """Maps PaymeshError to a gRPC status with ErrorInfo (+ BadRequest), anything else to
    INTERNAL carrying only the context id (a dependency that is down: UNAVAILABLE)."""

    def __init__(self, domain: str, reason_aliases: dict[str, str] | None = None):
        self.domain = domain
        self.reason_aliases = dict(reason_aliases or {})

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


class KernelInterceptor(_Base):
    """The whole per-RPC chain as ONE wrapper, built once per method and cached:

        server span (W3C traceparent/baggage in) → context id → trusted merchant + validation
        → the servicer → error mapping → status on the span, metrics, one access-log line.

    One layer instead of five stacked grpc.aio interceptors (OpenTelemetry's own, metrics,
    context, errors, validation), each of which re-wrapped the handler on every call and
    proxied the servicer context: ~0.2 ms less server CPU per call."""

    def __init__(self, service: str, reason_aliases: dict[str, str] | None = None, metrics: Any = None,
                 tracer_provider: Any = None):
        self.errors = ErrorMapper(service, reason_aliases)
        self.metrics = metrics
        self.tracer = (tracer_provider or trace.get_tracer_provider()).get_tracer("paymesh.rpc")

    def _begin(self, method: str, attributes: dict, context) -> tuple[Any, float]:
        """Adopts the caller's trace and context id for this RPC's task and starts its span."""
        md = dict(context.invocation_metadata() or ())
        if "traceparent" in md or "baggage" in md:
            otel_context.attach(propagate.extract(md))
        context_id = ctx.normalize(md.get(ctx.HEADER)) or ctx.current_context_id() or ctx.new_context_id()
        ctx.bind(context_id)  # before the span starts, so the baggage processor stamps it
        ctx.bind_trusted_merchant(md.get(ctx.MERCHANT_HEADER, ""))
        span = self.tracer.start_span(method, kind=trace.SpanKind.SERVER, attributes=attributes)
        otel_context.attach(trace.set_span_in_context(span))
        return span, time.perf_counter()

    def _end(self, method: str, span, started: float, context) -> None:
        code = context.code() or grpc.StatusCode.OK
        if not isinstance(code, grpc.StatusCode):  # an int from abort() with a raw code
            code = next((c for c in grpc.StatusCode if c.value[0] == code), grpc.StatusCode.UNKNOWN)
        seconds = time.perf_counter() - started
        if span.is_recording():
            span.set_attribute("rpc.grpc.status_code", code.value[0])
            if code in _SERVER_FAULTS:
                span.set_status(Status(StatusCode.ERROR, f"{code}"))
        span.end()
        if self.metrics is not None:
            self.metrics.observe(method, code.name, seconds)
        if log.isEnabledFor(logging.INFO):
            log.info("rpc", extra={"rpc_method": method, "rpc_code": code.name, "duration_ms": round(seconds * 1000, 3)})

    async def _fail(self, exc: BaseException, context) -> None:
        if isinstance(exc, (grpc.aio.AbortError, GeneratorExit)) or not isinstance(exc, Exception):
            raise exc
        code, (trailing, message) = self.errors.to_status(exc)
        await context.abort(code, message, trailing)

    def wrap(self, behavior, method, request_streaming, response_streaming):
        service, _, name = method.lstrip("/").partition("/")
        attributes = {"rpc.system": "grpc", "rpc.service": service, "rpc.method": name}
        validated = not request_streaming

        def check(request) -> None:
            apply_trusted_merchant(request, ctx.trusted_merchant())
            violations = validate(request)
            if violations:
                raise InvalidArgument(violations)

        if response_streaming:
            async def stream(request, context):
                span, started = self._begin(method, attributes, context)
                try:
                    if validated:
                        check(request)
                    async for item in behavior(request, context):
                        yield item
                except BaseException as exc:  # noqa: BLE001 - mapped, never swallowed
                    await self._fail(exc, context)
                finally:
                    self._end(method, span, started, context)
            return stream

        async def unary(request, context):
            span, started = self._begin(method, attributes, context)
            try:
                if validated:
                    check(request)
                return await behavior(request, context)
            except BaseException as exc:  # noqa: BLE001
                await self._fail(exc, context)
            finally:
                self._end(method, span, started, context)
        return unary


def _pack(msg) -> any_pb2.Any:
    packed = any_pb2.Any()
    packed.Pack(msg)
    return packed
