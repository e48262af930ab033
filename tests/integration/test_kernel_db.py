"""Kernel adapters on real PostgreSQL and Redis: migrations, idempotency, outbox → stream →
idempotent consumer, fenced locks."""
from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text

from paymesh.common.v1 import money_pb2
from servers.kernel import cache, db as kdb, events, idempotency
from servers.kernel.context import context_scope
from servers.kernel.errors import AlreadyExists


@pytest.fixture
async def database(settings, unique, tmp_path):
    (tmp_path / "0001_effects.sql").write_text("CREATE TABLE effects (id SERIAL PRIMARY KEY, note TEXT NOT NULL);")
    database = await kdb.connect(settings.database_url.reveal(), unique("s"), tmp_path, pool_size=12)
    yield database
    await database.close()


@pytest.fixture
async def redis(settings, unique):
    client = cache.connect(settings.redis_url.reveal(), unique("app"))
    yield client
    await client.close()


async def test_migrations_apply_once_and_refuse_edits(settings, unique, tmp_path):
    (tmp_path / "0001_a.sql").write_text("CREATE TABLE a (x INT);")
    engine = kdb.create_engine(settings.database_url.reveal(), schema := unique("s"))
    try:
        assert await kdb.migrate(engine, schema, tmp_path) == ["kernel_0001_outbox_idempotency", "0001_a"]
        assert await kdb.migrate(engine, schema, tmp_path) == []
        (tmp_path / "0001_a.sql").write_text("CREATE TABLE a (x BIGINT);")
        with pytest.raises(RuntimeError, match="changed after it was applied"):
            await kdb.migrate(engine, schema, tmp_path)
    finally:
        await engine.dispose()


async def test_concurrent_duplicates_produce_one_effect(database):
    request = money_pb2.Money(currency_code="EUR", amount_minor=5)
    calls = 0

    async def work(conn):
        nonlocal calls
        calls += 1
        await conn.execute(text("INSERT INTO effects (note) VALUES ('x')"))
        await asyncio.sleep(0.05)  # widen the race window
        return money_pb2.Money(currency_code="EUR", amount_minor=calls)

    replies = await asyncio.gather(*[idempotency.run_once(database, "M", "req-1", request, money_pb2.Money, work) for _ in range(10)])
    assert len({r.amount_minor for r in replies}) == 1
    async with database.transaction() as conn:
        assert (await conn.execute(text("SELECT count(*) FROM effects"))).scalar() == 1
    with pytest.raises(AlreadyExists) as err:
        await idempotency.run_once(database, "M", "req-1", money_pb2.Money(currency_code="EUR", amount_minor=6), money_pb2.Money, work)
    assert err.value.reason == "REQUEST_ID_REUSED"


async def test_outbox_publishes_only_committed_events_and_consumers_apply_once(database, redis):
    with context_scope("ctx_outbox_test"):
        async with database.transaction() as conn:
            await events.add_event(conn, "orders", "order.paid", {"order_id": "o1"})
        with pytest.raises(ZeroDivisionError):
            async with database.transaction() as conn:
                await events.add_event(conn, "orders", "order.paid", {"order_id": "rolled-back"})
                1 / 0
    relay = events.OutboxRelay(database, redis)
    assert await relay.publish_batch() == 1
    assert await relay.publish_batch() == 0

    seen: list[tuple[str, str]] = []

    async def handler(conn, event: events.Event) -> None:
        seen.append((event.payload["order_id"], event.context_id))
        await conn.execute(text("INSERT INTO effects (note) VALUES (:n)"), {"n": event.payload["order_id"]})

    consumer = events.Consumer(database, redis, producer=redis.app, topic="orders", group="g1", handler=handler, block_ms=100)
    await consumer.ensure_group()
    [[_key, messages]] = await redis.client.xreadgroup("g1", consumer.name, {consumer.key: ">"}, count=10, block=100)
    assert len(messages) == 1
    message_id, fields = messages[0]
    await consumer.handle(message_id, fields)
    await consumer.handle(message_id, fields)  # a redelivery changes nothing
    assert seen == [("o1", "ctx_outbox_test")]
    assert await redis.client.ttl(consumer.key) > 0  # every key has a TTL
    assert await redis.client.xpending(consumer.key, "g1") == {"pending": 0, "min": None, "max": None, "consumers": []}


async def test_fenced_lock_excludes_and_fences_grow(redis):
    first = redis.lock("settle:m1", lease_ms=2000)
    second = redis.lock("settle:m1", lease_ms=2000)
    fence1 = await first.try_acquire()
    assert fence1 is not None
    assert await second.try_acquire() is None
    assert 0 < await redis.client.pttl(first.key) <= 2000
    await first.release()
    fence2 = await second.try_acquire()
    assert fence2 is not None and fence2 > fence1
    await second.release()
    assert first.key.startswith(f"{redis.app}:")
