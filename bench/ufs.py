"""UFS benchmark: upload and download MB/s for 1 MB and 100 MB files (1 GB with --gigabyte)
through Envoy + UFS (REST, streamed both ways) against direct to S3 with the minio SDK in
the same run (the baseline), plus the UFS server's peak RSS and its growth over idle.

    PAYMESH_TEST_PORT_SHIFT=4000 .venv/bin/python bench/ufs.py [--gigabyte] [--encrypt] [--repeat 3] [--port-base N]
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


async def main_async(args, env, ufs_pid: int) -> dict:
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
    rss = PeakRss(ufs_pid)
    rows, figures = [], {}
    async with httpx.AsyncClient(base_url=f"http://{edge}", timeout=600) as http:
        for size in sizes:
            label = f"{size // MB}MB"
            best: dict[str, float] = {}
            for _ in range(args.repeat if size < 1024 * MB else 1):
                t0 = time.perf_counter()
                await asyncio.to_thread(s3.put_object, direct_bucket, label, Pattern(size), -1, part_size=16 * MB)
                t1 = time.perf_counter()
                resp = await asyncio.to_thread(s3.get_object, direct_bucket, label)
                got = sum(len(c) for c in resp.stream(MB))
                resp.close()
                resp.release_conn()
                t2 = time.perf_counter()
                assert got == size
                r = await http.put(f"/ufs2/standalone/file/bench/{label}", content=chunks(size), headers=hdrs)
                assert r.status_code == 200, r.text
                t3 = time.perf_counter()
                got = 0
                async with http.stream("GET", f"/ufs2/standalone/file/bench/{label}", headers=hdrs) as down:
                    assert down.status_code == 200
                    async for c in down.aiter_raw():
                        got += len(c)
                t4 = time.perf_counter()
                assert got == size, (got, size)
                for key, seconds in (("direct_up", t1 - t0), ("direct_down", t2 - t1), ("ufs_up", t3 - t2), ("ufs_down", t4 - t3)):
                    best[key] = max(best.get(key, 0.0), size / MB / seconds)
            figures[label] = {k: round(v, 1) for k, v in best.items()}
            figures[label]["up_ratio"] = round(best["ufs_up"] / best["direct_up"], 2)
            figures[label]["down_ratio"] = round(best["ufs_down"] / best["direct_down"], 2)
            rows.append((label, best["direct_up"], best["ufs_up"], figures[label]["up_ratio"], best["direct_down"], best["ufs_down"],
                         figures[label]["down_ratio"]))
    rss.stop = True
    print(f"{'size':>7} | {'S3 up MB/s':>10} {'UFS up MB/s':>11} {'ratio':>5} | {'S3 down MB/s':>12} {'UFS down MB/s':>13} {'ratio':>5}")
    for label, du, uu, ur, dd, ud, dr in rows:
        print(f"{label:>7} | {du:>10.1f} {uu:>11.1f} {ur:>5.2f} | {dd:>12.1f} {ud:>13.1f} {dr:>5.2f}")
    print(f"UFS RSS: idle {rss.base / MB:.1f} MB, peak {rss.peak / MB:.1f} MB, growth {(rss.peak - rss.base) / MB:.1f} MB")
    return {"bench": "ufs", "encrypt": args.encrypt, "figures": figures, "ufs_rss_idle_mb": round(rss.base / MB, 1),
            "ufs_rss_peak_mb": round(rss.peak / MB, 1), "ufs_rss_growth_mb": round((rss.peak - rss.base) / MB, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gigabyte", action="store_true", help="also 1 GB files")
    parser.add_argument("--encrypt", action="store_true", help="UFS uploads with x-ufs-encrypt: true")
    parser.add_argument("--repeat", type=int, default=3, help="runs per size below 1 GB (best is kept)")
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
        results = asyncio.run(main_async(args, plan.env, runner.running_pid(plan.home, "ufs")))
    finally:
        runner.down(plan, say=lambda _: None)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
