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
    lsub.add_parser("verify", help="check every ledger invariant")
    ledger.set_defaults(func=lambda a: asyncio.run(_ledger(a)))
