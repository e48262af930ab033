"""UFS benchmark: upload and download MB/s for 1 MB and 100 MB files (1 GB with --gigabyte; a 1 MB
row times 32 files back to back, one at a time: latency-bound, as a client fetching small files is)
through Envoy + UFS (REST, streamed both ways) against direct to S3 with the minio SDK in
the same run (the baseline), plus the UFS server's peak RSS and its growth over idle, and
the CPU each process spent per MB (UFS, Envoy, S3, this client): on a shared 2-core machine
MB/s are noisy, CPU per MB is not.

Both sides use the same HTTP client library by default: urllib3, which the minio SDK uses for
the direct transfers (--client httpx measures UFS through httpx instead; its client CPU per MB
is ~4x urllib3's, which on 2 cores slows the server side it competes with).

    PAYMESH_TEST_PORT_SHIFT=4000 .venv/bin/python bench/ufs.py [--gigabyte] [--encrypt] [--repeat 3] [--port-base N] [--client urllib3|httpx]
"""
from __future__ import annotations

import argparse
import asyncio
import base64
import io
import json
import os
import sys
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "generated")]

PARTS = {"postgres", "redis", "s3", "otlp", "ufs", "envoy"}
BLOCK = os.urandom(1024 * 1024)
MB = 1024 * 1024
SMALL_BATCH = 32 * MB  # files smaller than this are timed `SMALL_BATCH // size` at a time


class Pattern(io.RawIOBase):
    """`size` bytes of a repeated random block, without holding them in memory."""

    def __init__(self, size: int):
        self.left = size

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        n = min(self.left, len(BLOCK) if n < 0 else n, len(BLOCK))
        self.left -= n
        return BLOCK[:n]


async def chunks(size: int):
    left = size
    while left:
        n = min(left, len(BLOCK))
        left -= n
        yield BLOCK[:n]


def pattern_chunks(size: int):
    left = size
    while left:
        n = min(left, len(BLOCK))
        left -= n
        yield BLOCK[:n]


class Urllib3Ufs:
    """UFS over REST with urllib3 (blocking, run in a thread like the minio calls)."""

    def __init__(self, edge: str):
        import urllib3

        host, port = edge.rsplit(":", 1)
        self.pool = urllib3.HTTPConnectionPool(host, int(port), maxsize=4, timeout=urllib3.Timeout(connect=5, read=600))

    def put(self, path: str, size: int, hdrs: dict) -> tuple[int, str]:
        r = self.pool.urlopen("PUT", path, body=pattern_chunks(size), headers=hdrs, chunked=True)
        return r.status, r.data.decode()

    def get(self, path: str, hdrs: dict) -> int:
        r = self.pool.urlopen("GET", path, headers=hdrs, preload_content=False)
        assert r.status == 200, r.status
        got = sum(len(c) for c in r.stream(MB))
        r.release_conn()
        return got


class Cpu:
    """CPU seconds (user + system) of the stack's processes and this one."""

    def __init__(self, pids: dict[str, int]):
        import psutil

        self.procs = {name: psutil.Process(pid) for name, pid in pids.items()}
        self.procs["client"] = psutil.Process()

    def now(self) -> dict[str, float]:
        return {name: sum(p.cpu_times()[:2]) for name, p in self.procs.items()}


class PeakRss:
    def __init__(self, pid: int):
        import psutil

        self.proc, self.peak, self.stop = psutil.Process(pid), 0, False
        self.base = self.proc.memory_info().rss
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self) -> None:
        while not self.stop:
            self.peak = max(self.peak, self.proc.memory_info().rss)
            time.sleep(0.02)


async def main_async(args, env, pids: dict[str, int]) -> dict:
    import httpx
    from minio import Minio

    from clients.services import Mesh
    from paymesh.ufs.v1 import ufs_service_pb2 as api
    from servers.kernel.settings import port

    edge = f"127.0.0.1:{port('envoy', env)}"
    mesh = Mesh({"ufs": edge}, traced=False)
    client_id, password = f"bench_{uuid.uuid4().hex[:8]}", "bench-password-123"
    bucket = f"bench-{uuid.uuid4().hex[:8]}-test"
    await mesh.ufs_admin.CreateClient(api.CreateClientRequest(client_id=client_id, password=password, request_id=str(uuid.uuid4())))
    await mesh.ufs_admin.BindBucketAlias(api.BindBucketAliasRequest(client_id=client_id, bucket_alias="main", bucket_name=bucket,
                                                                    request_id=str(uuid.uuid4())))
    await mesh.close()
    s3 = Minio(env["PAYMESH_S3_ENDPOINT"], access_key=env["PAYMESH_S3_ACCESS_KEY"], secret_key=env["PAYMESH_S3_SECRET_KEY"], secure=False)
    direct_bucket = f"bench-direct-{uuid.uuid4().hex[:8]}"
    s3.make_bucket(direct_bucket)
    hdrs = {"x-ufs-client-id": client_id, "authorization": "Basic " + base64.b64encode(f"{client_id}:{password}".encode()).decode(),
            "content-type": "application/octet-stream"}
    if args.encrypt:
        hdrs["x-ufs-encrypt"] = "true"
    sizes = [1 * MB, 100 * MB] + ([1024 * MB] if args.gigabyte else [])
    rss = PeakRss(pids["ufs"])
    cpu = Cpu(pids)
    ufs_http = Urllib3Ufs(edge)
    rows, figures, cpu_rows = [], {}, []
    async with httpx.AsyncClient(base_url=f"http://{edge}", timeout=600) as http:
        # Warm-up: the first authenticated call verifies the scrypt hash (once per client and process).
        assert (await http.get("/ufs2/standalone/file/bench/warm-up", headers=hdrs)).status_code == 404
        for size in sizes:
            label = f"{size // MB}MB"
            best: dict[str, float] = {}
            spent: dict[str, dict[str, float]] = {}
            runs = args.repeat if size < 1024 * MB else 1
            count = max(1, SMALL_BATCH // size)

            def charge(key: str, before: dict[str, float]) -> None:
                after = cpu.now()
                for name in after:
                    spent.setdefault(key, {}).setdefault(name, 0.0)
                    spent[key][name] += (after[name] - before[name]) / runs / count

            for _ in range(runs):
                # Small files: `count` of them back to back per timing (32 MB in all), so a run is not one ~3 ms sample.
                names = [f"{label}-{i}" for i in range(count)]
                c0, t0 = cpu.now(), time.perf_counter()
                for name in names:
                    await asyncio.to_thread(s3.put_object, direct_bucket, name, Pattern(size), -1, part_size=16 * MB)
                c1, t1 = cpu.now(), time.perf_counter()
                charge("direct_up", c0)

                def direct_get(name: str) -> int:
                    resp = s3.get_object(direct_bucket, name)
                    n = sum(len(c) for c in resp.stream(MB))
                    resp.close()
                    resp.release_conn()
                    return n
                for name in names:
                    got = await asyncio.to_thread(direct_get, name)
                    assert got == size
                c2, t2 = cpu.now(), time.perf_counter()
                charge("direct_down", c1)
                for name in names:
                    path = f"/ufs2/standalone/file/bench/{name}"
                    if args.client == "httpx":
                        r = await http.put(path, content=chunks(size), headers=hdrs)
                        assert r.status_code == 200, r.text
                    else:
                        status, text = await asyncio.to_thread(ufs_http.put, path, size, hdrs)
                        assert status == 200, text
                c3, t3 = cpu.now(), time.perf_counter()
                charge("ufs_up", c2)
                for name in names:
                    path = f"/ufs2/standalone/file/bench/{name}"
                    if args.client == "httpx":
                        got = 0
                        async with http.stream("GET", path, headers=hdrs) as down:
                            assert down.status_code == 200
                            async for c in down.aiter_raw():
                                got += len(c)
                    else:
                        got = await asyncio.to_thread(ufs_http.get, path, hdrs)
                    assert got == size, (got, size)
                t4 = time.perf_counter()
                charge("ufs_down", c3)
                for key, seconds in (("direct_up", t1 - t0), ("direct_down", t2 - t1), ("ufs_up", t3 - t2), ("ufs_down", t4 - t3)):
                    best[key] = max(best.get(key, 0.0), count * size / MB / seconds)
            figures[label] = {k: round(v, 1) for k, v in best.items()}
            figures[label]["cpu_ms_per_mb"] = {k: {n: round(v * 1000 / (size / MB), 2) for n, v in per.items()} for k, per in spent.items()}
            cpu_rows.append((label, spent))
            figures[label]["up_ratio"] = round(best["ufs_up"] / best["direct_up"], 2)
            figures[label]["down_ratio"] = round(best["ufs_down"] / best["direct_down"], 2)
            rows.append((label, best["direct_up"], best["ufs_up"], figures[label]["up_ratio"], best["direct_down"], best["ufs_down"],
                         figures[label]["down_ratio"]))
    rss.stop = True
    print(f"{'size':>7} | {'S3 up MB/s':>10} {'UFS up MB/s':>11} {'ratio':>5} | {'S3 down MB/s':>12} {'UFS down MB/s':>13} {'ratio':>5}")
    for label, du, uu, ur, dd, ud, dr in rows:
        print(f"{label:>7} | {du:>10.1f} {uu:>11.1f} {ur:>5.2f} | {dd:>12.1f} {ud:>13.1f} {dr:>5.2f}")
    print(f"\nCPU ms per MB (mean over the runs)  {'':>14} {'ufs':>6} {'envoy':>6} {'s3':>6} {'client':>6}")
    for label, spent in cpu_rows:
        for key in ("direct_up", "ufs_up", "direct_down", "ufs_down"):
            per = {n: v * 1000 / (int(label[:-2]) or 1) for n, v in spent[key].items()}
            print(f"{label:>7} {key:>12} {'':>20} {per['ufs']:>6.2f} {per['envoy']:>6.2f} {per['s3']:>6.2f} {per['client']:>6.2f}")
    print(f"UFS RSS: idle {rss.base / MB:.1f} MB, peak {rss.peak / MB:.1f} MB, growth {(rss.peak - rss.base) / MB:.1f} MB")
    return {"bench": "ufs", "encrypt": args.encrypt, "client": args.client, "figures": figures, "ufs_rss_idle_mb": round(rss.base / MB, 1),
            "ufs_rss_peak_mb": round(rss.peak / MB, 1), "ufs_rss_growth_mb": round((rss.peak - rss.base) / MB, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gigabyte", action="store_true", help="also 1 GB files")
    parser.add_argument("--encrypt", action="store_true", help="UFS uploads with x-ufs-encrypt: true")
    parser.add_argument("--repeat", type=int, default=3, help="runs per size below 1 GB (best is kept)")
    parser.add_argument("--client", choices=("urllib3", "httpx"), default="urllib3", help="HTTP client for the UFS side")
    parser.add_argument("--port-base", type=int, default=0, help="port base of the bench stack (default 26500 + PAYMESH_TEST_PORT_SHIFT)")
    args = parser.parse_args()
    from servers.stack import components, runner
    from tests.conftest import stack_env

    env = stack_env("e2e")
    base = args.port_base or 26500 + int(os.environ.get("PAYMESH_TEST_PORT_SHIFT", "0"))
    env.update(PAYMESH_PORT_BASE=str(base), PAYMESH_HOME=str(ROOT / ".paymesh-test" / f"bench-ufs-{base}"))
    plan = components.plan(env, PARTS)
    runner.down(plan, say=lambda _: None)
    runner.up(plan, say=lambda _: None, timeout_s=120)
    try:
        pids = {name: runner.running_pid(plan.home, name) for name in ("ufs", "envoy", "s3")}
        results = asyncio.run(main_async(args, plan.env, pids))
    finally:
        runner.down(plan, say=lambda _: None)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
