"""UES benchmark: the real service (subprocess, PostgreSQL durable, Redis) through the gRPC client.

    python bench/ues.py [--seconds 4] [--batch 1000] [--calls 1500] [--port-base 36700]

Starts PostgreSQL, Redis and `python -m servers.ues` (port base 36700, data in
.paymesh-bench-ues/), then measures:
  1. raw AES-256-GCM loop in this process (fresh record key + seal + wrap / unwrap + open per
     field): the ceiling for the same crypto without RPC, storage or audit
  2. batch tokenize (BatchEncrypt, `--batch` fields per call) and detokenize (BatchDecrypt),
     with and without the plaintext cache (BatchEncryptWithCache / BatchDecryptWithCache)
  3. single-call latency p50/p99 of Encrypt, Decrypt, DecryptWithCache (sequential calls)
Target (issue): batch ≥ 20,000 fields/s each way on 2 cores; single-call p99 ≤ 2 ms.
Prints a table and ends with one JSON line.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "generated")]

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
    samples = []
    for _ in range(calls):
        t0 = time.perf_counter()
        await op()
        samples.append((time.perf_counter() - t0) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.99) - 1]


async def bench(args, address: str) -> dict:
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
    rows: list[tuple[str, float, str]] = []
    raw_enc, raw_dec = raw_loop(args.seconds)
    rows += [("raw AES-GCM seal+wrap (ceiling)", raw_enc, "fields/s"), ("raw AES-GCM unwrap+open (ceiling)", raw_dec, "fields/s")]

    async def enc(cache):
        return len(await batch_encrypt(cache))

    async def dec():
        return len((await ues.BatchDecrypt(api.BatchDecryptRequest(tickets=tickets), metadata=md)).data)

    async def dec_cached():
        return len((await ues.BatchDecryptWithCache(api.BatchDecryptWithCacheRequest(tickets=cached_tickets), metadata=md)).data)

    rows.append(("BatchEncrypt", await throughput(args.seconds, args.concurrency, lambda: enc(False)), "fields/s"))
    rows.append(("BatchEncryptWithCache", await throughput(args.seconds, args.concurrency, lambda: enc(True)), "fields/s"))
    rows.append(("BatchDecrypt", await throughput(args.seconds, args.concurrency, dec), "fields/s"))
    rows.append(("BatchDecryptWithCache", await throughput(args.seconds, args.concurrency, dec_cached), "fields/s"))

    one = tickets[0]
    lat = {
        "Encrypt": await latency(args.calls, lambda: ues.Encrypt(api.EncryptRequest(plain_data="4111111111111111", data_type="card_no"),
                                                                 metadata=md)),
        "Decrypt": await latency(args.calls, lambda: ues.Decrypt(api.DecryptRequest(ticket=one), metadata=md)),
        "DecryptWithCache": await latency(args.calls, lambda: ues.DecryptWithCache(api.DecryptWithCacheRequest(ticket=cached_tickets[0]),
                                                                                   metadata=md)),
    }
    await channel.close()
    print(f"\n{'measure':<36} {'value':>12}  unit")
    for name, value, unit in rows:
        print(f"{name:<36} {value:>12,.0f}  {unit}")
    for name, (p50, p99) in lat.items():
        print(f"{name + ' p50 / p99':<36} {p50:>6.2f} / {p99:<6.2f} ms")
    figures = {name.replace(" ", "_"): round(value) for name, value, _ in rows}
    figures.update({f"{name}_p50_ms": round(p50, 3) for name, (p50, _) in lat.items()})
    figures.update({f"{name}_p99_ms": round(p99, 3) for name, (_, p99) in lat.items()})
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
        figures = asyncio.run(bench(args, f"127.0.0.1:{port('ues', env)}"))
    finally:
        runner.down(plan, say=lambda _: None)
    print(json.dumps({"bench": "ues", **figures}))


if __name__ == "__main__":
    main()
