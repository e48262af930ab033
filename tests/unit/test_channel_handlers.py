"""The async channel front (servers/channel/handlers.py) with fakes of its ports: the order state
machine driven by answers, answer → outcome mapping, fallback decisions, quota, notifications,
the query loop and 3DS challenge expiry."""
from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import json
from types import SimpleNamespace

import pytest

from servers.channel import domain as d
from servers.channel.domain import ChannelAnswer, InstOrder, NotificationResult, OrderType, Result, State
from servers.channel.handlers import CHALLENGE_EXPIRED, Front, Submission
from servers.channel.health import Circuit, HealthBoard, HealthPolicy
from servers.channel.routing import RouteContext
from servers.kernel.errors import AlreadyExists, FailedPrecondition
from servers.kernel.money import Money

T0 = dt.datetime(2030, 1, 1, 12, 0, tzinfo=dt.timezone.utc)


class FakeStore:
    """Repository + unit of work in memory: all-or-nothing per unit of work."""

    def __init__(self):
        self.instructions: dict[str, tuple[bytes, dict, int]] = {}
        self.orders: dict[str, InstOrder] = {}
        self.quota: dict[tuple[str, str, dt.date], int] = {}
        self.notes: dict[tuple[str, str], int] = {}
        self.events: list[tuple[str, str, State, str]] = []  # (inst_order_id, new state, previous, cause)

    async def __call__(self, work):
        snap = (dict(self.instructions), dict(self.orders), dict(self.quota), dict(self.notes), list(self.events))
        try:
            return await work(self)
        except BaseException:
            self.instructions, self.orders, self.quota, self.notes, self.events = snap
            raise

    async def insert_instruction(self, instruction_id, request_hash, order_type, request, max_attempts):
        if instruction_id in self.instructions:
            return False
        self.instructions[instruction_id] = (request_hash, json.loads(json.dumps(request)), max_attempts)
        return True

    async def get_instruction(self, instruction_id):
        return self.instructions.get(instruction_id)

    async def insert_order(self, order):
        assert all((o.instruction_id, o.attempt) != (order.instruction_id, order.attempt) for o in self.orders.values())
        self.orders[order.inst_order_id] = dataclasses.replace(order, create_time=T0)

    async def get_order(self, inst_order_id, for_update=False):
        return self.orders.get(inst_order_id)

    async def first_order(self, instruction_id):
        return next((o for o in self.orders.values() if o.instruction_id == instruction_id and o.attempt == 1), None)

    async def orders_of(self, instruction_id):
        return sorted((o for o in self.orders.values() if o.instruction_id == instruction_id), key=lambda o: o.attempt)

    async def cas(self, order, **changes):
        cur = self.orders[order.inst_order_id]
        if (cur.state, cur.version) != (order.state, order.version):
            return None
        moved = dataclasses.replace(cur, version=cur.version + 1, **changes)
        self.orders[order.inst_order_id] = moved
        return moved

    async def claim_init(self, limit):
        return [o for o in self.orders.values() if o.state == State.INIT][:limit]

    async def claim_due(self, now, lease_seconds, limit):
        due = [o for o in self.orders.values() if o.state in d.OPEN and o.next_query_time and o.next_query_time <= now][:limit]
        for o in due:
            self.orders[o.inst_order_id] = dataclasses.replace(o, next_query_time=now + dt.timedelta(seconds=lease_seconds))
        return [self.orders[o.inst_order_id] for o in due]

    async def reserve_quota(self, channel_id, currency, day, amount_minor, quota_minor):
        used = self.quota.get((channel_id, currency, day), 0)
        if used + amount_minor > quota_minor:
            return False
        self.quota[(channel_id, currency, day)] = used + amount_minor
        return True

    async def release_quota(self, channel_id, currency, day, amount_minor):
        key = (channel_id, currency, day)
        self.quota[key] = max(0, self.quota.get(key, 0) - amount_minor)

    async def record_notification(self, channel_id, notification_id, inst_order_id, result):
        if (channel_id, notification_id) in self.notes:
            return False
        self.notes[(channel_id, notification_id)] = result
        return True

    async def set_notification_result(self, channel_id, notification_id, result):
        self.notes[(channel_id, notification_id)] = result

    async def refunded_minor(self, original_inst_order_id):
        return sum(o.amount.amount_minor for o in self.orders.values()
                   if o.original_inst_order_id == original_inst_order_id and o.type == OrderType.REFUND and o.state != State.FAIL)

    async def add_event(self, order, previous, cause):
        self.events.append((order.inst_order_id, order.state, previous, cause))


class FakeConnector:
    """Answers from a script: by channel (send) and by order id (query); records what was sent."""

    def __init__(self):
        self.answers: dict[str, ChannelAnswer] = {}
        self.queries: dict[str, ChannelAnswer] = {}
        self.sent: list[tuple[str, str]] = []

    async def send(self, channel, order, request):
        self.sent.append((channel.channel_id, order.inst_order_id))
        answer = self.answers.get(channel.channel_id, ChannelAnswer("SUCCESS", "00", channel_reference="ref1"))
        if answer.status == "RAISE":
            raise RuntimeError("connector bug")
        return answer

    async def query(self, channel, order):
        return self.queries.get(order.inst_order_id, ChannelAnswer("ERROR", "TIMEOUT"))

    def parse_notification(self, channel, body, headers):
        return ChannelAnswer(**json.loads(body))


def chan(cid, bps=100, quota=None, three_ds=d.ThreeDs.SUPPORTED, backoff=(5, 30)):
    return d.Channel(cid, d.ChannelState.ACTIVE, frozenset({1}), frozenset({1, 2}), frozenset({1, 2, 3}),
                     {"EUR": d.CurrencyTerms("EUR", 10, quota)}, bps, three_ds, "http-json-v1", "http://sim", "sim", 1000, backoff)


class Clock:
    def __init__(self):
        self.now = T0

    def __call__(self):
        return self.now

    def advance(self, seconds: float):
        self.now += dt.timedelta(seconds=seconds)


@pytest.fixture
def env():
    channels = {c.channel_id: c for c in (chan("a", 50), chan("b", 100), chan("c", 200))}
    rules = [d.RoutingRule("r1", "r1", 10, d.Conditions(), ("a", "b", "c"), d.Strategy.PRIORITY)]
    mappings = {("a", "05"): d.CodeMapping(Result.DECLINED, False), ("a", "91"): d.CodeMapping(Result.CHANNEL_UNAVAILABLE, True),
                ("b", "91"): d.CodeMapping(Result.CHANNEL_UNAVAILABLE, True)}
    catalog = SimpleNamespace(channels=channels, rules=rules, mappings=mappings, used={})
    store, conn, clock = FakeStore(), FakeConnector(), Clock()
    front = Front(store, conn, catalog, HealthBoard(HealthPolicy(consecutive_failures_max=100)), clock=clock, challenge_seconds=600)
    return SimpleNamespace(store=store, conn=conn, clock=clock, front=front, catalog=catalog)


def submission(ins="ins1", amount=1000, channel_id="", max_attempts=3, verification=2, h=b"h1", **kw):
    route = RouteContext(1, 1, Money("EUR", amount), verification, 1, "411111", "m1", "u1", channel_id)
    return Submission(ins, h, OrderType.PAY, {"return_url": "https://x"}, route, max_attempts, **kw)


async def run(env, sub=None) -> InstOrder:
    """Submits (optionally), dispatches everything and waits for the channel calls."""
    order = await env.front.submit(sub) if sub else None
    while any(o.state == State.INIT for o in env.store.orders.values()):  # a fallback adds a new INIT order (and wakes)
        await env.front.dispatch_once()
        await asyncio.gather(*env.front.in_flight)
    return env.store.orders[order.inst_order_id] if order else None


async def test_submit_records_init_and_is_idempotent(env):
    first = await env.front.submit(submission())
    assert (first.state, first.result, first.attempt, first.channel_id) == (State.INIT, Result.PROCESSING, 1, "a")
    assert first.fee == Money("EUR", 15)  # 0.5 % of 1000 + 10 fixed
    again = await env.front.submit(submission())
    assert again.inst_order_id == first.inst_order_id and len(env.store.orders) == 1
    with pytest.raises(AlreadyExists) as err:
        await env.front.submit(submission(h=b"other"))
    assert err.value.reason == "INSTRUCTION_REUSED"


async def test_no_route_is_failed_precondition(env):
    with pytest.raises(FailedPrecondition) as err:
        await env.front.submit(submission(channel_id="nope"))
    assert err.value.reason == "NO_ROUTE" and not env.store.orders


@pytest.mark.parametrize("answer, state, result, retryable", [
    (ChannelAnswer("SUCCESS", "00", channel_reference="r", amount_minor=999), State.SUCCESS, Result.SUCCESS, False),
    (ChannelAnswer("PENDING"), State.PROCESSING, Result.PROCESSING, False),
    (ChannelAnswer("REQUIRES_ACTION", redirect_url="https://sim/3ds"), State.REQUIRES_ACTION, Result.REQUIRES_ACTION, False),
    (ChannelAnswer("DECLINED", "05"), State.FAIL, Result.DECLINED, False),
    (ChannelAnswer("DECLINED", "zz"), State.FAIL, Result.UNMAPPED, False),
    (ChannelAnswer("ERROR", "TIMEOUT"), State.UNKNOWN, Result.TIMEOUT, False),
])
async def test_answer_moves_the_order(env, answer, state, result, retryable):
    env.conn.answers["a"] = answer
    order = await run(env, submission())
    assert (order.state, order.result, order.retryable) == (state, result, retryable)
    assert env.conn.sent == [("a", order.inst_order_id)]  # sent once, with its own id
    assert [e[1:] for e in env.store.events] == [(state, State.SENT, "response")]
    if state == State.SUCCESS:
        assert order.settled_amount == Money("EUR", 999) and order.channel_reference == "r" and order.finish_time == T0
    if state in d.OPEN:
        assert order.next_query_time == T0 + dt.timedelta(seconds=5) and order.finish_time is None
    if state == State.REQUIRES_ACTION:
        assert order.required_action.redirect_url == "https://sim/3ds"
        assert order.required_action.expire_time == T0 + dt.timedelta(seconds=600)
    assert not order.superseded_by and len(env.store.orders) == 1


async def test_connector_crash_leaves_outcome_unknown(env):
    env.conn.answers["a"] = ChannelAnswer("RAISE")
    order = await run(env, submission())
    assert order.state == State.UNKNOWN and not order.superseded_by


async def test_retryable_failure_falls_back_with_a_new_id(env):
    env.conn.answers["a"] = ChannelAnswer("DECLINED", "91")
    env.conn.answers["b"] = ChannelAnswer("REJECTED", "96")  # not processed: retryable too
    first = await run(env, submission())
    orders = await env.store.orders_of("ins1")
    assert [(o.attempt, o.channel_id, o.state) for o in orders] == [(1, "a", State.FAIL), (2, "b", State.FAIL), (3, "c", State.SUCCESS)]
    assert first.superseded_by == orders[1].inst_order_id and orders[1].superseded_by == orders[2].inst_order_id
    assert len({o.inst_order_id for o in orders}) == 3 and orders[1].result == Result.CHANNEL_UNAVAILABLE and orders[1].retryable
    assert orders[2].fee == Money("EUR", 30)


async def test_fallback_stops_at_max_attempts_and_for_named_channel(env):
    env.conn.answers["a"] = ChannelAnswer("DECLINED", "91")
    capped = await run(env, submission("ins1", max_attempts=1))
    named = await run(env, submission("ins2", channel_id="a"))
    for order in (capped, named):
        assert order.state == State.FAIL and order.retryable and not order.superseded_by
    assert len(env.store.orders) == 2


async def test_non_retryable_decline_does_not_fall_back(env):
    env.conn.answers["a"] = ChannelAnswer("DECLINED", "05")
    order = await run(env, submission())
    assert order.state == State.FAIL and not order.superseded_by and len(env.store.orders) == 1


async def test_quota_reserved_at_dispatch_exhausted_falls_back_and_fail_releases(env):
    env.catalog.channels["a"] = chan("a", 50, quota=1500)
    ok = await run(env, submission("ins1", 1000))
    assert ok.state == State.SUCCESS and ok.quota_reserved_date == T0.date()
    assert env.store.quota[("a", "EUR", T0.date())] == 1000
    over = await run(env, submission("ins2", 1000))  # routing saw no use (catalog not refreshed): dispatch decides
    nxt = env.store.orders[over.superseded_by]
    assert (over.state, over.result, over.retryable) == (State.FAIL, Result.LIMIT_EXCEEDED, True) and nxt.channel_id == "b"
    env.conn.answers["a"] = ChannelAnswer("DECLINED", "05")
    failed = await run(env, submission("ins3", 500))
    assert failed.state == State.FAIL and failed.quota_reserved_date is None
    assert env.store.quota[("a", "EUR", T0.date())] == 1000  # reserved, then released by the FAIL


async def test_open_circuit_at_dispatch_fails_over_without_sending(env):
    first = await env.front.submit(submission())
    health = env.front.health.of("a")
    health.circuit, health.opened_at = Circuit.OPEN, health.clock()  # just opened
    await run(env)
    failed = env.store.orders[first.inst_order_id]
    assert failed.state == State.FAIL and failed.result == Result.CHANNEL_UNAVAILABLE
    assert [c for c, _ in env.conn.sent] == ["b"] and env.store.orders[failed.superseded_by].state == State.SUCCESS


async def test_duplicate_and_late_notifications_change_nothing(env):
    env.conn.answers["a"] = ChannelAnswer("PENDING")
    order = await run(env, submission())
    note = json.dumps({"status": "SUCCESS", "code": "00", "notification_id": "n1", "inst_order_id": order.inst_order_id}).encode()
    result, moved = await env.front.notify("a", note, {})
    assert result == NotificationResult.APPLIED and moved.state == State.SUCCESS
    result, same = await env.front.notify("a", note, {})
    assert result == NotificationResult.DUPLICATE and same.version == moved.version
    late = json.dumps({"status": "PENDING", "notification_id": "n2", "inst_order_id": order.inst_order_id}).encode()
    result, same = await env.front.notify("a", late, {})
    assert result == NotificationResult.STALE and same.state == State.SUCCESS and same.version == moved.version
    assert env.store.notes == {("a", "n1"): NotificationResult.APPLIED, ("a", "n2"): NotificationResult.STALE}
    assert [e[1] for e in env.store.events] == [State.PROCESSING, State.SUCCESS]


async def test_query_loop_backs_off_then_finishes_unknown(env):
    env.conn.answers["a"] = ChannelAnswer("ERROR", "TIMEOUT")
    order = await run(env, submission())
    assert await env.front.query_due_once() == 0  # not due yet
    env.clock.advance(5)
    assert await env.front.query_due_once() == 1  # channel still silent: stays UNKNOWN, next after 30 s
    still = env.store.orders[order.inst_order_id]
    assert still.state == State.UNKNOWN and still.query_count == 1 and still.next_query_time == env.clock.now + dt.timedelta(seconds=30)
    env.clock.advance(30)
    env.conn.queries[order.inst_order_id] = ChannelAnswer("SUCCESS", "00", amount_minor=1000)
    await env.front.query_due_once()
    done = env.store.orders[order.inst_order_id]
    assert done.state == State.SUCCESS and done.query_count == 2 and done.next_query_time is None


async def test_query_not_found_fails_unknown_safely_and_falls_back(env):
    env.conn.answers["a"] = ChannelAnswer("ERROR", "TIMEOUT")
    order = await run(env, submission())
    env.conn.queries[order.inst_order_id] = ChannelAnswer("NOT_FOUND")
    env.clock.advance(5)
    await env.front.query_due_once()
    failed = env.store.orders[order.inst_order_id]
    assert failed.state == State.FAIL and failed.retryable and env.store.orders[failed.superseded_by].channel_id == "b"


async def test_three_ds_challenge_expires_through_the_query_loop(env):
    env.conn.answers["a"] = ChannelAnswer("REQUIRES_ACTION", redirect_url="https://sim/3ds")
    order = await run(env, submission(verification=4))
    env.conn.queries[order.inst_order_id] = ChannelAnswer("REQUIRES_ACTION", redirect_url="https://sim/3ds")
    for _ in range(30):  # queried on the backoff; the channel keeps waiting for the payer
        env.clock.advance(30)
        await env.front.query_due_once()
        if env.store.orders[order.inst_order_id].state != State.REQUIRES_ACTION:
            break
        assert env.store.orders[order.inst_order_id].next_query_time <= T0 + dt.timedelta(seconds=600)  # never after expiry
    expired = env.store.orders[order.inst_order_id]
    assert (expired.state, expired.result, expired.retryable) == (State.FAIL, Result.AUTHENTICATION_FAILED, False)
    assert expired.channel_result_code == CHALLENGE_EXPIRED and T0 + dt.timedelta(seconds=600) <= expired.finish_time
    assert expired.finish_time <= T0 + dt.timedelta(seconds=630) and not expired.superseded_by
    late = json.dumps({"status": "SUCCESS", "notification_id": "n9", "inst_order_id": order.inst_order_id}).encode()
    assert (await env.front.notify("a", late, {}))[0] == NotificationResult.STALE


async def test_three_ds_completed_before_expiry_or_channel_final_after_it_wins(env):
    env.conn.answers["a"] = ChannelAnswer("REQUIRES_ACTION", redirect_url="https://sim/3ds")
    order = await run(env, submission(verification=4))
    env.clock.advance(700)  # past the window, but the channel already has a final answer: it wins
    env.conn.queries[order.inst_order_id] = ChannelAnswer("SUCCESS", "00")
    await env.front.query_due_once()
    assert env.store.orders[order.inst_order_id].state == State.SUCCESS
    second = await run(env, submission("ins2", verification=4))
    env.clock.advance(700)
    env.conn.queries[second.inst_order_id] = ChannelAnswer("ERROR", "TIMEOUT")  # unreachable: don't guess, keep asking
    await env.front.query_due_once()
    assert env.store.orders[second.inst_order_id].state == State.REQUIRES_ACTION


async def test_refund_checks_the_original(env):
    paid = await run(env, submission())
    refund = lambda ins, amount, h: Submission(ins, h, OrderType.REFUND, {}, RouteContext(2, 1, Money("EUR", amount)), 1,  # noqa: E731
                                               original_inst_order_id=paid.inst_order_id)
    first = await run(env, refund("rf1", 600, b"r1"))
    assert first.state == State.SUCCESS and first.channel_id == "a"
    with pytest.raises(FailedPrecondition) as err:
        await env.front.submit(refund("rf2", 500, b"r2"))
    assert err.value.reason == "REFUND_NOT_ALLOWED"
