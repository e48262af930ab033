"""The local trace store: selecting a request's flow, rendering it, and the receiver writing it."""
from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from servers.stack import traces
from servers.stack.traces import CONTEXT_ATTR, flow, load_spans, render_tree, wait_for_flow

pytestmark = pytest.mark.unit

MS = 1_000_000
T0 = 1_700_000_000_000_000_000


def span(trace: str, sid: str, parent: str = "", *, service: str = "svc", name: str = "op",
         start_ms: float = 0, dur_ms: float = 1, status: str = "UNSET", **attrs) -> dict:
    return {
        "trace_id": trace * 32 if len(trace) == 1 else trace, "span_id": sid * 16 if len(sid) == 1 else sid,
        "parent_span_id": (parent * 16 if len(parent) == 1 else parent), "name": name, "service": service,
        "kind": 2, "start_ns": T0 + int(start_ms * MS), "end_ns": T0 + int((start_ms + dur_ms) * MS),
        "status": status, "status_message": "", "attributes": attrs,
    }


@pytest.fixture
def mesh_spans() -> list[dict]:
    """Trace a: Envoy tags the root, trade and ledger below it don't; trace b is another request."""
    return [
        span("a", "2", "1", service="trade", name="trade.v1.Trade/Place", start_ms=1, dur_ms=8),
        span("a", "1", service="envoy-edge", name="ingress", start_ms=0, dur_ms=10, status="OK",
             **{CONTEXT_ATTR: "ctx-1"}),
        span("a", "3", "2", service="ledger", name="ledger.v1.Ledger/Post", start_ms=2, dur_ms=2.5),
        span("b", "4", service="envoy-edge", name="ingress", start_ms=0.5, **{CONTEXT_ATTR: "ctx-2"}),
        span("c", "5", service="trade", name="untagged"),
    ]


def test_flow_selects_whole_traces_of_the_context(mesh_spans):
    got = flow(mesh_spans, "ctx-1")
    assert [s["span_id"][0] for s in got] == ["1", "2", "3"]  # start order, untagged members kept
    assert {s["trace_id"] for s in got} == {"a" * 32}


def test_flow_of_unknown_context_is_empty(mesh_spans):
    assert flow(mesh_spans, "ctx-404") == []


def test_render_tree_indents_children_with_durations(mesh_spans):
    out = render_tree(flow(mesh_spans, "ctx-1")).splitlines()
    assert out[0] == f"trace {'a' * 32}  context ctx-1"
    root, child, grandchild = out[1:]
    assert root.startswith("envoy-edge ") and "ingress" in root and "10.000 ms" in root and root.endswith("OK")
    assert child.startswith("└─ trade ") and "8.000 ms" in child and child.endswith("UNSET")
    assert grandchild.startswith("   └─ ledger ") and "2.500 ms" in grandchild
    # columns line up: every operation starts at the same offset
    assert len({line.index(op) for line, op in zip(out[1:], ["ingress", "trade.v1", "ledger.v1"])}) == 1


def test_render_tree_treats_orphans_as_roots_and_separates_traces(mesh_spans):
    orphan = span("a", "9", "8", service="payment", name="late", start_ms=20)
    out = render_tree([*mesh_spans[:3], orphan, mesh_spans[3]])
    first, second = out.split("\n\n")
    assert first.splitlines()[-1].startswith("payment ")
    assert second.startswith(f"trace {'b' * 32}  context ctx-2")


def test_load_spans_reads_rotated_first_and_skips_bad_lines(tmp_path, mesh_spans):
    (tmp_path / "spans.jsonl.1").write_text(json.dumps(mesh_spans[0]) + "\n{torn\n")
    (tmp_path / "spans.jsonl").write_text("[]\n" + json.dumps(mesh_spans[1]) + "\n")
    assert [s["span_id"] for s in load_spans(tmp_path)] == [mesh_spans[0]["span_id"], mesh_spans[1]["span_id"]]
    assert load_spans(tmp_path / "missing") == []


def test_wait_for_flow_times_out_with_what_it_has(tmp_path, mesh_spans, monkeypatch):
    monkeypatch.setattr(traces, "POLL_INTERVAL_S", 0.01)
    (tmp_path / "spans.jsonl").write_text("".join(json.dumps(s) + "\n" for s in mesh_spans))
    assert len(wait_for_flow(tmp_path, "ctx-1", {"envoy", "trade", "ledger"}, 1.0)) == 3
    t = time.monotonic()
    assert len(wait_for_flow(tmp_path, "ctx-1", {"envoy", "payment"}, 0.1)) == 3
    assert time.monotonic() - t < 1.0


def test_receiver_stores_exported_span(tmp_path: Path):
    from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.trace import Status, StatusCode

    from servers.stack.otlp_receiver import start

    server, port = start("127.0.0.1", 0, tmp_path)
    provider = TracerProvider(resource=Resource.create({"service.name": "trade"}))
    try:
        provider.add_span_processor(SimpleSpanProcessor(
            OTLPSpanExporter(endpoint=f"127.0.0.1:{port}", insecure=True, timeout=2)))
        tracer = provider.get_tracer("test")
        with tracer.start_as_current_span("parent"):
            with tracer.start_as_current_span("place", attributes={
                    CONTEXT_ATTR: "ctx-9", "n": 3, "ok": True, "tags": ["a", "b"]}) as s:
                s.set_status(Status(StatusCode.ERROR, "declined"))
    finally:
        provider.shutdown()
        server.stop(None)

    lines = (tmp_path / "spans.jsonl").read_text().splitlines()
    stored = [json.loads(line) for line in lines]
    child = next(s for s in stored if s["name"] == "place")
    parent = next(s for s in stored if s["name"] == "parent")
    assert child["service"] == "trade" and len(child["trace_id"]) == 32 and len(child["span_id"]) == 16
    assert child["parent_span_id"] == parent["span_id"] and parent["parent_span_id"] == ""
    assert (child["status"], child["status_message"]) == ("ERROR", "declined")
    assert child["attributes"] == {CONTEXT_ATTR: "ctx-9", "n": 3, "ok": True, "tags": '["a","b"]'}
    assert child["end_ns"] >= child["start_ns"] > 0
    assert [s["name"] for s in flow(load_spans(tmp_path), "ctx-9")] == ["parent", "place"]
