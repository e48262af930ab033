"""Reconciliation rules with fakes of our ports: classification and tolerances, automatic
bookings, maker-checker, write-off, the per-channel parser, the streaming line splitter and
loader, the simulator's statement drift and near-real-time cases."""
from __future__ import annotations

import dataclasses
import datetime as dt
from types import SimpleNamespace

import pytest

from servers.channel import recon, statements
from servers.channel.recon import Case, CaseState, Kind, Tolerance, classify
from servers.channel.recon_adapters import PARSERS, SIM_HEADER, SimCsvParser, text_lines
from servers.kernel.errors import FailedPrecondition, PermissionDenied
from servers.kernel.money import Money
from tools.channel_simulator.server import drifted

S, F = recon.SUCCESS, recon.FAIL
NOW = dt.datetime(2026, 3, 10, 12, tzinfo=dt.timezone.utc)


@pytest.mark.parametrize("args, expected", [
    ((S, 1000, 10, S, 1000, 10), recon.MATCHED),
    ((F, 1000, 0, F, 1000, 10), recon.MATCHED),
    ((S, 1000, 10, None, None, None), Kind.LOCAL_MISSING),
    ((F, 1000, 10, None, None, None), recon.IGNORED),
    ((S, 1001, 10, S, 1000, 10), Kind.AMOUNT_MISMATCH),
    ((S, 1000, 12, S, 1000, 10), Kind.FEE_MISMATCH),
    ((F, 1000, 10, S, 1000, 10), Kind.STATUS_MISMATCH),
    ((S, 1000, 10, 3, 1000, 10), Kind.STATUS_MISMATCH),  # still PROCESSING here
])
def test_classification(args, expected):
    assert classify(*args) == expected


def test_tolerances_absorb_small_differences():
    assert classify(S, 1002, 13, S, 1000, 10, Tolerance(amount_minor=2, fee_minor=3)) == recon.MATCHED
    assert classify(S, 1003, 10, S, 1000, 10, Tolerance(amount_minor=2)) == Kind.AMOUNT_MISMATCH


def case(kind=Kind.FEE_MISMATCH, **kw) -> Case:
    state, resolution, booked = recon.initial_state(kind)
    return Case(kw.pop("case_id", "rcc_1"), kind, state, "a", NOW.date(), "EUR", resolution=resolution, booked=booked,
                create_time=NOW, **kw)


def test_automatic_booking_amounts_and_initial_states():
    assert recon.booking_amount(case(Kind.LOCAL_MISSING, channel_amount=500)) == 500
    assert recon.booking_amount(case(Kind.AMOUNT_MISMATCH, channel_amount=995, local_amount=1000)) == -5
    assert recon.booking_amount(case(Kind.CHANNEL_MISSING, local_amount=1000)) == -1000
    assert recon.booking_amount(case(Kind.FEE_MISMATCH, channel_fee=3)) == 0
    assert recon.booking_amount(case(Kind.AMOUNT_MISMATCH, channel_amount=1005, local_amount=1000, order_type=2)) == -5  # refund: out
    assert recon.initial_state(Kind.AMOUNT_MISMATCH) == (CaseState.AUTO_RESOLVED, "SUSPENSE_ADJUSTED", False)
    assert recon.initial_state(Kind.LOCAL_MISSING)[0] == CaseState.OPEN
    assert recon.initial_state(Kind.CHANNEL_MISSING) == (CaseState.OPEN, "", True)


def test_sla_age():
    c = case(Kind.LOCAL_MISSING)
    assert c.age_seconds(NOW + dt.timedelta(hours=2)) == 7200 and not c.sla_breached(NOW + dt.timedelta(hours=2))
    assert c.sla_breached(NOW + dt.timedelta(days=2))
    assert not dataclasses.replace(c, state=CaseState.WRITTEN_OFF).sla_breached(NOW + dt.timedelta(days=2))


class FakeStore:
    def __init__(self, *cases: Case):
        self.cases = {c.case_id: c for c in cases}

    async def get_case(self, case_id):
        return self.cases.get(case_id)

    async def cas_case(self, c, **changes):
        if self.cases[c.case_id].version != c.version:
            return None
        moved = dataclasses.replace(c, version=c.version + 1, **changes)
        self.cases[c.case_id] = moved
        return moved

    async def unbooked(self, channel_id):
        return [c for c in self.cases.values() if not c.booked and c.channel_id == channel_id]

    async def insert_case(self, c):
        return self.cases.setdefault(c.case_id, c) is c

    async def open_status_cases(self, channel_id):
        return [c for c in self.cases.values() if c.kind == Kind.STATUS_MISMATCH and c.state == CaseState.OPEN
                and not c.resolution and c.order_type == 1 and c.run_id and c.channel_id == channel_id]


class FakeCorrect:
    """Front.correct: records the channel's final word applied to an order."""

    def __init__(self):
        self.calls: list[tuple] = []

    async def __call__(self, inst_order_id, captured, amount_minor):
        self.calls.append((inst_order_id, captured, amount_minor))


class FakeLedger:
    def __init__(self):
        self.calls: list[tuple] = []

    async def book(self, request_id, channel_id, currency, amount_minor, code, ref):
        self.calls.append((request_id, amount_minor, code))
        return [f"tr_{len(self.calls)}"]


async def test_maker_checker_needs_a_second_person():
    store, ledger = FakeStore(case()), FakeLedger()
    await recon.propose(store, "rcc_1", -3, "fee over-charged", "alice")
    with pytest.raises(PermissionDenied) as err:
        await recon.approve(store, ledger, "rcc_1", "alice")
    assert err.value.reason == "MAKER_CHECKER" and ledger.calls == []
    done = await recon.approve(store, ledger, "rcc_1", "bob")
    assert done.state == CaseState.ADJUSTED and done.adjustment["approved_by"] == "bob"
    assert ledger.calls == [(f"recon:rcc_1:{done.adjustment['proposal_id']}", -3, "RECON_ADJUSTMENT")]
    assert (await recon.approve(store, ledger, "rcc_1", "bob")) is done and len(ledger.calls) == 1  # idempotent
    with pytest.raises(FailedPrecondition):
        await recon.write_off(store, "rcc_1", "no", "carol")


async def test_approving_without_a_proposal_or_a_closed_case_is_refused():
    store = FakeStore(case(), case(Kind.AMOUNT_MISMATCH, case_id="rcc_2"))
    with pytest.raises(FailedPrecondition) as err:
        await recon.approve(store, FakeLedger(), "rcc_1", "bob")
    assert err.value.reason == "NO_PROPOSAL"
    with pytest.raises(FailedPrecondition) as err:
        await recon.propose(store, "rcc_2", 1, "x", "alice")
    assert err.value.reason == "CASE_NOT_OPEN"
    written = await recon.write_off(store, "rcc_1", "immaterial", "carol")
    assert written.state == CaseState.WRITTEN_OFF and "carol" in written.note


async def test_book_pending_posts_once_per_case():
    store, ledger = FakeStore(case(Kind.LOCAL_MISSING, channel_amount=500),
                              case(Kind.AMOUNT_MISMATCH, case_id="rcc_2", channel_amount=1007, local_amount=1000)), FakeLedger()
    assert await recon.book_pending(store, ledger, "a") == 2
    assert await recon.book_pending(store, ledger, "a") == 0
    assert sorted(ledger.calls) == [("recon:rcc_1", 500, "RECON_LOCAL_MISSING"), ("recon:rcc_2", 7, "RECON_AMOUNT_MISMATCH")]


def test_sim_parser_checks_header_and_fields():
    parser = PARSERS["http-json-v1"]
    rows = parser.parse([",".join(SIM_HEADER) + "\n", "c1,ino_1,PAY,SUCCESS,1000,EUR,10,2026-03-10T12:00:00+00:00\n"], 1)
    assert rows == [("c1", "ino_1", 1, 5, "EUR", 1000, 10, dt.datetime(2026, 3, 10, 12, tzinfo=dt.timezone.utc), "SUCCESS")]
    with pytest.raises(ValueError, match="line 1"):
        parser.parse(["a,b\n"], 1)
    with pytest.raises(ValueError, match="line 7"):
        parser.parse(["c1,ino_1,PAY,SUCCESS,ten,EUR,10,\n"], 7)


async def test_text_lines_split_across_any_chunk_boundary_and_load_streams():
    data = ",".join(SIM_HEADER) + "\n" + "".join(f"c{i},ino_{i},PAY,SUCCESS,{i},EUR,0,\n" for i in range(1, 51))

    async def chunks():
        for i in range(0, len(data), 7):
            yield data[i:i + 7].encode()
    batches = [b async for b in text_lines(chunks())]
    assert "".join("".join(b) for b in batches) == data and all(line.endswith("\n") for b in batches for line in b)
    copied: list[list] = []

    async def copy(conn, records):
        copied.append(records)
    statements.COPY_BATCH, old = 10, statements.COPY_BATCH
    try:
        count, sha, totals = await statements.load(None, "stm_1", chunks(), SimCsvParser(), copy)
    finally:
        statements.COPY_BATCH = old
    assert count == 50 and len(sha) == 64 and totals.amounts == {"EUR": sum(range(1, 51))}
    assert [r[1] for batch in copied for r in batch] == list(range(1, 51)) and max(len(b) for b in copied) < 20


def test_simulator_drift_names_references():
    rows = [[f"c{i}", f"ino_{i}", "PAY", "SUCCESS", 1000, "EUR", 10, "t"] for i in range(5)]
    out = drifted(rows, {"drop": ["ino_0"], "amount": {"ino_1": 5}, "status": ["ino_2"], "fee": {"ino_3": 2},
                         "add": [{"amount_minor": 77}]}, "2026-03-10")
    assert [r[1] for r in out] == ["ino_1", "ino_2", "ino_3", "ino_4", ""]
    assert out[0][4] == 1005 and out[1][3] == "FAIL" and out[2][6] == 12 and out[4][4] == 77


def test_near_real_time_case_only_on_disagreement():
    order = SimpleNamespace(state=5, type=1, amount=Money("EUR", 1000), settled_amount=Money("EUR", 1000), channel_id="a",
                            inst_order_id="ino_1", channel_reference="c1", context_id="ctx", payment_id="p", order_id="o")
    assert recon.near_real_time_case(order, S, 1000, NOW.date()) is None
    late = recon.near_real_time_case(SimpleNamespace(**{**vars(order), "state": 6}), S, 1000, NOW.date())
    assert late.kind == Kind.STATUS_MISMATCH and late.state == CaseState.OPEN
    wrong = recon.near_real_time_case(order, S, 990, NOW.date())
    assert wrong.kind == Kind.AMOUNT_MISMATCH and not wrong.booked


def status_case(case_id: str, local: int, channel: int, **kw) -> Case:
    return case(Kind.STATUS_MISMATCH, case_id=case_id, inst_order_id=f"ino_{case_id}", local_state=local, channel_state=channel,
                local_amount=1000, channel_amount=kw.pop("channel_amount", 1000), run_id=kw.pop("run_id", "rcr_1"), **kw)


async def test_the_channels_final_word_resolves_status_mismatches_of_pay_orders():
    captured_we_failed = status_case("c1", F, S, channel_amount=990)
    captured_still_open = status_case("c2", 3, S)  # PROCESSING here
    failed_we_booked = status_case("c3", S, F)
    failed_still_open = status_case("c4", 7, F)  # UNKNOWN here
    refund = status_case("c5", F, S, order_type=2)
    store, correct, ledger = FakeStore(captured_we_failed, captured_still_open, failed_we_booked, failed_still_open, refund), \
        FakeCorrect(), FakeLedger()
    assert await recon.resolve_open_status(store, correct, ledger, "a") == 4
    assert sorted(correct.calls) == [("ino_c1", True, 990), ("ino_c2", True, 1000), ("ino_c4", False, None)]
    resolutions = {c.case_id: (c.state, c.resolution) for c in store.cases.values()}
    assert resolutions == {"c1": (CaseState.AUTO_RESOLVED, "CAPTURE_TO_PAYMENT"), "c2": (CaseState.AUTO_RESOLVED, "CAPTURE_TO_PAYMENT"),
                           "c3": (CaseState.AUTO_RESOLVED, "REVERSED_TO_SUSPENSE"), "c4": (CaseState.AUTO_RESOLVED, "FAILED_PER_CHANNEL"),
                           "c5": (CaseState.OPEN, "")}  # money out: operations decide
    # the receivable we booked for c3 is reversed: suspense → clearing, once
    assert ledger.calls == [("recon:c3", -1000, "RECON_STATUS_MISMATCH")] and store.cases["c3"].booked
    assert await recon.resolve_open_status(store, correct, ledger, "a") == 0 and len(correct.calls) == 3


async def test_a_late_capture_is_corrected_at_once_but_a_late_fail_never_reverses_money_by_itself():
    store, correct, ledger = FakeStore(), FakeCorrect(), FakeLedger()
    failed = SimpleNamespace(state=6, type=1, amount=Money("EUR", 1000), settled_amount=None, channel_id="a", inst_order_id="ino_9",
                             channel_reference="c9", context_id="ctx", payment_id="p", order_id="o")
    done = await recon.watch(store, ledger, correct, failed, S, 1000)
    assert done.state == CaseState.AUTO_RESOLVED and done.resolution == "CAPTURE_TO_PAYMENT"
    assert correct.calls == [("ino_9", True, 1000)]
    paid = SimpleNamespace(**{**vars(failed), "state": 5, "inst_order_id": "ino_8"})
    waiting = await recon.watch(store, ledger, correct, paid, F, 1000)
    assert waiting.state == CaseState.OPEN and not waiting.resolution and ledger.calls == [] and len(correct.calls) == 1
    # near-real-time cases are not the statement's: a later run leaves them to operations
    assert await recon.resolve_open_status(store, correct, ledger, "a") == 0
