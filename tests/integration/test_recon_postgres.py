"""Reconciliation on real PostgreSQL: the streaming import (COPY in batches, chunk boundaries
anywhere, idempotent per channel and date, replace), the set-based matching of a statement
against the day's institution orders with every difference class and tolerances, cases opened
once, and the next day's run settling channel-missing cases. The ledger is a fake of our port."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import text

from servers.channel import recon, statements
from servers.channel.recon import CaseState, Kind, Tolerance
from servers.channel.recon_adapters import SIM_HEADER, SimCsvParser
from servers.channel.recon_store import SqlReconStore
from servers.kernel import db as kdb

MIGRATIONS = Path(__file__).resolve().parents[2] / "servers" / "channel" / "migrations"
DAY = dt.date(2026, 3, 10)
N = 3000


@pytest.fixture
async def channel_db(settings, unique):
    database = await kdb.connect(settings.database_url.reveal(), unique("recon"), MIGRATIONS, pool_size=5)
    yield database
    await database.close()


async def seed(db, n: int) -> None:
    """n SUCCESS orders ino_1..ino_n of channel a, finished on DAY, amount 1000 + i, fee 10; ino_f1 FAIL."""
    async with db.transaction() as conn:
        await conn.execute(text(
            "INSERT INTO instructions (instruction_id, request_hash, type, request, max_attempts)"
            " SELECT 'ins_' || i, '\\x00', 1, '{}', 1 FROM generate_series(1, :n) i"), {"n": n + 1})
        await conn.execute(text(
            "INSERT INTO inst_orders (inst_order_id, instruction_id, attempt, type, state, channel_id, method, currency_code,"
            " amount_minor, settled_amount_minor, fee_minor, channel_reference, finish_time)"
            " SELECT 'ino_' || i, 'ins_' || i, 1, 1, CASE WHEN i <= :n THEN 5 ELSE 6 END, 'a', 1, 'EUR', 1000 + i,"
            " CASE WHEN i <= :n THEN 1000 + i END, 10, 'ch_' || i, :t FROM generate_series(1, :n + 1) i"),
            {"n": n, "t": dt.datetime.combine(DAY, dt.time(12), dt.timezone.utc)})


def statement_csv(n: int, drop=(), amount=None, status=(), fee=None, extra=0, fail_line=True) -> bytes:
    amount, fee = amount or {}, fee or {}
    rows = [",".join(SIM_HEADER)]
    for i in range(1, n + 1):
        if i in drop:
            continue
        ref = "" if i == 2 else f"ino_{i}"  # line 2 echoes only the channel's reference
        st = "FAIL" if i in status else "SUCCESS"
        rows.append(f"ch_{i},{ref},PAY,{st},{1000 + i + amount.get(i, 0)},EUR,{10 + fee.get(i, 0)},{DAY}T12:00:00+00:00")
    if fail_line:
        rows.append(f"ch_{n + 1},ino_{n + 1},PAY,FAIL,{1001 + n},EUR,0,{DAY}T12:00:00+00:00")
    for k in range(extra):
        rows.append(f"sim_x{k},,PAY,SUCCESS,500,EUR,0,{DAY}T13:00:00+00:00")
    rows.append(f"sim_f,,PAY,FAIL,700,EUR,0,{DAY}T13:00:00+00:00")  # a failure we never had: ignored
    return ("\n".join(rows) + "\n").encode()


def chunks(data: bytes, size: int):
    async def gen():
        for i in range(0, len(data), size):
            yield data[i:i + size]
    return gen


class FakeLedger:
    def __init__(self):
        self.posted: dict[str, tuple] = {}

    async def book(self, request_id, channel_id, currency, amount_minor, code, ref):
        self.posted.setdefault(request_id, (channel_id, currency, amount_minor, code))
        return [f"tr_{len(self.posted)}"]


async def test_streaming_import_is_idempotent_and_replaceable(channel_db, monkeypatch):
    monkeypatch.setattr(statements, "COPY_BATCH", 100)  # many COPY batches
    data = statement_csv(1000)
    first = await statements.import_statement(channel_db, "a", DAY, 1, SimCsvParser(), chunks(data, 777))
    assert first.state == statements.IMPORTED and first.line_count == 1002
    assert first.totals["amounts"]["EUR"] == sum(1000 + i for i in range(1, 1001)) + 2001 + 700
    again = await statements.import_statement(channel_db, "a", DAY, 1, SimCsvParser(), chunks(b"garbage", 3))
    assert again.statement_id == first.statement_id  # the source is not even read
    replaced = await statements.import_statement(channel_db, "a", DAY, 1, SimCsvParser(), chunks(statement_csv(10), 5), replace=True)
    assert replaced.statement_id != first.statement_id and replaced.line_count == 12
    async with channel_db.transaction() as conn:
        assert (await conn.execute(text("SELECT count(*) FROM statement_lines"))).scalar() == 12
    with pytest.raises(Exception) as err:
        await statements.import_statement(channel_db, "a", DAY + dt.timedelta(days=1), 1, SimCsvParser(),
                                          chunks(b"bad,header\n1,2\n", 4))
    assert getattr(err.value, "reason", "") == "STATEMENT_MALFORMED"
    async with channel_db.transaction() as conn:
        failed = await statements.find(conn, "a", DAY + dt.timedelta(days=1))
    assert failed.state == statements.FAILED and "header" in failed.error_message


async def test_set_based_matching_classifies_every_difference_once(channel_db):
    await seed(channel_db, N)
    data = statement_csv(N, drop={5, 6}, amount={7: 3, 8: -1}, status={9}, fee={10: 2}, extra=2)
    stm = await statements.import_statement(channel_db, "a", DAY, 1, SimCsvParser(), chunks(data, 4096))
    store = SqlReconStore(channel_db)
    await store.set_tolerance("a", Tolerance(amount_minor=1, fee_minor=0))  # -1 on line 8 is tolerated
    run = await store.match("a", DAY, stm.statement_id, stm.line_count, await store.tolerance("a"), "ctx_t")
    counts = {int(k): v["count"] for k, v in run.totals.items()}
    assert counts == {recon.MATCHED: N - 5 + 1, recon.IGNORED: 1, Kind.LOCAL_MISSING: 2, Kind.CHANNEL_MISSING: 2,
                      Kind.AMOUNT_MISMATCH: 1, Kind.STATUS_MISMATCH: 1, Kind.FEE_MISMATCH: 1}
    assert run.cases_opened == 7
    cases = await store.list_cases({"channel_id": "a"}, 100, "")
    by_kind = {}
    for c in cases:
        by_kind.setdefault(c.kind, []).append(c)
    assert sorted(c.inst_order_id for c in by_kind[Kind.CHANNEL_MISSING]) == ["ino_5", "ino_6"]
    assert by_kind[Kind.AMOUNT_MISMATCH][0].inst_order_id == "ino_7" and by_kind[Kind.AMOUNT_MISMATCH][0].state == CaseState.AUTO_RESOLVED
    assert by_kind[Kind.STATUS_MISMATCH][0].inst_order_id == "ino_9"
    assert by_kind[Kind.FEE_MISMATCH][0].inst_order_id == "ino_10"
    assert all(c.context_id == "ctx_t" for c in cases)

    ledger = FakeLedger()
    assert await recon.book_pending(store, ledger, "a") == 3  # amount mismatch + 2 local missing
    assert await recon.book_pending(store, ledger, "a") == 0
    assert sorted(v[2] for v in ledger.posted.values()) == [3, 500, 500]

    rerun = await store.match("a", DAY, stm.statement_id, stm.line_count, Tolerance(1, 0), "ctx_t")
    assert rerun.cases_opened == 0  # never twice

    # the next day: ino_5 shows up, ino_6 does not
    next_day = DAY + dt.timedelta(days=1)
    later = f"{','.join(SIM_HEADER)}\nch_5,ino_5,PAY,SUCCESS,1005,EUR,10,{next_day}T01:00:00+00:00\n".encode()
    stm2 = await statements.import_statement(channel_db, "a", next_day, 1, SimCsvParser(), chunks(later, 64))
    run2 = await store.match("a", next_day, stm2.statement_id, stm2.line_count, Tolerance(), "ctx_u")
    assert run2.cases_settled == 2
    settled = {c.inst_order_id: c for c in await store.list_cases({"channel_id": "a", "kind": int(Kind.CHANNEL_MISSING)}, 10, "")}
    assert settled["ino_5"].resolution == "APPEARED_LATER" and settled["ino_5"].booked
    assert settled["ino_6"].resolution == "REVERSED_TO_SUSPENSE" and not settled["ino_6"].booked
    await recon.book_pending(store, ledger, "a")
    assert ledger.posted[f"recon:{settled['ino_6'].case_id}"][2] == -1006
