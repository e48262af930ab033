"""A minimal OTLP/gRPC trace receiver for the local stack, standing in for a Collector.

Envoy and the Python services export spans here; each span becomes one JSON line in
`<dir>/spans.jsonl`, which `servers.stack.traces` reads back. Run it with
`python -m servers.stack.otlp_receiver --host 127.0.0.1 --port P --dir D`.
"""
from __future__ import annotations

import argparse
import json
import logging
import math
import os
import signal
import threading
from concurrent import futures
from pathlib import Path
from typing import Any

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2, trace_service_pb2_grpc
from opentelemetry.proto.common.v1 import common_pb2

SPANS_FILE = "spans.jsonl"
ROTATED_FILE = "spans.jsonl.1"
DEFAULT_MAX_BYTES = 256 * 1024 * 1024
# Envoy and the SDK batch spans; the gRPC default (4 MiB) is too tight for a busy load test.
MAX_MESSAGE_BYTES = 64 * 1024 * 1024
_STATUS = {0: "UNSET", 1: "OK", 2: "ERROR"}

log = logging.getLogger("paymesh.otlp_receiver")


def flatten(value: common_pb2.AnyValue) -> Any:
    """AnyValue → a JSON scalar, so the CLI can compare and print attributes without protobuf."""
    kind = value.WhichOneof("value")
    if kind == "string_value":
        return value.string_value
    if kind == "bool_value":
        return value.bool_value
    if kind == "int_value":
        return value.int_value
    if kind == "double_value":
        d = value.double_value
        return d if math.isfinite(d) else str(d)  # NaN/Infinity are not valid JSON
    if kind == "bytes_value":
        return value.bytes_value.hex()
    if kind == "array_value":
        return json.dumps([flatten(v) for v in value.array_value.values], separators=(",", ":"))
    if kind == "kvlist_value":
        return json.dumps({kv.key: flatten(kv.value) for kv in value.kvlist_value.values}, separators=(",", ":"))
    return ""


def _attributes(kvs) -> dict[str, Any]:
    return {kv.key: flatten(kv.value) for kv in kvs}


def span_records(request: trace_service_pb2.ExportTraceServiceRequest) -> list[dict[str, Any]]:
    """One flat dict per span: the resource's service.name is copied onto every span."""
    records = []
    for rs in request.resource_spans:
        service = str(_attributes(rs.resource.attributes).get("service.name", ""))
        for ss in rs.scope_spans:
            for span in ss.spans:
                records.append({
                    "trace_id": span.trace_id.hex(),
                    "span_id": span.span_id.hex(),
                    "parent_span_id": span.parent_span_id.hex(),
                    "name": span.name,
                    "service": service,
                    "kind": int(span.kind),
                    "start_ns": int(span.start_time_unix_nano),
                    "end_ns": int(span.end_time_unix_nano),
                    "status": _STATUS.get(int(span.status.code), "UNSET"),
                    "status_message": span.status.message,
                    "attributes": _attributes(span.attributes),
                })
    return records


class SpanStore:
    """Appends span lines to one file, rotating it once it grows past max_bytes.

    The file is reopened per batch so deleting spans.jsonl while running just starts afresh."""

    def __init__(self, directory: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.path = self.directory / SPANS_FILE
        self.max_bytes = max_bytes
        self._lock = threading.Lock()

    def append(self, records: list[dict[str, Any]]) -> None:
        if not records:
            return
        data = "".join(json.dumps(r, separators=(",", ":"), ensure_ascii=False) + "\n" for r in records)
        with self._lock:
            with self.path.open("a", encoding="utf-8") as f:
                f.write(data)
                f.flush()
                size = f.tell()
            if size > self.max_bytes:
                os.replace(self.path, self.directory / ROTATED_FILE)


class TraceReceiver(trace_service_pb2_grpc.TraceServiceServicer):
    def __init__(self, store: SpanStore) -> None:
        self.store = store

    def Export(self, request, context):
        try:
            self.store.append(span_records(request))
        except OSError as exc:
            # UNAVAILABLE is retryable for OTLP exporters: a transient disk problem loses nothing.
            context.abort(grpc.StatusCode.UNAVAILABLE, f"cannot store spans: {exc}")
        return trace_service_pb2.ExportTraceServiceResponse()


def _address(host: str, port: int) -> str:
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"{host}:{port}"


def start(host: str, port: int, directory: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[grpc.Server, int]:
    """Start serving (port 0 picks a free one) and return the server with its bound port."""
    server, bound, _ = _serve(host, port, directory, max_bytes)
    return server, bound


def _serve(host: str, port: int, directory: Path, max_bytes: int) -> tuple[grpc.Server, int, health.HealthServicer]:
    # SO_REUSEPORT off: a second receiver on a taken port must fail, not silently share it.
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=4, thread_name_prefix="otlp"),
        options=[("grpc.max_receive_message_length", MAX_MESSAGE_BYTES), ("grpc.so_reuseport", 0)],
    )
    trace_service_pb2_grpc.add_TraceServiceServicer_to_server(TraceReceiver(SpanStore(directory, max_bytes)), server)
    health_servicer = health.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    bound = server.add_insecure_port(_address(host, port))
    if not bound:  # older grpcio reports a failed bind as 0 rather than raising
        raise RuntimeError(f"cannot bind {_address(host, port)}")
    server.start()
    for name in ("", "opentelemetry.proto.collector.trace.v1.TraceService"):
        health_servicer.set(name, health_pb2.HealthCheckResponse.SERVING)
    return server, bound, health_servicer


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="OTLP/gRPC trace receiver writing spans.jsonl")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dir", type=Path, required=True, help="directory for spans.jsonl")
    parser.add_argument("--max-bytes", type=int, default=DEFAULT_MAX_BYTES, help="rotate spans.jsonl past this size")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")

    server, port, health_servicer = _serve(args.host, args.port, args.dir, args.max_bytes)
    stopping = threading.Event()

    def _stop(signum, _frame):
        if stopping.is_set():
            return
        stopping.set()
        health_servicer.enter_graceful_shutdown()  # probes see NOT_SERVING during the grace period
        server.stop(grace=2)

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    log.info("listening on %s, writing %s", _address(args.host, port), args.dir / SPANS_FILE)
    server.wait_for_termination()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
