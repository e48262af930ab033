"""gRPC ↔ ledger handlers. Translation only: errors are mapped by the kernel interceptor."""
from __future__ import annotations

from datetime import datetime, timezone
from functools import lru_cache

from paymesh.common.v1 import money_pb2
from paymesh.ledger.v1 import ledger_pb2 as pb, ledger_service_pb2 as api, ledger_service_pb2_grpc as rpc
from servers.kernel import idempotency
from servers.kernel.context import current_context_id
from servers.kernel.db import Database
from servers.kernel.money import Money
from servers.ledger import handlers
from servers.ledger.adapters import SqlLedgerRepository as Repo, snapshot
from servers.ledger.domain import Account, AccountState, AccountType, Entry, Leg, OwnerType, Transfer, TransferState
from servers.ledger.group_commit import METHOD, GroupCommit
from servers.kernel.timestamps import to_timestamp as _ts


def balance_pb(a: Account) -> pb.Balance:
    return pb.Balance(debits_posted_minor=a.debits_posted, credits_posted_minor=a.credits_posted,
                      debits_pending_minor=a.debits_pending, credits_pending_minor=a.credits_pending, available=a.available.to_proto())


def account_pb(a: Account) -> pb.Account:
    return pb.Account(
        account_id=a.account_id, owner_type=int(a.owner_type), owner_id=a.owner_id, account_type=int(a.account_type),
        currency_code=a.currency_code, debits_must_not_exceed_credits=a.debits_must_not_exceed_credits,
        credits_must_not_exceed_debits=a.credits_must_not_exceed_debits, state=int(a.state), context_id=a.context_id,
        balance=balance_pb(a), hot=a.hot, create_time=_ts(a.create_time))


@lru_cache(maxsize=1024)
def _ts_cached(value: datetime | None):
    """Read-only shared Timestamps (a message field assignment copies): a batch's transfers
    share one create_time."""
    return _ts(value)


def transfer_pb(t: Transfer) -> pb.Transfer:
    currency = t.leg.amount.currency_code
    return pb.Transfer(
        transfer_id=t.transfer_id, request_id=t.request_id, debit_account_id=t.leg.debit_account_id,
        credit_account_id=t.leg.credit_account_id, amount=money_pb2.Money(currency_code=currency, amount_minor=t.leg.amount.amount_minor),
        state=int(t.state), business_code=t.leg.business_code, context_id=t.context_id, create_time=_ts_cached(t.create_time),
        reverses_transfer_id=t.reverses_transfer_id, pending=t.leg.pending,
        posted_amount=money_pb2.Money(currency_code=currency, amount_minor=t.posted_amount),
        timeout_time=_ts_cached(t.timeout_time), resolve_time=_ts_cached(t.resolve_time),
        ref=money_pb2.BusinessRef(order_id=t.leg.order_id, payment_id=t.leg.payment_id, refund_id=t.leg.refund_id,
                                  settlement_batch_id=t.leg.settlement_batch_id))


def entry_pb(e: Entry) -> pb.Entry:
    return pb.Entry(entry_id=str(e.entry_id), account_id=e.account_id, transfer_id=e.transfer_id, debit_minor=e.debit_minor,
                    credit_minor=e.credit_minor, create_time=_ts(e.create_time), context_id=e.context_id)


def leg(l: api.TransferLeg) -> Leg:
    return Leg(l.debit_account_id, l.credit_account_id, Money.from_proto(l.amount), l.business_code, l.pending, l.timeout_seconds,
               l.ref.order_id, l.ref.payment_id, l.ref.refund_id, l.ref.settlement_batch_id)


def _transfers_response(transfers: list[Transfer]) -> api.CreateTransfersResponse:
    return api.CreateTransfersResponse(transfers=[transfer_pb(t) for t in transfers])


def _amount(request) -> Money | None:
    return Money.from_proto(request.amount) if request.HasField("amount") else None


class LedgerServicer(rpc.LedgerServiceServicer):
    def __init__(self, db: Database, group_commit_inflight: int = 2):
        """`group_commit_inflight`: concurrent CreateTransfers groups (group_commit.py); 0 books
        every request in a transaction of its own."""
        self.db = db
        self.group = GroupCommit(db, self._create_transfers, _transfers_response, group_commit_inflight) \
            if group_commit_inflight > 0 else None

    async def _read(self, work):
        async with self.db.transaction() as conn:
            return await work(Repo(conn))

    async def OpenAccount(self, request, context):
        cmd = handlers.OpenAccount(OwnerType(request.owner_type), request.owner_id, AccountType(request.account_type),
                                   request.currency_code, current_context_id(), request.hot)
        account = await self.db.run_in_transaction(lambda conn: handlers.open_account(Repo(conn), cmd))
        return api.OpenAccountResponse(account=account_pb(account))

    async def GetAccount(self, request, context):
        account = await self._read(lambda repo: handlers.get_account(repo, request.account_id))
        return api.GetAccountResponse(account=account_pb(account))

    async def ListAccounts(self, request, context):
        owner_type = OwnerType(request.owner_type) if request.owner_type else None
        accounts, token = await self._read(lambda repo: handlers.list_accounts(
            repo, owner_type, request.owner_id, request.page_size, request.page_token))
        return api.ListAccountsResponse(accounts=[account_pb(a) for a in accounts], next_page_token=token)

    async def _set_state(self, account_id: str, target: AccountState) -> pb.Account:
        account = await self.db.run_in_transaction(lambda conn: handlers.set_state(Repo(conn), account_id, target))
        return account_pb(account)

    async def FreezeAccount(self, request, context):
        return api.FreezeAccountResponse(account=await self._set_state(request.account_id, AccountState.FROZEN))

    async def UnfreezeAccount(self, request, context):
        return api.UnfreezeAccountResponse(account=await self._set_state(request.account_id, AccountState.ACTIVE))

    async def CloseAccount(self, request, context):
        return api.CloseAccountResponse(account=await self._set_state(request.account_id, AccountState.CLOSED))

    async def GetBalance(self, request, context):
        at = request.at_time.ToDatetime(tzinfo=timezone.utc) if request.HasField("at_time") else None
        account = await self._read(lambda repo: handlers.get_balance(repo, request.account_id, at))
        return api.GetBalanceResponse(balance=balance_pb(account))

    async def _book(self, method: str, request, response_type, work):
        """A write RPC: idempotent (kernel.idempotency), its writes deferred so the booking —
        balances, deltas, transfers, entries, outbox and the stored response — goes to
        PostgreSQL as one statement after the locks."""
        current: dict[str, Repo] = {}

        async def run(conn):
            current["repo"] = Repo(conn, deferred=True)  # one per attempt (run_in_transaction retries)
            return await work(current["repo"])

        async def store(conn, response):
            repo = current["repo"]
            await repo.write(*idempotency.completion(method, request.request_id, response))
            await repo.flush()

        return await idempotency.run_once(self.db, method, request.request_id, request, response_type, run, store)

    async def CreateTransfers(self, request, context):
        legs = [leg(l) for l in request.legs]
        return await (self.group.submit(request, legs) if self.group else self._create_transfers(request, legs))

    async def _create_transfers(self, request, legs: list[Leg]) -> api.CreateTransfersResponse:
        """One request in a transaction of its own (and the group's fallback)."""
        async def work(repo):
            return _transfers_response(await handlers.create_transfers(repo, request.request_id, legs, current_context_id()))

        return await self._book(METHOD, request, api.CreateTransfersResponse, work)

    async def PostPendingTransfer(self, request, context):
        async def work(repo):
            hold = await handlers.resolve(repo, request.transfer_id, TransferState.POSTED, _amount(request))
            return api.PostPendingTransferResponse(transfer=transfer_pb(hold))

        return await self._book("PostPendingTransfer", request, api.PostPendingTransferResponse, work)

    async def VoidPendingTransfer(self, request, context):
        async def work(repo):
            hold = await handlers.resolve(repo, request.transfer_id, TransferState.VOIDED)
            return api.VoidPendingTransferResponse(transfer=transfer_pb(hold))

        return await self._book("VoidPendingTransfer", request, api.VoidPendingTransferResponse, work)

    async def ReverseTransfer(self, request, context):
        async def work(repo):
            reversal = await handlers.reverse(repo, request.transfer_id, request.request_id, _amount(request), current_context_id())
            return api.ReverseTransferResponse(transfer=transfer_pb(reversal))

        return await self._book("ReverseTransfer", request, api.ReverseTransferResponse, work)

    async def TopUpWallet(self, request, context):
        amount = Money.from_proto(request.amount)

        async def work(repo):
            transfer, wallet = await handlers.top_up_wallet(repo, request.request_id, request.member_id, amount, current_context_id())
            return api.TopUpWalletResponse(transfer=transfer_pb(transfer), wallet=account_pb(wallet))

        return await self._book("TopUpWallet", request, api.TopUpWalletResponse, work)

    async def GetTransfer(self, request, context):
        transfer = await self._read(lambda repo: handlers.get_transfer(repo, request.transfer_id))
        return api.GetTransferResponse(transfer=transfer_pb(transfer))

    async def ListTransfers(self, request, context):
        filters = {"context_id": request.context_id, "order_id": request.order_id, "payment_id": request.payment_id,
                   "account_id": request.account_id, "refund_id": request.refund_id,
                   "settlement_batch_id": request.settlement_batch_id}
        transfers, token = await self._read(lambda repo: handlers.list_transfers(repo, filters, request.page_size, request.page_token))
        return api.ListTransfersResponse(transfers=[transfer_pb(t) for t in transfers], next_page_token=token)

    async def ListEntries(self, request, context):
        entries, token = await self._read(lambda repo: handlers.list_entries(
            repo, request.account_id, request.page_size, request.page_token))
        return api.ListEntriesResponse(entries=[entry_pb(e) for e in entries], next_page_token=token)

    async def VerifyLedger(self, request, context):
        async with snapshot(self.db) as conn:
            ok, lines = await handlers.verify(Repo(conn))
        return api.VerifyLedgerResponse(ok=ok, report_lines=lines)
