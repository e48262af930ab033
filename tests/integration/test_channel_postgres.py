"""The channel front's storage on real PostgreSQL: CAS transitions under races (one winner, one
outbox event), the daily quota reservation under concurrency, idempotent notifications, two
dispatchers claiming INIT orders with SKIP LOCKED without a double send, the query lease and
3DS challenge expiry. The connector is a fake of our port (no channel here)."""
from __future__ import annotations

import asyncio
import datetime as dt
import json
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import text

from servers.channel import domain as d
from servers.channel.adapters import SqlRepository, SqlUnitOfWork
from servers.channel.domain import ChannelAnswer, NotificationResult, OrderType, Result, State
from servers.channel.handlers import CHALLENGE_EXPIRED, Front, Submission
from servers.channel.health import HealthBoard
from servers.channel.routing import RouteContext
from servers.kernel import db as kdb
from servers.kernel.money import Money

MIGRATIONS = Path(__file__).resolve().parents[2] / "servers" / "channel" / "migrations"


@pytest.fixture
async def channel_db(settings, unique):
    database = await kdb.connect(settings.database_url.reveal(), unique("channel"), MIGRATIONS, pool_size=20)
    yield database
    await database.close()


class Connector:
    """Answers every send with `answer` after `delay` seconds; counts sends per order."""

    def __init__(self, answer=ChannelAnswer("SUCCESS", "00"), delay=0.0):
        self.answer, self.delay, self.sent = answer, delay, []
        self.queries: dict[str, ChannelAnswer] = {}

    async def send(self, channel, order, request):
        self.sent.append(order.inst_order_id)
        await asyncio.sleep(self.delay)
        return self.answer

    async def query(self, channel, order):
        return self.queries.get(order.inst_order_id, ChannelAnswer("ERROR", "TIMEOUT"))

    def parse_notification(self, channel, body, headers):
        return ChannelAnswer(**json.loads(body))


def catalog(quota=None):
    ch = d.Channel("a", d.ChannelState.ACTIVE, frozenset({1}), frozenset({1}), frozenset({1, 2}), {"EUR": d.CurrencyTerms("EUR", 0, quota)},
                   100, d.ThreeDs.SUPPORTED, "http-json-v1", "http://sim", "sim", 1000, (5,))
    return SimpleNamespace(channels={"a": ch}, rules=[d.RoutingRule("r", "r", 1, d.Conditions(), ("a",), d.Strategy.PRIORITY)],
                           mappings={}, used={})


def front(db, connector=None, quota=None, **kw) -> Front:
    return Front(SqlUnitOfWork(db), connector or Connector(), catalog(quota), HealthBoard(), **kw)


def submission(ins: str, amount=1000, verification=2) -> Submission:
    return Submission(ins, ins.encode(), OrderType.PAY, {}, RouteContext(1, 1, Money("EUR", amount), verification, 1, "411111", "m1"), 1)


async def dispatch_all(f: Front) -> None:
    while await f.dispatch_once():
        await asyncio.gather(*f.in_flight)


async def events_of(db, inst_order_id: str) -> list[str]:
    async with db.transaction() as conn:
        rows = await conn.execute(text("SELECT event_type FROM outbox WHERE payload->'inst_order'->>'inst_order_id' = :i ORDER BY event_type"),
                                  {"i": inst_order_id})
        return [r.event_type for r in rows]


async def test_two_workers_racing_to_finish_one_order_one_wins_one_event(channel_db, unique):
    f = front(channel_db, Connector(ChannelAnswer("PENDING")))
    order = await f.submit(submission(unique("ins")))
    await dispatch_all(f)
    both_read = asyncio.Barrier(2)

    async def finish(target: State):  # each worker read the same version, then tries to move it
        async def work(conn):
            repo = SqlRepository(conn)
            seen = await repo.get_order(order.inst_order_id)
            await both_read.wait()
            moved = await repo.cas(seen, state=target, finish_time=dt.datetime.now(dt.timezone.utc))
            if moved is not None:
                await repo.add_event(moved, seen.state, "race")
            return moved
        return await channel_db.run_in_transaction(work)

    results = await asyncio.gather(finish(State.SUCCESS), finish(State.FAIL))
    winners = [r for r in results if r is not None]
    assert len(winners) == 1 and winners[0].version == 4  # INIT 1 → SENT 2 → PROCESSING 3 → final 4
    final = await f.query_store(order.inst_order_id)
    assert final.state == winners[0].state
    assert (await events_of(channel_db, order.inst_order_id)).count(f"inst_order.{final.state.name.lower()}") == 1


async def test_concurrent_answers_through_the_front_apply_once(channel_db, unique):
    f = front(channel_db, Connector(ChannelAnswer("PENDING")))
    order = await f.submit(submission(unique("ins")))
    await dispatch_all(f)
    results = await asyncio.gather(*(f.apply(order.inst_order_id, ChannelAnswer(s, "00" if s == "SUCCESS" else "05"), "query")
                                     for s in ("SUCCESS", "DECLINED", "SUCCESS", "DECLINED")))
    assert sorted(r[0] for r in results) == [NotificationResult.APPLIED] + [NotificationResult.STALE] * 3
    final = await f.query_store(order.inst_order_id)
    assert final.state in d.FINAL
    types = await events_of(channel_db, order.inst_order_id)
    assert types == sorted(["inst_order.processing", f"inst_order.{final.state.name.lower()}"])


async def test_quota_reservation_is_exact_under_concurrency(channel_db):
    day = dt.date(2030, 1, 1)

    async def reserve(_):
        return await channel_db.run_in_transaction(lambda conn: SqlRepository(conn).reserve_quota("a", "EUR", day, 100, 1000))

    results = await asyncio.gather(*(reserve(i) for i in range(25)))
    assert sum(results) == 10
    await channel_db.run_in_transaction(lambda conn: SqlRepository(conn).release_quota("a", "EUR", day, 300))
    results = await asyncio.gather(*(reserve(i) for i in range(5)))
    assert sum(results) == 3
    async with channel_db.transaction() as conn:
        used = (await conn.execute(text("SELECT used_minor FROM channel_quota_usage WHERE channel_id = 'a'"))).scalar_one()
    assert used == 1000


async def test_dispatch_reserves_quota_and_fail_releases_it(channel_db, unique):
    declining, approving = (front(channel_db, Connector(ChannelAnswer(s, c)), quota=5000) for s, c in (("DECLINED", "05"), ("SUCCESS", "00")))
    failed = await declining.submit(submission(unique("ins"), 1500))
    await dispatch_all(declining)
    ok = await approving.submit(submission(unique("ins"), 2000))
    await dispatch_all(approving)
    f = approving
    assert (await f.query_store(failed.inst_order_id)).state == State.FAIL
    assert (await f.query_store(ok.inst_order_id)).quota_reserved_date is not None
    async with channel_db.transaction() as conn:
        used = (await conn.execute(text("SELECT used_minor FROM channel_quota_usage WHERE channel_id = 'a'"))).scalar_one()
    assert used == 2000  # 1500 reserved then released by the FAIL, 2000 kept by the SUCCESS


async def test_same_notification_twice_is_duplicate_and_changes_once(channel_db, unique):
    f = front(channel_db, Connector(ChannelAnswer("PENDING")))
    order = await f.submit(submission(unique("ins")))
    await dispatch_all(f)
    note = json.dumps({"status": "SUCCESS", "code": "00", "notification_id": "n1", "inst_order_id": order.inst_order_id}).encode()
    results = await asyncio.gather(f.notify("a", note, {}), f.notify("a", note, {}))
    assert sorted(r[0] for r in results) == [NotificationResult.APPLIED, NotificationResult.DUPLICATE]
    final = await f.query_store(order.inst_order_id)
    assert final.state == State.SUCCESS and final.version == 4  # INIT, SENT, PROCESSING, SUCCESS: one change by the notification
    assert (await events_of(channel_db, order.inst_order_id)).count("inst_order.success") == 1
    async with channel_db.transaction() as conn:
        rows = (await conn.execute(text("SELECT result FROM channel_notifications WHERE inst_order_id = :i"), {"i": order.inst_order_id})).all()
    assert [r.result for r in rows] == [NotificationResult.APPLIED]


async def test_two_dispatchers_never_send_an_order_twice(channel_db, unique):
    maker = front(channel_db)
    ids = [(await maker.submit(submission(unique("ins")))).inst_order_id for _ in range(40)]
    conn1, conn2 = Connector(delay=0.01), Connector(delay=0.01)
    w1, w2 = front(channel_db, conn1, batch_max=4), front(channel_db, conn2, batch_max=4)
    await asyncio.gather(dispatch_all(w1), dispatch_all(w2))
    assert sorted(conn1.sent + conn2.sent) == sorted(ids) and not set(conn1.sent) & set(conn2.sent)
    assert conn1.sent and conn2.sent  # both took part
    for inst_order_id in ids:
        assert (await maker.query_store(inst_order_id)).state == State.SUCCESS


async def test_query_lease_gives_each_due_order_to_one_worker(channel_db, unique):
    f = front(channel_db, Connector(ChannelAnswer("ERROR", "TIMEOUT")))
    ids = [(await f.submit(submission(unique("ins")))).inst_order_id for _ in range(10)]
    await dispatch_all(f)
    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=10)
    claims = await asyncio.gather(*(channel_db.run_in_transaction(lambda conn: SqlRepository(conn).claim_due(later, 60, 4))
                                    for _ in range(4)))
    got = [o.inst_order_id for batch in claims for o in batch]
    assert sorted(got) == sorted(ids) and len(set(got)) == len(got)


async def test_unfinished_3ds_challenge_fails_through_the_query_loop(channel_db, unique):
    now = [dt.datetime.now(dt.timezone.utc)]
    conn = Connector(ChannelAnswer("REQUIRES_ACTION", redirect_url="https://sim/3ds/x"))
    f = front(channel_db, conn, clock=lambda: now[0], challenge_seconds=8)
    order = await f.submit(submission(unique("ins"), verification=4))
    await dispatch_all(f)
    waiting = await f.query_store(order.inst_order_id)
    assert waiting.state == State.REQUIRES_ACTION and waiting.required_action.expire_time == now[0] + dt.timedelta(seconds=8)
    assert waiting.required_action.redirect_url == "https://sim/3ds/x"
    conn.queries[order.inst_order_id] = ChannelAnswer("REQUIRES_ACTION", redirect_url="https://sim/3ds/x")
    now[0] += dt.timedelta(seconds=5)
    assert await f.query_due_once() == 1
    still = await f.query_store(order.inst_order_id)
    # the backoff (5 s) would ask again after the challenge expired: the next query is at the expiry instead
    assert still.state == State.REQUIRES_ACTION and still.next_query_time == waiting.required_action.expire_time
    now[0] += dt.timedelta(seconds=3)
    assert await f.query_due_once() == 1
    expired = await f.query_store(order.inst_order_id)
    assert (expired.state, expired.result, expired.channel_result_code) == (State.FAIL, Result.AUTHENTICATION_FAILED, CHALLENGE_EXPIRED)
    assert "inst_order.fail" in await events_of(channel_db, order.inst_order_id)
