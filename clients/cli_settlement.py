"""`paymesh settlement ...` — settlement batches, per-merchant configuration and disputes.

    paymesh settlement run <merchant> [--cutoff ISO] [--request-id r]    settle a merchant now (manual batch)
    paymesh settlement list <merchant>                                   its batches, newest first
    paymesh settlement show <batch_id>                                   one batch's totals
    paymesh settlement report <batch_id>                                 its CSV report (one line per payment / deduction)
    paymesh settlement config <merchant> [manual|auto|periodic --cutoff HH:MM --tz Zone --delay-days N]
    paymesh settlement dispute open <payment_id> [--reason r] | close <dispute_id> won|lost | list (--merchant m | --payment p)
"""
from __future__ import annotations

import asyncio
import datetime as dt
import sys
import uuid


def _money(m) -> str:
    return f"{m.amount_minor} {m.currency_code}"


def _enum(enum, value: int, prefix: str) -> str:
    return enum.Name(value).removeprefix(prefix) if value in enum.values() else str(value)


def _batch_line(b) -> str:
    from paymesh.payment.v1 import payment_pb2 as pb

    state = _enum(pb.SettlementBatchState, b.state, "SETTLEMENT_BATCH_STATE_")
    return (f"{b.batch_id}  {state:<9} lines={b.line_count:<5} gross={_money(b.gross)}  fees={b.fees.amount_minor}"
            f"  refunds={b.refunds.amount_minor}  net={_money(b.net)}  cutoff={b.cutoff_time.ToDatetime().isoformat()}Z  {b.request_id}")


def _config_line(c) -> str:
    from paymesh.payment.v1 import payment_pb2 as pb

    mode = _enum(pb.SettlementMode, c.mode, "SETTLEMENT_MODE_")
    extra = ""
    if c.HasField("schedule"):
        s = c.schedule
        extra = f"  cutoff {s.cutoff_local_time} {s.time_zone or 'UTC'}  T+{s.delay_days}"
    return f"{c.merchant_id}  {mode}{extra}"


def _dispute_line(d) -> str:
    from paymesh.payment.v1 import payment_pb2 as pb

    state = _enum(pb.DisputeState, d.state, "DISPUTE_STATE_")
    return f"{d.dispute_id}  {state:<4} payment={d.payment_id}  {_money(d.amount)}  {d.reason}  {' '.join(d.ledger_transfer_ids)}"


async def _settlement(args) -> int:
    import grpc

    from clients.channel import error_reason
    from clients.services import Mesh
    from paymesh.payment.v1 import payment_pb2 as pb, payment_service_pb2 as api
    from servers.kernel.settings import CommonSettings

    mesh = Mesh({"payment": args.via or CommonSettings.from_env("cli").payment_addr}, traced=False)
    stub = mesh.settlement
    try:
        if args.action == "run":
            request = api.CreateSettlementBatchRequest(request_id=args.request_id or f"cli-{uuid.uuid4()}", merchant_id=args.merchant)
            if args.cutoff:
                request.cutoff_time.FromDatetime(dt.datetime.fromisoformat(args.cutoff).astimezone(dt.timezone.utc).replace(tzinfo=None))
            print(_batch_line((await stub.CreateSettlementBatch(request)).batch))
        elif args.action == "list":
            reply = await stub.ListSettlementBatches(api.ListSettlementBatchesRequest(merchant_id=args.merchant, page_size=args.page_size))
            for b in reply.batches:
                print(_batch_line(b))
        elif args.action == "show":
            print(_batch_line((await stub.GetSettlementBatch(api.GetSettlementBatchRequest(batch_id=args.batch_id))).batch))
        elif args.action == "report":
            sys.stdout.write((await stub.GetSettlementReport(api.GetSettlementReportRequest(batch_id=args.batch_id))).data.decode())
        elif args.action == "config":
            if args.mode is None:
                config = (await stub.GetSettlementConfig(api.GetSettlementConfigRequest(merchant_id=args.merchant))).config
            else:
                request = api.SetSettlementConfigRequest(merchant_id=args.merchant, mode=pb.SettlementMode.Value(
                    f"SETTLEMENT_MODE_{args.mode.upper()}"))
                if args.mode == "periodic":
                    request.schedule.CopyFrom(pb.SettlementSchedule(cutoff_local_time=args.cutoff, time_zone=args.tz,
                                                                    delay_days=args.delay_days))
                config = (await stub.SetSettlementConfig(request)).config
            print(_config_line(config))
        elif args.dispute_action == "open":
            reply = await stub.OpenDispute(api.OpenDisputeRequest(request_id=args.request_id or f"cli-{uuid.uuid4()}",
                                                                  payment_id=args.payment_id, reason=args.reason))
            print(_dispute_line(reply.dispute))
        elif args.dispute_action == "close":
            reply = await stub.CloseDispute(api.CloseDisputeRequest(dispute_id=args.dispute_id,
                                                                    outcome=pb.DisputeState.Value(f"DISPUTE_STATE_{args.outcome.upper()}")))
            print(_dispute_line(reply.dispute))
        else:
            reply = await stub.ListDisputes(api.ListDisputesRequest(merchant_id=args.merchant, payment_id=args.payment, page_size=100))
            for d in reply.disputes:
                print(_dispute_line(d))
        return 0
    except grpc.aio.AioRpcError as exc:
        print(f"paymesh settlement: {exc.code().name} {error_reason(exc) or ''}: {exc.details()}", file=sys.stderr)
        return 1
    finally:
        await mesh.close()


def register(sub) -> None:
    p = sub.add_parser("settlement", help="settlement batches, configuration and disputes")
    p.add_argument("--via", default="", help="payment's gRPC address (default: the local stack's)")
    s = p.add_subparsers(dest="action", required=True)
    run = s.add_parser("run", help="settle a merchant now (manual batch)")
    run.add_argument("merchant")
    run.add_argument("--cutoff", default="", help="ISO time; payments created up to it (default now)")
    run.add_argument("--request-id", default="")
    ls = s.add_parser("list", help="a merchant's batches, newest first")
    ls.add_argument("merchant")
    ls.add_argument("--page-size", type=int, default=50)
    for name, text in (("show", "one batch"), ("report", "a batch's CSV report")):
        s.add_parser(name, help=text).add_argument("batch_id")
    config = s.add_parser("config", help="show, or set, a merchant's settlement mode")
    config.add_argument("merchant")
    config.add_argument("mode", nargs="?", choices=["manual", "auto", "periodic"])
    config.add_argument("--cutoff", default="00:00", help="periodic: cutoff time of day HH:MM")
    config.add_argument("--tz", default="UTC", help="periodic: IANA time zone")
    config.add_argument("--delay-days", type=int, default=1, help="periodic: N of T+N")
    dispute = s.add_parser("dispute", help="open, close or list disputes")
    d = dispute.add_subparsers(dest="dispute_action", required=True)
    op = d.add_parser("open", help="hold a payment out of settlement")
    op.add_argument("payment_id")
    op.add_argument("--reason", default="")
    op.add_argument("--request-id", default="")
    close = d.add_parser("close", help="won: settled next batch; lost: charged back")
    close.add_argument("dispute_id")
    close.add_argument("outcome", choices=["won", "lost"])
    dl = d.add_parser("list", help="disputes of a merchant or a payment")
    dl.add_argument("--merchant", default="")
    dl.add_argument("--payment", default="")
    p.set_defaults(func=lambda a: asyncio.run(_settlement(a)))
