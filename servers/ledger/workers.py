"""Background work of the ledger: the roll-up of hot accounts' buffered deltas and the
expiry of holds past their timeout. Both are safe with several replicas (SKIP LOCKED) and
keep running after transient database failures."""
from __future__ import annotations

import asyncio
import logging

from servers.kernel.db import Database
from servers.ledger import handlers
from servers.ledger.adapters import SqlLedgerRepository

log = logging.getLogger("paymesh.ledger.workers")


class RollUp:
    """Folds buffered deltas into account rows so reads and verify stay cheap. Correctness
    never depends on it: balances always read row + Σ deltas."""

    def __init__(self, db: Database, accounts_max: int = 50, busy_interval_ms: int = 50, idle_interval_ms: int = 500):
        self.db, self.accounts_max = db, accounts_max
        self.busy_s, self.idle_s = busy_interval_ms / 1000, idle_interval_ms / 1000

    async def step(self) -> int:
        return await self.db.run_in_transaction(lambda conn: SqlLedgerRepository(conn).roll_up(self.accounts_max))

    async def run(self) -> None:
        while True:
            try:
                folded = await self.step()
            except Exception:  # noqa: BLE001 - keep rolling up after a transient failure
                log.exception("roll-up failed; retrying")
                folded = 0
            await asyncio.sleep(self.busy_s if folded else self.idle_s)


class HoldExpiry:
    """Expires holds past their timeout, a batch per transaction."""

    def __init__(self, db: Database, batch_max: int = handlers.EXPIRE_BATCH_MAX, interval_ms: int = 1000):
        self.db, self.batch_max, self.interval_s = db, batch_max, interval_ms / 1000

    async def step(self) -> int:
        return await self.db.run_in_transaction(lambda conn: handlers.expire_due(SqlLedgerRepository(conn), self.batch_max))

    async def run(self) -> None:
        while True:
            try:
                expired = await self.step()
            except Exception:  # noqa: BLE001 - keep expiring after a transient failure
                log.exception("hold expiry failed; retrying")
                expired = 0
            if expired < self.batch_max:
                await asyncio.sleep(self.interval_s)
