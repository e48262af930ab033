"""Reconciliation benchmark on real PostgreSQL: a generated statement of --lines lines (default
1,000,000) against as many matching institution orders, imported (streamed: chunks → lines →
COPY batches) and reconciled (set-based SQL), measuring lines/s and peak RSS.

    python bench/recon.py [--lines 1000000] [--port-base 36000] [--pg-fast]

Starts its own PostgreSQL (data in .paymesh-bench-recon-<port base>/), inserts the orders
directly in its own schema, writes the statement file to disk, then measures in the same run:
  baseline a  plain CSV parse loop over the file (csv.reader + int(), nothing stored)
  baseline b  raw COPY of the file into an unindexed table (PostgreSQL's own CSV loader)
  import      statements.import_statement (our parser + COPY batches, one transaction)
  match       SqlReconStore.match (classification + cases + totals in one statement)
Memory: peak RSS (ru_maxrss) after a 10x smaller statement and after the full one — bounded
memory means the two stay close. Prints a table and ends with one JSON line.
"""
from __future__ import annotations

import argparse
import asyncio
import csv
import datetime as dt
import json
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "generated")]

PORT_BASE = 36000
DAY = dt.date(2026, 3, 10)
DRIFT_EVERY = 100_000  # one amount mismatch per this many lines


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def seed(db, channel: str, n: int) -> float:
    from sqlalchemy import text

    started = time.perf_counter()
    for lo in range(1, n + 1, 50_000):  # chunks: each statement stays under the engine's command timeout
        hi = min(n, lo + 49_999)
        async with db.transaction() as conn:
            await conn.execute(text("INSERT INTO instructions (instruction_id, request_hash, type, request, max_attempts)"
                                    " SELECT :c || '_ins_' || i, '\\x00', 1, '{}', 1 FROM generate_series(CAST(:lo AS INT), CAST(:hi AS INT)) i"),
                               {"c": channel, "lo": lo, "hi": hi})
            await conn.execute(text(
                "INSERT INTO inst_orders (inst_order_id, instruction_id, attempt, type, state, channel_id, method, currency_code,"
                " amount_minor, settled_amount_minor, fee_minor, channel_reference, finish_time)"
                " SELECT :c || '_ino_' || i, :c || '_ins_' || i, 1, 1, 5, :c, 1, 'EUR', 1000 + i % 5000, 1000 + i % 5000, 10,"
                " :c || '_ref_' || i, :t FROM generate_series(CAST(:lo AS INT), CAST(:hi AS INT)) i"),
                {"c": channel, "lo": lo, "hi": hi, "t": dt.datetime.combine(DAY, dt.time(12), dt.timezone.utc)})
    async with db.transaction() as conn:
        await conn.execute(text("ANALYZE inst_orders"))
    return time.perf_counter() - started


def write_statement(path: Path, channel: str, n: int) -> int:
    from servers.channel.recon_adapters import SIM_HEADER

    with path.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(SIM_HEADER)
        when = f"{DAY}T12:00:00+00:00"
        for i in range(1, n + 1):
            amount = 1000 + i % 5000 + (1 if i % DRIFT_EVERY == 0 else 0)
            w.writerow([f"{channel}_ref_{i}", f"{channel}_ino_{i}", "PAY", "SUCCESS", amount, "EUR", 10, when])
    return path.stat().st_size


def file_chunks(path: Path, size: int = 1 << 16):
    async def gen():
        with path.open("rb") as f:
            while chunk := f.read(size):
                yield chunk
    return gen


def baseline_parse(path: Path) -> float:
    started, total = time.perf_counter(), 0
    with path.open(newline="") as f:
        reader = csv.reader(f)
        next(reader)
        for row in reader:
            total += int(row[4]) + int(row[6])
    return time.perf_counter() - started


async def baseline_copy(db, path: Path) -> float:
    from sqlalchemy import text

    async with db.transaction() as conn:
        await conn.execute(text("CREATE UNLOGGED TABLE IF NOT EXISTS raw_lines (a TEXT, b TEXT, c TEXT, d TEXT, e BIGINT, f TEXT,"
                                " g BIGINT, h TIMESTAMPTZ)"))
    started = time.perf_counter()
    async with db.transaction() as conn:
        raw = await conn.get_raw_connection()
        await raw.driver_connection.copy_to_table("raw_lines", source=str(path), format="csv", header=True)
    return time.perf_counter() - started


async def reconcile(db, channel: str, path: Path) -> tuple[float, float, dict]:
    from servers.channel import statements
    from servers.channel.recon_adapters import SimCsvParser
    from servers.channel.recon_store import SqlReconStore

    started = time.perf_counter()
    stm = await statements.import_statement(db, channel, DAY, 1, SimCsvParser(), file_chunks(path))
    imported = time.perf_counter()
    store = SqlReconStore(db)
    run = await store.match(channel, DAY, stm.statement_id, stm.line_count, await store.tolerance(channel), "ctx_bench")
    return imported - started, time.perf_counter() - imported, {"line_count": stm.line_count, "totals": run.totals,
                                                                "cases_opened": run.cases_opened}


async def bench(args) -> dict:
    from servers.kernel import db as kdb
    from servers.kernel.settings import local_defaults

    url = local_defaults({"PAYMESH_PORT_BASE": str(args.port_base)})["database_url"].reveal()
    db = await kdb.connect(url, "recon_bench", ROOT / "servers" / "channel" / "migrations", pool_size=2)
    work = Path(args.home)
    small_n, n = max(1, args.lines // 10), args.lines
    seed_s = await seed(db, "small", small_n) + await seed(db, "big", n)
    small_file, big_file = work / "small.csv", work / "big.csv"
    write_statement(small_file, "small", small_n)
    size = write_statement(big_file, "big", n)
    rss_start = rss_mib()
    small_import, small_match, _ = await reconcile(db, "small", small_file)
    rss_small = rss_mib()
    parse_s = baseline_parse(big_file)
    copy_s = await baseline_copy(db, big_file)
    import_s, match_s, run = await reconcile(db, "big", big_file)
    rss_big = rss_mib()
    await db.close()
    total = import_s + match_s
    diffs = {k: v["count"] for k, v in run["totals"].items() if k != "-1"}
    rows = [("baseline a: csv parse loop", parse_s), ("baseline b: raw COPY (PostgreSQL CSV)", copy_s),
            ("import (parse + COPY batches)", import_s), ("match (set-based SQL)", match_s), ("import + match", total)]
    print(f"\nstatement: {n:,} lines, {size / 1e6:.0f} MB; seeding {n + small_n:,} orders took {seed_s:.1f} s; "
          f"load average {os.getloadavg()[0]:.2f}")
    print(f"{'step':40} {'seconds':>9} {'lines/s':>12}")
    for name, seconds in rows:
        print(f"{name:40} {seconds:9.2f} {n / seconds:12,.0f}")
    print(f"peak RSS: {rss_start:.0f} MiB before, {rss_small:.0f} MiB after {small_n:,} lines, {rss_big:.0f} MiB after {n:,} lines")
    print(f"differences found: {diffs} (expected {n // DRIFT_EVERY} amount mismatches, kind 3)")
    return {"bench": "recon", "lines": n, "file_mb": round(size / 1e6, 1), "baseline_parse_lines_per_s": round(n / parse_s),
            "baseline_copy_lines_per_s": round(n / copy_s), "import_lines_per_s": round(n / import_s),
            "match_lines_per_s": round(n / match_s), "recon_lines_per_s": round(n / total), "seconds": round(total, 2),
            "small_run_lines_per_s": round(small_n / (small_import + small_match)), "peak_rss_mib_small": round(rss_small),
            "peak_rss_mib_full": round(rss_big), "differences": diffs, "load_average": round(os.getloadavg()[0], 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--port-base", type=int, default=PORT_BASE, help="PostgreSQL's port base (a free one per engineer)")
    parser.add_argument("--pg-fast", action="store_true", help="fsync off (the test tiers' setting)")
    args = parser.parse_args()
    from mesh import fresh_stack

    args.home = str(ROOT / f".paymesh-bench-recon-{args.port_base}")
    with fresh_stack(Path(args.home), args.port_base, {"postgres"}, {"PAYMESH_PG_FAST": "1" if args.pg_fast else "0"}):
        result = asyncio.run(bench(args))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
