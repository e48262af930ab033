"""End-to-end payments benchmark through Envoy, against the mesh's trivial-RPC ceiling in the same run.

    python bench/payments.py [--duration 10] [--concurrency 16] [--port-base 28000] [--keep]

Starts its own stack (port base 28000, data in .paymesh-bench-payments/) with the channel simulator
at zero latency (its default) and edge tracing sampled at 10 %, then measures:
  1. gRPC health Check through Envoy (h2load): the trivial-RPC ceiling of the mesh;
  2. the whole payment flow through Envoy with grpc.aio clients, one funded member wallet per worker:
     CreateOrder -> CreateCashierToken -> GetCashier -> PayOrder(PAY_METHOD_BALANCE, no risk ticket,
     so trade calls risk Assess itself) -> GetOrder polled every 10 ms until ORDER_STATE_PAID.
     A payment's latency runs from CreateOrder to the GetOrder that sees PAID.
Also the CPU the whole stack spent per payment (every part of the plan, PostgreSQL's backends
included, from /proc): on a shared, noisy machine throughput says little, while CPU ms per payment
says what 2 idle cores could do at best (2,000 / ms) — the honest ceiling of this design here.
Prints a table (payments/s also as a ratio of the ceiling) and ends with one JSON line.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "generated"), str(ROOT / "bench")]

from mesh import ensure_tools, grpc_frame, h2load, percentile  # noqa: E402  (bench/mesh.py helpers)

SAMPLE_PERCENT = 10
POLL_LIMIT_S = 10.0
# A merchant waiting for PAID polls GetOrder (or waits for the webhook); polling in a tight loop would
# bill the flow for calls no real client makes and starve the services it measures (2 cores).
POLL_INTERVAL_S = 0.01


def stack_cpu(pids: dict[str, int]) -> dict[str, float]:
    """CPU seconds so far of each part, children included (PostgreSQL's backends are the postmaster's)."""
    tick = os.sysconf("SC_CLK_TCK")
    stats = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        stats[int(stat.parent.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / tick)
    by_pid = {pid: part for part, pid in pids.items()}
    out = dict.fromkeys(pids, 0.0)
    for pid, (ppid, cpu) in stats.items():
        part = by_pid.get(pid) or by_pid.get(ppid)
        if part:
            out[part] += cpu
    return out


async def payment_flows(edge: str, duration_s: float, concurrency: int, pids: dict[str, int] | None = None) -> dict:
    from clients.services import Mesh
    from paymesh.ledger.v1 import ledger_service_pb2 as ledger_api
    from paymesh.trade.v1 import trade_pb2, trade_service_pb2 as trade_api

    mesh = Mesh({"trade": edge, "cashier": edge, "ledger": edge}, deadline_ms=10_000, traced=False)
    run = uuid.uuid4().hex[:8]
    members = [f"bench_pay_{run}_{i}" for i in range(concurrency)]
    for m in members:
        await mesh.ledger.TopUpWallet(ledger_api.TopUpWalletRequest(request_id=f"fund-{m}", member_id=m,
                                                                     amount={"currency_code": "EUR", "amount_minor": 10**12}))
    latencies: list[float] = []
    failures = 0
    errors: dict[str, int] = {}
    polls = 0
    seq = 0

    def fail(reason: str) -> None:
        nonlocal failures
        failures += 1
        errors[reason] = errors.get(reason, 0) + 1

    async def one(member: str) -> bool:
        nonlocal seq, polls
        seq += 1
        order = (await mesh.trade.CreateOrder(trade_api.CreateOrderRequest(
            merchant_id="bench_merchant", out_trade_no=f"{run}-{seq}", product_code="DIGITAL_GOODS", subject="bench",
            amount={"currency_code": "EUR", "amount_minor": 100}, payer_member_id=member))).order
        token = (await mesh.cashier.CreateCashierToken(trade_api.CreateCashierTokenRequest(order_id=order.order_id))).token
        cashier = await mesh.cashier.GetCashier(trade_api.GetCashierRequest(token=token))
        if trade_pb2.PAY_METHOD_BALANCE not in cashier.methods:
            fail(f"GetCashier: balance not offered {list(cashier.methods)}")
            return False
        paid = await mesh.trade.PayOrder(trade_api.PayOrderRequest(order_id=order.order_id, request_id=f"pay-{order.order_id}",
                                                                   method=trade_pb2.PAY_METHOD_BALANCE))
        if paid.payment_state in ("PAYMENT_STATE_FAILED", "PAYMENT_STATE_DECLINED", "PAYMENT_STATE_REJECTED"):
            fail(f"PayOrder: {paid.payment_state} {paid.failure_reason}".strip())
            return False
        state, give_up = paid.order.state, time.perf_counter() + POLL_LIMIT_S
        while state != trade_pb2.ORDER_STATE_PAID:
            if time.perf_counter() > give_up:
                fail(f"GetOrder: not PAID after {POLL_LIMIT_S:g}s ({trade_pb2.OrderState.Name(state)}, {paid.payment_state})")
                return False
            if state not in (trade_pb2.ORDER_STATE_WAIT_PAY, trade_pb2.ORDER_STATE_PAYING):
                fail(f"GetOrder: {trade_pb2.OrderState.Name(state)}")
                return False
            polls += 1
            await asyncio.sleep(POLL_INTERVAL_S)
            state = (await mesh.trade.GetOrder(trade_api.GetOrderRequest(order_id=order.order_id))).order.state
        return True

    async def worker(member: str, deadline: float, record: bool) -> None:
        while time.perf_counter() < deadline:
            t0 = time.perf_counter()
            try:
                ok = await one(member)
            except Exception as exc:  # noqa: BLE001 — counted, the run goes on
                code = exc.code() if hasattr(exc, "code") else None
                details = exc.details() if hasattr(exc, "details") else str(exc)
                fail(f"{code}: {details}" if code else repr(exc))
                ok = False
            if record and ok:
                latencies.append((time.perf_counter() - t0) * 1000)

    try:
        await asyncio.gather(*[worker(m, time.perf_counter() + 1.0, False) for m in members])  # warm-up
        failures, errors, polls = 0, {}, 0
        cpu_before, client_before = stack_cpu(pids or {}), time.process_time()
        started = time.perf_counter()
        await asyncio.gather(*[worker(m, started + duration_s, True) for m in members])
        elapsed = time.perf_counter() - started
        cpu_after, client_cpu = stack_cpu(pids or {}), time.process_time() - client_before
    finally:
        await mesh.close()
    done = max(len(latencies), 1)
    cpu_ms = {part: round((cpu_after[part] - cpu_before[part]) * 1000 / done, 2) for part in cpu_before}
    return {"rps": len(latencies) / elapsed, "p50_ms": percentile(latencies, 0.5), "p99_ms": percentile(latencies, 0.99),
            "ok": len(latencies), "failed": failures, "getorder_polls": polls, "errors": errors,
            "stack_cpu_ms_per_payment": round(sum(cpu_ms.values()), 2), "cpu_ms_per_payment_by_part": cpu_ms,
            "client_cpu_ms_per_payment": round(client_cpu * 1000 / done, 2)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=10, help="seconds per measurement")
    parser.add_argument("--concurrency", type=int, default=16, help="payment flows / streams in flight")
    parser.add_argument("--port-base", type=int, default=28000)
    parser.add_argument("--keep", action="store_true", help="leave the stack running")
    args = parser.parse_args()
    ensure_tools()

    from servers.stack import components, runner

    env = {k: v for k, v in os.environ.items() if not k.startswith("PAYMESH_")}
    env.update({"PAYMESH_HOME": str(ROOT / ".paymesh-bench-payments"), "PAYMESH_PORT_BASE": str(args.port_base),
                "PAYMESH_LOG_LEVEL": "WARNING", "PAYMESH_EDGE_SAMPLE_PERCENT": str(SAMPLE_PERCENT),
                "PAYMESH_TRACE_SAMPLE_RATIO": str(SAMPLE_PERCENT / 100)})
    plan = components.plan(env)
    print(f"starting the bench stack (port base {args.port_base}, edge sampling {SAMPLE_PERCENT}%) ...", flush=True)
    runner.up(plan, say=lambda _: None, timeout_s=180)
    edge = plan.endpoints()["envoy"].removeprefix("http://")
    rows: list[tuple[str, dict]] = []
    try:
        from grpc_health.v1 import health_pb2

        health = grpc_frame(health_pb2.HealthCheckRequest())
        print("  measuring health Check via Envoy ...", flush=True)
        rows.append(("health Check via Envoy", h2load(f"http://{edge}/grpc.health.v1.Health/Check", health, args.duration, 1,
                                                      args.concurrency, {"x-paymesh-service": "trade"})))
        print("  measuring payment flow via Envoy ...", flush=True)
        pids = {part.name: pid for part in plan.parts if (pid := runner.running_pid(plan.home, part.name))}
        rows.append(("payment flow via Envoy", asyncio.run(payment_flows(edge, args.duration, args.concurrency, pids))))
    finally:
        if not args.keep:
            runner.down(plan, say=lambda _: None)

    ceiling, pay = rows[0][1], rows[1][1]
    ratio = pay["rps"] / ceiling["rps"] if ceiling["rps"] else float("nan")
    print(f"\n{'path':<26} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'ok':>8} {'failed':>7}")
    for name, r in rows:
        print(f"{name:<26} {r['rps']:>9.1f} {r['p50_ms']:>8.2f} {r['p99_ms']:>8.2f} {r['ok']:>8} {r['failed']:>7}")
    print(f"payments/s as a share of the trivial-RPC ceiling: {ratio:.4f} ({ratio * 100:.2f} %)")
    cpu = pay["stack_cpu_ms_per_payment"]
    print(f"stack CPU per payment: {cpu:.1f} ms (load generator: {pay['client_cpu_ms_per_payment']:.1f} ms more)"
          f" -> at most {2000 / cpu if cpu else 0:,.0f} payments/s on 2 idle cores")
    for part, ms in sorted(pay["cpu_ms_per_payment_by_part"].items(), key=lambda kv: -kv[1]):
        print(f"  {part:<12} {ms:>7.2f} ms")
    for reason, n in sorted(pay["errors"].items(), key=lambda kv: -kv[1])[:5]:
        print(f"  error x{n}: {reason}")
    figures = {name: {k: round(v, 3) if isinstance(v, float) else v for k, v in r.items()} for name, r in rows}
    figures["payments_per_trivial_rpc"] = round(ratio, 5)
    figures["ceiling_2_idle_cores_payments_per_s"] = round(2000 / pay["stack_cpu_ms_per_payment"], 1) if pay["stack_cpu_ms_per_payment"] else None
    figures["_target"] = {"payments_per_s": 200, "met": pay["rps"] >= 200 and not pay["failed"]}
    figures["_config"] = {"duration_s": args.duration, "concurrency": args.concurrency, "edge_sample_percent": SAMPLE_PERCENT,
                          "trace_sample_ratio": SAMPLE_PERCENT / 100, "channel_sim_latency_ms": 0, "cpus": os.cpu_count(),
                          "load_1m": round(os.getloadavg()[0], 2)}
    print(json.dumps(figures, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
