"""Group commit of UES audit rows (servers/ues/audit.py): concurrent reads share transactions,
every row is committed before its read answers, and a failed insert fails the whole batch."""
from __future__ import annotations

import asyncio

import pytest

from servers.ues.audit import AuditBatcher
from servers.ues.handlers import SaveItem, audit
from tests.unit import test_ues_handlers as base
from tests.unit.test_ues_handlers import CALLER

ues = base.ues  # the same fixture: Ues on in-memory fakes


def entry(n: int):
    return audit(CALLER, 1, f"P{n:032x}", "card_no")


async def test_concurrent_writes_share_transactions_and_all_rows_land():
    committed: list[list] = []

    async def insert(rows):
        await asyncio.sleep(0.002)  # a commit takes time; writers arriving meanwhile queue up
        committed.append(list(rows))

    batcher = AuditBatcher(insert)
    await asyncio.gather(*(batcher.write([entry(i)]) for i in range(200)))
    rows = [e.ticket for batch in committed for e in batch]
    assert sorted(rows) == sorted(f"P{i:032x}" for i in range(200))
    assert batcher.batches == len(committed) < 200


async def test_write_returns_only_after_its_batch_committed():
    gate = asyncio.Event()
    committed: list = []

    async def insert(rows):
        await gate.wait()
        committed.extend(rows)

    batcher = AuditBatcher(insert)
    task = asyncio.create_task(batcher.write([entry(1)]))
    await asyncio.sleep(0.01)
    assert not task.done() and not committed
    gate.set()
    await task
    assert len(committed) == 1


async def test_failed_insert_fails_every_write_of_that_batch_only():
    calls = 0

    async def insert(rows):
        nonlocal calls
        calls += 1
        await asyncio.sleep(0.005)
        if calls == 2:
            raise RuntimeError("database down")

    batcher = AuditBatcher(insert)
    first = asyncio.create_task(batcher.write([entry(0)]))      # batch 1 (flushes at once)
    await asyncio.sleep(0)
    doomed = [asyncio.create_task(batcher.write([entry(i)])) for i in range(1, 6)]  # queued → batch 2
    await first
    results = await asyncio.gather(*doomed, return_exceptions=True)
    assert all(isinstance(r, RuntimeError) for r in results)
    await batcher.write([entry(9)])                               # batch 3 works again
    assert calls == 3


async def test_batches_respect_max_records():
    sizes: list[int] = []

    async def insert(rows):
        await asyncio.sleep(0.001)
        sizes.append(len(rows))

    batcher = AuditBatcher(insert, max_records=10)
    await asyncio.gather(*(batcher.write([entry(i), entry(i + 1000)]) for i in range(50)))
    assert sum(sizes) == 100 and max(sizes) <= 10


async def test_concurrent_decrypts_are_all_audited(ues):
    records = await ues.save(CALLER, [SaveItem(f"4{i:015d}", "card_no") for i in range(20)])
    plains = await asyncio.gather(*(ues.read_one(CALLER, r.ticket) for r in records))
    assert [p for p, _ in plains] == [f"4{i:015d}" for i in range(20)]
    assert sorted(e.ticket for e in ues.vault.audit) == sorted(r.ticket for r in records)


async def test_decrypt_fails_without_plaintext_when_its_audit_insert_fails(ues):
    [record] = await ues.save(CALLER, [SaveItem("4111111111111111", "card_no")])

    async def broken(entries):
        raise ConnectionError("audit insert failed")

    ues.vault.insert_audit = broken
    with pytest.raises(ConnectionError):
        await ues.read_one(CALLER, record.ticket)


async def test_a_lone_write_commits_in_its_own_task_and_later_ones_queue_behind_it():
    tasks: list = []
    gate = asyncio.Event()

    async def insert(rows):
        tasks.append(asyncio.current_task())
        await gate.wait()

    batcher = AuditBatcher(insert)
    lone = asyncio.create_task(batcher.write([entry(1)]))
    await asyncio.sleep(0)
    queued = [asyncio.create_task(batcher.write([entry(i)])) for i in range(2, 6)]
    await asyncio.sleep(0.01)
    assert tasks == [lone] and not any(t.done() for t in queued)  # no task hop for the lone read
    gate.set()
    await asyncio.gather(lone, *queued)
    assert len(tasks) == 2 and batcher.batches == 2  # the four queued rows: one more transaction
