"""Random sequences of open, transfer, hold, post, void, expire, freeze, close, reverse and
roll-up run against the handlers (in-memory repository) and a simple model; every ledger
invariant and every balance is checked after each step."""
from __future__ import annotations

import asyncio

from hypothesis import HealthCheck, settings, strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, rule

from servers.kernel.errors import PaymeshError
from servers.kernel.money import Money
from servers.ledger import handlers
from servers.ledger.domain import AccountState, AccountType, Leg, OwnerType, TransferState
from tests.unit.ledger_fakes import FakeLedgerRepository

KINDS = {  # account type → (owner type, no overdraft, hot)
    AccountType.MEMBER_WALLET: (OwnerType.MEMBER, True, False),
    AccountType.MERCHANT_PENDING_SETTLEMENT: (OwnerType.MERCHANT, True, True),
    AccountType.MERCHANT_SETTLED: (OwnerType.MERCHANT, True, False),
    AccountType.CHANNEL_CLEARING: (OwnerType.CHANNEL, False, True),
    AccountType.SUSPENSE: (OwnerType.PLATFORM, False, True),
}
amounts = st.integers(min_value=1, max_value=500)


class Acc:
    def __init__(self, account_id: str, no_overdraft: bool):
        self.id, self.no_overdraft, self.state = account_id, no_overdraft, AccountState.ACTIVE
        self.dp = self.cp = self.dq = self.cq = 0


class LedgerMachine(RuleBasedStateMachine):
    accounts = Bundle("accounts")
    holds = Bundle("holds")
    posted = Bundle("posted")

    def __init__(self):
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.repo = FakeLedgerRepository()
        self.model: dict[str, Acc] = {}
        self.transfers: dict[str, dict] = {}
        self.n = 0

    def teardown(self):
        self.loop.close()

    def call(self, fn, *args):
        """Runs a handler in a unit of work; returns (result, error reason)."""
        try:
            return self.loop.run_until_complete(self.repo(lambda repo: fn(repo, *args))), None
        except PaymeshError as exc:
            return None, exc.reason

    def rid(self) -> str:
        self.n += 1
        return f"r{self.n}"

    @rule(target=accounts, kind=st.sampled_from(sorted(KINDS)))
    def open(self, kind):
        owner_type, no_overdraft, _ = KINDS[kind]
        self.n += 1
        account, err = self.call(handlers.open_account, handlers.OpenAccount(owner_type, f"o{self.n}", kind, "EUR"))
        assert err is None and account.debits_must_not_exceed_credits == no_overdraft
        self.model[account.account_id] = Acc(account.account_id, no_overdraft)
        return account.account_id

    def expect_leg(self, d: Acc, c: Acc, amount: int, pending: bool) -> str | None:
        if d.state != AccountState.ACTIVE:
            return "ACCOUNT_NOT_ACTIVE"
        if d.no_overdraft and d.dp + d.dq + amount > d.cp:
            return "INSUFFICIENT_FUNDS"
        if c.state == AccountState.CLOSED:
            return "ACCOUNT_NOT_ACTIVE"
        return None

    @rule(target=posted, debit=accounts, credit=accounts, amount=amounts)
    def transfer(self, debit, credit, amount):
        return self._transfer(debit, credit, amount, False, 0)

    @rule(target=holds, debit=accounts, credit=accounts, amount=amounts, timeout=st.sampled_from([0, 5, 60]))
    def hold(self, debit, credit, amount, timeout):
        return self._transfer(debit, credit, amount, True, timeout)

    def _transfer(self, debit, credit, amount, pending, timeout):
        if debit == credit:
            return None
        d, c = self.model[debit], self.model[credit]
        expected = self.expect_leg(d, c, amount, pending)
        result, err = self.call(handlers.create_transfers, self.rid(), [Leg(debit, credit, Money("EUR", amount), "TEST", pending, timeout)], "ctx")
        assert err == expected, (err, expected)
        if err:
            return None
        [t] = result
        if pending:
            d.dq += amount
            c.cq += amount
        else:
            d.dp += amount
            c.cp += amount
        self.transfers[t.transfer_id] = {"d": debit, "c": credit, "amount": amount, "posted": 0 if pending else amount,
                                         "state": t.state, "timeout": t.timeout_time, "reversed": 0, "reversal": False}
        return t.transfer_id

    @rule(funding=accounts, receiver=accounts, amount=amounts)
    def fund(self, funding, receiver, amount):
        """Money from an account that may go negative, so wallets get spendable funds."""
        if funding != receiver and not self.model[funding].no_overdraft:
            self._transfer(funding, receiver, amount, False, 0)

    @rule(hold=holds, part=st.floats(min_value=0.01, max_value=1.0))
    def post(self, hold, part):
        if hold is None:
            return
        t = self.transfers[hold]
        d, c = self.model[t["d"]], self.model[t["c"]]
        value = max(1, int(t["amount"] * part))
        expected = None
        if t["state"] != TransferState.PENDING:
            expected = "TRANSFER_NOT_PENDING"
        elif t["timeout"] is not None and self.repo.clock >= t["timeout"]:
            expected = "HOLD_EXPIRED"
        elif d.state != AccountState.ACTIVE:
            expected = "ACCOUNT_NOT_ACTIVE"
        result, err = self.call(handlers.resolve, hold, TransferState.POSTED, Money("EUR", value))
        assert err == expected, (err, expected)
        if err is None:
            assert result.posted_amount == value
            d.dq -= t["amount"]
            c.cq -= t["amount"]
            d.dp += value
            c.cp += value
            t.update(state=TransferState.POSTED, posted=value)

    @rule(hold=holds)
    def void(self, hold):
        if hold is None:
            return
        t = self.transfers[hold]
        expected = None if t["state"] == TransferState.PENDING else "TRANSFER_NOT_PENDING"
        _, err = self.call(handlers.resolve, hold, TransferState.VOIDED)
        assert err == expected, (err, expected)
        if err is None:
            self.release(t, TransferState.VOIDED)

    def release(self, t: dict, state: TransferState) -> None:
        self.model[t["d"]].dq -= t["amount"]
        self.model[t["c"]].cq -= t["amount"]
        t["state"] = state

    @rule(seconds=st.sampled_from([1, 10, 100]))
    def expire(self, seconds):
        self.repo.tick(seconds)
        count, err = self.call(handlers.expire_due)
        assert err is None
        due = [t for t in self.transfers.values() if t["state"] == TransferState.PENDING and t["timeout"] is not None
               and t["timeout"] <= self.repo.clock]
        assert count == len(due)
        for t in due:
            self.release(t, TransferState.EXPIRED)

    @rule(account=accounts, target_state=st.sampled_from([AccountState.FROZEN, AccountState.ACTIVE, AccountState.CLOSED]))
    def set_state(self, account, target_state):
        a = self.model[account]
        expected = None
        if a.state == target_state:
            expected = None
        elif a.state == AccountState.CLOSED or (target_state == AccountState.ACTIVE and a.state != AccountState.FROZEN):
            expected = "ACCOUNT_NOT_ACTIVE"
        elif target_state == AccountState.CLOSED and (a.dp != a.cp or a.dq or a.cq):
            expected = "ACCOUNT_NOT_EMPTY"
        result, err = self.call(handlers.set_state, account, target_state)
        assert err == expected, (err, expected, a.state, target_state)
        if err is None:
            a.state = target_state
            assert result.state == target_state

    @rule(transfer=posted, part=st.floats(min_value=0.01, max_value=1.5))
    def reverse(self, transfer, part):
        if transfer is None:
            return
        t = self.transfers[transfer]
        left = t["posted"] - t["reversed"]
        value = max(1, int(t["posted"] * part))
        d, c = self.model[t["c"]], self.model[t["d"]]  # the reversal debits the original credit account
        if t["reversal"]:
            expected = "REVERSAL_NOT_REVERSIBLE"
        elif value > left:
            expected = "AMOUNT_EXCEEDS_LIMIT"
        else:
            expected = self.expect_leg(d, c, value, False)
        result, err = self.call(handlers.reverse, transfer, self.rid(), Money("EUR", value), "ctx")
        assert err == expected, (err, expected)
        if err is None:
            d.dp += value
            c.cp += value
            t["reversed"] += value
            self.transfers[result.transfer_id] = {"d": t["c"], "c": t["d"], "amount": value, "posted": value,
                                                  "state": TransferState.POSTED, "timeout": None, "reversed": 0, "reversal": True}

    @rule()
    def roll_up(self):
        self.loop.run_until_complete(self.repo.roll_up(100))
        assert not self.repo.deltas

    @invariant()
    def ledger_holds(self):
        checks = self.loop.run_until_complete(self.repo.verify())
        assert all(ok for ok, _ in checks), checks
        for account_id, a in self.model.items():
            got = self.loop.run_until_complete(self.repo.get_accounts([account_id]))[account_id]
            assert (got.debits_posted, got.credits_posted, got.debits_pending, got.credits_pending, got.state) == (
                a.dp, a.cp, a.dq, a.cq, a.state), account_id
        # Only hot accounts ever buffer, and only safe deltas (asserted by the fake).
        assert all(self.repo.accounts[a].hot for a, _ in self.repo.deltas)


TestLedgerStateful = LedgerMachine.TestCase
TestLedgerStateful.settings = settings(max_examples=60, stateful_step_count=40, deadline=None,
                                       suppress_health_check=[HealthCheck.too_slow])
