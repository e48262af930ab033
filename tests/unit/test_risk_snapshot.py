"""The in-process rule snapshot: local edits apply at once, other replicas' within the poll bound,
and no PostgreSQL read in between."""
from __future__ import annotations

import contextlib

from paymesh.risk.v1 import risk_pb2 as pb
from servers.risk import snapshot as snap
from servers.risk.domain import ActiveRule


class FakeRules:
    """The rule tables: a version and the active rules; counts reads."""

    def __init__(self):
        self.version, self.rules, self.reads = 1, [], 0
        self.during_load = None  # called between the version read and the rules read

    def add(self, name: str, priority: int = 0) -> None:
        self.rules.append(ActiveRule(f"rul_{name}", 1, pb.RuleSpec(name=name, priority=priority, action=pb.RULE_ACTION_REJECT)))
        self.version += 1


class FakeStore:
    def __init__(self, rules: FakeRules):
        self.t = rules

    async def rule_set_version(self) -> int:
        self.t.reads += 1
        return self.t.version

    async def active_rules(self):
        if self.t.during_load:
            self.t.during_load()
        return list(self.t.rules)

    async def list_dimensions(self, list_ids):
        return {}


class FakeDb:
    def __init__(self, rules: FakeRules):
        self.rules = rules

    @contextlib.asynccontextmanager
    async def transaction(self):
        yield self.rules


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def make(monkeypatch):
    monkeypatch.setattr(snap, "RiskStore", FakeStore)
    rules, clock = FakeRules(), Clock()
    return rules, clock, snap.RuleSnapshot(FakeDb(rules), poll_s=1.0, clock=clock)


async def test_local_change_applies_on_the_next_call_and_reads_nothing_in_between(monkeypatch):
    rules, clock, s = make(monkeypatch)
    assert (await s.get())[:2] == (1, [])
    reads = rules.reads
    for _ in range(50):
        await s.get()
    assert rules.reads == reads  # within the poll bound: no PostgreSQL at all
    rules.add("b", priority=2)
    rules.add("a", priority=1)
    s.changed()  # as Rules does after its commit
    version, active, _ = await s.get()
    assert version == 3 and [r.spec.name for r in active] == ["a", "b"]  # sorted by priority


async def test_another_replicas_change_is_seen_after_the_poll_interval(monkeypatch):
    rules, clock, s = make(monkeypatch)
    await s.get()
    rules.add("elsewhere")  # no changed(): another process edited
    clock.now += 0.5
    assert (await s.get())[0] == 1  # still within the bound
    clock.now += 0.6
    version, active, _ = await s.get()
    assert version == 2 and [r.rule_id for r in active] == ["rul_elsewhere"]
    reads = rules.reads
    clock.now += 1.1
    await s.get()  # a poll that finds nothing new reads the version only
    assert rules.reads == reads + 1 and (await s.get())[0] == 2


async def test_a_change_committed_during_a_load_forces_another_load(monkeypatch):
    rules, clock, s = make(monkeypatch)

    def edit_now():
        rules.during_load = None
        rules.add("late")
        s.changed()
    rules.during_load = edit_now  # the load read the old version, then the edit committed
    await s.get()
    version, active, _ = await s.get()
    assert version == 2 and [r.rule_id for r in active] == ["rul_late"]
