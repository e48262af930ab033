"""The group-committing writer of Assess records: a caller's answer only after its record's
statement returned; concurrent records share statements; a duplicate request id waits for the
next statement; the backlog is bounded; a caller giving up does not cancel its record."""
from __future__ import annotations

import asyncio

import pytest

from paymesh.risk.v1 import risk_pb2 as pb, risk_service_pb2 as api
from servers.kernel.errors import Unavailable
from servers.risk.hotpath import DecisionWriter


class FakeStore:
    """Stores records by request id; each statement waits until `gate` is set."""

    def __init__(self):
        self.stored: dict[str, api.AssessResponse] = {}
        self.statements: list[list[str]] = []
        self.gate = asyncio.Event()

    async def record(self, request_id, digest, reply, context_id):
        return (await self.record_group([type("R", (), {"request_id": request_id, "reply": reply})()]))[0]

    async def record_group(self, group):
        self.statements.append([r.request_id for r in group])
        await self.gate.wait()
        out = []
        for r in group:
            out.append(self.stored.get(r.request_id))
            self.stored.setdefault(r.request_id, r.reply)
        return out


def reply(decision_id: str) -> api.AssessResponse:
    return api.AssessResponse(decision=pb.RiskDecision(decision_id=decision_id))


async def test_records_arriving_during_a_commit_share_the_next_statement():
    store = FakeStore()
    writer = DecisionWriter(store, inflight_max=1)
    calls = [asyncio.create_task(writer.record(f"r{i}", b"", reply(f"d{i}"), "")) for i in range(5)]
    calls.append(asyncio.create_task(writer.record("r2", b"", reply("d2-again"), "")))  # a duplicate id in the same tick
    await asyncio.sleep(0)
    calls += [asyncio.create_task(writer.record(f"r{i}", b"", reply(f"d{i}"), "")) for i in range(5, 9)]
    await asyncio.sleep(0.01)
    assert not any(c.done() for c in calls)  # nothing answered before its statement returned
    store.gate.set()
    results = await asyncio.gather(*calls)
    # r0..r4 in one statement; the duplicate waited for the next, together with what arrived during the first
    assert store.statements == [["r0", "r1", "r2", "r3", "r4"], ["r2", "r5", "r6", "r7", "r8"]]
    assert results[5].decision.decision_id == "d2"  # the first one's response
    assert results[:5] + results[6:] == [None] * 9
    assert (writer.statements, writer.records) == (2, 10)


async def test_the_backlog_is_bounded_and_a_caller_giving_up_keeps_its_record():
    store = FakeStore()
    writer = DecisionWriter(store, inflight_max=1, queue_max=3)
    first = asyncio.create_task(writer.record("r0", b"", reply("d0"), ""))
    await asyncio.sleep(0)  # r0's statement is in flight
    waiting = [asyncio.create_task(writer.record(f"r{i}", b"", reply(f"d{i}"), "")) for i in range(1, 4)]
    await asyncio.sleep(0)
    with pytest.raises(Unavailable) as full:
        await writer.record("r4", b"", reply("d4"), "")
    assert full.value.reason == "DECISIONS_BACKLOG"
    waiting[0].cancel()  # the caller gives up (deadline): its record is still stored
    store.gate.set()
    await asyncio.gather(first, *waiting[1:])
    assert sorted(store.stored) == ["r0", "r1", "r2", "r3"]
