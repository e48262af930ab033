"""UES benchmark: the real service (subprocess, PostgreSQL durable, Redis) through the gRPC client.

    python bench/ues.py [--seconds 4] [--batch 1000] [--calls 1500] [--port-base 36700]

Starts PostgreSQL, Redis and `python -m servers.ues` (port base 36700, data in
.paymesh-bench-ues/), then measures:
  1. raw AES-256-GCM loop in this process (fresh record key + seal + wrap / unwrap + open per
     field): the ceiling for the same crypto without RPC, storage or audit
  2. batch tokenize (BatchEncrypt, `--batch` fields per call) and detokenize (BatchDecrypt),
     with and without the plaintext cache (BatchEncryptWithCache / BatchDecryptWithCache)
  3. single-call latency p50/p99 of Encrypt, Decrypt, DecryptWithCache (sequential calls)
  4. the floors of a single call, in the same run: a trivial RPC (gRPC health check through the
     same channel and server) and one durable PostgreSQL commit (1-row INSERT, synchronous_commit
     on: the WAL fsync every Encrypt and every audited Decrypt waits for)
Every row also gives the UES server's CPU time per call (from /proc; robust when the machine
is shared, unlike wall-clock figures).
Target (issue): batch ≥ 20,000 fields/s each way on 2 cores; single-call p99 ≤ 2 ms.
Prints a table and ends with one JSON line.
"""
from __future__ import annotations

import argparse
import asyncio
import functools
import json
import os
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "generated"), str(ROOT / "bench")]
from mesh import process_cpu_seconds  # noqa: E402  (bench/mesh.py helpers)

PORT_BASE = 36700


def raw_loop(seconds: float) -> tuple[float, float]:
    """Fields/s of the bare crypto, sealing then opening (same AAD shapes as UES)."""
    from servers.ues import crypto

    kek = crypto.AesKek("kek-v1", os.urandom(32))
    sealed = []
    n, deadline, started = 0, time.perf_counter() + seconds / 2, time.perf_counter()
    while time.perf_counter() < deadline:
        for i in range(200):
            key, rk = crypto.new_record_key()
            ticket = f"P{n:032x}"
            ct = crypto.seal(key, b"4111111111111111", crypto.record_aad(ticket, "card_no", rk, False))
            sealed.append((ticket, rk, ct, kek.wrap(key, crypto.wrap_aad(ticket, "card_no", rk, "kek-v1"))))
            n += 1
    enc = n / (time.perf_counter() - started)
    started = time.perf_counter()
    for ticket, rk, ct, wrapped in sealed:
        key = kek.unwrap(wrapped, crypto.wrap_aad(ticket, "card_no", rk, "kek-v1"))
        crypto.open_sealed(key, ct, crypto.record_aad(ticket, "card_no", rk, False))
    return enc, len(sealed) / (time.perf_counter() - started)


async def throughput(seconds: float, concurrency: int, op) -> float:
    done, deadline = 0, time.perf_counter() + seconds

    async def loop() -> None:
        nonlocal done
        while time.perf_counter() < deadline:
            done += await op()

    started = time.perf_counter()
    await asyncio.gather(*(loop() for _ in range(concurrency)))
    return done / (time.perf_counter() - started)


async def latency(calls: int, op) -> tuple[float, float]:
    for _ in range(min(50, calls)):  # warm up (connections, prepared statements)
        await op()
    samples = []
    for _ in range(calls):
        t0 = time.perf_counter()
        await op()
        samples.append((time.perf_counter() - t0) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.99) - 1]


async def commit_latency(calls: int, dsn: str) -> tuple[float, float]:
    """One durable commit (1-row INSERT, autocommit) on the bench's PostgreSQL: the floor of every
    call that must be durable before it answers."""
    import asyncpg

    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute("CREATE TABLE IF NOT EXISTS public.bench_commit (n bigint)")
        return await latency(calls, lambda: conn.execute("INSERT INTO public.bench_commit VALUES (1)"))
    finally:
        await conn.execute("DROP TABLE IF EXISTS public.bench_commit")
        await conn.close()


async def bench(args, address: str, cpu: Callable[[], float], dsn: str) -> dict:
    from grpc_health.v1 import health_pb2, health_pb2_grpc

    from clients.channel import open_channel
    from paymesh.ues.v1 import ues_pb2 as pb, ues_service_pb2 as api, ues_service_pb2_grpc as rpc

    channel = open_channel(address, deadline_ms=30_000, traced=False)
    ues = rpc.UesServiceStub(channel)
    md = (("x-ues-client-id", "bench"),)
    cards = [f"4{i:015d}" for i in range(args.batch)]
    items = [pb.EncryptItem(plain_data=c, data_type="card_no") for c in cards]

    async def batch_encrypt(cache: bool):
        if cache:
            reply = await ues.BatchEncryptWithCache(api.BatchEncryptWithCacheRequest(items=items), metadata=md)
        else:
            reply = await ues.BatchEncrypt(api.BatchEncryptRequest(items=items), metadata=md)
        return [v.string_value for v in reply.data.values]

    tickets = await batch_encrypt(False)
    cached_tickets = await batch_encrypt(True)
    rows: list[tuple[str, float, str, float]] = []  # name, value, unit, server CPU ms per 1,000 fields
    raw_enc, raw_dec = raw_loop(args.seconds)
    rows += [("raw AES-GCM seal+wrap (ceiling)", raw_enc, "fields/s", 0.0), ("raw AES-GCM unwrap+open (ceiling)", raw_dec, "fields/s", 0.0)]

    async def measured(name: str, op) -> None:
        c0, t0 = cpu(), time.perf_counter()
        rate = await throughput(args.seconds, args.concurrency, op)
        rows.append((name, rate, "fields/s", (cpu() - c0) * 1e6 / (rate * (time.perf_counter() - t0))))

    async def enc(cache):
        return len(await batch_encrypt(cache))

    async def dec():
        return len((await ues.BatchDecrypt(api.BatchDecryptRequest(tickets=tickets), metadata=md)).data)

    async def dec_cached():
        return len((await ues.BatchDecryptWithCache(api.BatchDecryptWithCacheRequest(tickets=cached_tickets), metadata=md)).data)

    await measured("BatchEncrypt", lambda: enc(False))
    await measured("BatchEncryptWithCache", lambda: enc(True))
    await measured("BatchDecrypt", dec)
    await measured("BatchDecryptWithCache", dec_cached)

    one = tickets[0]
    health = health_pb2_grpc.HealthStub(channel)
    calls = {
        "Health (trivial RPC, floor)": lambda: health.Check(health_pb2.HealthCheckRequest()),
        "Encrypt": lambda: ues.Encrypt(api.EncryptRequest(plain_data="4111111111111111", data_type="card_no"), metadata=md),
        "Decrypt": lambda: ues.Decrypt(api.DecryptRequest(ticket=one), metadata=md),
        "DecryptWithCache": lambda: ues.DecryptWithCache(api.DecryptWithCacheRequest(ticket=cached_tickets[0]), metadata=md),
    }
    lat: dict[str, tuple[float, float, float]] = {}
    for name, call in calls.items():
        c0 = cpu()
        p50, p99 = await latency(args.calls, call)
        lat[name] = (p50, p99, (cpu() - c0) * 1000 / (args.calls + min(50, args.calls)))
    p50, p99 = await commit_latency(args.calls, dsn)
    lat["PostgreSQL durable commit (floor)"] = (p50, p99, 0.0)
    await channel.close()
    print(f"\n{'measure':<36} {'value':>12}  unit       server CPU")
    for name, value, unit, cpu_ms in rows:
        print(f"{name:<36} {value:>12,.0f}  {unit:<10} " + (f"{cpu_ms:6.1f} ms / 1,000 fields" if cpu_ms else ""))
    for name, (p50, p99, cpu_ms) in lat.items():
        print(f"{name + ' p50 / p99':<36} {p50:>6.2f} / {p99:<6.2f} ms " + (f"{cpu_ms:6.2f} ms / call" if cpu_ms else ""))
    key = lambda name: name.split(" (")[0].replace(" ", "_")  # noqa: E731
    figures = {key(name) if "ceiling" not in name else name.replace(" ", "_"): round(value) for name, value, _, _ in rows}
    figures.update({f"{key(name)}_server_cpu_ms_per_1000": round(cpu_ms, 2) for name, _, _, cpu_ms in rows if cpu_ms})
    figures.update({f"{key(name)}_p50_ms": round(p50, 3) for name, (p50, _, _) in lat.items()})
    figures.update({f"{key(name)}_p99_ms": round(p99, 3) for name, (_, p99, _) in lat.items()})
    figures.update({f"{key(name)}_server_cpu_ms": round(cpu_ms, 3) for name, (_, _, cpu_ms) in lat.items() if cpu_ms})
    figures.update({"batch": args.batch, "concurrency": args.concurrency, "cpus": os.cpu_count()})
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--calls", type=int, default=1500)
    parser.add_argument("--port-base", type=int, default=PORT_BASE, help="port base of the bench stack (default %(default)s)")
    args = parser.parse_args()
    from servers.kernel.settings import port
    from servers.stack import components, runner

    env = {k: v for k, v in os.environ.items() if not k.startswith("PAYMESH_")}
    env.update({"PAYMESH_HOME": str(ROOT / ".paymesh-bench-ues"), "PAYMESH_PORT_BASE": str(args.port_base), "PAYMESH_LOG_LEVEL": "WARNING",
                "PAYMESH_OTLP_ENDPOINT": "", "PAYMESH_UES_ACCESS_POLICIES": "bench:*:encrypt,decrypt"})
    parts = {"postgres", "redis", "ues"}
    plan = components.plan(env, parts)
    runner.down(plan, say=lambda _: None)
    shutil.rmtree(plan.home, ignore_errors=True)
    plan = components.plan(env, parts)
    print(f"starting PostgreSQL, Redis and UES for the bench (port base {args.port_base}) ...", flush=True)
    runner.up(plan, say=lambda _: None, timeout_s=180)
    try:
        dsn = f"postgresql://paymesh@127.0.0.1:{port('postgres', env)}/paymesh"
        figures = asyncio.run(bench(args, f"127.0.0.1:{port('ues', env)}", functools.partial(process_cpu_seconds, runner.running_pid(plan.home, "ues")), dsn))
    finally:
        runner.down(plan, say=lambda _: None)
    print(json.dumps({"bench": "ues", **figures}))


if __name__ == "__main__":
    main()
