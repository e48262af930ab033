"""The read side of the local trace store: spans.jsonl written by `otlp_receiver`.

A request's "flow" is every span of every trace that carries its context id, so a CLI can
show what Envoy and each service did for one request. Pure functions over plain dicts.
"""
from __future__ import annotations

import json
import time
from collections import defaultdict
from pathlib import Path
from typing import Any, Iterable

CONTEXT_ATTR = "paymesh.context_id"  # Envoy custom tag and service span attribute alike
SPAN_FILES = ("spans.jsonl.1", "spans.jsonl")  # oldest first
POLL_INTERVAL_S = 0.2

Span = dict[str, Any]


def load_spans(directory: Path) -> list[Span]:
    """All stored spans, oldest file first; torn or foreign lines are skipped, not fatal."""
    spans: list[Span] = []
    for name in SPAN_FILES:
        path = Path(directory) / name
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            continue
        for line in text.splitlines():
            try:
                span = json.loads(line)
            except ValueError:
                continue
            if isinstance(span, dict) and span.get("trace_id") and span.get("span_id"):
                spans.append(span)
    return spans


def _context_of(span: Span) -> str | None:
    attrs = span.get("attributes")
    if isinstance(attrs, dict) and CONTEXT_ATTR in attrs:
        return str(attrs[CONTEXT_ATTR])
    return None


def flow(spans: Iterable[Span], context_id: str) -> list[Span]:
    """Every span of the traces tagged with context_id, including untagged spans of those traces."""
    spans = list(spans)
    traces = {s["trace_id"] for s in spans if _context_of(s) == context_id}
    return sorted((s for s in spans if s["trace_id"] in traces), key=_start)


def _start(span: Span) -> int:
    return int(span.get("start_ns") or 0)


def _duration_ms(span: Span) -> str:
    start, end = _start(span), int(span.get("end_ns") or 0)
    return f"{(end - start) / 1e6:.3f} ms" if end >= start else "? ms"


def _status(span: Span) -> str:
    status = str(span.get("status") or "UNSET")
    message = span.get("status_message")
    return f"{status}: {message}" if status == "ERROR" and message else status


def _tree_rows(spans: list[Span]) -> list[tuple[str, Span]]:
    """(prefix, span) in depth-first start order; roots are spans whose parent is not present."""
    ordered = sorted(spans, key=_start)
    present = {s["span_id"] for s in ordered}
    children: dict[str, list[Span]] = defaultdict(list)
    roots = []
    for s in ordered:
        parent = s.get("parent_span_id") or ""
        if parent and parent in present and parent != s["span_id"]:
            children[parent].append(s)
        else:
            roots.append(s)

    rows: list[tuple[str, Span]] = []
    seen: set[int] = set()

    def walk(span: Span, lead: str, connector: str) -> None:
        if id(span) in seen:  # duplicate span ids or a parent cycle must not loop or repeat
            return
        seen.add(id(span))
        rows.append((lead + connector, span))
        kids = [k for k in children.get(span["span_id"], []) if id(k) not in seen]
        below = lead + ("" if not connector else "│  " if connector == "├─ " else "   ")
        for i, kid in enumerate(kids):
            walk(kid, below, "└─ " if i == len(kids) - 1 else "├─ ")

    for root in roots:
        walk(root, "", "")
    for s in ordered:  # anything caught in a parent cycle still gets shown, as a root
        if id(s) not in seen:
            walk(s, "", "")
    return rows


def render_tree(spans: Iterable[Span]) -> str:
    """One indented tree per trace (traces in start order) with aligned columns:
    service, operation, duration, status."""
    by_trace: dict[str, list[Span]] = defaultdict(list)
    for s in spans:
        by_trace[s["trace_id"]].append(s)
    blocks = []
    for trace_id, members in sorted(by_trace.items(), key=lambda kv: min(_start(s) for s in kv[1])):
        contexts = sorted({c for s in members if (c := _context_of(s)) is not None})
        lines = [f"trace {trace_id}  context {','.join(contexts) or '-'}"]
        rows = [(prefix + str(s.get("service") or "?"), str(s.get("name") or ""), _duration_ms(s), _status(s))
                for prefix, s in _tree_rows(members)]
        w0, w1, w2 = (max(len(r[i]) for r in rows) for i in range(3))
        lines += [f"{a:<{w0}}  {b:<{w1}}  {c:>{w2}}  {d}" for a, b, c, d in rows]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def _has_services(spans: list[Span], services: set[str]) -> bool:
    return all(any(name in str(s.get("service") or "") for s in spans) for name in services)


def wait_for_flow(directory: Path, context_id: str, services: set[str], timeout_s: float) -> list[Span]:
    """Spans arrive in batches after the response, so poll until every named service
    (substring of `service`) has reported for this context, or give back what is there."""
    deadline = time.monotonic() + timeout_s
    while True:
        found = flow(load_spans(directory), context_id)
        if found and _has_services(found, services):
            return found
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return found
        time.sleep(min(POLL_INTERVAL_S, remaining))
