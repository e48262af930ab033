"""Group commit of audit rows.

Every plaintext read must have its audit row *committed* before the plaintext leaves UES. One
transaction (and one WAL flush) per read caps single-call latency and throughput at the disk's
fsync rate, so concurrent reads share transactions instead:

  * `write(entries)` enqueues the rows and waits until the transaction holding them committed;
  * one flusher at a time inserts everything queued (one multi-row INSERT, one COMMIT), at most
    `max_records` rows per transaction; while it runs, new rows queue up for the next one;
  * an idle batcher flushes at once, in the caller's own task (a lone caller pays no task hop:
    ~0.1 ms less per single read); `linger_s` > 0 makes the flusher wait that long for company
    first (never more than a few milliseconds);
  * if the transaction fails, every read of that batch fails with the error: no plaintext is
    returned without its committed audit row, and no row is silently dropped.
"""
from __future__ import annotations

import asyncio
from typing import Awaitable, Callable

from servers.ues.ports import AuditEntry

Insert = Callable[[list[AuditEntry]], Awaitable[None]]


class AuditBatcher:
    def __init__(self, insert: Insert, max_records: int = 5000, linger_s: float = 0.0):
        self.insert, self.max_records, self.linger_s = insert, max_records, linger_s
        self._queue: list[tuple[list[AuditEntry], asyncio.Future]] = []
        self._busy = False  # an insert (inline or the flusher's) is in flight: new rows queue
        self._flusher: asyncio.Task | None = None
        self.batches = 0  # transactions committed (for tests and the bench)

    async def write(self, entries: list[AuditEntry]) -> None:
        """Returns once `entries` are committed; raises what the insert raised otherwise."""
        if not entries:
            return
        if not self._busy and not self.linger_s and len(entries) <= self.max_records:
            self._busy = True  # idle: this caller's rows are the whole batch
            try:
                await self.insert(entries)
                self.batches += 1
            finally:
                self._busy = False
                if self._queue:
                    self._start()
            return
        done = asyncio.get_running_loop().create_future()
        self._queue.append((entries, done))
        if not self._busy:
            self._start()
        await asyncio.shield(done)

    def _start(self) -> None:
        self._busy = True
        self._flusher = asyncio.create_task(self._flush())

    async def _flush(self) -> None:
        try:
            if self.linger_s:
                await asyncio.sleep(self.linger_s)
            while self._queue:
                await self._flush_one()
        finally:
            self._busy = False
            if self._queue:  # cancelled with rows left (shutdown): whoever writes next restarts
                for _, done in self._queue:
                    if not done.done():
                        done.set_exception(asyncio.CancelledError())
                self._queue.clear()

    async def _flush_one(self) -> None:
        batch, rows = [], []
        while self._queue and (not rows or len(rows) + len(self._queue[0][0]) <= self.max_records):
            entries, done = self._queue.pop(0)
            batch.append(done)
            rows.extend(entries)
        try:
            await self.insert(rows)
        except BaseException as exc:  # noqa: BLE001 — handed to every waiter of the batch
            for done in batch:
                if not done.done():
                    done.set_exception(exc)
            if isinstance(exc, asyncio.CancelledError):
                raise
            return
        self.batches += 1
        for done in batch:
            if not done.done():
                done.set_result(None)

    async def close(self) -> None:
        """Lets the running flush (and whatever is queued) finish."""
        if self._flusher is not None and not self._flusher.done():
            await asyncio.wait([self._flusher])
