"""Trade on real PostgreSQL + Redis: idempotent CreateOrder under concurrency, compare-and-set
transitions racing on one order, the expiry sweep shared by replicas, cashier token TTLs."""
from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from sqlalchemy import text

from servers.kernel import cache, db as kdb
from servers.kernel.errors import AlreadyExists, Expired, FailedPrecondition, NotFound
from servers.kernel.money import Money
from servers.trade import cashier, handlers
from servers.trade.adapters import SqlUnitOfWork
from servers.trade.adapters_members import RedisTokenStore
from servers.trade.domain import OrderState

MIGRATIONS = Path(__file__).resolve().parents[2] / "servers" / "trade" / "migrations"


@pytest.fixture
async def trade_db(settings, unique):
    database = await kdb.connect(settings.database_url.reveal(), unique("trade"), MIGRATIONS, pool_size=20)
    yield database
    await database.close()


def order_cmd(out_trade_no: str, minor: int = 1_000, expire_seconds: int = 600, product: str = "DIGITAL_GOODS") -> handlers.CreateOrder:
    return handlers.CreateOrder("mch_1", out_trade_no, product, "a book", Money("EUR", minor), "mem_1", "https://m.example/notify",
                                expire_seconds, "ctx")


async def events_of(db, event_type: str, order_id: str) -> int:
    async with db.transaction() as conn:
        return (await conn.execute(text("SELECT count(*) FROM outbox WHERE event_type = :t AND payload->>'order_id' = :o"),
                                   {"t": event_type, "o": order_id})).scalar_one()


async def test_concurrent_duplicate_create_order_yields_one_order(trade_db, unique):
    uow, no = SqlUnitOfWork(trade_db), unique("no")
    orders = await asyncio.gather(*[handlers.create_order(uow, order_cmd(no)) for _ in range(20)])
    assert len({o.order_id for o in orders}) == 1
    with pytest.raises(AlreadyExists) as other_terms:
        await handlers.create_order(uow, order_cmd(no, minor=1_001))
    assert other_terms.value.reason == "OUT_TRADE_NO_REUSED"


async def test_racing_transitions_on_one_order_let_exactly_one_win(trade_db, unique):
    uow = SqlUnitOfWork(trade_db)
    order = await handlers.create_order(uow, order_cmd(unique("no")))

    async def move(target: OrderState):  # every racer works from the same read (state WAIT_PAY, version 1)
        return await uow(lambda repo: repo.transition(order, target, pay_request_id=f"r-{target.name}"))

    results = await asyncio.gather(*[move(OrderState.PAYING if i % 2 else OrderState.CLOSED) for i in range(30)])
    winners = [r for r in results if r is not None]
    assert len(winners) == 1 and winners[0].version == order.version + 1
    current = await handlers.get_order(uow, order.order_id)
    assert (current.state, current.version) == (winners[0].state, winners[0].version)


async def test_concurrent_closes_close_once_and_a_paying_order_cannot_close(trade_db, unique):
    uow = SqlUnitOfWork(trade_db)
    order = await handlers.create_order(uow, order_cmd(unique("no")))
    closed = await asyncio.gather(*[handlers.close_order(uow, order.order_id) for _ in range(10)], return_exceptions=True)
    assert all(not isinstance(c, Exception) and c.state == OrderState.CLOSED for c in closed), closed
    assert await events_of(trade_db, "order.closed", order.order_id) == 1
    paying = await handlers.create_order(uow, order_cmd(unique("no")))
    await uow(lambda repo: repo.transition(paying, OrderState.PAYING))
    with pytest.raises(FailedPrecondition) as illegal:
        await handlers.close_order(uow, paying.order_id)
    assert illegal.value.reason == "ILLEGAL_ORDER_TRANSITION"


async def test_replicas_sweeping_expired_orders_close_each_once(trade_db, unique):
    uow = SqlUnitOfWork(trade_db)
    expired = [await handlers.create_order(uow, order_cmd(unique("no"), expire_seconds=1)) for _ in range(12)]
    live = await handlers.create_order(uow, order_cmd(unique("no"), expire_seconds=600))
    await asyncio.sleep(1.2)

    async def replica() -> int:
        total = 0
        while (n := await handlers.close_expired(uow, batch=3)) > 0:
            total += n
        return total

    assert sum(await asyncio.gather(replica(), replica(), replica())) >= 12  # other tests' orders may be swept too
    for o in expired:
        assert (await handlers.get_order(uow, o.order_id)).state == OrderState.CLOSED
        assert await events_of(trade_db, "order.closed", o.order_id) == 1
    assert (await handlers.get_order(uow, live.order_id)).state == OrderState.WAIT_PAY


async def test_cashier_tokens_live_in_redis_hashed_with_a_ttl(trade_db, settings, unique):
    redis = cache.connect(settings.redis_url.reveal(), unique("trade"))
    try:
        uow, tokens = SqlUnitOfWork(trade_db), RedisTokenStore(redis)
        order = await handlers.create_order(uow, order_cmd(unique("no")))
        token, expire = await cashier.create_token(uow, tokens, order.order_id, 60)
        keys = [k.decode() async for k in redis.client.scan_iter(redis.key("cashier:*"))]
        assert len(keys) == 1 and token not in keys[0]  # only the token's hash is stored
        raw = await redis.client.get(keys[0])
        assert token.encode() not in raw and json.loads(raw)["order_id"] == order.order_id
        assert 60 + cashier.GRACE_SECONDS - 5 <= await redis.client.ttl(keys[0]) <= 60 + cashier.GRACE_SECONDS
        assert (await cashier.resolve(uow, tokens, token)).order_id == order.order_id

        short, _ = await cashier.create_token(uow, tokens, order.order_id, 1)
        await asyncio.sleep(1.1)
        with pytest.raises(Expired) as gone:
            await cashier.resolve(uow, tokens, short)
        assert gone.value.reason == "CASHIER_TOKEN_EXPIRED"
        with pytest.raises(NotFound) as unknown:
            await cashier.resolve(uow, tokens, "no-such-token")
        assert unknown.value.reason == "CASHIER_TOKEN_UNKNOWN"
        await uow(lambda repo: repo.transition(order, OrderState.PAYING))
        paying = await handlers.get_order(uow, order.order_id)
        await uow(lambda repo: repo.transition(paying, OrderState.PAID))
        with pytest.raises(FailedPrecondition) as used:
            await cashier.resolve(uow, tokens, token)
        assert used.value.reason == "CASHIER_TOKEN_USED"
    finally:
        await redis.close()
