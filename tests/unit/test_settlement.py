"""Settlement with fakes of its ports: netting math, idempotency, the fence, and concurrency."""
from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as dt

import pytest

from servers.kernel.errors import AlreadyExists, FailedPrecondition, Unavailable
from servers.payment import errors, settlement
from servers.payment.settlement import BatchState, Candidate, CreateBatch

T0 = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)


def cand(pid: str, amount: int, fee: int = 0, refunded: int = 0, done: int | None = None, fee_back: int = 0, cur: str = "EUR",
         at: dt.datetime = T0) -> tuple[Candidate, dt.datetime]:
    return Candidate(pid, f"ord_{pid}", cur, amount, fee, refunded, refunded if done is None else done, fee_back), at


class FakeStore:
    def __init__(self, candidates=()):
        self.candidates_ = list(candidates)
        self.batches: dict[str, tuple[settlement.Batch, bytes]] = {}
        self.lines_: dict[str, settlement.Line] = {}  # payment id → line (the UNIQUE guard)
        self.fences: dict[str, int] = {}
        self.line_batch: dict[str, str] = {}
        self.deductions_: list[settlement.Deduction] = []
        self.configs: dict[str, settlement.Config] = {}
        self.held: set[str] = set()  # payments under an open dispute

    async def __call__(self, work):
        snapshot = (dict(self.batches), dict(self.lines_), dict(self.fences))
        try:
            return await work(self)
        except BaseException:
            self.batches, self.lines_, self.fences = snapshot
            raise

    async def find_by_request(self, request_id):
        return next(((b, h) for b, h in self.batches.values() if b.request_id == request_id), None)

    async def get(self, batch_id):
        return self.batches[batch_id][0] if batch_id in self.batches else None

    async def open_batches(self, merchant_id):
        return [b for b, _ in self.batches.values() if b.merchant_id == merchant_id and b.state == BatchState.OPEN]

    async def advance_fence(self, merchant_id, fence):
        if self.fences.get(merchant_id, 0) > fence:
            return False
        self.fences[merchant_id] = fence
        return True

    async def candidates(self, merchant_id, cutoff, limit):
        await asyncio.sleep(0)  # let a concurrent caller interleave
        return [c for c, at in self.candidates_ if at <= cutoff and c.payment_id not in self.lines_
                and c.payment_id not in self.held][:limit]

    async def deductions(self, merchant_id, cutoff, limit):
        return [d for d in self.deductions_ if d.refund_id not in self.lines_ and d.original_payment_id in self.lines_][:limit]

    async def config(self, merchant_id):
        return self.configs.get(merchant_id, settlement.Config(merchant_id))

    async def set_config(self, config):
        self.configs[config.merchant_id] = config
        return T0

    async def periodic_configs(self):
        return [c for c in self.configs.values() if c.mode == settlement.SettlementMode.PERIODIC]

    async def unsettled_auto(self, older_than, limit):
        auto = {m for m, c in self.configs.items() if c.mode == settlement.SettlementMode.AUTO}
        return [(m, c.payment_id) for m in sorted(auto) for c, at in self.candidates_[:1]
                if at <= older_than and c.payment_id not in self.lines_]

    async def insert(self, batch, request_hash):
        for line in batch.lines:
            if line.payment_id in self.lines_:
                raise RuntimeError("unique violation")
        for line in batch.lines:
            self.lines_[line.payment_id] = line
            self.line_batch[line.payment_id] = batch.batch_id
        self.batches[batch.batch_id] = (dataclasses.replace(batch, lines=()), request_hash)
        return True

    async def finish(self, batch, target, ids):
        current, digest = self.batches[batch.batch_id]
        if current.state != BatchState.OPEN:
            return None
        self.batches[batch.batch_id] = (dataclasses.replace(current, state=target, ledger_transfer_ids=ids), digest)
        if target == BatchState.CANCELLED:
            self.lines_ = {k: v for k, v in self.lines_.items() if k not in {x.payment_id for x in batch.lines}}
        return self.batches[batch.batch_id][0]

    async def lines(self, batch_id):
        return sorted((x for x in self.lines_.values() if self.line_batch[x.payment_id] == batch_id), key=lambda x: x.payment_id)

    async def list(self, merchant_id, before, limit):
        rows = sorted((b for b, _ in self.batches.values() if b.merchant_id == merchant_id and (not before or b.batch_id < before)),
                      key=lambda b: b.batch_id, reverse=True)
        return rows[:limit]


class FakeLocks:
    def __init__(self):
        self.fence, self.held = 0, asyncio.Lock()

    @contextlib.asynccontextmanager
    async def hold(self, name):
        async with self.held:
            self.fence += 1
            yield self.fence


class FakeLedger:
    def __init__(self, decline: bool = False):
        self.settled: dict[str, int] = {}  # request id → net, idempotent
        self.decline = decline

    async def settle(self, batch):
        if self.decline:
            raise errors.Declined("INSUFFICIENT_FUNDS")
        self.settled.setdefault(f"settle:{batch.batch_id}", batch.net_minor)
        return [f"trf_{batch.batch_id}"]


def cmd(request_id: str = "r1", cutoff: dt.datetime | None = None, merchant: str = "m1") -> CreateBatch:
    return CreateBatch(request_id, request_id.encode(), merchant, cutoff)


def test_netting_deducts_fees_and_refunds_and_keeps_the_returned_fee_share():
    lines = settlement.net_lines([
        cand("p1", 2_000, fee=80)[0],
        cand("p2", 1_000, fee=40, refunded=500, fee_back=20)[0],   # fee kept 20, net 480
        cand("p3", 700, fee=30, refunded=700, fee_back=30)[0],     # fully refunded: net 0
        cand("p4", 900, fee=10, refunded=300, done=0)[0],          # refund in flight: waits
        cand("p5", 100, cur="USD")[0],                             # another currency: next batch
    ])
    assert [(x.payment_id, x.fee_minor, x.refunded_minor, x.net_minor) for x in lines] == [
        ("p1", 80, 0, 1_920), ("p2", 20, 500, 480), ("p3", 0, 700, 0)]
    batch = settlement.build_batch(cmd(), T0, lines, 1)
    assert (batch.gross_minor, batch.fees_minor, batch.refunds_minor, batch.net_minor, batch.line_count) == (3_700, 100, 1_200, 2_400, 3)
    assert batch.gross_minor - batch.fees_minor - batch.refunds_minor == batch.net_minor
    assert settlement.report_csv(lines).splitlines()[:2] == [settlement.REPORT_HEADER, "p1,ord_p1,2000,80,0,1920,EUR"]


async def test_batch_settles_once_is_idempotent_and_a_second_finds_nothing():
    store, ledger = FakeStore([cand("p1", 2_000, fee=80), cand("p2", 1_000, at=T0 + dt.timedelta(days=2))]), FakeLedger()
    first = await settlement.create_batch(store, FakeLocks(), ledger, cmd("r1", T0 + dt.timedelta(days=1)))
    assert (first.state, first.net_minor, first.line_count) == (BatchState.SETTLED, 1_920, 1)
    again = await settlement.create_batch(store, FakeLocks(), ledger, cmd("r1", T0 + dt.timedelta(days=1)))
    assert again.batch_id == first.batch_id and ledger.settled == {f"settle:{first.batch_id}": 1_920}
    with pytest.raises(AlreadyExists):
        await settlement.create_batch(store, FakeLocks(), ledger, CreateBatch("r1", b"other", "m1", None))
    await asyncio.sleep(0.002)  # ids sort by millisecond; batches of a merchant are serialised by its lock
    later = await settlement.create_batch(store, FakeLocks(), ledger, cmd("r2", T0 + dt.timedelta(days=3)))
    assert [later.line_count, later.net_minor] == [1, 1_000]
    assert (await settlement.report(store, later.batch_id)).splitlines() == [settlement.REPORT_HEADER, "p2,ord_p2,1000,0,0,1000,EUR"]
    with pytest.raises(FailedPrecondition) as nothing:
        await settlement.create_batch(store, FakeLocks(), ledger, cmd("r3"))
    assert nothing.value.reason == "NOTHING_TO_SETTLE"
    page, token = await settlement.list_batches(store, "m1", 1, "")
    assert [b.batch_id for b in page] == [later.batch_id] and token == later.batch_id
    page, token = await settlement.list_batches(store, "m1", 1, token)
    assert [b.batch_id for b in page] == [first.batch_id] and token == ""


async def test_concurrent_batches_of_one_merchant_are_disjoint_and_settle_the_total_once():
    store, ledger = FakeStore([cand(f"p{i}", 100 * i, fee=i) for i in range(1, 21)]), FakeLedger()
    locks = FakeLocks()
    results = await asyncio.gather(*[settlement.create_batch(store, locks, ledger, cmd(f"r{i}")) for i in range(2)],
                                   return_exceptions=True)
    batches = [r for r in results if isinstance(r, settlement.Batch)]
    assert all(isinstance(r, settlement.Batch) or getattr(r, "reason", "") == "NOTHING_TO_SETTLE" for r in results), results
    assert sum(ledger.settled.values()) == sum(100 * i - i for i in range(1, 21)) == sum(b.net_minor for b in batches)
    assert len(store.lines_) == 20


async def test_a_stale_fence_writes_nothing_and_a_ledger_refusal_cancels_the_batch():
    store = FakeStore([cand("p1", 500)])
    store.fences["m1"] = 99  # a newer lock holder already wrote
    with pytest.raises(Unavailable):
        await settlement.create_batch(store, FakeLocks(), FakeLedger(), cmd())
    assert not store.batches
    store.fences.clear()
    with pytest.raises(FailedPrecondition) as refused:
        await settlement.create_batch(store, FakeLocks(), FakeLedger(decline=True), cmd())
    assert refused.value.reason == "SETTLEMENT_DECLINED"
    assert [b.state for b, _ in store.batches.values()] == [BatchState.CANCELLED] and not store.lines_
    retry = await settlement.create_batch(store, FakeLocks(), FakeLedger(), cmd("r2"))
    assert retry.state == BatchState.SETTLED and retry.net_minor == 500


async def test_auto_settlement_is_one_batch_per_payment_event_and_quiet_when_nothing_is_left():
    store, ledger, locks = FakeStore([cand("p1", 400, fee=4)]), FakeLedger(), FakeLocks()
    batch = await settlement.settle_payment(store, locks, ledger, "p1", "m1")
    assert batch is not None and batch.request_id == "auto:p1" and batch.net_minor == 396
    assert (await settlement.settle_payment(store, locks, ledger, "p1", "m1")).batch_id == batch.batch_id  # redelivered event
    assert await settlement.settle_payment(store, locks, ledger, "p2", "m1") is None  # an earlier batch took everything
