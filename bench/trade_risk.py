"""Trade + risk benchmark: CreateOrder, GetCashier and Assess through Envoy, with Assess direct to
the risk server in the same run as the baseline (what Envoy adds).

    python bench/trade_risk.py [--duration 10] [--concurrency 16] [--rate 500] [--low-rate 200] [--port-base 27000]

Starts its own stack (port base 27000, data in .paymesh-bench-trade-risk/), then for each path:
  - closed loop: `--concurrency` requests in flight for `--duration` s → throughput, p50, p99;
  - for Assess also an open loop at a fixed `--rate` (the target: p99 <= 5 ms at 500 req/s) and at
    `--low-rate`, latency counted from each request's scheduled start (no coordinated omission).
Every Assess has its own request id, order and one of 200 members (real counting, a recorded
decision and an issued ticket each); GetCashier reads 64 live tokens in turn. The client is
Python grpc.aio on the same machine (uvloop; the Assess loops on a bare channel with bytes in and
out, no client interceptors, so the generator costs the 2 cores as little as it can): its CPU per
call is its own column, so what is left of a row's latency budget for the servers is visible.
Each row also gives the CPU the risk and trade server processes spent per call (ms, from /proc):
less sensitive to the shared machine's load than latency. `--only Assess` runs the rows whose
name contains the text. Prints a table and ends with one JSON line.
"""
from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "generated"), str(ROOT / "bench")]
from mesh import latency_summary, process_cpu_seconds  # noqa: E402  (bench/mesh.py helpers)

TARGET = {"rate": 500, "p99_ms": 5.0}


async def closed_loop(call, duration_s: float, concurrency: int) -> dict:
    latencies: list[float] = []
    failures = 0
    deadline = time.perf_counter() + duration_s

    async def worker() -> None:
        nonlocal failures
        while time.perf_counter() < deadline:
            t0 = time.perf_counter()
            try:
                await call()
            except Exception:  # noqa: BLE001 — counted, the run goes on
                failures += 1
            latencies.append((time.perf_counter() - t0) * 1000)

    started = time.perf_counter()
    await asyncio.gather(*[worker() for _ in range(concurrency)])
    return latency_summary(latencies, failures, time.perf_counter() - started)


async def open_loop(call, duration_s: float, rate: float) -> dict:
    latencies: list[float] = []
    failures = 0
    tasks = []

    async def one(scheduled: float) -> None:
        nonlocal failures
        try:
            await call()
        except Exception:  # noqa: BLE001
            failures += 1
        latencies.append((time.perf_counter() - scheduled) * 1000)

    started = time.perf_counter()
    for i in range(int(duration_s * rate)):
        scheduled = started + i / rate
        delay = scheduled - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(scheduled)))
    await asyncio.gather(*tasks)
    return latency_summary(latencies, failures, time.perf_counter() - started)


def client_rpc(address: str, method: str, deadline_s: float):
    """A bare grpc.aio unary call (bytes in, bytes out, no client interceptors): the cheapest Python load generator."""
    import grpc

    channel = grpc.aio.insecure_channel(address)
    call = channel.unary_unary(method)

    async def rpc(request: bytes) -> bytes:
        return await call(request, timeout=deadline_s)
    return channel, rpc


async def measure(edge: str, risk_addr: str, args, pids: dict[str, int | None]) -> list[tuple[str, dict]]:
    from clients.services import Mesh
    from paymesh.risk.v1 import risk_pb2, risk_service_pb2 as risk_api
    from paymesh.trade.v1 import trade_service_pb2 as trade_api

    via = Mesh({"trade": edge, "cashier": edge, "member": edge, "risk": edge}, deadline_ms=10_000, traced=False)
    assess_path = f"/{risk_api.DESCRIPTOR.services_by_name['RiskService'].full_name}/Assess"
    (via_channel, via_assess), (direct_channel, direct_assess) = (client_rpc(a, assess_path, 10.0) for a in (edge, risk_addr))
    run = uuid.uuid4().hex[:8]
    members = [(await via.member.CreateMember(trade_api.CreateMemberRequest(request_id=f"bm-{run}-{i}", display_name="Bench"))).member.member_id
               for i in range(8)]
    seq = itertools.count()

    def order_request() -> trade_api.CreateOrderRequest:
        n = next(seq)
        return trade_api.CreateOrderRequest(merchant_id="bench_merchant", out_trade_no=f"{run}-{n}", product_code="DIGITAL_GOODS",
                                            subject="bench", amount={"currency_code": "EUR", "amount_minor": 100},
                                            payer_member_id=members[n % len(members)])

    tokens = []
    for _ in range(64):
        order = (await via.trade.CreateOrder(order_request())).order
        tokens.append((await via.cashier.CreateCashierToken(trade_api.CreateCashierTokenRequest(order_id=order.order_id))).token)
    token_cycle = itertools.cycle(tokens)

    def assess_on(rpc):
        async def call() -> None:
            n = next(seq)
            raw = await rpc(risk_api.AssessRequest(request_id=f"ba-{run}-{n}", payment=risk_pb2.PaymentContext(
                order_id=f"ord_bench_{run}_{n}", merchant_id="bench_merchant", member_id=f"mem_bench_{n % 200}",
                amount={"currency_code": "EUR", "amount_minor": 100}, product_code="DIGITAL_GOODS",
                payment_method=risk_pb2.PAYMENT_METHOD_BALANCE, device_id=f"dev_{n % 50}",
                ip_address=f"10.0.{n % 250}.1")).SerializeToString())
            reply = risk_api.AssessResponse.FromString(raw)
            if reply.decision.decision != risk_pb2.DECISION_ACCEPT:
                raise RuntimeError(risk_pb2.Decision.Name(reply.decision.decision))
        return call

    async def create_order() -> None:
        await via.trade.CreateOrder(order_request())

    async def get_cashier() -> None:
        await via.cashier.GetCashier(trade_api.GetCashierRequest(token=next(token_cycle)))

    d, c = args.duration, args.concurrency
    steps = [
        ("CreateOrder via Envoy", lambda: closed_loop(create_order, d, c)),
        ("GetCashier via Envoy", lambda: closed_loop(get_cashier, d, c)),
        ("Assess direct", lambda: closed_loop(assess_on(direct_assess), d, c)),
        ("Assess via Envoy", lambda: closed_loop(assess_on(via_assess), d, c)),
        (f"Assess direct @{args.rate:g}/s", lambda: open_loop(assess_on(direct_assess), d, args.rate)),
        (f"Assess via Envoy @{args.rate:g}/s", lambda: open_loop(assess_on(via_assess), d, args.rate)),
    ]
    if args.low_rate:
        steps += [(f"Assess direct @{args.low_rate:g}/s", lambda: open_loop(assess_on(direct_assess), d, args.low_rate)),
                  (f"Assess via Envoy @{args.low_rate:g}/s", lambda: open_loop(assess_on(via_assess), d, args.low_rate))]
    steps = [(name, step) for name, step in steps if args.only in name]
    rows = []
    try:
        for rpc in (via_assess, direct_assess):  # warm-up: connections, rule snapshot, caches, pools filled
            await closed_loop(assess_on(rpc), 1, c)
        for name, step in steps:
            print(f"  measuring {name} ...", flush=True)
            before = {svc: process_cpu_seconds(pid) for svc, pid in pids.items()}
            client_before = time.process_time()
            row = await step()
            calls = max(row["ok"] + row["failed"], 1)
            for svc, pid in pids.items():  # server CPU per call: robust to the machine's other load
                row[f"{svc}_cpu_ms"] = (process_cpu_seconds(pid) - before[svc]) * 1000 / calls
            row["client_cpu_ms"] = (time.process_time() - client_before) * 1000 / calls
            rows.append((name, row))
    finally:
        await via.close()
        await via_channel.close()
        await direct_channel.close()
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=10, help="seconds per measurement")
    parser.add_argument("--concurrency", type=int, default=16, help="requests in flight in the closed loops")
    parser.add_argument("--rate", type=float, default=TARGET["rate"], help="requests/s of the open-loop Assess runs")
    parser.add_argument("--low-rate", type=float, default=200, help="a second, lower open-loop rate (0: skip)")
    parser.add_argument("--port-base", type=int, default=27000)
    parser.add_argument("--keep", action="store_true", help="leave the stack running")
    parser.add_argument("--only", default="", help="run only the rows whose name contains this text (e.g. Assess)")
    args = parser.parse_args()

    from servers.stack import components, runner

    env = {k: v for k, v in os.environ.items() if not k.startswith("PAYMESH_")}
    env.update({"PAYMESH_HOME": str(ROOT / ".paymesh-bench-trade-risk"), "PAYMESH_PORT_BASE": str(args.port_base),
                "PAYMESH_LOG_LEVEL": "WARNING", "PAYMESH_EDGE_SAMPLE_PERCENT": "1", "PAYMESH_TRACE_SAMPLE_RATIO": "0.01"})
    names = {part.name for part in components.plan(env).parts}
    missing = {svc for svc in components.SERVICES if not (ROOT / "servers" / svc / "__main__.py").exists()}  # a service still being built
    plan = components.plan(env, only=names - missing)
    print(f"starting the bench stack (port base {args.port_base}) ...", flush=True)
    ends = plan.endpoints()
    try:
        runner.up(plan, say=lambda _: None, timeout_s=180)  # inside: a failed start stops what it started
        pids = {svc: runner.running_pid(plan.home, svc) for svc in ("risk", "trade")}
        import uvloop

        rows = uvloop.run(measure(ends["envoy"].removeprefix("http://"), ends["risk"], args, pids))
    finally:
        if not args.keep:
            runner.down(plan, say=lambda _: None)

    print(f"\n{'path':<28} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'ok':>8} {'failed':>7} {'risk cpu':>9} {'trade cpu':>9}"
          f" {'client cpu':>10}")
    for name, r in rows:
        print(f"{name:<28} {r['rps']:>8.0f} {r['p50_ms']:>8.2f} {r['p99_ms']:>8.2f} {r['ok']:>8} {r['failed']:>7}"
              f" {r['risk_cpu_ms']:>7.2f}ms {r['trade_cpu_ms']:>7.2f}ms {r['client_cpu_ms']:>8.2f}ms")
    figures = {name: {k: round(v, 3) if isinstance(v, float) else v for k, v in r.items()} for name, r in rows}
    at_rate = figures.get(f"Assess via Envoy @{args.rate:g}/s")
    figures["_target"] = {**TARGET, "met": bool(at_rate) and args.rate >= TARGET["rate"] and at_rate["p99_ms"] <= TARGET["p99_ms"]
                          and not at_rate["failed"]}
    figures["_config"] = {"duration_s": args.duration, "concurrency": args.concurrency, "rate": args.rate, "cpus": os.cpu_count(),
                          "load_1m": round(os.getloadavg()[0], 2)}
    print(json.dumps(figures, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
