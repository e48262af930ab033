"""`paymesh ledger ...` — ledger operations from the command line."""
from __future__ import annotations

import asyncio
import uuid


async def _ledger(args) -> int:
    from clients.services import Mesh
    from paymesh.ledger.v1 import ledger_service_pb2 as api
    from servers.kernel.settings import CommonSettings

    settings = CommonSettings.from_env("cli")
    mesh = Mesh({"ledger": settings.ledger_addr}, traced=False)
    try:
        if args.action == "verify":
            reply = await mesh.ledger.VerifyLedger(api.VerifyLedgerRequest())
            print("\n".join(reply.report_lines))
            print("ledger OK" if reply.ok else "ledger BROKEN")
            return 0 if reply.ok else 2
        if args.action == "account":
            account = (await mesh.ledger.GetAccount(api.GetAccountRequest(account_id=args.account_id))).account
            b = account.balance
            print(f"{account.account_id}  owner {account.owner_id}  type {account.account_type}  state {account.state}"
                  f"  hot {account.hot}  {account.currency_code}")
            print(f"  posted  debits {b.debits_posted_minor}  credits {b.credits_posted_minor}")
            print(f"  pending debits {b.debits_pending_minor}  credits {b.credits_pending_minor}")
            print(f"  available {b.available.amount_minor}")
            return 0
        if args.action == "transfers":
            reply = await mesh.ledger.ListTransfers(api.ListTransfersRequest(
                context_id=args.context_id, order_id=args.order_id, payment_id=args.payment_id, account_id=args.account_id,
                page_size=args.page_size))
            for t in reply.transfers:
                print(f"{t.transfer_id}  {t.business_code:<10} {t.debit_account_id} -> {t.credit_account_id}"
                      f"  {t.amount.amount_minor} {t.amount.currency_code}  state {t.state}  posted {t.posted_amount.amount_minor}")
            return 0
        reply = await mesh.ledger.TopUpWallet(api.TopUpWalletRequest(
            request_id=args.request_id or f"cli-{uuid.uuid4()}", member_id=args.member_id,
            amount={"currency_code": args.currency, "amount_minor": args.amount_minor}))
        bal = reply.wallet.balance.available
        print(f"topped up {args.member_id}: wallet {reply.wallet.account_id} available {bal.amount_minor} {bal.currency_code}")
        return 0
    finally:
        await mesh.close()


def register(sub) -> None:
    ledger = sub.add_parser("ledger", help="ledger operations")
    lsub = ledger.add_subparsers(dest="action", required=True)
    top = lsub.add_parser("topup", help="fund a member wallet (demo money)")
    top.add_argument("member_id")
    top.add_argument("amount_minor", type=int)
    top.add_argument("currency")
    top.add_argument("--request-id", default="")
    lsub.add_parser("verify", help="check every ledger invariant; exit 2 when one fails")
    account = lsub.add_parser("account", help="show an account's balances (buffered deltas included)")
    account.add_argument("account_id")
    transfers = lsub.add_parser("transfers", help="find transfers by context id, order, payment or account")
    for flag in ("--context-id", "--order-id", "--payment-id", "--account-id"):
        transfers.add_argument(flag, default="")
    transfers.add_argument("--page-size", type=int, default=50)
    ledger.set_defaults(func=lambda a: asyncio.run(_ledger(a)))
