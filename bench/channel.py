"""Channel benchmark, all in one run on a fresh stack (postgres, redis, channel, the stack's
channel simulator at zero latency, Envoy):

  routing   decisions/s and p99 in process (the catalog the server uses; target p99 <= 2 ms),
            then the Route RPC direct to the server (baseline) and through Envoy
  calls     channel calls/s through the async front: SubmitPayment → dispatcher → simulator →
            SUCCESS, direct (baseline for Envoy) and through Envoy; the ceiling baseline is the
            same signed HTTP call made straight to the simulator with the connector (no front)

    PAYMESH_TEST_PORT_SHIFT=8000 .venv/bin/python bench/channel.py [--routes 3000] [--submits 400]
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
sys.path[:0] = [str(ROOT), str(ROOT / "generated")]

from paymesh.channel.v1 import channel_pb2 as pb, channel_service_pb2 as api  # noqa: E402

PARTS = {"postgres", "redis", "otlp", "channel", "channel_sim", "envoy"}


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


async def submits(mesh, db, merchant: str, n: int, concurrency: int) -> tuple[float, float]:
    """Submit n payments (routed by the bench rule); time until all are SUCCESS."""
    from sqlalchemy import text
    tag = f"pay_{uuid.uuid4().hex[:8]}_"

    async def one(i):
        await mesh.channel.SubmitPayment(api.SubmitPaymentRequest(
            request_id=str(uuid.uuid4()), instruction_id=f"ins_{uuid.uuid4().hex}", ref={"payment_id": f"{tag}{i}"}, merchant_id=merchant,
            amount={"currency_code": "EUR", "amount_minor": 1000}, verification_method=2,
            card=pb.CardInstrument(card_no_ticket="t", card_org=1, card_bin="411111", card_last4="1111", expiry_month=1, expiry_year=2030)))
    t0 = time.perf_counter()
    submit_rps, _ = await run_many(n, concurrency, one)
    while True:
        async with db.transaction() as conn:
            done = (await conn.execute(text("SELECT count(*) FROM inst_orders WHERE payment_id LIKE :t AND state = 5"), {"t": tag + "%"})).scalar_one()
        if done >= n:
            return submit_rps, n / (time.perf_counter() - t0)
        if time.perf_counter() - t0 > 120:
            raise RuntimeError(f"{n - done} orders never finished")
        await asyncio.sleep(0.02)


async def connector_ceiling(sim: str, home: str, n: int, concurrency: int) -> float:
    """The same signed HTTP call straight to the simulator (no front, no database): the ceiling."""
    from servers.channel import domain as d
    from servers.channel.connector import HttpJsonConnector, load_keys
    from servers.kernel.money import Money
    keys = load_keys(Path(home) / "channel" / "signing-keys.json")
    conn = HttpJsonConnector(keys, concurrency)
    ch = d.Channel("bench_raw", d.ChannelState.ACTIVE, frozenset({1}), frozenset({1}), frozenset({1}), {}, 0, d.ThreeDs.NONE,
                   "http-json-v1", sim, "sim", 5000)
    base = d.InstOrder("", "", 1, d.OrderType.PAY, d.State.SENT, "bench_raw", Money("EUR", 1000), 1)

    async def one(i):
        import dataclasses
        answer = await conn.send(ch, dataclasses.replace(base, inst_order_id=f"ino_{uuid.uuid4().hex}"), {})
        assert answer.status == "SUCCESS", answer
    rps, _ = await run_many(n, concurrency, one)
    await conn.close()
    return rps


async def main_async(args, env) -> dict:
    from clients.services import Mesh
    from servers.channel.handlers import Front
    from servers.channel.health import HealthBoard
    from servers.channel.routing import RouteContext
    from servers.kernel.money import Money
    from servers.kernel.settings import port

    envoy = f"127.0.0.1:{port('envoy', env)}"
    direct = f"127.0.0.1:{port('channel', env)}"
    sim = f"http://127.0.0.1:{port('channel_sim', env)}"
    meshes = {"direct": Mesh({"channel": direct}, traced=False), "envoy": Mesh({"channel": envoy}, traced=False)}
    merchant = f"mer_{uuid.uuid4().hex[:8]}"
    await setup(meshes["direct"], sim, merchant)
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
    t0 = time.perf_counter()
    for _ in range(args.routes * 5):
        t1 = time.perf_counter()
        assert front.explain(ctx).decision is not None
        lat.append((time.perf_counter() - t1) * 1000)
    results["route_inprocess"] = {"per_s": round(len(lat) / (time.perf_counter() - t0)), "p99_ms": round(pct(lat, 99), 3)}

    for name, mesh in meshes.items():
        rps, lats = await run_many(args.routes, args.concurrency, lambda i, m=mesh: m.routing.Route(api.RouteRequest(context=route_ctx(merchant))))
        results[f"route_rpc_{name}"] = {"per_s": round(rps), "p99_ms": round(pct(lats, 99), 2)}
    results["calls_sim_ceiling"] = {"per_s": round(await connector_ceiling(sim, env["PAYMESH_HOME"], args.submits, args.concurrency))}
    for name, mesh in meshes.items():
        submit_rps, final_rps = await submits(mesh, db, merchant, args.submits, args.concurrency)
        results[f"calls_front_{name}"] = {"submit_per_s": round(submit_rps), "per_s": round(final_rps)}
    await db.close()
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
    try:
        results = asyncio.run(main_async(args, plan.env))
    finally:
        runner.down(plan, say=lambda _: None)
    baselines = {"route_rpc_envoy": "route_rpc_direct", "calls_front_direct": "calls_sim_ceiling", "calls_front_envoy": "calls_front_direct"}
    print(f"{'measure':<22}{'per second':>12}{'p99 ms':>10}{'submit/s':>10}  vs baseline")
    for name, r in results.items():
        base_name = baselines.get(name)
        vs = f"{r['per_s'] / results[base_name]['per_s']:.2f}x {base_name}" if base_name else "(baseline)" if name in baselines.values() else ""
        print(f"{name:<22}{r['per_s']:>12}{r.get('p99_ms', ''):>10}{r.get('submit_per_s', ''):>10}  {vs}")
    target = results["route_inprocess"]["p99_ms"] <= 2.0
    print(f"routing p99 target <= 2 ms: {'met' if target else 'MISSED'}")
    print(json.dumps({"bench": "channel", "routing_p99_target_met": target, **results}))


if __name__ == "__main__":
    main()
