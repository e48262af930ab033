"""Mesh benchmark: what Envoy and the mesh cost, measured against direct calls in the same run.

    python bench/mesh.py [--duration 10] [--concurrency 32] [--sample-percent 1]

Starts its own stack (port base 26000, data in .paymesh-bench/), then measures:
  1. gRPC health Check (transport only)         direct vs through Envoy     (h2load)
  2. ledger GetAccount (one indexed read)        direct vs through Envoy     (h2load, gRPC)
  3. GET /v1/ledger/accounts/{id}                REST through Envoy          (wrk)
  4. the skeleton payment flow through Envoy:    CreateOrder + PayOrder, grpc.aio clients
Prints a table and ends with one JSON line. Needs h2load (nghttp2-client) and wrk; on Debian
it installs them with apt-get when missing.
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "generated")]


def process_cpu_seconds(pid: int | None) -> float:
    """User + system CPU a process has used so far (Linux /proc), 0 when unknown or gone. Server CPU
    per call is what the benches compare: robust where wall times are not (a shared 2-core box)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, TypeError):
        return 0.0


@contextlib.contextmanager
def fresh_stack(home: Path, port_base: int, parts: set[str] | None = None, env_extra: dict[str, str] | None = None,
                timeout_s: float = 180) -> Iterator:
    """A bench's own stack: `parts` (None: all) on their own port base and home, wiped before,
    stopped after, whatever happens. Yields the plan (plan.env, plan.home, plan.endpoints())."""
    from servers.stack import components, runner

    env = {k: v for k, v in os.environ.items() if not k.startswith("PAYMESH_")}
    env.update({"PAYMESH_HOME": str(home), "PAYMESH_PORT_BASE": str(port_base), "PAYMESH_LOG_LEVEL": "WARNING", **(env_extra or {})})
    plan = components.plan(env, parts)
    runner.down(plan, say=lambda _: None)
    shutil.rmtree(plan.home, ignore_errors=True)
    plan = components.plan(env, parts)  # recreated home (generated credentials)
    print(f"starting {', '.join(sorted(parts)) if parts else 'the whole stack'} for the bench (port base {port_base}) ...", flush=True)
    runner.up(plan, say=lambda _: None, timeout_s=timeout_s)
    try:
        yield plan
    finally:
        runner.down(plan, say=lambda _: None)


def ensure_tools() -> None:
    missing = [pkg for tool, pkg in (("h2load", "nghttp2-client"), ("wrk", "wrk")) if not shutil.which(tool)]
    if missing:
        subprocess.run(["apt-get", "update", "-q"], check=False, capture_output=True)
        subprocess.run(["apt-get", "install", "-y", "-q", *missing], check=True, capture_output=True)


def grpc_frame(message) -> bytes:
    body = message.SerializeToString()
    return b"\x00" + struct.pack(">I", len(body)) + body


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def latency_summary(latencies: list[float], failures: int, elapsed: float) -> dict:
    """The row every closed or open loop reports: calls/s, p50/p99 (ms), ok and failed."""
    return {"rps": len(latencies) / elapsed, "p50_ms": percentile(latencies, 0.5), "p99_ms": percentile(latencies, 0.99),
            "ok": len(latencies) - failures, "failed": failures}


def h2load(url: str, frame: bytes, duration_s: int, clients: int, streams: int, headers: dict[str, str] | None = None) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        data, log = Path(tmp) / "req", Path(tmp) / "log"
        data.write_bytes(frame)
        argv = ["h2load", "-D", str(duration_s), "-c", str(clients), "-m", str(streams), "-d", str(data), "--log-file", str(log),
                "-H", "content-type: application/grpc", "-H", "te: trailers"]
        for k, v in (headers or {}).items():
            argv += ["-H", f"{k}: {v}"]
        out = subprocess.run([*argv, url], capture_output=True, text=True, timeout=duration_s + 60).stdout
        rps = float(re.search(r"finished in [\d.]+\w+, ([\d.]+) req/s", out).group(1))
        ok = re.search(r"(\d+) succeeded, (\d+) failed", out)
        lat = [int(line.split("\t")[2]) / 1000 for line in log.read_text().splitlines() if line.count("\t") >= 2]
        return {"rps": rps, "p50_ms": percentile(lat, 0.50), "p99_ms": percentile(lat, 0.99),
                "ok": int(ok.group(1)), "failed": int(ok.group(2))}


def wrk(url: str, duration_s: int, connections: int) -> dict:
    out = subprocess.run(["wrk", "-t", "1", "-c", str(connections), "-d", f"{duration_s}s", "--latency", url],
                         capture_output=True, text=True, timeout=duration_s + 60).stdout

    def ms(label: str) -> float:
        value, unit = re.search(rf"{label}\s+([\d.]+)(us|ms|s)", out).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)), "p50_ms": ms("50%"), "p99_ms": ms("99%"),
            "ok": int(re.search(r"(\d+) requests in", out).group(1)) - (int(non2xx.group(1)) if non2xx else 0),
            "failed": int(non2xx.group(1)) if non2xx else 0}


async def payment_flows(edge: str, duration_s: int, concurrency: int) -> dict:
    from clients.services import Mesh
    from paymesh.ledger.v1 import ledger_service_pb2 as ledger_api
    from paymesh.trade.v1 import trade_service_pb2 as trade_api

    mesh = Mesh({"trade": edge, "ledger": edge}, deadline_ms=10_000, traced=False)
    members = [f"bench_{uuid.uuid4().hex[:10]}" for _ in range(concurrency)]
    for m in members:
        await mesh.ledger.TopUpWallet(ledger_api.TopUpWalletRequest(request_id=f"fund-{m}", member_id=m,
                                                                     amount={"currency_code": "EUR", "amount_minor": 10**12}))
    latencies: list[float] = []
    failures = 0
    deadline = time.perf_counter() + duration_s

    async def worker(member: str) -> None:
        nonlocal failures
        while time.perf_counter() < deadline:
            t0 = time.perf_counter()
            order = (await mesh.trade.CreateOrder(trade_api.CreateOrderRequest(
                merchant_id="bench_merchant", out_trade_no=uuid.uuid4().hex, product_code="BENCH", subject="bench",
                amount={"currency_code": "EUR", "amount_minor": 100}, payer_member_id=member))).order
            paid = await mesh.trade.PayOrder(trade_api.PayOrderRequest(order_id=order.order_id, request_id="p1", method=1))
            if paid.payment_state != "PAYMENT_STATE_SUCCEEDED":
                failures += 1
            latencies.append((time.perf_counter() - t0) * 1000)

    started = time.perf_counter()
    await asyncio.gather(*[worker(m) for m in members])
    elapsed = time.perf_counter() - started
    await mesh.close()
    return latency_summary(latencies, failures, elapsed)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=10, help="seconds per measurement")
    parser.add_argument("--concurrency", type=int, default=32, help="requests in flight")
    parser.add_argument("--sample-percent", type=float, default=1.0, help="edge trace sampling")
    parser.add_argument("--port-base", type=int, default=26000)
    parser.add_argument("--keep", action="store_true", help="leave the stack running")
    args = parser.parse_args()
    ensure_tools()

    from servers.stack import components, runner

    env = {k: v for k, v in os.environ.items() if not k.startswith("PAYMESH_")}
    env.update({"PAYMESH_HOME": str(ROOT / ".paymesh-bench"), "PAYMESH_PORT_BASE": str(args.port_base), "PAYMESH_LOG_LEVEL": "WARNING",
                "PAYMESH_EDGE_SAMPLE_PERCENT": str(args.sample_percent), "PAYMESH_TRACE_SAMPLE_RATIO": str(args.sample_percent / 100)})
    plan = components.plan(env)
    print(f"starting the bench stack (port base {args.port_base}, edge sampling {args.sample_percent}%) ...", flush=True)
    runner.up(plan, say=lambda _: None, timeout_s=120)
    ends = plan.endpoints()
    edge, ledger = ends["envoy"].removeprefix("http://"), ends["ledger"]
    try:
        from grpc_health.v1 import health_pb2
        from paymesh.ledger.v1 import ledger_service_pb2 as ledger_api
        import grpc

        with grpc.insecure_channel(edge) as ch:
            stub = ch.unary_unary("/paymesh.ledger.v1.LedgerService/TopUpWallet",
                                  request_serializer=ledger_api.TopUpWalletRequest.SerializeToString,
                                  response_deserializer=ledger_api.TopUpWalletResponse.FromString)
            account_id = stub(ledger_api.TopUpWalletRequest(request_id=uuid.uuid4().hex, member_id="bench_reader",
                                                            amount={"currency_code": "EUR", "amount_minor": 1})).wallet.account_id
        c, m = 1, args.concurrency
        health = grpc_frame(health_pb2.HealthCheckRequest())
        get = grpc_frame(ledger_api.GetAccountRequest(account_id=account_id))
        rows: list[tuple[str, dict]] = []
        plan_rows = [
            ("health Check, gRPC direct", lambda: h2load(f"http://{ledger}/grpc.health.v1.Health/Check", health, args.duration, c, m)),
            ("health Check, gRPC via Envoy", lambda: h2load(f"http://{edge}/grpc.health.v1.Health/Check", health, args.duration, c, m,
                                                            {"x-paymesh-service": "ledger"})),
            ("GetAccount, gRPC direct", lambda: h2load(f"http://{ledger}/paymesh.ledger.v1.LedgerService/GetAccount", get, args.duration, c, m)),
            ("GetAccount, gRPC via Envoy", lambda: h2load(f"http://{edge}/paymesh.ledger.v1.LedgerService/GetAccount", get, args.duration, c, m)),
            ("GetAccount, REST via Envoy", lambda: wrk(f"http://{edge}/v1/ledger/accounts/{account_id}", args.duration, m)),
            ("payment flow via Envoy", lambda: asyncio.run(payment_flows(edge, args.duration, min(m, 16)))),
        ]
        for name, run in plan_rows:
            print(f"  measuring {name} ...", flush=True)
            rows.append((name, run()))
    finally:
        if not args.keep:
            runner.down(plan, say=lambda _: None)

    print(f"\n{'path':<32} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'ok':>8} {'failed':>7}")
    for name, r in rows:
        print(f"{name:<32} {r['rps']:>9.0f} {r['p50_ms']:>8.2f} {r['p99_ms']:>8.2f} {r['ok']:>8} {r['failed']:>7}")
    figures = {name: {k: round(v, 3) if isinstance(v, float) else v for k, v in r.items()} for name, r in rows}
    figures["_config"] = {"duration_s": args.duration, "concurrency": args.concurrency, "edge_sample_percent": args.sample_percent,
                          "cpus": os.cpu_count()}
    print(json.dumps(figures, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
