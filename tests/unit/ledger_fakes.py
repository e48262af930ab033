"""In-memory fake of the ledger's repository port with the adapter's semantics: buffered
deltas of hot accounts, roll-up on row lock, CHECK constraints as assertions, immutable
resolved transfers, and all-or-nothing units of work."""
from __future__ import annotations

import copy
import dataclasses
from datetime import datetime, timedelta, timezone

from servers.ledger.domain import Account, AccountState, Delta, Entry, Transfer, TransferState


class FakeLedgerRepository:
    def __init__(self):
        self.clock = datetime(2030, 1, 1, tzinfo=timezone.utc)
        self.accounts: dict[str, Account] = {}
        self.deltas: list[tuple[str, Delta]] = []
        self.transfers: dict[str, Transfer] = {}
        self.entries: list[Entry] = []
        self.events: list[tuple[str, dict]] = []

    async def __call__(self, work):  # unit of work: all-or-nothing on the fake's state
        saved = copy.deepcopy((self.accounts, self.deltas, self.transfers, self.entries, self.events))
        try:
            return await work(self)
        except BaseException:
            self.accounts, self.deltas, self.transfers, self.entries, self.events = saved
            raise

    def tick(self, seconds: float) -> None:
        self.clock += timedelta(seconds=seconds)

    def _effective(self, account_id: str) -> Account:
        account = self.accounts[account_id]
        for aid, delta in self.deltas:
            if aid == account_id:
                account = account.plus(delta)
        return account

    def _roll_up(self, ids: list[str]) -> None:
        for account_id in ids:
            self.accounts[account_id] = self._effective(account_id)
            self._check_row(self.accounts[account_id])
        self.deltas = [(a, d) for a, d in self.deltas if a not in ids]

    @staticmethod
    def _check_row(a: Account) -> None:  # the accounts table's CHECK constraints
        assert min(a.debits_posted, a.credits_posted, a.debits_pending, a.credits_pending) >= 0, a
        assert not a.debits_must_not_exceed_credits or a.debits_posted + a.debits_pending <= a.credits_posted, a
        assert not a.credits_must_not_exceed_debits or a.credits_posted + a.credits_pending <= a.debits_posted, a

    async def now(self) -> datetime:
        return self.clock

    async def get_accounts(self, account_ids):
        return {a: self._effective(a) for a in account_ids if a in self.accounts}

    async def account_flags(self, account_ids):  # stale balances allowed: serve a copy of the unrolled row
        return {a: self.accounts[a] for a in account_ids if a in self.accounts}

    async def flush(self):
        pass

    async def find_account(self, owner_type, owner_id, account_type, currency_code):
        for a in self.accounts.values():
            if (a.owner_type, a.owner_id, a.account_type, a.currency_code) == (owner_type, owner_id, account_type, currency_code):
                return self._effective(a.account_id)
        return None

    async def insert_account(self, account):
        existing = await self.find_account(account.owner_type, account.owner_id, account.account_type, account.currency_code)
        if existing:
            return existing
        self.accounts[account.account_id] = dataclasses.replace(account, create_time=self.clock)
        return self.accounts[account.account_id]

    async def list_accounts(self, owner_type, owner_id, page_size, after):
        rows = sorted((a for a in self.accounts.values() if a.account_id > after and (not owner_type or a.owner_type == owner_type)
                       and (not owner_id or a.owner_id == owner_id)), key=lambda a: a.account_id)
        return [self._effective(a.account_id) for a in rows[:page_size]]

    async def lock_accounts(self, row_locked, shared):
        self._roll_up([a for a in row_locked if a in self.accounts and self.accounts[a].hot])
        out = {a: self.accounts[a] for a in shared if a in self.accounts}  # like the adapter: the row, no Σ deltas
        return {**out, **{a: self._effective(a) for a in row_locked if a in self.accounts}}

    async def lock_account_state(self, account_id):
        if account_id not in self.accounts:
            return None
        self._roll_up([account_id])
        return self.accounts[account_id]

    async def save_state(self, account):
        self.accounts[account.account_id] = dataclasses.replace(self.accounts[account.account_id], state=account.state)

    async def apply_deltas(self, row, buffered):
        for account_id, delta in row.items():
            self.accounts[account_id] = self.accounts[account_id].plus(delta)
            self._check_row(self.accounts[account_id])
        for account_id, delta in buffered.items():
            assert self.accounts[account_id].hot and self.accounts[account_id].is_safe(delta), (account_id, delta)
            self.deltas.append((account_id, delta))

    async def roll_up(self, accounts_max):
        ids = sorted({a for a, _ in self.deltas})[:accounts_max]
        n = sum(1 for a, _ in self.deltas if a in ids)
        self._roll_up(ids)
        return n

    def _book_entries(self, t: Transfer) -> None:
        for account_id, d, c in ((t.leg.debit_account_id, t.posted_amount, 0), (t.leg.credit_account_id, 0, t.posted_amount)):
            self.entries.append(Entry(len(self.entries) + 1, account_id, t.transfer_id, d, c, self.clock, t.context_id))

    async def insert_transfers(self, transfers):
        out = []
        for t in transfers:
            assert (t.request_id, t.leg_index) not in {(x.request_id, x.leg_index) for x in self.transfers.values()}
            stored = dataclasses.replace(t, create_time=self.clock)
            self.transfers[t.transfer_id] = stored
            if stored.state == TransferState.POSTED:
                self._book_entries(stored)
            out.append(stored)
        return out

    async def lock_transfer(self, transfer_id):
        return self.transfers.get(transfer_id)

    async def resolve_transfer(self, hold):
        current = self.transfers[hold.transfer_id]
        assert current.state == TransferState.PENDING, "resolved transfers are immutable"
        self.transfers[hold.transfer_id] = hold
        if hold.state == TransferState.POSTED:
            self._book_entries(hold)
        return hold

    async def reversed_amount(self, transfer_id):
        return sum(t.posted_amount for t in self.transfers.values() if t.reverses_transfer_id == transfer_id)

    async def due_holds(self, now, limit):
        due = [t for t in self.transfers.values() if t.state == TransferState.PENDING and t.timeout_time and t.timeout_time <= now]
        return sorted(due, key=lambda t: t.timeout_time)[:limit]

    async def find_transfers_by_request(self, request_id):
        return sorted((t for t in self.transfers.values() if t.request_id == request_id), key=lambda t: t.leg_index)

    async def get_transfer(self, transfer_id):
        return self.transfers.get(transfer_id)

    async def list_transfers(self, filters, page_size, after):
        def match(t: Transfer) -> bool:
            fields = {"context_id": t.context_id, "order_id": t.leg.order_id, "payment_id": t.leg.payment_id,
                      "refund_id": t.leg.refund_id, "settlement_batch_id": t.leg.settlement_batch_id}
            if "account_id" in filters and filters["account_id"] not in (t.leg.debit_account_id, t.leg.credit_account_id):
                return False
            return all(fields[k] == v for k, v in filters.items() if k != "account_id")
        return sorted((t for t in self.transfers.values() if t.transfer_id > after and match(t)), key=lambda t: t.transfer_id)[:page_size]

    async def list_entries(self, account_id, page_size, before):
        rows = [e for e in reversed(self.entries) if e.account_id == account_id and (not before or e.entry_id < before)]
        return rows[:page_size]

    async def balance_at(self, account, at):
        entries = [e for e in self.entries if e.account_id == account.account_id and e.create_time <= at]
        holds = [t for t in self.transfers.values() if t.leg.pending and t.create_time <= at
                 and (t.resolve_time is None or t.resolve_time > at)]
        return dataclasses.replace(
            account, debits_posted=sum(e.debit_minor for e in entries), credits_posted=sum(e.credit_minor for e in entries),
            debits_pending=sum(t.leg.amount.amount_minor for t in holds if t.leg.debit_account_id == account.account_id),
            credits_pending=sum(t.leg.amount.amount_minor for t in holds if t.leg.credit_account_id == account.account_id))

    async def add_event(self, event_type, payload):
        self.events.append((event_type, payload))

    async def verify(self):
        checks = []
        effective = {a: self._effective(a) for a in self.accounts}
        for cur in sorted({a.currency_code for a in effective.values()}):
            accs = [a for a in effective.values() if a.currency_code == cur]
            ok = (sum(a.debits_posted for a in accs) == sum(a.credits_posted for a in accs)
                  and sum(a.debits_pending for a in accs) == sum(a.credits_pending for a in accs))
            checks.append((ok, f"{cur}: account totals balance"))
        bad = [a.account_id for a in effective.values()
               if (a.debits_posted, a.credits_posted) != (sum(e.debit_minor for e in self.entries if e.account_id == a.account_id),
                                                          sum(e.credit_minor for e in self.entries if e.account_id == a.account_id))]
        checks.append((not bad, f"balances = Σ entries {bad}"))
        pending = [t for t in self.transfers.values() if t.state == TransferState.PENDING]
        bad = [a.account_id for a in effective.values()
               if (a.debits_pending, a.credits_pending) != (sum(t.leg.amount.amount_minor for t in pending if t.leg.debit_account_id == a.account_id),
                                                            sum(t.leg.amount.amount_minor for t in pending if t.leg.credit_account_id == a.account_id))]
        checks.append((not bad, f"pending = Σ holds {bad}"))
        bad = [a.account_id for a in effective.values() if (a.debits_must_not_exceed_credits and a.debits_posted + a.debits_pending > a.credits_posted)
               or (a.credits_must_not_exceed_debits and a.credits_posted + a.credits_pending > a.debits_posted)]
        checks.append((not bad, f"no overdraft {bad}"))
        bad = [a.account_id for a in effective.values() if a.state == AccountState.CLOSED and not a.is_empty]
        checks.append((not bad, f"closed accounts empty {bad}"))
        return checks
