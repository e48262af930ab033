"""Ledger benchmark on real PostgreSQL (durable: fsync and synchronous commit on, unless --pg-fast).

    python bench/ledger.py [--seconds 6] [--concurrency 4] [--hot-concurrency 128] [--group-commit-inflight 2]
                              [--pg-fast] [--port-base 33500]

Starts its own PostgreSQL (port base 33500 unless --port-base, data in .paymesh-bench-ledger/) and drives the
LedgerServicer in-process (idempotency, validation-free proto translation, SQL; no network
hop), measuring:
  1. transfers/s, one leg per CreateTransfers                 (cold wallet → hot merchant)
  2. transfers/s, 100 legs per CreateTransfers (batched)
  3. hold → post pairs/s                                       (CreateTransfers pending + PostPendingTransfer)
  4. concurrent credits/s to ONE account from --hot-concurrency requesters (a merchant's
     pending-settlement account under thousands of concurrent payments): the hot path
     (buffered deltas, group commit) vs the baselines of a cold account (every group takes the
     one row lock) and of the hot account without group commit (one transaction per credit),
     same run, same load
  5. VerifyLedger duration over everything booked, which must pass
Each measure also reports the CPU it cost per unit (this process + every PostgreSQL
process, from /proc): on a shared, loaded machine throughput says little, CPU ms per
transfer says what 2 idle cores could do (2000 / ms, fsync latency amortized by concurrency).
Prints a table and ends with one JSON line.
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

PORT_BASE = 33500
BATCH_LEGS = 100


def eur(n: int) -> dict:
    return {"currency_code": "EUR", "amount_minor": n}


def rid(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex}"


def cpu_seconds(postmaster: int | None) -> float:
    """CPU time used so far by this process and by the PostgreSQL server (postmaster + children)."""
    total = time.process_time()
    if postmaster:
        tick = os.sysconf("SC_CLK_TCK")
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(stat.parent.name) == postmaster:  # its own CPU and that of backends it reaped (pool churn)
                total += (int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])) / tick
            elif int(fields[1]) == postmaster:
                total += (int(fields[11]) + int(fields[12])) / tick
    return total


def postmaster_pid(home: Path) -> int | None:
    for pid_file in home.rglob("postmaster.pid"):
        return int(pid_file.read_text().split()[0])
    return None


async def run_for(seconds: float, concurrency: int, op) -> tuple[int, float]:
    """Runs `op(worker, i)` in `concurrency` loops for `seconds`; returns (units done, elapsed)."""
    done = 0
    deadline = time.perf_counter() + seconds

    async def loop(worker: int) -> None:
        nonlocal done
        i = 0
        while time.perf_counter() < deadline:
            units = await op(worker, i)  # not `done += await ...`: that reads `done` before the await (lost updates)
            done += units
            i += 1

    started = time.perf_counter()
    await asyncio.gather(*(loop(w) for w in range(concurrency)))
    return done, time.perf_counter() - started


async def bench(args) -> dict:
    from paymesh.ledger.v1 import ledger_service_pb2 as api
    from servers.kernel import db as kdb
    from servers.kernel.settings import local_defaults
    from servers.ledger.group_commit import GroupCommit
    from servers.ledger.servicer import LedgerServicer
    from servers.ledger.workers import RollUp

    env = {"PAYMESH_PORT_BASE": str(args.port_base)}
    url = local_defaults(env)["database_url"].reveal()
    db = await kdb.connect(url, "ledger_bench", ROOT / "servers" / "ledger" / "migrations", pool_size=args.concurrency)
    ledger = LedgerServicer(db, group_commit_inflight=args.group_commit_inflight)
    alone = LedgerServicer(db, group_commit_inflight=0)  # the baseline: one transaction per request
    roll_up = RollUp(db)
    stop = asyncio.Event()

    async def roller() -> None:  # the service's roll-up worker, as in production
        while not stop.is_set():
            await asyncio.sleep(0.05 if await roll_up.step() else 0.2)

    roller_task = asyncio.create_task(roller())

    async def open_(owner_type: int, owner: str, account_type: int) -> str:
        reply = await ledger.OpenAccount(api.OpenAccountRequest(request_id=rid("o"), owner_type=owner_type, owner_id=owner,
                                                                account_type=account_type, currency_code="EUR"), None)
        return reply.account.account_id

    funding = await open_(4, "platform", 7)
    n_wallets = max(args.concurrency * BATCH_LEGS, args.hot_concurrency * 2)
    wallets = [await open_(1, f"w{i}", 1) for i in range(n_wallets)]
    for start in range(0, n_wallets, BATCH_LEGS):
        await ledger.CreateTransfers(api.CreateTransfersRequest(request_id=rid("fund"), legs=[
            api.TransferLeg(debit_account_id=funding, credit_account_id=w, amount=eur(10**9), business_code="TOPUP")
            for w in wallets[start:start + BATCH_LEGS]]), None)
    merchants = [await open_(2, f"shop{i}", 2) for i in range(args.concurrency)]
    hot = await open_(2, "hot-shop", 2)          # merchant pending settlement: hot by default
    cold = await open_(2, "cold-shop", 3)        # merchant settled: cold, every credit locks the row
    rows, figures, cpu_ms = [], {}, {}
    postmaster = postmaster_pid(args.home)

    def leg(debit: str, credit: str, pending: bool = False) -> api.TransferLeg:
        return api.TransferLeg(debit_account_id=debit, credit_account_id=credit, amount=eur(1), business_code="PAYMENT", pending=pending)

    async def single(w: int, i: int) -> int:
        await ledger.CreateTransfers(api.CreateTransfersRequest(request_id=rid("s"), legs=[leg(wallets[w * BATCH_LEGS + i % BATCH_LEGS], merchants[w])]), None)
        return 1

    async def batched(w: int, i: int) -> int:
        mine = wallets[w * BATCH_LEGS:(w + 1) * BATCH_LEGS]
        await ledger.CreateTransfers(api.CreateTransfersRequest(request_id=rid("b"), legs=[leg(x, merchants[w]) for x in mine]), None)
        return BATCH_LEGS

    async def hold_post(w: int, i: int) -> int:
        reply = await ledger.CreateTransfers(api.CreateTransfersRequest(
            request_id=rid("h"), legs=[leg(wallets[w * BATCH_LEGS + i % BATCH_LEGS], merchants[w], pending=True)]), None)
        await ledger.PostPendingTransfer(api.PostPendingTransferRequest(transfer_id=reply.transfers[0].transfer_id, request_id=rid("p")), None)
        return 1

    def credits_to(target: str, servicer=ledger):
        per = n_wallets // args.hot_concurrency  # each requester pays from wallets of its own

        async def credit(w: int, i: int) -> int:
            await servicer.CreateTransfers(api.CreateTransfersRequest(request_id=rid("c"), legs=[leg(wallets[w * per + i % per], target)]), None)
            return 1
        return credit

    n = args.hot_concurrency
    for name, op, unit, concurrency in (
            ("transfers/s, single leg", single, "transfers", args.concurrency),
            (f"transfers/s, batched ({BATCH_LEGS} legs)", batched, "transfers", args.concurrency),
            ("hold → post pairs/s", hold_post, "pairs", args.concurrency),
            (f"credits/s to one account, baseline (row lock) ×{n}", credits_to(cold), "credits", n),
            (f"credits/s to one account, row lock, no group commit ×{n}", credits_to(cold, alone), "credits", n),
            (f"credits/s to one account, hot, no group commit ×{n}", credits_to(hot, alone), "credits", n),
            (f"credits/s to one account, hot (buffered) ×{n}", credits_to(hot), "credits", n)):
        cpu_before = cpu_seconds(postmaster)
        group = ledger.group or GroupCommit(db, None, None)  # counters stay 0 without group commit
        groups_before = (group.groups, group.grouped)
        done, elapsed = await run_for(args.seconds, concurrency, op)
        groups = group.groups - groups_before[0]
        per_group = (group.grouped - groups_before[1]) / groups if groups else 0
        cpu_ms[name] = round((cpu_seconds(postmaster) - cpu_before) * 1000 / max(done, 1), 3)
        rows.append((name, done / elapsed, f"{done} {unit} in {elapsed:.1f}s, CPU {cpu_ms[name]:.2f} ms/{unit[:-1]}"
                     f" (≈ {2000 / cpu_ms[name] if cpu_ms[name] else 0:,.0f}/s on 2 idle cores)"
                     + (f", {per_group:.1f} requests/group" if groups else "")))
        figures[name] = round(done / elapsed, 1)

    stop.set()
    await roller_task
    started = time.perf_counter()
    verify = await ledger.VerifyLedger(api.VerifyLedgerRequest(), None)
    verify_s = time.perf_counter() - started
    rows.append(("verify duration (s)", verify_s, "ok" if verify.ok else "BROKEN"))
    print("\n".join(verify.report_lines))
    await db.close()

    print(f"\n{'measure':<54} {'value':>10}  notes")
    for name, value, note in rows:
        print(f"{name:<54} {value:>10.1f}  {note}")
    hot_name, cold_name = f"credits/s to one account, hot (buffered) ×{n}", f"credits/s to one account, baseline (row lock) ×{n}"
    alone_name = f"credits/s to one account, hot, no group commit ×{n}"
    hot_s, cold_s, alone_s = figures[hot_name], figures[cold_name], figures[alone_name]
    return {"bench": "ledger", "durable": not args.pg_fast, "concurrency": args.concurrency, "hot_concurrency": n,
            "seconds": args.seconds,
            "transfers_per_s_single": figures["transfers/s, single leg"],
            "transfers_per_s_batched": figures[f"transfers/s, batched ({BATCH_LEGS} legs)"],
            "hold_post_pairs_per_s": figures["hold → post pairs/s"],
            "hot_account_credits_per_s": hot_s, "baseline_row_lock_credits_per_s": cold_s,
            "hot_vs_baseline": round(hot_s / cold_s, 2) if cold_s else None,
            "group_commit_inflight": args.group_commit_inflight,
            "row_lock_no_group_commit_credits_per_s": figures[f"credits/s to one account, row lock, no group commit ×{n}"],
            "hot_no_group_commit_credits_per_s": alone_s, "hot_vs_no_group_commit": round(hot_s / alone_s, 2) if alone_s else None,
            "cpu_ms_per_hot_credit_no_group_commit": cpu_ms[alone_name],
            "cpu_ms_per_transfer_single": cpu_ms["transfers/s, single leg"],
            "cpu_ms_per_transfer_batched": cpu_ms[f"transfers/s, batched ({BATCH_LEGS} legs)"],
            "cpu_ms_per_hold_post_pair": cpu_ms["hold → post pairs/s"],
            "cpu_ms_per_hot_credit": cpu_ms[hot_name], "cpu_ms_per_baseline_credit": cpu_ms[cold_name],
            "load_avg_1m": round(os.getloadavg()[0], 2),
            "verify_s": round(verify_s, 3), "verify_ok": verify.ok}


def main() -> None:
    from servers.ledger.settings import Settings

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--hot-concurrency", type=int, default=128, help="concurrent requesters crediting the one account")
    parser.add_argument("--port-base", type=int, default=PORT_BASE, help="PostgreSQL's port base (a free one per engineer)")
    parser.add_argument("--group-commit-inflight", type=int, default=Settings.group_commit_inflight,
                        help="concurrent CreateTransfers groups; 0 = every request in a transaction of its own (before group commit)")
    parser.add_argument("--pg-fast", action="store_true", help="fsync off (the test tiers' setting): the CPU-bound ceiling")
    args = parser.parse_args()
    from mesh import fresh_stack

    home = ROOT / (".paymesh-bench-ledger" if args.port_base == PORT_BASE else f".paymesh-bench-ledger-{args.port_base}")
    with fresh_stack(home, args.port_base, {"postgres"}, {"PAYMESH_PG_FAST": "1" if args.pg_fast else "0"}) as plan:
        args.home = plan.home
        result = asyncio.run(bench(args))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
