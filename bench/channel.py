"""Channel benchmark: routing decisions/s and p99, and submit → final result throughput of the
async front with the simulator at zero latency, through Envoy and direct to the channel
server in the same run (the direct figures are the baseline).

    PAYMESH_TEST_PORT_SHIFT=8000 .venv/bin/python bench/channel.py [--routes 3000] [--submits 400]
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "generated")]

from paymesh.channel.v1 import channel_pb2 as pb, channel_service_pb2 as api  # noqa: E402

PARTS = {"postgres", "redis", "otlp", "channel", "envoy"}


def pct(values: list[float], p: int) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p / 100))] if values else 0.0


async def run_many(n: int, concurrency: int, call) -> tuple[float, list[float]]:
    latencies: list[float] = []
    queue = iter(range(n))

    async def worker():
        for i in queue:
            t0 = time.perf_counter()
            await call(i)
            latencies.append((time.perf_counter() - t0) * 1000)
    t0 = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return n / (time.perf_counter() - t0), latencies


async def setup(mesh, sim: str, merchant: str) -> None:
    ids = []
    for i in range(3):
        cid = f"bench_{uuid.uuid4().hex[:8]}"
        ids.append(cid)
        await mesh.channel_admin.CreateChannel(api.CreateChannelRequest(channel_id=cid, request_id=str(uuid.uuid4()), spec=pb.ChannelSpec(
            display_name=cid, methods=[1], card_orgs=[1, 2], operations=[1], fee_rate_bps=100 + i * 50, three_ds=2,
            currencies=[pb.ChannelCurrency(currency_code="EUR", daily_quota={"currency_code": "EUR", "amount_minor": 10**12})],
            connector=pb.ChannelConnector(adapter="http-json-v1", endpoint=sim, signing_key_ref="sim", request_timeout_millis=5000))))
    await mesh.routing.CreateRoutingRule(api.CreateRoutingRuleRequest(request_id=str(uuid.uuid4()), spec=pb.RoutingRuleSpec(
        name=f"bench-{uuid.uuid4().hex[:8]}", priority=1, conditions=pb.RoutingConditions(merchant_ids=[merchant]), channel_ids=ids,
        strategy=pb.ROUTING_STRATEGY_LOWEST_FEE)))


def route_ctx(merchant: str) -> pb.RoutingContext:
    return pb.RoutingContext(operation=1, method=1, card_org=1, verification_method=2, merchant_id=merchant,
                             amount={"currency_code": "EUR", "amount_minor": 1000})


async def submits(mesh, merchant: str, n: int, concurrency: int) -> tuple[float, float]:
    ids: list[str] = []

    async def one(i):
        reply = await mesh.channel.SubmitPayment(api.SubmitPaymentRequest(
            request_id=str(uuid.uuid4()), instruction_id=f"ins_{uuid.uuid4().hex}", ref={"payment_id": f"pay_{i}"}, merchant_id=merchant,
            amount={"currency_code": "EUR", "amount_minor": 1000}, verification_method=2,
            card=pb.CardInstrument(card_no_ticket="t", card_org=1, card_bin="411111", card_last4="1111", expiry_month=1, expiry_year=2030)))
        ids.append(reply.inst_order.inst_order_id)
    t0 = time.perf_counter()
    submit_rps, _ = await run_many(n, concurrency, one)
    pending = set(ids)
    while pending:
        reply = await mesh.channel.ListInstOrders(api.ListInstOrdersRequest(state=pb.INST_ORDER_STATE_SUCCESS, page_size=1000))
        pending -= {o.inst_order_id for o in reply.inst_orders}
        if pending:
            await asyncio.sleep(0.05)
        if time.perf_counter() - t0 > 120:
            raise RuntimeError(f"{len(pending)} orders never finished")
    return submit_rps, n / (time.perf_counter() - t0)


async def main_async(args, env) -> dict:
    from clients.services import Mesh
    from servers.channel.handlers import Front
    from servers.channel.health import HealthBoard
    from servers.channel.routing import RouteContext
    from servers.kernel.money import Money
    from servers.kernel.settings import port

    envoy = f"127.0.0.1:{port('envoy', env)}"
    direct = f"127.0.0.1:{port('channel', env)}"
    meshes = {"direct": Mesh({"channel": direct}, traced=False), "envoy": Mesh({"channel": envoy}, traced=False)}
    merchant = f"mer_{uuid.uuid4().hex[:8]}"
    await setup(meshes["direct"], f"http://127.0.0.1:{int(env['PAYMESH_PORT_BASE']) + 110}", merchant)
    results: dict = {}

    # In-process routing decision (what every Route/Submit pays), from the server's own catalog.
    from servers.channel.adapters import SqlCatalog
    from servers.kernel.db import connect
    from servers.kernel.settings import local_defaults
    db = await connect(local_defaults(env)["database_url"].reveal(), "channel", ROOT / "servers/channel/migrations")
    catalog = SqlCatalog(db)
    await catalog.refresh()
    front = Front(None, None, catalog, HealthBoard())  # type: ignore[arg-type]
    ctx = RouteContext(1, 1, Money("EUR", 1000), 2, 1, "411111", merchant)
    lat = []
    for _ in range(args.routes * 5):
        t0 = time.perf_counter()
        assert front.explain(ctx).decision is not None
        lat.append((time.perf_counter() - t0) * 1000)
    results["route_inprocess"] = {"per_s": round(1000 / (sum(lat) / len(lat))), "p99_ms": round(pct(lat, 99), 3)}
    await db.close()

    for name, mesh in meshes.items():
        rps, lats = await run_many(args.routes, args.concurrency, lambda i, m=mesh: m.routing.Route(api.RouteRequest(context=route_ctx(merchant))))
        results[f"route_rpc_{name}"] = {"per_s": round(rps), "p99_ms": round(pct(lats, 99), 2)}
    for name, mesh in meshes.items():
        submit_rps, final_rps = await submits(mesh, merchant, args.submits, args.concurrency)
        results[f"submit_{name}"] = {"submit_per_s": round(submit_rps), "final_per_s": round(final_rps)}
    for mesh in meshes.values():
        await mesh.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--routes", type=int, default=3000)
    parser.add_argument("--submits", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=32)
    args = parser.parse_args()
    from servers.stack import components, runner
    from tests.conftest import stack_env

    env = stack_env("e2e")
    base = 26000 + int(os.environ.get("PAYMESH_TEST_PORT_SHIFT", "0"))
    env.update(PAYMESH_PORT_BASE=str(base), PAYMESH_HOME=str(ROOT / ".paymesh-test" / f"bench-channel-{base}"))
    plan = components.plan(env, PARTS)
    runner.down(plan, say=lambda _: None)
    runner.up(plan, say=lambda _: None, timeout_s=120)
    sim = subprocess.Popen([sys.executable, "-m", "tools.channel_simulator", "--port", str(base + 110)], cwd=ROOT,
                           env={**os.environ, **plan.env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(1.0)
        results = asyncio.run(main_async(args, plan.env))
    finally:
        sim.terminate()
        runner.down(plan, say=lambda _: None)
    print(f"{'measure':<22}{'per second':>12}{'p99 ms':>10}")
    for name, r in results.items():
        if "p99_ms" in r:
            print(f"{name:<22}{r['per_s']:>12}{r['p99_ms']:>10}")
        else:
            print(f"{name + ' submit':<22}{r['submit_per_s']:>12}{'':>10}")
            print(f"{name + ' to SUCCESS':<22}{r['final_per_s']:>12}{'':>10}")
    print(json.dumps({"bench": "channel", **results}))


if __name__ == "__main__":
    main()
