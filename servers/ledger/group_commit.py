"""Group commit for CreateTransfers: requests that arrive while bookings are in flight are
booked together in ONE transaction — one idempotency claim, one lock statement, one write
statement and one commit (one WAL flush) for the group — each with its own idempotency
record, its own outcome and its own outbox event.

A durable commit costs a WAL flush and a request costs ~5 round trips of Python and
PostgreSQL overhead; sharing both across a group is what lets one hot account take
thousands of credits a second. Nothing is relaxed: handlers.create_transfers_group checks
every request exactly, in order, against the balances the ones before it left, and a
failing request is left out without touching the others. Outcomes are delivered only
after the commit.

- At most `inflight_max` groups run at once: while one waits for its commit, the next
  one gathers what arrived meanwhile. An idle service books a lone request at once, on the
  one-request path.
- A request_id appears at most once per group; a duplicate waits for the next group, where
  its claim sees the first one's stored response (or REQUEST_ID_REUSED), as it would serially.
- If the group transaction fails as a whole (anything but a request's own domain error,
  after the kernel's serialization/deadlock retries), every request of the group runs
  again alone on the one-request path, so one poison request cannot fail its neighbours.
"""
from __future__ import annotations

import asyncio
import contextvars
import logging
from collections import deque
from dataclasses import dataclass, field
from typing import Awaitable, Callable

from paymesh.ledger.v1 import ledger_service_pb2 as api
from servers.kernel import events, idempotency
from servers.kernel.context import current_context_id
from servers.kernel.db import Database
from servers.kernel.errors import AlreadyExists, PaymeshError
from servers.ledger import handlers
from servers.ledger.adapters import SqlLedgerRepository as Repo
from servers.ledger.domain import Leg, TransferState

log = logging.getLogger("paymesh.ledger.group_commit")
METHOD = "CreateTransfers"  # the kernel.idempotency method name: groups and lone requests share keys
Single = Callable[[api.CreateTransfersRequest, list[Leg]], Awaitable[api.CreateTransfersResponse]]
ToResponse = Callable[[list], api.CreateTransfersResponse]


@dataclass
class _Request:
    request: api.CreateTransfersRequest
    legs: list[Leg]
    digest: bytes
    context: contextvars.Context  # the caller's: context id and trace parent of its event
    future: asyncio.Future = field(repr=False)


def _retrieved(future: asyncio.Future) -> None:
    """Marks an outcome seen: a caller that gave up (deadline) leaves its error unread."""
    if not future.cancelled():
        future.exception()


class GroupCommit:
    def __init__(self, db: Database, single: Single, to_response: ToResponse, inflight_max: int = 2,
                 requests_max: int = 256, legs_max: int = 256):
        self.db, self.single, self.to_response = db, single, to_response
        self.inflight_max, self.requests_max, self.legs_max = inflight_max, requests_max, legs_max
        self._queue: deque[_Request] = deque()
        self._inflight = 0
        self._tasks: set[asyncio.Task] = set()  # strong references: the loop keeps only weak ones
        self.groups = self.grouped = 0  # counters: groups committed, requests they carried

    async def submit(self, request: api.CreateTransfersRequest, legs: list[Leg]) -> api.CreateTransfersResponse:
        future = asyncio.get_running_loop().create_future()
        future.add_done_callback(_retrieved)
        self._queue.append(_Request(request, legs, idempotency.request_hash(request), contextvars.copy_context(), future))
        if self._inflight < self.inflight_max:
            self._inflight += 1
            task = asyncio.create_task(self._drain())  # starts next tick: requests of this tick join its group
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return await asyncio.shield(future)  # a caller giving up does not cancel its group

    def _take(self) -> list[_Request]:
        group, ids, later, legs = [], set(), [], 0
        while self._queue and len(group) < self.requests_max:
            r = self._queue[0]
            if group and legs + len(r.legs) > self.legs_max:
                break  # big batches are already amortized: they fill groups that run side by side
            self._queue.popleft()
            if r.request.request_id in ids:
                later.append(r)  # a duplicate id: next group, after this one committed
                continue
            ids.add(r.request.request_id)
            group.append(r)
            legs += len(r.legs)
        self._queue.extendleft(reversed(later))
        return group

    async def _drain(self) -> None:
        try:
            while group := self._take():
                await self._run(group)
        finally:
            self._inflight -= 1

    async def _run(self, group: list[_Request]) -> None:
        if len(group) == 1:  # nothing to share: the one-request path's statements are the cheaper ones
            await self._alone(group[0])
            return
        try:
            outcomes = await self.db.run_in_transaction(lambda conn: self._book(Repo(conn, deferred=True), group))
        except Exception:  # noqa: BLE001 — the group as a whole failed: each request alone
            log.warning("group of %d failed; booking its requests one by one", len(group), exc_info=True)
            for r in group:  # in order: each sees the ones before it, as in the group
                await self._alone(r)
            return
        self.groups += 1
        self.grouped += len(group)
        for r, outcome in zip(group, outcomes):  # after the commit, never before
            if r.future.done():
                continue
            if isinstance(outcome, BaseException):
                r.future.set_exception(outcome)
            else:
                r.future.set_result(outcome)

    async def _alone(self, r: _Request) -> None:
        try:
            response = await asyncio.create_task(self.single(r.request, r.legs), context=r.context)
        except Exception as exc:  # noqa: BLE001 — handed to the caller
            if not r.future.done():
                r.future.set_exception(exc)
        else:
            if not r.future.done():
                r.future.set_result(response)

    async def _book(self, repo: Repo, group: list[_Request]) -> list[api.CreateTransfersResponse | PaymeshError]:
        contexts = [r.context.run(current_context_id) for r in group]
        stored = await repo.claim_requests(METHOD, [(r.request.request_id, r.digest, c) for r, c in zip(group, contexts)])
        outcomes: list = [None] * len(group)
        fresh = []
        for i, r in enumerate(group):
            known = stored.get(r.request.request_id)
            if known is None:
                fresh.append(i)
            elif known[0] != r.digest:
                outcomes[i] = AlreadyExists("REQUEST_ID_REUSED", f"request_id {r.request.request_id!r} was already used with"
                                            " a different request", {"request_id": r.request.request_id})
            else:
                outcomes[i] = api.CreateTransfersResponse.FromString(known[1])
        booked = await handlers.create_transfers_group(repo, [handlers.Booking(
            group[i].request.request_id, group[i].legs, contexts[i]) for i in fresh])
        responses, released, rows = {}, [], []
        for i, result in zip(fresh, booked):
            r = group[i]
            if isinstance(result, PaymeshError):
                outcomes[i] = result
                released.append(r.request.request_id)
                continue
            outcomes[i] = self.to_response(result)
            responses[r.request.request_id] = outcomes[i].SerializeToString()
            posted = [t for t in result if t.state == TransferState.POSTED]
            if posted:  # the kernel's outbox row, built in the caller's context (context id, trace parent)
                event_id, _, p = r.context.run(events.outbox_insert, "ledger", handlers.EVENT_POSTED, {})
                rows.append((event_id, handlers.EVENT_POSTED, handlers.event_payload(posted), p["c"], p["tp"]))
        await repo.add_events(rows)
        await repo.complete_requests(METHOD, responses, released)
        await repo.flush()
        return outcomes
