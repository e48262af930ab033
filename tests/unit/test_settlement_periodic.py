"""Settlement part 2 with fakes: periodic cutoff math (fake clock), refunds after settlement as
deduction lines, disputes holding payments out, and the sweep retrying failed auto batches."""
from __future__ import annotations

import datetime as dt

import pytest

from servers.kernel.errors import FailedPrecondition, InvalidArgument
from servers.payment import settlement, settlement_periodic as periodic
from servers.payment.settlement import BatchState, Config, Deduction, SettlementMode
from tests.unit.test_settlement import T0, FakeLedger, FakeLocks, FakeStore, cand

UTC = dt.timezone.utc


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def test_due_cutoff_is_that_of_day_d_minus_n_once_day_d_cutoff_has_passed():
    paris = Config("m1", SettlementMode.PERIODIC, "18:00", "Europe/Paris", 1)
    # 2026-03-10 16:59 UTC = 17:59 Paris: D is the 9th; T+1 → the 8th at 18:00 Paris (17:00 UTC).
    assert periodic.due(paris, at(2026, 3, 10, 16, 59)) == (dt.date(2026, 3, 8), at(2026, 3, 8, 17, 0))
    assert periodic.due(paris, at(2026, 3, 10, 17, 0)) == (dt.date(2026, 3, 9), at(2026, 3, 9, 17, 0))
    summer = periodic.due(paris, at(2026, 7, 2, 16, 30))  # CEST: cutoff 16:00 UTC
    assert summer == (dt.date(2026, 7, 1), at(2026, 7, 1, 16, 0))
    same_day = Config("m1", SettlementMode.PERIODIC, "00:00", "", 0)
    assert periodic.due(same_day, at(2026, 1, 5, 0, 0)) == (dt.date(2026, 1, 5), at(2026, 1, 5))
    assert periodic.periodic_request_id("m1", dt.date(2026, 1, 5)) == "periodic:m1:2026-01-05"


def test_schedule_is_validated_with_field_violations():
    with pytest.raises(InvalidArgument) as bad:
        periodic.check_schedule(Config("m1", SettlementMode.PERIODIC, "25:00", "Mars/Olympus", 3))
    assert {v.field for v in bad.value.violations} == {"schedule.cutoff_local_time", "schedule.time_zone"}
    periodic.check_schedule(Config("m1", SettlementMode.PERIODIC, "23:59", "Asia/Tokyo", 30))


async def test_periodic_round_settles_once_per_cutoff_with_a_fake_clock():
    day1, day2 = at(2026, 1, 1, 10), at(2026, 1, 2, 10)
    store, ledger, locks = FakeStore([cand("p1", 1_000, at=day1), cand("p2", 500, at=day2)]), FakeLedger(), FakeLocks()
    await settlement.set_config(store, Config("m1", SettlementMode.PERIODIC, "12:00", "UTC", 1))
    now = [at(2026, 1, 3, 11)]  # D = Jan 2 (the 3rd's cutoff not passed): settles up to Jan 1 12:00
    batches = await periodic.run_round(store, locks, ledger, lambda: now[0])
    assert [(b.request_id, b.net_minor) for b in batches] == [("periodic:m1:2026-01-01", 1_000)]
    again = await periodic.run_round(store, locks, ledger, lambda: now[0])  # idempotent per cutoff
    assert [b.batch_id for b in again] == [batches[0].batch_id] and len(ledger.settled) == 1
    now[0] = at(2026, 1, 3, 12, 1)
    batches = await periodic.run_round(store, locks, ledger, lambda: now[0])
    assert [(b.request_id, b.net_minor, b.cutoff_time) for b in batches] == [("periodic:m1:2026-01-02", 500, at(2026, 1, 2, 12))]
    assert sum(ledger.settled.values()) == 1_500


async def test_sweep_retries_an_auto_merchant_whose_batch_failed():
    store, ledger, locks = FakeStore([cand("p1", 300)]), FakeLedger(decline=True), FakeLocks()
    await settlement.set_config(store, Config("m1", SettlementMode.AUTO))
    assert await periodic.run_round(store, locks, ledger, lambda: T0 + dt.timedelta(minutes=1)) == []  # declined: logged
    ledger.decline = False
    batches = await periodic.run_round(store, locks, ledger, lambda: T0 + dt.timedelta(minutes=2))
    assert [(b.request_id, b.state, b.net_minor) for b in batches] == [("sweep:m1:p1:2", BatchState.SETTLED, 300)]


def test_refund_after_settlement_is_a_negative_line_and_the_batch_net_stays_positive():
    big = Deduction("rfd1", "p0", "ord_p0", "EUR", 400, 10)
    huge = Deduction("rfd2", "p0", "ord_p0", "EUR", 5_000, 0)
    lines = settlement.net_lines([cand("p1", 1_000, fee=30)[0]], [big, huge])
    assert [(x.payment_id, x.amount_minor, x.fee_minor, x.refunded_minor, x.net_minor, x.original_payment_id) for x in lines] == [
        ("p1", 1_000, 30, 0, 970, ""), ("rfd1", 0, -10, 400, -390, "p0")]  # rfd2 waits: the batch would go negative
    batch = settlement.build_batch(settlement.CreateBatch("r", b"r", "m1", None), T0, lines, 1)
    assert (batch.gross_minor, batch.fees_minor, batch.refunds_minor, batch.net_minor) == (1_000, 20, 400, 580)
    assert batch.gross_minor - batch.fees_minor - batch.refunds_minor == batch.net_minor
    assert settlement.net_lines([], [big]) == []  # deductions alone never make a batch


async def test_next_batch_nets_a_refund_of_an_already_settled_payment():
    store, ledger, locks = FakeStore([cand("p1", 1_000)]), FakeLedger(), FakeLocks()
    first = await settlement.create_batch(store, locks, ledger, settlement.CreateBatch("r1", b"r1", "m1", None))
    store.candidates_.append(cand("p2", 600, at=T0))
    store.deductions_.append(Deduction("rfd1", "p1", "ord_p1", "EUR", 250, 0))
    second = await settlement.create_batch(store, locks, ledger, settlement.CreateBatch("r2", b"r2", "m1", None))
    assert (first.net_minor, second.net_minor, second.refunds_minor, second.line_count) == (1_000, 350, 250, 2)
    assert "rfd1,ord_p1,0,0,250,-250,EUR" in await settlement.report(store, second.batch_id)


async def test_a_disputed_payment_waits_and_is_settled_after_the_dispute_is_won():
    store, ledger, locks = FakeStore([cand("p1", 800), cand("p2", 200)]), FakeLedger(), FakeLocks()
    store.held.add("p1")  # OPEN dispute
    first = await settlement.create_batch(store, locks, ledger, settlement.CreateBatch("r1", b"r1", "m1", None))
    assert first.net_minor == 200
    with pytest.raises(FailedPrecondition):
        await settlement.create_batch(store, locks, ledger, settlement.CreateBatch("r2", b"r2", "m1", None))
    store.held.discard("p1")  # WON
    second = await settlement.create_batch(store, locks, ledger, settlement.CreateBatch("r3", b"r3", "m1", None))
    assert second.net_minor == 800
