"""The async channel front. Each step is its own transaction and safe to repeat:

  submit    record the instruction (UNIQUE instruction_id, request hash) and attempt 1 as INIT,
            routed; the caller gets it at once with result PROCESSING
  dispatch  a worker claims INIT orders (SKIP LOCKED), reserves daily quota and moves them to
            SENT in one transaction, then calls the channel outside it with the order's own id
            as reference: a crash after SENT leaves an order the query loop resolves, never a
            second order for the same attempt
  apply     the channel's answer (response, notification or query) moves the order by CAS
            along domain.TRANSITIONS and writes an outbox event in the same transaction; a
            retryable failure creates the next attempt on the next eligible channel
  query     PROCESSING / REQUIRES_ACTION / UNKNOWN (and SENT left by a crash) are queried on
            the channel's backoff until final
"""
from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from dataclasses import dataclass, replace
from typing import Callable

from servers.channel import errors
from servers.channel.domain import (FINAL, OPEN, ChannelAnswer, InstOrder, NotificationResult, OrderType, RequiredAction, Result, State,
                                    can_move,
                                    next_query_delay_seconds, outcome)
from servers.channel.health import HealthBoard
from servers.channel.ports import Catalog, Connector, Repository, UnitOfWork
from servers.channel.routing import Explanation, RouteContext, explain
from servers.kernel.context import context_scope
from servers.kernel.ids import new_id
from servers.kernel.money import Money

log = logging.getLogger("paymesh.channel.front")
SEND_GRACE_SECONDS = 30  # a SENT order without an answer this long after its timeout is queried
CHALLENGE_SECONDS = 900  # a 3DS challenge not completed in this window fails (decided by the query loop)
CHALLENGE_EXPIRED = "CHALLENGE_EXPIRED"


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


@dataclass(frozen=True)
class Submission:
    instruction_id: str
    request_hash: bytes
    type: OrderType
    request: dict  # what the connector sends (instrument tickets, return_url, ...), plus "route"
    route: RouteContext
    max_attempts: int
    order_id: str = ""
    payment_id: str = ""
    refund_id: str = ""
    original_inst_order_id: str = ""
    context_id: str = ""


def challenge_expired(order: InstOrder, now: dt.datetime) -> bool:
    action = order.required_action
    return order.state == State.REQUIRES_ACTION and action is not None and action.expire_time is not None and now >= action.expire_time


def route_context_to_dict(ctx: RouteContext) -> dict:
    return {"operation": ctx.operation, "method": ctx.method, "currency_code": ctx.amount.currency_code,
            "amount_minor": ctx.amount.amount_minor, "verification": ctx.verification, "card_org": ctx.card_org,
            "card_bin": ctx.card_bin, "merchant_id": ctx.merchant_id, "member_id": ctx.member_id, "channel_id": ctx.channel_id}


def route_context_from_dict(data: dict, exclude: frozenset[str] = frozenset()) -> RouteContext:
    return RouteContext(data["operation"], data["method"], Money(data["currency_code"], data["amount_minor"]), data["verification"],
                        data["card_org"], data["card_bin"], data["merchant_id"], data["member_id"], data["channel_id"], exclude)


class Front:
    def __init__(self, uow: UnitOfWork, connector: Connector, catalog: Catalog, health: HealthBoard,
                 clock: Callable[[], dt.datetime] = utcnow, concurrency: int = 64, batch_max: int = 50,
                 challenge_seconds: int = CHALLENGE_SECONDS):
        self.uow, self.connector, self.catalog, self.health, self.clock = uow, connector, catalog, health, clock
        self.concurrency, self.batch_max, self.challenge_seconds = concurrency, batch_max, challenge_seconds
        self.wake = asyncio.Event()
        self.in_flight: set[asyncio.Task] = set()
        self.on_result = None  # near-real-time reconciliation: async (order, channel state, amount) on a disagreeing answer

    # --- routing -------------------------------------------------------------------------
    def explain(self, ctx: RouteContext) -> Explanation:
        c = self.catalog
        return explain(ctx, c.channels, c.rules, self.health.snapshot, c.used)

    # --- submit --------------------------------------------------------------------------
    async def submit(self, cmd: Submission) -> InstOrder:
        route_rule, channel_id = "", cmd.route.channel_id
        if cmd.type != OrderType.REFUND:
            decision = self.explain(cmd.route).decision
            if decision is None:
                raise errors.no_route()
            route_rule, channel_id = decision.rule_id, decision.channel_id
        order = await self.uow(lambda repo: self._record(repo, cmd, channel_id, route_rule))
        self.wake.set()
        return order

    async def _record(self, repo: Repository, cmd: Submission, channel_id: str, rule_id: str) -> InstOrder:
        request = {**cmd.request, "route": route_context_to_dict(cmd.route)}
        if not await repo.insert_instruction(cmd.instruction_id, cmd.request_hash, int(cmd.type), request, cmd.max_attempts):
            found = await repo.get_instruction(cmd.instruction_id)
            assert found is not None, "instruction both exists and does not"
            if found[0] != cmd.request_hash:
                raise errors.instruction_reused(cmd.instruction_id)
            first = await repo.first_order(cmd.instruction_id)
            assert first is not None
            return first
        if cmd.type == OrderType.REFUND:
            channel_id = await self._check_refund(repo, cmd)
        channel = self.catalog.channels.get(channel_id)
        fee = channel.fee(cmd.route.amount) if channel else Money.zero(cmd.route.amount.currency_code)
        r = cmd.route
        order = InstOrder(new_id("ino"), cmd.instruction_id, 1, cmd.type, State.INIT, channel_id, r.amount, r.method, r.verification,
                          cmd.order_id, cmd.payment_id, cmd.refund_id, r.merchant_id, r.member_id, fee=fee,
                          original_inst_order_id=cmd.original_inst_order_id, result=Result.PROCESSING, routing_rule_id=rule_id,
                          context_id=cmd.context_id)
        await repo.insert_order(order)
        return await repo.get_order(order.inst_order_id) or order

    async def _check_refund(self, repo: Repository, cmd: Submission) -> str:
        original = await repo.get_order(cmd.original_inst_order_id, for_update=True)  # serializes refunds of one payment
        if original is None:
            raise errors.order_not_found(cmd.original_inst_order_id)
        if original.type != OrderType.PAY or original.state != State.SUCCESS:
            raise errors.refund_not_allowed("only a successful PAY order can be refunded", original.inst_order_id)
        captured = original.settled_amount or original.amount
        if cmd.route.amount.currency_code != captured.currency_code:
            raise errors.refund_not_allowed("refund currency differs from the payment's", original.inst_order_id)
        if await repo.refunded_minor(original.inst_order_id) + cmd.route.amount.amount_minor > captured.amount_minor:
            raise errors.refund_not_allowed("amount above what is left to refund", original.inst_order_id)
        return original.channel_id

    # --- dispatch ------------------------------------------------------------------------
    async def run_dispatcher(self, poll_seconds: float = 0.5) -> None:
        while True:
            try:
                while await self.dispatch_once():
                    pass
            except Exception:  # keep dispatching after a transient failure
                log.exception("dispatch failed; retrying")
            try:
                await asyncio.wait_for(self.wake.wait(), poll_seconds)
            except asyncio.TimeoutError:
                pass
            self.wake.clear()

    async def dispatch_once(self) -> int:
        free = min(self.batch_max, self.concurrency - len(self.in_flight))
        if free <= 0:
            await asyncio.wait(self.in_flight, return_when=asyncio.FIRST_COMPLETED)
            return 1
        sent = await self.uow(lambda repo: self._claim(repo, free))
        for order, request in sent:
            task = asyncio.create_task(self.send(order, request))
            self.in_flight.add(task)
            task.add_done_callback(self.in_flight.discard)
        return len(sent)

    async def _claim(self, repo: Repository, limit: int) -> list[tuple[InstOrder, dict]]:
        now, out = self.clock(), []
        for order in await repo.claim_init(limit):
            with context_scope(order.context_id):
                channel = self.catalog.channels.get(order.channel_id)
                if channel is None or not self.health.of(order.channel_id).allow():
                    await self._apply(repo, order, ChannelAnswer("REJECTED", message="channel unavailable (circuit open)"), "dispatch")
                    continue
                terms = channel.currencies.get(order.amount.currency_code)
                quota_day = None
                if order.type != OrderType.REFUND and terms is not None and terms.daily_quota_minor is not None:
                    quota_day = now.date()
                    if not await repo.reserve_quota(channel.channel_id, order.amount.currency_code, quota_day,
                                                    order.amount.amount_minor, terms.daily_quota_minor):
                        await self._apply(repo, order, ChannelAnswer("QUOTA", message="daily quota exhausted"), "dispatch")
                        continue
                timeout_s = (channel.request_timeout_millis or 10_000) / 1000
                moved = await repo.cas(order, state=State.SENT, send_time=now, quota_reserved_date=quota_day,
                                       next_query_time=now + dt.timedelta(seconds=timeout_s + SEND_GRACE_SECONDS))
                assert moved is not None, "claimed order moved under its row lock"
                found = await repo.get_instruction(order.instruction_id)
                out.append((moved, found[1] if found else {}))
        return out

    async def send(self, order: InstOrder, request: dict) -> InstOrder | None:
        channel = self.catalog.channels.get(order.channel_id)
        if channel is None:
            return None
        with context_scope(order.context_id):
            started = time.monotonic()
            try:
                answer = await self.connector.send(channel, order, request)
            except Exception:  # a connector bug must not lose the order: it stays SENT and is queried
                log.exception("connector failed", extra={"inst_order_id": order.inst_order_id})
                answer = ChannelAnswer("ERROR", message="connector error")
            self._record_health(order.channel_id, answer, started)
            return (await self.apply(order.inst_order_id, answer, "response"))[1]

    def _record_health(self, channel_id: str, answer: ChannelAnswer, started: float) -> None:
        ok = answer.status not in ("ERROR", "REJECTED")
        self.health.of(channel_id).record(ok, ok and answer.status != "DECLINED", int((time.monotonic() - started) * 1000))

    # --- applying answers ----------------------------------------------------------------
    async def apply(self, inst_order_id: str, answer: ChannelAnswer, cause: str) -> tuple[NotificationResult, InstOrder]:
        async def work(repo: Repository):
            order = await repo.get_order(inst_order_id, for_update=True)
            if order is None:
                raise errors.order_not_found(inst_order_id)
            return await self._apply(repo, order, answer, cause)
        return await self._watch(await self.uow(work), answer)

    async def _watch(self, applied: tuple[NotificationResult, InstOrder], answer: ChannelAnswer) -> tuple[NotificationResult, InstOrder]:
        """A final answer for an order already final (STALE) goes to near-real-time reconciliation,
        which opens a case when it disagrees; never fails the caller."""
        result, order = applied
        if self.on_result is not None and result == NotificationResult.STALE and order.state in FINAL:
            state = outcome(answer, self.catalog.mappings.get((order.channel_id, answer.code))).state
            if state in FINAL:
                try:
                    await self.on_result(order, int(state), answer.amount_minor)
                except Exception:
                    log.exception("near-real-time reconciliation failed", extra={"inst_order_id": order.inst_order_id})
        return applied

    async def correct(self, inst_order_id: str, captured: bool, amount_minor: int | None) -> InstOrder | None:
        """Reconciliation's correction: the channel's final word (its statement, or a signed answer
        after ours was final) wins. An open order takes it like any answer. A FAIL order the channel
        captured becomes SUCCESS — the one move out of a final state, made only here — with the usual
        event, so the payment engine accounts for the money: it completes the payment, or, when the
        payment already failed or another attempt was paid, books the capture to suspense and refunds
        it through this order (payment/late.py). Idempotent: a corrected order is left as it is."""
        async def work(repo: Repository) -> InstOrder | None:
            order = await repo.get_order(inst_order_id, for_update=True)
            if order is None:
                return None
            if order.state in OPEN:
                answer = ChannelAnswer("SUCCESS" if captured else "DECLINED", "RECONCILED", "per the channel's final word",
                                       amount_minor=amount_minor)
                return (await self._apply(repo, order, answer, "reconciliation"))[1]
            if not (captured and order.state == State.FAIL):
                return order
            amount = order.amount.amount_minor if amount_minor is None else amount_minor
            moved = await repo.cas(order, state=State.SUCCESS, result=Result.SUCCESS, retryable=False,
                                   settled_amount=Money(order.amount.currency_code, amount), channel_result_code="RECONCILED",
                                   channel_result_message="captured per the channel after we recorded FAIL", finish_time=self.clock())
            assert moved is not None, "order moved under its row lock"
            await repo.add_event(moved, order.state, "reconciliation")
            return moved
        return await self.uow(work)

    async def _apply(self, repo: Repository, order: InstOrder, answer: ChannelAnswer, cause: str) -> tuple[NotificationResult, InstOrder]:
        now = self.clock()
        if answer.status == "QUOTA":
            out_state, result, retryable = State.FAIL, Result.LIMIT_EXCEEDED, True
        elif answer.status == "NOT_FOUND":  # the channel never got it: safe to fail and fall back
            out_state, result, retryable = (State.FAIL, Result.CHANNEL_UNAVAILABLE, True) if order.state in (State.SENT, State.UNKNOWN) \
                else (order.state, order.result, order.retryable)
        else:
            o = outcome(answer, self.catalog.mappings.get((order.channel_id, answer.code)))
            out_state, result, retryable = o.state, o.result, o.retryable
        if cause == "query" and out_state == State.REQUIRES_ACTION and challenge_expired(order, now):
            # the payer never finished the challenge in its window and the channel still waits: it fails
            # (an unreachable channel is not this case: that stays open and is queried again)
            out_state, result, retryable = State.FAIL, Result.AUTHENTICATION_FAILED, False
            answer = replace(answer, code=CHALLENGE_EXPIRED, message="3DS challenge not completed in time")
        queried = {"query_count": order.query_count + 1} if cause == "query" else {}
        if not can_move(order.state, out_state):
            if order.state in OPEN and queried:  # still open: schedule the next query
                order = await repo.cas(order, next_query_time=self._next_query(order, order.query_count + 1, now), **queried) or order
            return NotificationResult.STALE, order
        changes: dict = {"state": out_state, "result": result, "retryable": retryable, **queried}
        if answer.channel_reference:
            changes["channel_reference"] = answer.channel_reference
        if answer.code or answer.message:
            changes["channel_result_code"], changes["channel_result_message"] = answer.code[:64], answer.message[:500]
        if out_state == State.SUCCESS:
            amount = answer.amount_minor if answer.amount_minor is not None else order.amount.amount_minor
            changes["settled_amount"] = Money(order.amount.currency_code, amount)
        if out_state == State.REQUIRES_ACTION:
            changes["required_action"] = RequiredAction(answer.redirect_url, "GET",
                                                        expire_time=now + dt.timedelta(seconds=self.challenge_seconds))
        if out_state in FINAL:
            changes.update(finish_time=now, next_query_time=None)
            if out_state == State.FAIL and order.quota_reserved_date is not None:
                await repo.release_quota(order.channel_id, order.amount.currency_code, order.quota_reserved_date, order.amount.amount_minor)
                changes["quota_reserved_date"] = None
        else:
            count = changes.get("query_count", order.query_count)
            changes["next_query_time"] = self._next_query(replace(order, required_action=changes.get("required_action",
                                                                                                      order.required_action)), count, now)
        if out_state == State.FAIL and retryable:
            nxt = await self._next_attempt(repo, order)
            if nxt is not None:
                changes["superseded_by"] = nxt.inst_order_id
        moved = await repo.cas(order, **changes)
        assert moved is not None, "order moved under its row lock"
        await repo.add_event(moved, order.state, cause)
        return NotificationResult.APPLIED, moved

    def _next_query(self, order: InstOrder, query_count: int, now: dt.datetime) -> dt.datetime:
        """The channel's backoff, but never after a pending challenge's expiry (so it is failed on time)."""
        at = now + dt.timedelta(seconds=next_query_delay_seconds(self.catalog.channels.get(order.channel_id), query_count))
        action = order.required_action
        if action is not None and action.expire_time is not None and now < action.expire_time < at:
            return action.expire_time
        return at

    async def _next_attempt(self, repo: Repository, failed: InstOrder) -> InstOrder | None:
        """Fallback: a new order (new id, attempt + 1) on the next eligible channel."""
        found = await repo.get_instruction(failed.instruction_id)
        if found is None or failed.type == OrderType.REFUND or failed.attempt >= found[2]:
            return None
        route = found[1].get("route")
        if not route or route.get("channel_id"):
            return None  # the caller named the channel: no routing, no fallback
        tried = frozenset(o.channel_id for o in await repo.orders_of(failed.instruction_id))
        decision = self.explain(route_context_from_dict(route, tried)).decision
        if decision is None:
            return None
        channel = self.catalog.channels[decision.channel_id]
        nxt = replace(failed, inst_order_id=new_id("ino"), attempt=failed.attempt + 1, state=State.INIT, channel_id=decision.channel_id,
                      fee=channel.fee(failed.amount), routing_rule_id=decision.rule_id, result=Result.PROCESSING, retryable=False,
                      channel_reference="", channel_result_code="", channel_result_message="", required_action=None,
                      settled_amount=None, superseded_by="", quota_reserved_date=None, query_count=0, next_query_time=None,
                      send_time=None, finish_time=None, version=1)
        await repo.insert_order(nxt)
        self.wake.set()
        return nxt

    # --- notifications and queries -------------------------------------------------------
    async def notify(self, channel_id: str, body: bytes, headers: dict[str, str]) -> tuple[NotificationResult, InstOrder]:
        channel = self.catalog.channels.get(channel_id)
        if channel is None:
            raise errors.channel_not_found(channel_id)
        answer = self.connector.parse_notification(channel, body, headers)

        async def work(repo: Repository):
            order = await repo.get_order(answer.inst_order_id, for_update=True)
            if order is None or order.channel_id != channel_id:
                raise errors.order_not_found(answer.inst_order_id)
            if not await repo.record_notification(channel_id, answer.notification_id, order.inst_order_id, 0):
                return NotificationResult.DUPLICATE, order
            with context_scope(order.context_id):
                result, moved = await self._apply(repo, order, answer, "notification")
            await repo.set_notification_result(channel_id, answer.notification_id, int(result))
            return result, moved
        return await self._watch(await self.uow(work), answer)

    async def query_store(self, inst_order_id: str) -> InstOrder:
        order = await self.uow(lambda repo: repo.get_order(inst_order_id))
        if order is None:
            raise errors.order_not_found(inst_order_id)
        return order

    async def query(self, inst_order_id: str, raise_unreachable: bool = True) -> InstOrder:
        order = await self.query_store(inst_order_id)
        if order.state in FINAL or order.state == State.INIT:
            return order
        channel = self.catalog.channels.get(order.channel_id)
        if channel is None:
            return order
        with context_scope(order.context_id):
            started = time.monotonic()
            try:
                answer = await self.connector.query(channel, order)
            except Exception:
                log.exception("query failed", extra={"inst_order_id": order.inst_order_id})
                answer = ChannelAnswer("ERROR", message="connector error")
            self._record_health(order.channel_id, answer, started)
            if answer.status in ("ERROR", "REJECTED"):
                answer = ChannelAnswer("ERROR", message=answer.message)
                moved = (await self.apply(inst_order_id, answer, "query"))[1]
                if raise_unreachable:
                    raise errors.channel_unreachable(order.channel_id)
                return moved
            return (await self.apply(inst_order_id, answer, "query"))[1]

    async def query_due_once(self, lease_seconds: int = 60) -> int:
        due = await self.uow(lambda repo: repo.claim_due(self.clock(), lease_seconds, self.batch_max))
        await asyncio.gather(*(self.query(o.inst_order_id, raise_unreachable=False) for o in due), return_exceptions=True)
        return len(due)

    async def run_query_loop(self, poll_seconds: float = 1.0) -> None:
        while True:
            try:
                if await self.query_due_once():
                    continue
            except Exception:
                log.exception("query loop failed; retrying")
            await asyncio.sleep(poll_seconds)
