"""In-memory fakes of the services' ports, for handler tests."""
from __future__ import annotations

import dataclasses
from typing import Any

from servers.payment.domain import Payment, PaymentState
from servers.trade.domain import Order, OrderState
from servers.trade.ports import PaymentResult


class FakeOrders:
    def __init__(self):
        self.orders: dict[str, Order] = {}
        self.events: list[tuple[str, dict]] = []

    async def __call__(self, work):  # unit of work: all-or-nothing on the fake's state
        snapshot = (dict(self.orders), list(self.events))
        try:
            return await work(self)
        except BaseException:
            self.orders, self.events = snapshot
            raise

    async def read_order(self, order_id: str, attempts: bool = False):
        order = self.orders.get(order_id)
        return order, (await self.attempts(order_id) if order is not None and attempts else [])

    async def insert(self, order: Order) -> bool:
        if any((o.merchant_id, o.out_trade_no) == (order.merchant_id, order.out_trade_no) for o in self.orders.values()):
            return False
        import datetime as dt
        self.orders[order.order_id] = dataclasses.replace(order, create_time=order.create_time or dt.datetime.now(dt.timezone.utc))
        return True

    async def get(self, order_id: str):
        return self.orders.get(order_id)

    async def get_by_out_trade_no(self, merchant_id: str, out_trade_no: str):
        return next((o for o in self.orders.values() if (o.merchant_id, o.out_trade_no) == (merchant_id, out_trade_no)), None)

    async def transition(self, order: Order, target: OrderState, **changes: Any):
        current = self.orders[order.order_id]
        if (current.state, current.version) != (order.state, order.version):
            return None
        moved = dataclasses.replace(current, state=target, version=current.version + 1, **changes)
        self.orders[order.order_id] = moved
        return moved

    async def add_event(self, event_type: str, payload: dict) -> None:
        self.events.append((event_type, payload))

    # trade: listing, expiry and payment attempts
    async def list(self, merchant_id, state, start, end, after, limit):
        rows = sorted((o for o in self.orders.values() if o.merchant_id == merchant_id and (not state or o.state == state)),
                      key=lambda o: (o.create_time, o.order_id), reverse=True)
        return [o for o in rows if after is None or (o.create_time, o.order_id) < after][:limit]

    async def expired_unpaid(self, now, limit):
        return [o for o in self.orders.values() if o.is_expired(now)][:limit]

    async def record_attempt(self, attempt) -> None:
        self.attempts_by_key = getattr(self, "attempts_by_key", {})
        self.attempts_by_key[(attempt.order_id, attempt.request_id)] = attempt

    async def attempts(self, order_id: str):
        return [a for (o, _), a in getattr(self, "attempts_by_key", {}).items() if o == order_id]


class FakePayments:
    def __init__(self, state: str = "PAYMENT_STATE_SUCCEEDED", reason: str = ""):
        self.state, self.reason, self.calls = state, reason, []
        self.refunds: list[tuple[str, int]] = []

    async def refund(self, order, request_id, amount, reason) -> PaymentResult:
        self.refunds.append((request_id, amount.amount_minor))
        return PaymentResult(f"rfd_{len(self.refunds)}", "PAYMENT_STATE_SUCCEEDED", "")

    async def pay(self, order, request_id, method, risk_ticket, card=None) -> PaymentResult:
        self.calls.append((order.order_id, request_id))
        self.cards = getattr(self, "cards", []) + [card]
        return PaymentResult(f"pay_{len(self.calls)}", self.state, self.reason)


class FakePaymentRepo:
    """Payments, instructions and fee plans in memory; a unit of work is all-or-nothing."""

    def __init__(self):
        self.rows: dict[str, tuple[Payment, bytes]] = {}
        self.events: list[tuple[str, dict]] = []
        self.plans: dict[str, list] = {}
        self.late: dict[str, Any] = {}  # inst order id → LateCapture
        self.refunds: dict[str, Any] = {}  # refund key → ChannelRefund (the engine's own channel refunds)

    async def __call__(self, work):
        snapshot = (dict(self.rows), list(self.events), {k: list(v) for k, v in self.plans.items()}, dict(self.late), dict(self.refunds))
        try:
            return await work(self)
        except BaseException:
            self.rows, self.events, self.plans, self.late, self.refunds = snapshot
            raise

    async def record_refunds(self, rows) -> None:
        for r in rows:
            self.refunds.setdefault(r.refund_key, r)

    async def channel_refunds(self, payment_id):
        return [r for r in self.refunds.values() if r.payment_id == payment_id]

    async def set_refund(self, refund_key, expected, target, **changes) -> bool:
        row = self.refunds.get(refund_key)
        if row is None or row.state != expected:
            return False
        self.refunds[refund_key] = dataclasses.replace(row, state=target, **changes)
        return True

    async def record_refund_result(self, instruction_id, verdict, inst_order_id, reason):
        row = next((r for r in self.refunds.values() if r.instruction_id == instruction_id), None)
        if row is None or row.channel_result or row.state not in ("PENDING", "SUBMITTED"):
            return None
        self.refunds[row.refund_key] = dataclasses.replace(row, channel_result=verdict, failure_reason=reason,
                                                           inst_order_id=row.inst_order_id or inst_order_id)
        return row.payment_id

    async def find_by_request(self, request_id: str):
        return next(((p, h) for p, h in self.rows.values() if p.request_id == request_id), None)

    async def get(self, payment_id: str):
        row = self.rows.get(payment_id)
        if row is None:
            return None
        late = sum(c.amount.amount_minor for c in self.late.values() if c.payment_id == payment_id)
        return dataclasses.replace(row[0], late_capture_minor=late, channel_refunds=tuple(await self.channel_refunds(payment_id)))

    async def succeeded_payment_of_order(self, order_id, other_than):
        return next((p.payment_id for p, _ in self.rows.values() if p.order_id == order_id and p.kind == 1 and p.state == 3
                     and p.payment_id != other_than), "")

    async def record_late_capture(self, late) -> bool:
        if late.inst_order_id in self.late:
            return False
        self.late[late.inst_order_id] = late
        return True

    async def late_captures(self, payment_id):
        return [c for c in self.late.values() if c.payment_id == payment_id]

    async def mark_late_capture_booked(self, inst_order_id, transfer_ids):
        self.late[inst_order_id] = dataclasses.replace(self.late[inst_order_id], booked=True, ledger_transfer_ids=transfer_ids)

    async def insert(self, payment: Payment, request_hash: bytes) -> bool:
        if await self.find_by_request(payment.request_id):
            return False
        self.rows[payment.payment_id] = (payment, request_hash)
        return True

    async def transition(self, payment: Payment, target: PaymentState, **changes: Any):
        current, digest = self.rows[payment.payment_id]
        if (current.state, current.version) != (payment.state, payment.version):
            return None
        moved = dataclasses.replace(current, state=target, version=current.version + 1, **changes)
        self.rows[payment.payment_id] = (moved, digest)
        return moved

    async def set_instruction(self, instruction, expected, target, **changes) -> bool:
        for pid, (p, digest) in self.rows.items():
            for i, ins in enumerate(p.instructions):
                if ins.instruction_id == instruction.instruction_id:
                    if ins.state != expected:
                        return False
                    items = list(p.instructions)
                    items[i] = dataclasses.replace(ins, state=target, **changes)
                    self.rows[pid] = (dataclasses.replace(p, instructions=tuple(items)), digest)
                    return True
        return False

    async def find_instruction(self, instruction_id: str):
        for p, _ in self.rows.values():
            for ins in p.instructions:
                if ins.instruction_id == instruction_id:
                    return p, ins
        return None

    async def record_channel_result(self, instruction_id, verdict, inst_order_id, channel_id, settled_minor, redirect_url, reason):
        found = await self.find_instruction(instruction_id)
        if found is None or found[1].state != 5 or found[1].channel_result in ("SUCCESS", "FAIL"):
            return False
        payment, ins = found
        changes = {"channel_result": verdict, "settled_minor": settled_minor, "channel_id": channel_id or ins.channel_id,
                   "inst_order_id": inst_order_id or ins.inst_order_id,
                   "redirect_url": redirect_url or ins.redirect_url}
        if verdict == "FAIL":
            changes["failure_reason"] = reason or "CHANNEL_DECLINED"
        items = [dataclasses.replace(i, **changes) if i.instruction_id == instruction_id else i for i in payment.instructions]
        self.rows[payment.payment_id] = (dataclasses.replace(payment, instructions=tuple(items)), self.rows[payment.payment_id][1])
        return True

    async def waiting_payments(self, limit):
        waiting = [p.payment_id for p, _ in self.rows.values()
                   if any(i.state == 5 and i.channel_result in ("SUCCESS", "FAIL") for i in p.instructions)]
        waiting += [p.payment_id for p, _ in self.rows.values() if p.state == 6 and p.review_resolution]
        waiting += [r.payment_id for r in self.refunds.values()
                    if r.state == "PENDING" or (r.state == "SUBMITTED" and r.channel_result in ("SUCCESS", "FAIL"))]
        return (waiting + [c.payment_id for c in self.late.values() if not c.booked])[:limit]

    async def add_refunded(self, payment_id: str, delta_minor: int):
        p, digest = self.rows[payment_id]
        if not 0 <= p.refunded_minor + delta_minor <= p.amount.amount_minor:
            return None
        moved = dataclasses.replace(p, refunded_minor=p.refunded_minor + delta_minor, version=p.version + 1)
        self.rows[payment_id] = (moved, digest)
        return moved

    async def add_event(self, event_type: str, payload: dict) -> None:
        self.events.append((event_type, payload))

    async def list_payments(self, filters, page_size, after):
        rows = sorted((p for p, _ in self.rows.values() if p.payment_id > after and all(getattr(p, k) == v for k, v in filters.items())),
                      key=lambda p: p.payment_id)
        return rows[:page_size]

    async def latest_fee_plan(self, merchant_id):
        return (self.plans.get(merchant_id) or [None])[-1]

    async def fee_plan(self, merchant_id, version):
        return next((p for p in self.plans.get(merchant_id, []) if p.version == version), None)

    async def insert_fee_plan(self, plan):
        versions = self.plans.setdefault(plan.merchant_id, [])
        stored = dataclasses.replace(plan, version=len(versions) + 1)
        versions.append(stored)
        return stored


class FakeLedger:
    """Books idempotently per request id; can be told to decline or to fail like a network."""

    def __init__(self):
        self.booked: dict[str, list[str]] = {}
        self.reversed: list[str] = []
        self.holds: dict[str, str] = {}  # transfer id → PENDING | POSTED | VOIDED
        self.decline: str = ""
        self.unavailable_times = 0
        self.suspense: dict[str, tuple[str, int]] = {}  # request id → (business code, amount) booked into suspense

    def _book(self, request_id: str) -> list[str]:
        from servers.payment import errors

        if self.unavailable_times:
            self.unavailable_times -= 1
            raise errors.ledger_unavailable()
        if self.decline:
            raise errors.Declined(self.decline)
        return self.booked.setdefault(request_id, [f"txn_{len(self.booked) + 1}"])

    async def pay_from_wallet(self, payment, instruction):
        return self._book(f"payment:{payment.payment_id}:{instruction.seq}")

    async def charge_fee(self, payment):
        return self._book(f"payment:{payment.payment_id}:fee")

    async def book_channel_capture(self, payment, instruction):
        from servers.payment.domain import PaymentKind

        if payment.kind == PaymentKind.WITHDRAW:  # post the holds
            for transfer_id in instruction.ledger_transfer_ids:
                assert self.holds[transfer_id] in ("PENDING", "POSTED")
                self.holds[transfer_id] = "POSTED"
            return list(instruction.ledger_transfer_ids)
        ids = self._book(f"payment:{payment.payment_id}:{instruction.seq}")
        if instruction.captured.amount_minor > instruction.amount.amount_minor:  # the excess goes to suspense
            self.suspense[f"payment:{payment.payment_id}:{instruction.seq}"] = (
                "OVER_CAPTURE", instruction.captured.amount_minor - instruction.amount.amount_minor)
        return ids

    async def book_late_capture(self, payment, late):
        ids = self._book(f"late:{late.inst_order_id}")
        self.suspense[f"late:{late.inst_order_id}"] = ("LATE_SUCCESS", late.amount.amount_minor)
        return ids

    async def hold(self, request_id):
        ids = self._book(request_id)
        self.holds.setdefault(ids[0], "PENDING")
        return ids

    async def void_holds(self, instruction_id, transfer_ids):
        for transfer_id in transfer_ids:
            assert self.holds[transfer_id] in ("PENDING", "VOIDED")
            self.holds[transfer_id] = "VOIDED"

    async def refund_to_wallet(self, refund):
        return self._book(f"refund:{refund.payment_id}")

    async def transfer_between_members(self, payment):
        return self._book(f"transfer:{payment.payment_id}")

    async def book_channel_refund(self, payment, refund):
        return self._book(f"channel-refund:{refund.refund_key}")

    async def reverse(self, request_id, transfer_ids):
        self.reversed += transfer_ids


class FakeTool:
    """A payment tool over a FakeLedger; it can decline, or answer later like a channel."""

    def __init__(self, ledger: FakeLedger, decline: str = "", asynchronous: bool = False):
        self.ledger, self.decline, self.asynchronous = ledger, decline, asynchronous
        self.submitted: list[str] = []

    async def execute(self, payment, instruction):
        from servers.payment import errors

        if self.decline:
            raise errors.Declined(self.decline)
        if self.asynchronous:
            self.submitted.append(instruction.instruction_id)
            raise errors.Pending(f"ino_{instruction.instruction_id}", "ch1", "https://acs.example/3ds")
        return await self.ledger.pay_from_wallet(payment, instruction)

    async def compensate(self, payment, instruction):
        await self.ledger.reverse(instruction.instruction_id, list(instruction.ledger_transfer_ids))


class FakePayoutTool:
    """A payout like the real one: a ledger hold first (a decline fails it, nothing sent), then
    the channel answers later with the hold recorded on the instruction."""

    def __init__(self, ledger: FakeLedger):
        self.ledger = ledger
        self.submitted: list[str] = []

    async def execute(self, payment, instruction):
        from servers.payment import errors

        holds = await self.ledger.hold(f"withdraw:{instruction.instruction_id}:hold")
        if instruction.instruction_id not in self.submitted:
            self.submitted.append(instruction.instruction_id)
        raise errors.Pending(f"ino_{instruction.instruction_id}", "ch1", "", tuple(holds))

    async def compensate(self, payment, instruction):
        raise AssertionError("a payout is never compensated")
