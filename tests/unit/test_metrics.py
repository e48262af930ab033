"""Service metrics: the kernel interceptor counts RPCs by code and times them; /metrics serves them."""
import asyncio

import grpc
from google.protobuf import empty_pb2

from servers.kernel.interceptors import KernelInterceptor
from servers.kernel.metrics import Metrics, metrics_port, serve_metrics
from servers.kernel.settings import PORT_OFFSETS


class FakeContext:
    """The parts of grpc.aio's ServicerContext the kernel interceptor uses."""

    def __init__(self, metadata=()):
        self._code, self.metadata, self.trailing = None, tuple(metadata), ()

    def code(self):
        return self._code

    def invocation_metadata(self):
        return self.metadata

    async def abort(self, code, details="", trailing_metadata=()):
        self._code, self.details, self.trailing = code, details, trailing_metadata
        raise grpc.aio.AbortError()


class _Details:
    def __init__(self, method):
        self.method = method


async def _call(interceptor, method, behavior, request=None, metadata=()):
    handler = grpc.unary_unary_rpc_method_handler(behavior)
    wrapped = await interceptor.intercept_service(lambda details: asyncio.sleep(0, handler), _Details(method))
    context = FakeContext(metadata)
    try:
        return await wrapped.unary_unary(request or empty_pb2.Empty(), context), context
    except grpc.aio.AbortError:
        return None, context


def MetricsInterceptor(metrics):  # noqa: N802 - the kernel interceptor, seen from the metrics side
    return KernelInterceptor("trade", metrics=metrics)


def _value(metrics, name, **labels):
    return metrics.registry.get_sample_value(name, labels)


async def test_interceptor_counts_rpcs_by_code_and_times_them():
    metrics = Metrics()
    interceptor = MetricsInterceptor(metrics)

    async def ok(request, context):
        return b"ok"

    async def not_found(request, context):
        await context.abort(grpc.StatusCode.NOT_FOUND, "no such order")

    method = "/paymesh.trade.v1.TradeService/CreateOrder"
    assert (await _call(interceptor, method, ok))[0] == b"ok"
    await _call(interceptor, method, ok)
    await _call(interceptor, "/paymesh.trade.v1.TradeService/GetOrder", not_found)
    labels = {"grpc_service": "paymesh.trade.v1.TradeService"}
    assert _value(metrics, "paymesh_rpc_server_handled_total", **labels, grpc_method="CreateOrder", grpc_code="OK") == 2
    assert _value(metrics, "paymesh_rpc_server_handled_total", **labels, grpc_method="GetOrder", grpc_code="NOT_FOUND") == 1
    assert _value(metrics, "paymesh_rpc_server_handling_seconds_count", **labels, grpc_method="CreateOrder") == 2


async def test_health_checks_are_not_counted():
    metrics = Metrics()

    async def ok(request, context):
        return b"ok"

    await _call(MetricsInterceptor(metrics), "/grpc.health.v1.Health/Check", ok)
    assert b"grpc.health" not in metrics.render()


def test_metrics_port_is_the_grpc_port_plus_200():
    assert metrics_port(8000 + PORT_OFFSETS["trade"]) == 8301
    assert metrics_port(0) == 0  # ephemeral in tests
    assert max(PORT_OFFSETS[s] for s in ("trade", "ues")) + 200 < 317  # below the OTLP receiver's offset


async def test_metrics_endpoint_serves_prometheus_text():
    metrics = Metrics()
    metrics.observe("/paymesh.trade.v1.TradeService/CreateOrder", "OK", 0.002)
    server = await serve_metrics(0, metrics)
    assert server is not None
    port = server.sockets[0].getsockname()[1]
    try:
        async def get(path):
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
            await writer.drain()
            data = await reader.read()
            writer.close()
            return data

        text = (await get("/metrics")).decode()
        assert text.startswith("HTTP/1.1 200") and "text/plain" in text
        assert 'paymesh_rpc_server_handled_total{grpc_code="OK",grpc_method="CreateOrder",grpc_service="paymesh.trade.v1.TradeService"} 1.0' in text
        assert (await get("/other")).startswith(b"HTTP/1.1 404")
        assert await serve_metrics(port, metrics) is None  # taken: warn, do not fail the service
    finally:
        server.close()
        await server.wait_closed()


