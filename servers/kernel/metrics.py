"""Service metrics in the Prometheus text format.

Every service counts its RPCs by gRPC service, method and status code and times them in a
histogram, from the kernel's server interceptor (after the error mapping, so the code is the
final one; health and reflection are not counted). The metrics are served over plain HTTP at `GET /metrics` on 127.0.0.1, on the service's
gRPC port + 200 — with the default port plan PAYMESH_PORT_BASE + PORT_OFFSETS[svc] + 200,
e.g. trade on 8301, payment on 8303 (metrics_port() below; nothing else uses base+301..307).
Port 0 (tests) binds an ephemeral port; a port already taken logs a warning and the service
runs without metrics rather than failing.

    paymesh_rpc_server_handled_total{grpc_service,grpc_method,grpc_code}   counter
    paymesh_rpc_server_handling_seconds{grpc_service,grpc_method}          histogram
"""
from __future__ import annotations

import asyncio
import logging

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest

log = logging.getLogger("paymesh.metrics")
METRICS_PORT_SHIFT = 200  # metrics port = the service's gRPC port + 200
_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    """The collectors of one process (one service). Tests make their own."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.handled = Counter("paymesh_rpc_server_handled", "RPCs completed on the server, by status code.",
                               ("grpc_service", "grpc_method", "grpc_code"), registry=self.registry)
        self.latency = Histogram("paymesh_rpc_server_handling_seconds", "Server-side RPC latency in seconds.",
                                 ("grpc_service", "grpc_method"), buckets=_BUCKETS, registry=self.registry)
        self._children: dict[tuple[str, str], tuple] = {}  # (method, code) → (counter, histogram): no label lookup per call

    def observe(self, method: str, code: str, seconds: float) -> None:
        children = self._children.get((method, code))
        if children is None:
            service, _, name = method.lstrip("/").rpartition("/")
            children = self._children[(method, code)] = (self.handled.labels(service, name, code), self.latency.labels(service, name))
        children[0].inc()
        children[1].observe(seconds)

    def render(self) -> bytes:
        return generate_latest(self.registry)


METRICS = Metrics()


def metrics_port(grpc_port: int) -> int:
    return grpc_port + METRICS_PORT_SHIFT if 0 < grpc_port <= 65535 - METRICS_PORT_SHIFT else 0


async def serve_metrics(port: int, metrics: Metrics | None = None, host: str = "127.0.0.1") -> asyncio.AbstractServer | None:
    """Starts the `/metrics` HTTP endpoint; returns the server (None if the port is taken)."""
    metrics = metrics or METRICS

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout=5)
            method, path, *_ = head.split(b"\r\n", 1)[0].decode("latin-1").split(" ")
            if method == "GET" and path.split("?", 1)[0] == "/metrics":
                status, ctype, body = "200 OK", CONTENT_TYPE_LATEST, metrics.render()
            else:
                status, ctype, body = "404 Not Found", "text/plain", b"not found\n"
            writer.write(f"HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {len(body)}\r\n"
                         f"Connection: close\r\n\r\n".encode() + body)
            await writer.drain()
        except (asyncio.TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError, ConnectionError):
            pass
        finally:
            writer.close()

    try:
        server = await asyncio.start_server(handle, host, port, limit=16384)
    except OSError as exc:
        log.warning("metrics endpoint not started", extra={"port": port, "error": str(exc)})
        return None
    bound = server.sockets[0].getsockname()[1] if server.sockets else port
    log.info("metrics", extra={"metrics_port": bound})
    return server
