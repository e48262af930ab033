"""handlers.create_transfers_group: many requests in one transaction give exactly the outcomes
and balances of booking them one after another; a failing request changes nothing."""
from __future__ import annotations

import random


from servers.kernel.errors import FailedPrecondition, NotFound, PaymeshError
from servers.kernel.money import Money
from servers.ledger import handlers
from servers.ledger.domain import AccountType, Leg, OwnerType, TransferState
from tests.unit.ledger_fakes import FakeLedgerRepository


def eur(n: int) -> Money:
    return Money("EUR", n)


async def _world(repo: FakeLedgerRepository) -> tuple[list[str], str, str]:
    wallets = [(await handlers.top_up_wallet(repo, f"top{i}", f"m{i}", eur(10), "ctx"))[1].account_id for i in range(3)]
    hot = await handlers.open_account(repo, handlers.OpenAccount(OwnerType.MERCHANT, "shop", AccountType.MERCHANT_PENDING_SETTLEMENT, "EUR"))
    settled = await handlers.open_account(repo, handlers.OpenAccount(OwnerType.MERCHANT, "shop", AccountType.MERCHANT_SETTLED, "EUR"))
    return wallets, hot.account_id, settled.account_id


async def test_a_failing_request_inside_a_group_leaves_the_others_booked():
    repo = FakeLedgerRepository()
    [w1, w2, _], hot, settled = await _world(repo)
    outcomes = await repo(lambda r: handlers.create_transfers_group(r, [
        handlers.Booking("a", [Leg(w1, hot, eur(6), "PAYMENT")], "c1"),
        handlers.Booking("b", [Leg(w1, hot, eur(3), "PAYMENT"), Leg(w1, hot, eur(2), "PAYMENT")], "c2"),  # 11 > 10: none
        handlers.Booking("c", [Leg(w2, hot, eur(10), "PAYMENT")], "c3"),
        handlers.Booking("d", [Leg(w2, "acc_nope", eur(1), "PAYMENT")], "c4"),
        handlers.Booking("e", [Leg(hot, settled, eur(16), "SETTLEMENT")], "c5"),  # sees a's and c's credits
        handlers.Booking("f", [Leg(w1, hot, eur(4), "PAYMENT", pending=True, timeout_seconds=60)], "c6"),
    ]))
    assert isinstance(outcomes[1], FailedPrecondition) and outcomes[1].reason == "INSUFFICIENT_FUNDS"
    assert isinstance(outcomes[3], NotFound)
    assert [o[0].request_id for o in outcomes if isinstance(o, list)] == ["a", "c", "e", "f"]
    assert outcomes[5][0].state == TransferState.PENDING and outcomes[5][0].timeout_time is not None
    balances = await handlers.get_account(repo, w1), await handlers.get_account(repo, hot), await handlers.get_account(repo, settled)
    assert [b.available for b in balances] == [eur(0), eur(0), eur(16)]
    assert len(repo.entries) == 2 * (3 + 3)  # three top-ups, three posted transfers
    assert (await handlers.verify(repo))[0]


async def test_a_group_books_exactly_what_the_same_requests_book_one_by_one():
    rng = random.Random(7)
    for _ in range(30):
        grouped, serial = FakeLedgerRepository(), FakeLedgerRepository()
        wallets, hot, settled = await _world(grouped)
        wallets_s, hot_s, settled_s = await _world(serial)  # the same world, other ids
        bookings = []
        for n in range(rng.randint(1, 8)):
            legs = []
            for _ in range(rng.randint(1, 3)):
                debit, credit = rng.choice([(rng.choice(wallets), hot), (hot, settled), (rng.choice(wallets), settled)])
                legs.append(Leg(debit, credit, eur(rng.randint(1, 8)), "X", pending=rng.random() < 0.2))
            bookings.append(handlers.Booking(f"r{n}", legs, "ctx"))
        got = await grouped(lambda r: handlers.create_transfers_group(r, bookings))
        mapping = dict(zip([*wallets, hot, settled], [*wallets_s, hot_s, settled_s]))
        expected = []
        for b in bookings:
            legs = [Leg(mapping[l.debit_account_id], mapping[l.credit_account_id], l.amount, l.business_code, l.pending) for l in b.legs]
            try:
                expected.append(await serial(lambda r: handlers.create_transfers(r, b.request_id, legs, "ctx")))
            except PaymeshError as exc:
                expected.append(exc)
        assert [type(o).__name__ if not isinstance(o, list) else len(o) for o in got] == \
               [type(o).__name__ if not isinstance(o, list) else len(o) for o in expected]
        for a in [*wallets, hot, settled]:
            assert (await handlers.get_account(grouped, a)).available == (await handlers.get_account(serial, mapping[a])).available

