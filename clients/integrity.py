"""`paymesh integrity` — cross-service integrity monitor, through the services' RPCs only.

Checks (issue 9, "Integrity monitors"):
  orders      every PAID / PARTIALLY_REFUNDED / REFUNDED order has exactly one successful order
              payment (duplicates, `duplicate_of`, are recorded exceptions: they point at that one),
              of the order's amount, and the order's refunded amount and state match that
              payment's SUCCEEDED refunds; no order in another state has a successful payment
  transfers   every SUCCEEDED payment (and every FAILED one with a late capture) has ledger
              transfers under its reference, and every transfer id the payment recorded exists there
  batches     every settlement batch balances (gross − fees − refunds = net, and its lines add
              up to its totals); a SETTLED one has its SETTLEMENT transfer(s) for exactly the net,
              a CANCELLED one none; no batch is left OPEN; no payment is in two batches
  ledger      VerifyLedger passes
Merchants are those with a ledger account (or --merchant). Exit code 0 when every check is OK, 3 otherwise.
"""
from __future__ import annotations

import asyncio
import csv
import io
from dataclasses import dataclass, field

PAID_STATES = {"ORDER_STATE_PAID", "ORDER_STATE_PARTIALLY_REFUNDED", "ORDER_STATE_REFUNDED"}
CONCURRENCY = 16


@dataclass
class Check:
    name: str
    checked: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class Report:
    checks: list[Check]

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    def render(self, limit: int = 20) -> str:
        out = []
        for c in self.checks:
            out.append(f"{'OK  ' if c.ok else 'FAIL'}  {c.name:<10} {c.checked} checked, {len(c.problems)} problem(s)")
            out += [f"        - {p}" for p in c.problems[:limit]]
            if len(c.problems) > limit:
                out.append(f"        … {len(c.problems) - limit} more")
        out.append("integrity OK" if self.ok else "integrity FAILED")
        return "\n".join(out)


async def _every(call, request, items: str) -> list:
    out = []
    while True:
        reply = await call(request)
        out += list(getattr(reply, items))
        if not reply.next_page_token:
            return out
        request.page_token = reply.next_page_token


def _name(enum, value: int) -> str:
    return enum.Name(value) if value in enum.values() else str(value)


async def merchants_of(mesh) -> list[str]:
    from paymesh.ledger.v1 import ledger_pb2, ledger_service_pb2 as lapi

    accounts = await _every(mesh.ledger.ListAccounts, lapi.ListAccountsRequest(owner_type=ledger_pb2.OWNER_TYPE_MERCHANT, page_size=1000),
                            "accounts")
    return sorted({a.owner_id for a in accounts})


async def check(mesh, merchants: list[str] | None = None) -> Report:
    from paymesh.ledger.v1 import ledger_service_pb2 as lapi

    merchants = merchants if merchants is not None else await merchants_of(mesh)
    orders, transfers, batches, ledger = Check("orders"), Check("transfers"), Check("batches"), Check("ledger")
    gate = asyncio.Semaphore(CONCURRENCY)

    async def one(merchant: str) -> None:
        async with gate:
            await _merchant(mesh, merchant, orders, transfers, batches)
    await asyncio.gather(*(one(m) for m in merchants))
    verify = await mesh.ledger.VerifyLedger(lapi.VerifyLedgerRequest())
    ledger.checked = len(verify.report_lines)
    if not verify.ok:
        ledger.problems += [line for line in verify.report_lines if "FAIL" in line.upper()] or list(verify.report_lines)
    return Report([orders, transfers, batches, ledger])


async def _merchant(mesh, merchant: str, orders: Check, transfers: Check, batches: Check) -> None:
    from paymesh.payment.v1 import payment_service_pb2 as papi
    from paymesh.trade.v1 import trade_service_pb2 as tapi

    order_list = await _every(mesh.trade.ListOrders, tapi.ListOrdersRequest(merchant_id=merchant, page_size=1000), "orders")
    payments = await _every(mesh.payment.ListPayments, papi.ListPaymentsRequest(merchant_id=merchant, page_size=1000), "payments")
    by_order: dict[str, list] = {}
    for p in payments:
        by_order.setdefault(p.order_id, []).append(p)
    for order in order_list:
        orders.checked += 1
        orders.problems += check_order(order, by_order.get(order.order_id, []))
    for p in payments:
        problem = await _payment_transfers(mesh, p)
        transfers.checked += 1 if _needs_transfers(p) else 0
        if problem:
            transfers.problems.append(problem)
    await _batches(mesh, merchant, batches)


def check_order(order, payments: list) -> list[str]:
    """Problems of one order against its payments (pure: unit-testable)."""
    from paymesh.trade.v1 import trade_pb2

    state = _name(trade_pb2.OrderState, order.state)
    ok = [p for p in payments if _kind(p) == "ORDER" and _state(p) == "SUCCEEDED" and not p.duplicate_of]
    if state not in PAID_STATES:
        return [f"order {order.order_id} is {state} but payment(s) {', '.join(p.payment_id for p in ok)} succeeded"] if ok else []
    if len(ok) != 1:
        return [f"order {order.order_id} is {state} with {len(ok)} successful payments ({', '.join(p.payment_id for p in ok) or 'none'})"]
    paid = ok[0]
    problems = []
    if (paid.amount.currency_code, paid.amount.amount_minor) != (order.amount.currency_code, order.amount.amount_minor):
        problems.append(f"order {order.order_id}: payment {paid.payment_id} paid {paid.amount.amount_minor} {paid.amount.currency_code},"
                        f" order is {order.amount.amount_minor} {order.amount.currency_code}")
    for dup in (p for p in payments if p.duplicate_of and p.duplicate_of != paid.payment_id):
        problems.append(f"order {order.order_id}: duplicate {dup.payment_id} points at {dup.duplicate_of}, not {paid.payment_id}")
    refunded = sum(p.amount.amount_minor for p in payments
                   if _kind(p) == "REFUND" and _state(p) == "SUCCEEDED" and p.original_payment_id == paid.payment_id)
    if refunded != order.refunded.amount_minor:
        problems.append(f"order {order.order_id}: refunds of {paid.payment_id} add up to {refunded}, order says {order.refunded.amount_minor}")
    expected = ("ORDER_STATE_PAID" if refunded == 0 else
                "ORDER_STATE_REFUNDED" if refunded == order.amount.amount_minor else "ORDER_STATE_PARTIALLY_REFUNDED")
    if state != expected:
        problems.append(f"order {order.order_id} is {state} but {refunded} of {order.amount.amount_minor} is refunded ({expected})")
    return problems


def _kind(p) -> str:
    from paymesh.payment.v1 import payment_pb2

    return _name(payment_pb2.PaymentKind, p.kind).removeprefix("PAYMENT_KIND_")


def _state(p) -> str:
    from paymesh.payment.v1 import payment_pb2

    return _name(payment_pb2.PaymentState, p.state).removeprefix("PAYMENT_STATE_")


def _needs_transfers(p) -> bool:
    return _state(p) == "SUCCEEDED" or (_state(p) == "FAILED" and p.HasField("late_capture"))


async def _payment_transfers(mesh, p) -> str | None:
    from paymesh.ledger.v1 import ledger_service_pb2 as lapi

    if not _needs_transfers(p):
        return None
    by = {"refund_id": p.payment_id} if _kind(p) == "REFUND" else {"payment_id": p.payment_id}
    found = await _every(mesh.ledger.ListTransfers, lapi.ListTransfersRequest(page_size=1000, **by), "transfers")
    what = f"{_kind(p).lower()} {p.payment_id} ({_state(p)}{', late capture' if p.HasField('late_capture') else ''})"
    if not found:
        return f"{what} has no ledger transfer"
    recorded = set(p.ledger_transfer_ids) | {t for i in p.instructions for t in i.ledger_transfer_ids}
    missing = recorded - {t.transfer_id for t in found}
    return f"{what}: recorded transfers {sorted(missing)} are not in the ledger under its reference" if missing else None


async def _batches(mesh, merchant: str, check_: Check) -> None:
    from paymesh.ledger.v1 import ledger_service_pb2 as lapi
    from paymesh.payment.v1 import payment_pb2, payment_service_pb2 as papi

    found = await _every(mesh.settlement.ListSettlementBatches, papi.ListSettlementBatchesRequest(merchant_id=merchant, page_size=1000),
                         "batches")
    seen: dict[str, str] = {}  # payment (or refund) id → the batch whose line has it
    for b in found:
        check_.checked += 1
        state = _name(payment_pb2.SettlementBatchState, b.state).removeprefix("SETTLEMENT_BATCH_STATE_")
        gross, fees, refunds, net = (b.gross.amount_minor, b.fees.amount_minor, b.refunds.amount_minor, b.net.amount_minor)
        if gross - fees - refunds != net:
            check_.problems.append(f"batch {b.batch_id}: gross {gross} − fees {fees} − refunds {refunds} ≠ net {net}")
        booked = await _every(mesh.ledger.ListTransfers, lapi.ListTransfersRequest(settlement_batch_id=b.batch_id, page_size=1000),
                              "transfers")
        moved = sum(t.amount.amount_minor for t in booked if t.business_code == "SETTLEMENT" and not t.reverses_transfer_id)
        if state == "SETTLED" and moved != net:
            check_.problems.append(f"batch {b.batch_id} (SETTLED): ledger moved {moved}, net is {net}")
        elif state == "CANCELLED" and moved:
            check_.problems.append(f"batch {b.batch_id} (CANCELLED) has {moved} booked")
        elif state == "OPEN":
            check_.problems.append(f"batch {b.batch_id} is still OPEN (recorded, not booked)")
        if state == "SETTLED":
            report = await mesh.settlement.GetSettlementReport(papi.GetSettlementReportRequest(batch_id=b.batch_id))
            rows = list(csv.DictReader(io.StringIO(report.data.decode())))
            sums = [sum(int(r[k]) for r in rows) for k in ("amount", "fee", "refunded", "net")]
            for r in rows:
                if r["payment_id"] in seen:
                    check_.problems.append(f"payment {r['payment_id']} is in batches {seen[r['payment_id']]} and {b.batch_id}")
                seen[r["payment_id"]] = b.batch_id
            if sums != [gross, fees, refunds, net] or len(rows) != b.line_count:
                check_.problems.append(f"batch {b.batch_id}: its {len(rows)} lines add up to {sums}, totals are"
                                       f" {[gross, fees, refunds, net]} ({b.line_count} lines)")


async def run(addresses: dict[str, str], merchants: list[str] | None = None) -> Report:
    from clients.services import Mesh

    mesh = Mesh(addresses, traced=False)
    try:
        return await check(mesh, merchants)
    finally:
        await mesh.close()


def cmd_integrity(args) -> int:
    from servers.kernel.settings import CommonSettings

    s = CommonSettings.from_env("cli")
    addresses = {"trade": s.trade_addr, "payment": s.payment_addr, "ledger": s.ledger_addr}
    if args.via:
        addresses = {host: args.via for host in addresses}
    report = asyncio.run(run(addresses, args.merchant or None))
    print(report.render(limit=args.limit))
    return 0 if report.ok else 3


def register(sub) -> None:
    p = sub.add_parser("integrity", help="cross-service integrity monitor (orders, payments, ledger, settlement)")
    p.add_argument("--merchant", action="append", default=[], help="only this merchant (repeatable); default: every merchant")
    p.add_argument("--via", default="", help="one gRPC address for every service (e.g. Envoy's host:port)")
    p.add_argument("--limit", type=int, default=20, help="offending ids shown per check")
    p.set_defaults(func=cmd_integrity)
