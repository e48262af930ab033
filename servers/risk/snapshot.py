"""The active rule set held in process: rules (sorted by priority) and the dimensions of the
lists they use, tagged with the `rule_set.version` they were loaded at.

Assess reads the snapshot without touching PostgreSQL. Edits made through this process
(`Rules` calls `changed()` after its commit) apply on the very next call; edits made by another
replica are seen by polling `rule_set.version` at most every `poll_s` seconds (the bounded
delay). List entries are not part of the snapshot: they are looked up per payment.
"""
from __future__ import annotations

import asyncio
import time
from typing import Callable

from servers.kernel.db import Database
from servers.risk import domain
from servers.risk.store import RiskStore

POLL_SECONDS = 1.0


class RuleSnapshot:
    def __init__(self, db: Database, poll_s: float = POLL_SECONDS, clock: Callable[[], float] = time.monotonic):
        self.db, self.poll_s, self.clock = db, poll_s, clock
        self.version = 0
        self.rules: list[domain.ActiveRule] | None = None
        self.dims: dict[str, int] = {}
        self._generation = 0  # bumped by changed(); the snapshot is fresh while _loaded == _generation
        self._loaded = -1
        self._checked = 0.0
        self._lock = asyncio.Lock()

    def changed(self) -> None:
        """A rule or list changed (committed) in this process: reload before the next evaluation."""
        self._generation += 1

    async def get(self) -> tuple[int, list[domain.ActiveRule], dict[str, int]]:
        if self._loaded == self._generation and self.rules is not None:
            if self.clock() - self._checked < self.poll_s or self._lock.locked():
                return self.version, self.rules, self.dims  # a poll under way: the current set is within the bound
        async with self._lock:
            if self._loaded != self._generation or self.rules is None:
                await self._load()
            elif self.clock() - self._checked >= self.poll_s:
                started = self.clock()
                async with self.db.transaction() as conn:
                    version = await RiskStore(conn).rule_set_version()
                if version != self.version:
                    await self._load()
                else:
                    self._checked = started
        return self.version, self.rules or [], self.dims

    async def _load(self) -> None:
        generation, started = self._generation, self.clock()
        async with self.db.transaction() as conn:
            store = RiskStore(conn)
            version = await store.rule_set_version()  # read first: the rules are at least this new
            rules = sorted(await store.active_rules(), key=lambda r: (r.spec.priority, r.rule_id))
            dims = await store.list_dimensions([r.spec.list_match.list_id for r in rules if r.kind == "list_match"])
        self.version, self.rules, self.dims = version, rules, dims
        self._loaded, self._checked = generation, started
