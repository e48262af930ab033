"""Payment adapters: PostgreSQL repository and unit of work, the ledger over gRPC, and the
payment tools (plugins) that run instructions."""
from __future__ import annotations

import dataclasses
import json
from typing import Any, Awaitable, Callable, TypeVar

import grpc
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from clients.channel import error_reason
from clients.services import Mesh
from paymesh.ledger.v1 import ledger_pb2, ledger_service_pb2 as ledger_api
from servers.kernel import events
from servers.kernel.db import Database, cas_update
from servers.kernel.money import Money
from servers.payment import errors
from servers.payment.domain import (CardRef, Instruction, InstructionState, LateCapture, Payment, PaymentKind, PaymentMethod,
                                    PaymentState)
from servers.payment.fees import FeePlan, FeeRule
from servers.payment.refund_store import WAITING_SQL, SqlRecoveryQueries, SqlRefundStore

T = TypeVar("T")
_COLS = ("payment_id, request_id, request_hash, kind, order_id, merchant_id, payer_member_id, currency_code, amount_minor, fee_minor,"
         " method, state, failure_reason, ledger_transfer_ids, context_id, version, create_time, update_time, fee_plan_version,"
         " original_payment_id, refunded_minor, to_member_id, card, return_url, bank_account_ticket, captured_minor, review_reason,"
         " duplicate_of, review_resolution, resolved_by, resolution_note, resolution_request_id")
_INS_COLS = ("instruction_id, seq, method, tool, currency_code, amount_minor, state, failure_reason, ledger_transfer_ids, inst_order_id,"
             " channel_id, redirect_url, channel_result, settled_minor")
_FILTERS = {"order_id": "order_id", "merchant_id": "merchant_id", "context_id": "context_id"}


def _payment(row, instructions: tuple[Instruction, ...] = (), late_capture_minor: int = 0, refunds: tuple = ()) -> Payment:
    return Payment(row.payment_id, row.request_id, PaymentKind(row.kind), row.order_id, row.merchant_id, row.payer_member_id,
                   Money(row.currency_code, row.amount_minor), PaymentMethod(row.method), PaymentState(row.state),
                   Money(row.currency_code, row.fee_minor), row.failure_reason, tuple(row.ledger_transfer_ids), row.context_id,
                   row.version, row.create_time, row.update_time, row.fee_plan_version, row.original_payment_id,
                   row.refunded_minor, row.to_member_id, instructions, _card(row.card), row.return_url,
                   row.bank_account_ticket, row.captured_minor, row.review_reason, row.duplicate_of, late_capture_minor,
                   row.review_resolution, row.resolved_by, row.resolution_note, row.resolution_request_id, refunds)


def _card(data) -> CardRef | None:
    if not data:
        return None
    return CardRef(**(data if isinstance(data, dict) else json.loads(data)))


def _instruction(row) -> Instruction:
    return Instruction(row.instruction_id, row.seq, PaymentMethod(row.method), row.tool, Money(row.currency_code, row.amount_minor),
                       InstructionState(row.state), row.failure_reason, tuple(row.ledger_transfer_ids), row.inst_order_id,
                       row.channel_id, row.redirect_url, row.channel_result, row.settled_minor)


def _plan(merchant_id: str, version: int, rules_json) -> FeePlan:
    rules = rules_json if isinstance(rules_json, list) else json.loads(rules_json)
    return FeePlan(merchant_id, version, tuple(FeeRule(**r) for r in rules))


class SqlPaymentRepository(SqlRefundStore, SqlRecoveryQueries):
    def __init__(self, conn: AsyncConnection):
        self.conn = conn

    async def find_by_request(self, request_id: str):
        row = (await self.conn.execute(text(f"SELECT {_COLS} FROM payments WHERE request_id = :r"), {"r": request_id})).first()
        return (_payment(row), bytes(row.request_hash)) if row else None

    async def get(self, payment_id: str) -> Payment | None:
        row = (await self.conn.execute(text(f"SELECT {_COLS} FROM payments WHERE payment_id = :p"), {"p": payment_id})).first()
        if row is None:
            return None
        ins = (await self.conn.execute(text(f"SELECT {_INS_COLS} FROM instructions WHERE payment_id = :p ORDER BY seq"),
                                       {"p": payment_id})).all()
        late = (await self.conn.execute(text("SELECT coalesce(sum(amount_minor), 0) FROM late_captures WHERE payment_id = :p"),
                                        {"p": payment_id})).scalar_one()
        return _payment(row, tuple(_instruction(i) for i in ins), int(late), tuple(await self.channel_refunds(payment_id)))

    async def insert(self, p: Payment, request_hash: bytes) -> bool:
        inserted = await self.conn.execute(text(
            "INSERT INTO payments (payment_id, request_id, request_hash, kind, order_id, merchant_id, payer_member_id, currency_code,"
            " amount_minor, fee_minor, method, state, context_id, fee_plan_version, original_payment_id, to_member_id, card, return_url,"
            " bank_account_ticket) VALUES (:p, :r, :h, :k, :o, :m, :payer, :c, :a, :fee, :meth, :s, :ctx, :fpv, :orig, :to,"
            " CAST(:card AS JSONB), :ret, :bank)"
            " ON CONFLICT (request_id) DO NOTHING RETURNING payment_id"),
            {"p": p.payment_id, "r": p.request_id, "h": request_hash, "k": int(p.kind), "o": p.order_id, "m": p.merchant_id,
             "payer": p.payer_member_id, "c": p.amount.currency_code, "a": p.amount.amount_minor,
             "fee": p.fee.amount_minor if p.fee else 0, "meth": int(p.method), "s": int(p.state), "ctx": p.context_id,
             "fpv": p.fee_plan_version, "orig": p.original_payment_id, "to": p.to_member_id,
             "card": json.dumps(dataclasses.asdict(p.card)) if p.card else None, "ret": p.return_url, "bank": p.bank_account_ticket})
        if inserted.first() is None:
            return False
        if p.instructions:
            await self.conn.execute(text(
                "INSERT INTO instructions (instruction_id, payment_id, seq, method, tool, currency_code, amount_minor, state, context_id)"
                " VALUES (:i, :p, :seq, :m, :t, :c, :a, :s, :ctx)"),
                [{"i": i.instruction_id, "p": p.payment_id, "seq": i.seq, "m": int(i.method), "t": i.tool, "c": i.amount.currency_code,
                  "a": i.amount.amount_minor, "s": int(i.state), "ctx": p.context_id} for i in p.instructions])
        return True

    async def transition(self, p: Payment, target: PaymentState, **changes: Any) -> Payment | None:
        row = await cas_update(self.conn, "payments", {"payment_id": p.payment_id, "state": int(p.state), "version": p.version},
                               int(target), changes, _COLS, versioned=True)
        return _payment(row, p.instructions) if row else None

    async def set_instruction(self, i: Instruction, expected: InstructionState, target: InstructionState, **changes: Any) -> bool:
        return await cas_update(self.conn, "instructions", {"instruction_id": i.instruction_id, "state": int(expected)}, int(target),
                                changes, "instruction_id") is not None

    async def find_instruction(self, instruction_id: str):
        row = (await self.conn.execute(text("SELECT payment_id FROM instructions WHERE instruction_id = :i"), {"i": instruction_id})).first()
        if row is None:
            return None
        payment = await self.get(row.payment_id)
        assert payment is not None
        return payment, next(i for i in payment.instructions if i.instruction_id == instruction_id)

    async def record_channel_result(self, instruction_id: str, verdict: str, inst_order_id: str, channel_id: str,
                                    settled_minor: int, redirect_url: str, reason: str) -> bool:
        done = await self.conn.execute(text(
            "UPDATE instructions SET channel_result = :v, inst_order_id = coalesce(nullif(:io, ''), inst_order_id),"
            " channel_id = coalesce(nullif(:ch, ''), channel_id), settled_minor = :s,"
            " redirect_url = coalesce(nullif(:url, ''), redirect_url),"
            " failure_reason = CASE WHEN :v = 'FAIL' THEN coalesce(nullif(:reason, ''), 'CHANNEL_DECLINED') ELSE failure_reason END,"
            " update_time = now()"
            " WHERE instruction_id = :i AND state = 5 AND channel_result NOT IN ('SUCCESS', 'FAIL') RETURNING instruction_id"),
            {"i": instruction_id, "v": verdict, "io": inst_order_id, "ch": channel_id, "s": settled_minor, "url": redirect_url,
             "reason": reason})
        return done.first() is not None

    async def waiting_payments(self, limit: int) -> list[str]:
        rows = await self.conn.execute(text(
            "SELECT DISTINCT i.payment_id FROM instructions i JOIN payments p USING (payment_id)"
            " WHERE i.state = 5 AND i.channel_result IN ('SUCCESS', 'FAIL') AND p.state IN (2, 5)"
            " UNION SELECT DISTINCT payment_id FROM late_captures WHERE NOT booked" + WAITING_SQL + " LIMIT :n"), {"n": limit})
        return list(rows.scalars())

    async def succeeded_payment_of_order(self, order_id: str, other_than: str) -> str:
        """Under a per-order lock (held to commit), so two payments of one order never both see none."""
        await self.conn.execute(text("SELECT pg_advisory_xact_lock(hashtext('payment_order:' || :o))"), {"o": order_id})
        row = (await self.conn.execute(text(
            "SELECT payment_id FROM payments WHERE order_id = :o AND kind = 1 AND state = 3 AND payment_id <> :p"
            " ORDER BY update_time LIMIT 1"), {"o": order_id, "p": other_than})).first()
        return row.payment_id if row else ""

    async def record_late_capture(self, late: LateCapture) -> bool:
        done = await self.conn.execute(text(
            "INSERT INTO late_captures (inst_order_id, payment_id, instruction_id, channel_id, currency_code, amount_minor)"
            " VALUES (:io, :p, :i, :ch, :c, :a) ON CONFLICT (inst_order_id) DO NOTHING RETURNING inst_order_id"),
            {"io": late.inst_order_id, "p": late.payment_id, "i": late.instruction_id, "ch": late.channel_id,
             "c": late.amount.currency_code, "a": late.amount.amount_minor})
        return done.first() is not None

    async def late_captures(self, payment_id: str) -> list[LateCapture]:
        rows = (await self.conn.execute(text(
            "SELECT inst_order_id, payment_id, instruction_id, channel_id, currency_code, amount_minor, ledger_transfer_ids, booked"
            " FROM late_captures WHERE payment_id = :p ORDER BY create_time"), {"p": payment_id})).all()
        return [LateCapture(r.inst_order_id, r.payment_id, r.instruction_id, r.channel_id, Money(r.currency_code, r.amount_minor),
                            tuple(r.ledger_transfer_ids), r.booked) for r in rows]

    async def mark_late_capture_booked(self, inst_order_id: str, transfer_ids: tuple[str, ...]) -> None:
        await self.conn.execute(text("UPDATE late_captures SET booked = TRUE, ledger_transfer_ids = :t WHERE inst_order_id = :io"),
                                {"io": inst_order_id, "t": list(transfer_ids)})

    async def add_refunded(self, payment_id: str, delta_minor: int) -> Payment | None:
        row = (await self.conn.execute(text(
            f"UPDATE payments SET refunded_minor = refunded_minor + :d, version = version + 1, update_time = now()"
            f" WHERE payment_id = :p AND refunded_minor + :d BETWEEN 0 AND amount_minor RETURNING {_COLS}"),
            {"p": payment_id, "d": delta_minor})).first()
        return _payment(row) if row else None

    async def add_event(self, event_type: str, payload: dict[str, Any]) -> None:
        await events.add_event(self.conn, "payment", event_type, payload)

    async def list_payments(self, filters: dict[str, str], page_size: int, after: str) -> list[Payment]:
        clauses, params = ["payment_id > :after"], {"after": after, "n": page_size}
        for key, column in _FILTERS.items():
            if key in filters:
                clauses.append(f"{column} = :{key}")
                params[key] = filters[key]
        rows = (await self.conn.execute(text(
            f"SELECT {_COLS} FROM payments WHERE {' AND '.join(clauses)} ORDER BY payment_id LIMIT :n"), params)).all()
        return [_payment(r) for r in rows]

    async def latest_fee_plan(self, merchant_id: str) -> FeePlan | None:
        row = (await self.conn.execute(text(
            "SELECT version, rules FROM fee_plans WHERE merchant_id = :m ORDER BY version DESC LIMIT 1"), {"m": merchant_id})).first()
        return _plan(merchant_id, row.version, row.rules) if row else None

    async def fee_plan(self, merchant_id: str, version: int) -> FeePlan | None:
        row = (await self.conn.execute(text("SELECT version, rules FROM fee_plans WHERE merchant_id = :m AND version = :v"),
                                       {"m": merchant_id, "v": version})).first()
        return _plan(merchant_id, row.version, row.rules) if row else None

    async def insert_fee_plan(self, plan: FeePlan) -> FeePlan:
        # Versions are taken under a per-merchant advisory lock, so concurrent edits get 1, 2, 3…
        await self.conn.execute(text("SELECT pg_advisory_xact_lock(hashtext('fee_plan:' || :m))"), {"m": plan.merchant_id})
        row = (await self.conn.execute(text(
            "INSERT INTO fee_plans (merchant_id, version, rules) SELECT :m, coalesce(max(version), 0) + 1, CAST(:r AS JSONB)"
            " FROM fee_plans WHERE merchant_id = :m RETURNING version, create_time"),
            {"m": plan.merchant_id, "r": json.dumps([r.__dict__ for r in plan.rules])})).one()
        return FeePlan(plan.merchant_id, row.version, plan.rules)


class SqlUnitOfWork:
    def __init__(self, db: Database):
        self.db = db

    async def __call__(self, work: Callable[[SqlPaymentRepository], Awaitable[T]]) -> T:
        return await self.db.run_in_transaction(lambda conn: work(SqlPaymentRepository(conn)))


class GrpcLedger:
    """Books the payment core's money flows. Account ids never change, so they are cached."""

    def __init__(self, mesh: Mesh):
        self.mesh = mesh
        self._accounts: dict[tuple[int, str, int, str], str] = {}

    async def _account(self, owner_type: int, owner_id: str, account_type: int, currency: str) -> str:
        key = (owner_type, owner_id, account_type, currency)
        if key not in self._accounts:
            reply = await self._call(self.mesh.ledger.OpenAccount, ledger_api.OpenAccountRequest(
                request_id=f"open:{owner_type}:{owner_id}:{account_type}:{currency}", owner_type=owner_type, owner_id=owner_id,
                account_type=account_type, currency_code=currency))
            self._accounts[key] = reply.account.account_id
        return self._accounts[key]

    async def _wallet(self, member_id: str, currency: str) -> str:
        return await self._account(ledger_pb2.OWNER_TYPE_MEMBER, member_id, ledger_pb2.ACCOUNT_TYPE_MEMBER_WALLET, currency)

    async def _merchant_pending(self, merchant_id: str, currency: str) -> str:
        return await self._account(ledger_pb2.OWNER_TYPE_MERCHANT, merchant_id, ledger_pb2.ACCOUNT_TYPE_MERCHANT_PENDING_SETTLEMENT, currency)

    async def _fee_income(self, currency: str) -> str:
        return await self._account(ledger_pb2.OWNER_TYPE_PLATFORM, "platform", ledger_pb2.ACCOUNT_TYPE_FEE_INCOME, currency)

    async def _suspense(self, currency: str) -> str:
        return await self._account(ledger_pb2.OWNER_TYPE_PLATFORM, "platform", ledger_pb2.ACCOUNT_TYPE_SUSPENSE, currency)

    @staticmethod
    async def _call(method, request):
        try:
            return await method(request)
        except grpc.aio.AioRpcError as exc:
            if exc.code() == grpc.StatusCode.FAILED_PRECONDITION:
                raise errors.Declined(error_reason(exc) or "LEDGER_DECLINED") from None
            if exc.code() in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED):
                raise errors.ledger_unavailable() from None
            raise

    async def _post(self, request_id: str, legs: list[tuple[str, str, Money, str, dict]]) -> list[str]:
        reply = await self._call(self.mesh.ledger.CreateTransfers, ledger_api.CreateTransfersRequest(request_id=request_id, legs=[
            ledger_api.TransferLeg(debit_account_id=d, credit_account_id=c, amount=m.to_proto(), business_code=code, ref=ref)
            for d, c, m, code, ref in legs]))
        return [t.transfer_id for t in reply.transfers]

    async def pay_from_wallet(self, payment: Payment, instruction: Instruction) -> list[str]:
        currency = instruction.amount.currency_code
        payer, merchant = await self._wallet(payment.payer_member_id, currency), await self._merchant_pending(payment.merchant_id, currency)
        return await self._post(f"payment:{payment.payment_id}:{instruction.seq}", [
            (payer, merchant, instruction.amount, "PAYMENT", {"order_id": payment.order_id, "payment_id": payment.payment_id})])

    async def charge_fee(self, payment: Payment) -> list[str]:
        currency = payment.amount.currency_code
        merchant, income = await self._merchant_pending(payment.merchant_id, currency), await self._fee_income(currency)
        return await self._post(f"payment:{payment.payment_id}:fee", [
            (merchant, income, payment.fee, "FEE", {"order_id": payment.order_id, "payment_id": payment.payment_id})])

    async def _clearing(self, channel_id: str, currency: str) -> str:
        return await self._account(ledger_pb2.OWNER_TYPE_CHANNEL, channel_id or "unknown", ledger_pb2.ACCOUNT_TYPE_CHANNEL_CLEARING,
                                   currency)

    async def book_channel_capture(self, payment: Payment, instruction: Instruction) -> list[str]:
        """What a channel's SUCCESS books depends on the payment's kind: an order pays the merchant,
        a top-up credits the member's wallet, a withdrawal posts its hold."""
        if payment.kind == PaymentKind.WITHDRAW:
            return await self.post_holds(f"withdraw:{instruction.instruction_id}:post", list(instruction.ledger_transfer_ids))
        currency = instruction.amount.currency_code
        captured = instruction.captured
        clearing = await self._clearing(instruction.channel_id, currency)
        ref = {"order_id": payment.order_id, "payment_id": payment.payment_id}
        if payment.kind == PaymentKind.TOP_UP:
            target, code = await self._wallet(payment.payer_member_id, currency), "TOP_UP"
        else:
            target, code = await self._merchant_pending(payment.merchant_id, currency), "PAYMENT"
        # Never more than asked to the payee: an over-capture's excess waits in suspense (the payment goes to REVIEW).
        legs = [(clearing, target, Money(currency, min(captured.amount_minor, instruction.amount.amount_minor)), code, ref)]
        if captured.amount_minor > instruction.amount.amount_minor:
            legs.append((clearing, await self._suspense(currency), captured - instruction.amount, "OVER_CAPTURE", ref))
        return await self._post(f"payment:{payment.payment_id}:{instruction.seq}", legs)

    async def book_late_capture(self, payment: Payment, late: LateCapture) -> list[str]:
        """A channel SUCCESS after the payment FAILED: channel clearing → platform suspense."""
        currency = late.amount.currency_code
        clearing, suspense = await self._clearing(late.channel_id, currency), await self._suspense(currency)
        return await self._post(f"late:{late.inst_order_id}", [
            (clearing, suspense, late.amount, "LATE_SUCCESS", {"order_id": payment.order_id, "payment_id": payment.payment_id})])

    async def book_channel_refund(self, payment: Payment, refund) -> list[str]:
        """An engine refund the channel confirmed (channel_refunds.py): the fee share back, then merchant pending and
        suspense → channel clearing (→ the payer's wallet for a balance part). Idempotent per refund key."""
        currency, ref = refund.currency_code, {"order_id": payment.order_id, "payment_id": payment.payment_id}
        if refund.source == "REFUND":  # a merchant refund: its transfers are found by the refund's id too
            ref["refund_id"] = refund.refund_key.split(":")[1]
        target = (await self._clearing(refund.channel_id, currency) if refund.channel_id
                  else await self._wallet(payment.payer_member_id, currency))
        merchant, legs = await self._merchant_pending(payment.merchant_id, currency), []
        if refund.fee_back_minor:
            legs.append((await self._fee_income(currency), merchant, Money(currency, refund.fee_back_minor), "FEE_REFUND", ref))
        if refund.merchant_minor:
            legs.append((merchant, target, Money(currency, refund.merchant_minor), "REFUND", ref))
        if refund.suspense_minor:
            legs.append((await self._suspense(currency), target, Money(currency, refund.suspense_minor), "SUSPENSE_REFUND", ref))
        return await self._post(f"channel-refund:{refund.refund_key}", legs)

    async def hold_for_payout(self, payment: Payment, instruction: Instruction, channel_id: str) -> list[str]:
        """A hold wallet → channel clearing (insufficient funds → Declined); idempotent per instruction."""
        currency = instruction.amount.currency_code
        wallet, clearing = await self._wallet(payment.payer_member_id, currency), await self._clearing(channel_id, currency)
        reply = await self._call(self.mesh.ledger.CreateTransfers, ledger_api.CreateTransfersRequest(
            request_id=f"withdraw:{instruction.instruction_id}:hold", legs=[ledger_api.TransferLeg(
                debit_account_id=wallet, credit_account_id=clearing, amount=instruction.amount.to_proto(), pending=True,
                business_code="WITHDRAWAL", ref={"payment_id": payment.payment_id})]))
        return [t.transfer_id for t in reply.transfers]

    async def post_holds(self, request_id: str, transfer_ids: list[str]) -> list[str]:
        for transfer_id in transfer_ids:
            await self._call(self.mesh.ledger.PostPendingTransfer, ledger_api.PostPendingTransferRequest(
                transfer_id=transfer_id, request_id=f"{request_id}:{transfer_id}"))
        return transfer_ids

    async def void_holds(self, instruction_id: str, transfer_ids: list[str]) -> None:
        for transfer_id in transfer_ids:
            await self._call(self.mesh.ledger.VoidPendingTransfer, ledger_api.VoidPendingTransferRequest(
                transfer_id=transfer_id, request_id=f"withdraw:{instruction_id}:void:{transfer_id}"))

    async def refund_to_wallet(self, refund: Payment) -> list[str]:
        currency = refund.amount.currency_code
        payer, merchant = await self._wallet(refund.payer_member_id, currency), await self._merchant_pending(refund.merchant_id, currency)
        ref = {"order_id": refund.order_id, "payment_id": refund.original_payment_id, "refund_id": refund.payment_id}
        legs = []
        if refund.fee and refund.fee.is_positive:  # the fee share comes back to the merchant first
            legs.append((await self._fee_income(currency), merchant, refund.fee, "FEE_REFUND", ref))
        legs.append((merchant, payer, refund.amount, "REFUND", ref))
        return await self._post(f"refund:{refund.payment_id}", legs)

    async def transfer_between_members(self, payment: Payment) -> list[str]:
        currency = payment.amount.currency_code
        source, target = await self._wallet(payment.payer_member_id, currency), await self._wallet(payment.to_member_id, currency)
        return await self._post(f"transfer:{payment.payment_id}", [
            (source, target, payment.amount, "MEMBER_TRANSFER", {"payment_id": payment.payment_id})])

    async def settle(self, batch) -> list[str]:
        """A settlement batch: ONE transfer merchant pending settlement → merchant settled for its net."""
        currency = batch.currency_code
        pending = await self._merchant_pending(batch.merchant_id, currency)
        settled = await self._account(ledger_pb2.OWNER_TYPE_MERCHANT, batch.merchant_id, ledger_pb2.ACCOUNT_TYPE_MERCHANT_SETTLED, currency)
        reply = await self._call(self.mesh.ledger.CreateTransfers, ledger_api.CreateTransfersRequest(
            request_id=f"settle:{batch.batch_id}", legs=[ledger_api.TransferLeg(
                debit_account_id=pending, credit_account_id=settled, amount=Money(currency, batch.net_minor).to_proto(),
                business_code="SETTLEMENT", ref={"settlement_batch_id": batch.batch_id})]))
        return [t.transfer_id for t in reply.transfers]

    async def reverse(self, request_id: str, transfer_ids: list[str]) -> None:
        for transfer_id in transfer_ids:
            await self._call(self.mesh.ledger.ReverseTransfer, ledger_api.ReverseTransferRequest(
                transfer_id=transfer_id, request_id=f"{request_id}:{transfer_id}"))


class GrpcTrail:
    """A payment's trail from the other services: its ledger transfers and the channel's
    institution orders (every attempt), each read by payment id."""

    def __init__(self, mesh: Mesh):
        self.mesh = mesh

    async def transfers(self, payment_id: str) -> list:
        return await _every_page(self.mesh.ledger.ListTransfers, ledger_api.ListTransfersRequest, "transfers", payment_id)

    async def inst_orders(self, payment_id: str) -> list:
        from paymesh.channel.v1 import channel_service_pb2 as channel_api

        return await _every_page(self.mesh.channel.ListInstOrders, channel_api.ListInstOrdersRequest, "inst_orders", payment_id)


async def _every_page(call, request_type, field: str, payment_id: str) -> list:
    """Follows AIP-158 page tokens to the end, 1000 items a page."""
    out, token = [], ""
    while True:
        reply = await call(request_type(payment_id=payment_id, page_size=1000, page_token=token))
        out += list(getattr(reply, field))
        token = reply.next_page_token
        if not token:
            return out
