"""gRPC ↔ ledger handlers. Translation only: errors are mapped by the kernel interceptor."""
from __future__ import annotations

from google.protobuf.timestamp_pb2 import Timestamp

from paymesh.common.v1 import money_pb2
from paymesh.ledger.v1 import ledger_pb2 as pb, ledger_service_pb2 as api, ledger_service_pb2_grpc as rpc
from servers.kernel import idempotency
from servers.kernel.context import current_context_id
from servers.kernel.db import Database
from servers.kernel.money import Money
from servers.ledger import handlers
from servers.ledger.adapters import SqlLedgerRepository
from servers.ledger.domain import Account, AccountType, Leg, OwnerType, Transfer


def account_pb(a: Account) -> pb.Account:
    return pb.Account(
        account_id=a.account_id, owner_type=int(a.owner_type), owner_id=a.owner_id, account_type=int(a.account_type),
        currency_code=a.currency_code, debits_must_not_exceed_credits=a.debits_must_not_exceed_credits,
        credits_must_not_exceed_debits=a.credits_must_not_exceed_debits, state=int(a.state), context_id=a.context_id,
        balance=pb.Balance(debits_posted_minor=a.debits_posted, credits_posted_minor=a.credits_posted,
                           debits_pending_minor=a.debits_pending, credits_pending_minor=a.credits_pending,
                           available=a.available.to_proto()))


def transfer_pb(t: Transfer) -> pb.Transfer:
    created = Timestamp()
    if t.create_time is not None:
        created.FromDatetime(t.create_time)
    return pb.Transfer(
        transfer_id=t.transfer_id, request_id=t.request_id, debit_account_id=t.leg.debit_account_id,
        credit_account_id=t.leg.credit_account_id, amount=t.leg.amount.to_proto(), state=int(t.state),
        business_code=t.leg.business_code, context_id=t.context_id, create_time=created, reverses_transfer_id=t.reverses_transfer_id,
        ref=money_pb2.BusinessRef(order_id=t.leg.order_id, payment_id=t.leg.payment_id, refund_id=t.leg.refund_id,
                                  settlement_batch_id=t.leg.settlement_batch_id))


def leg(l: api.TransferLeg) -> Leg:
    return Leg(l.debit_account_id, l.credit_account_id, Money.from_proto(l.amount), l.business_code, l.pending, l.timeout_seconds,
               l.ref.order_id, l.ref.payment_id, l.ref.refund_id, l.ref.settlement_batch_id)


class LedgerServicer(rpc.LedgerServiceServicer):
    def __init__(self, db: Database):
        self.db = db

    async def OpenAccount(self, request, context):
        cmd = handlers.OpenAccount(OwnerType(request.owner_type), request.owner_id, AccountType(request.account_type),
                                   request.currency_code, current_context_id())
        account = await self.db.run_in_transaction(lambda conn: handlers.open_account(SqlLedgerRepository(conn), cmd))
        return api.OpenAccountResponse(account=account_pb(account))

    async def GetAccount(self, request, context):
        async with self.db.transaction() as conn:
            account = await handlers.get_account(SqlLedgerRepository(conn), request.account_id)
        return api.GetAccountResponse(account=account_pb(account))

    async def GetBalance(self, request, context):
        async with self.db.transaction() as conn:
            account = await handlers.get_account(SqlLedgerRepository(conn), request.account_id)
        return api.GetBalanceResponse(balance=account_pb(account).balance)

    async def CreateTransfers(self, request, context):
        legs = [leg(l) for l in request.legs]

        async def work(conn):
            transfers = await handlers.create_transfers(SqlLedgerRepository(conn), request.request_id, legs, current_context_id())
            return api.CreateTransfersResponse(transfers=[transfer_pb(t) for t in transfers])

        return await idempotency.run_once(self.db, "CreateTransfers", request.request_id, request, api.CreateTransfersResponse, work)

    async def TopUpWallet(self, request, context):
        amount = Money.from_proto(request.amount)

        async def work(conn):
            transfer, wallet = await handlers.top_up_wallet(SqlLedgerRepository(conn), request.request_id, request.member_id,
                                                            amount, current_context_id())
            return api.TopUpWalletResponse(transfer=transfer_pb(transfer), wallet=account_pb(wallet))

        return await idempotency.run_once(self.db, "TopUpWallet", request.request_id, request, api.TopUpWalletResponse, work)

    async def GetTransfer(self, request, context):
        async with self.db.transaction() as conn:
            transfer = await handlers.get_transfer(SqlLedgerRepository(conn), request.transfer_id)
        return api.GetTransferResponse(transfer=transfer_pb(transfer))

    async def ListTransfers(self, request, context):
        filters = {"context_id": request.context_id, "order_id": request.order_id, "payment_id": request.payment_id,
                   "account_id": request.account_id}
        async with self.db.transaction() as conn:
            transfers, token = await handlers.list_transfers(SqlLedgerRepository(conn), filters, request.page_size, request.page_token)
        return api.ListTransfersResponse(transfers=[transfer_pb(t) for t in transfers], next_page_token=token)

    async def VerifyLedger(self, request, context):
        async with self.db.transaction() as conn:
            ok, lines = await handlers.verify(SqlLedgerRepository(conn))
        return api.VerifyLedgerResponse(ok=ok, report_lines=lines)
