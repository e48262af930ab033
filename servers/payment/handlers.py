"""The payment engine. Every step is its own transaction and safe to repeat, so a retry with
the same request_id after a crash at any point finishes the same payment:

  1. record the payment, its fee (plan version stored) and instruction plan     (UNIQUE request_id)
  2. CAS CREATED → PROCESSING
  3. each instruction through its tool, CAS PENDING → SUCCEEDED                 (tools idempotent)
     a decline → compensate executed instructions in reverse, payment FAILED
  4. the fee: merchant pending settlement → fee income                          (idempotent)
  5. CAS PROCESSING → SUCCEEDED | FAILED + outbox event, in one transaction
A tool that cannot tell the outcome (Unavailable) leaves the payment PROCESSING: the caller
retries with the same request_id; nothing is executed twice.
"""
from __future__ import annotations

import hashlib

from servers.kernel.ids import new_id
from servers.kernel.money import Money
from servers.payment import channel_refunds, errors, fees, late, review
from servers.payment.domain import (FINAL, PAYOUT_TOOL, Instruction, InstructionState, MemberTransfer, Payment, PaymentKind,
                                    PaymentMethod, PaymentState, PayOrder, Refund, TopUp, Withdrawal, build_plan, check_transition,
                                    event_payload, review_of)
from servers.payment.ports import LedgerPort, PaymentRepository, PaymentTool, UnitOfWork

TOPIC = "payment"


async def pay_order(uow: UnitOfWork, tools: dict[str, PaymentTool], ledger: LedgerPort, cmd: PayOrder,
                    tool_rules: dict[str, str]) -> Payment:
    available = {method: tool for method, tool in tool_rules.items() if tool in tools}
    return await _start(uow, tools, ledger, await uow(lambda repo: _record(repo, cmd, available)))


async def top_up(uow: UnitOfWork, tools: dict[str, PaymentTool], ledger: LedgerPort, cmd: TopUp, tool_rules: dict[str, str],
                 merchant_id: str) -> Payment:
    """A payment of kind TOP_UP with one channel instruction, routed as the platform merchant
    `merchant_id`; its SUCCESS books channel clearing → the member's wallet, no fee."""
    if tool_rules.get(cmd.method.name) != "channel" or "channel" not in tools:
        raise errors.method_not_supported(f"top-up by {cmd.method.name}")
    if cmd.card is None:
        raise errors.card_required()

    async def record(repo: PaymentRepository) -> Payment:
        found = await _existing(repo, cmd.request_id, cmd.request_hash)
        if found is not None:
            return found
        return await _insert(repo, Payment(
            payment_id=new_id("pay"), request_id=cmd.request_id, kind=PaymentKind.TOP_UP, order_id="", merchant_id=merchant_id,
            payer_member_id=cmd.member_id, amount=cmd.amount, method=cmd.method, state=PaymentState.CREATED,
            context_id=cmd.context_id, fee=Money.zero(cmd.amount.currency_code),
            instructions=build_plan([(cmd.method, cmd.amount)], cmd.amount, {cmd.method.name: "channel"}, new_id),
            card=cmd.card, return_url=cmd.return_url), cmd.request_hash)
    return await _start(uow, tools, ledger, await uow(record))


async def withdraw(uow: UnitOfWork, tools: dict[str, PaymentTool], ledger: LedgerPort, cmd: Withdrawal) -> Payment:
    """A payment of kind WITHDRAW with one payout instruction: a ledger hold wallet → channel
    clearing (insufficient funds fail it at once, nothing sent), the channel payout, then the hold
    is posted on the payout's SUCCESS or voided on its FAIL."""
    async def record(repo: PaymentRepository) -> Payment:
        found = await _existing(repo, cmd.request_id, cmd.request_hash)
        if found is not None:
            return found
        method = PaymentMethod.BANK_TRANSFER
        return await _insert(repo, Payment(
            payment_id=new_id("pay"), request_id=cmd.request_id, kind=PaymentKind.WITHDRAW, order_id="", merchant_id="",
            payer_member_id=cmd.member_id, amount=cmd.amount, method=method, state=PaymentState.CREATED,
            context_id=cmd.context_id, fee=Money.zero(cmd.amount.currency_code),
            instructions=(Instruction(new_id("ins"), 0, method, PAYOUT_TOOL, cmd.amount),),
            bank_account_ticket=cmd.bank_account_ticket), cmd.request_hash)
    return await _start(uow, tools, ledger, await uow(record))


async def _start(uow: UnitOfWork, tools: dict[str, PaymentTool], ledger: LedgerPort, payment: Payment) -> Payment:
    if payment.state in FINAL:
        return payment
    if payment.state == PaymentState.CREATED:
        payment = await uow(lambda repo: _move(repo, payment, PaymentState.PROCESSING))
    return await run_plan(uow, tools, ledger, payment)


async def resume(uow: UnitOfWork, tools: dict[str, PaymentTool], ledger: LedgerPort, payment_id: str) -> Payment:
    """Continues a payment after an asynchronous tool's verdict arrived (or after a crash): the plan, a
    late capture, a resolved review, and the engine's own channel refunds."""
    payment = await get_payment(uow, payment_id)
    refunder = refunder_of(tools)
    if payment.state == PaymentState.REVIEW and payment.review_resolution:
        return await review.finish(uow, ledger, refunder, payment)
    if payment.late_capture_minor:  # a capture the payment could not take, in any state: suspense, then refunded
        await late.book(uow, ledger, payment)
    if payment.state == PaymentState.SUCCEEDED:
        payment = await _after_success(uow, tools, ledger, payment)
    elif payment.state not in FINAL and payment.state != PaymentState.CREATED:
        return await run_plan(uow, tools, ledger, payment)
    elif payment.state != PaymentState.FAILED and not payment.late_capture_minor:
        return payment
    await channel_refunds.run(uow, refunder, ledger, payment)
    return await get_payment(uow, payment_id)


def refunder_of(tools: dict[str, PaymentTool]):
    """The channel tool sends the engine's channel refunds (None when payments run without channels)."""
    tool = tools.get("channel")
    return tool if hasattr(tool, "submit_refund") else None


async def run_plan(uow: UnitOfWork, tools: dict[str, PaymentTool], ledger: LedgerPort, payment: Payment) -> Payment:
    """Runs the plan from where it stands: each step is a compare-and-set, so concurrent
    resumers (the request, an event, the janitor) never run an instruction twice."""
    transfer_ids: list[str] = []
    for instruction in payment.instructions:
        if instruction.state == InstructionState.SUCCEEDED:
            transfer_ids += instruction.ledger_transfer_ids
            continue
        if instruction.state == InstructionState.FAILED:
            return await _fail(uow, tools, payment, instruction.failure_reason)
        if instruction.state == InstructionState.PROCESSING:
            if instruction.channel_result == "FAIL":
                if instruction.ledger_transfer_ids:  # a PROCESSING instruction's transfers are holds: release them
                    await ledger.void_holds(instruction.instruction_id, list(instruction.ledger_transfer_ids))
                await uow(lambda repo: repo.set_instruction(instruction, InstructionState.PROCESSING, InstructionState.FAILED,
                                                            failure_reason=instruction.failure_reason or "CHANNEL_DECLINED"))
                return await _fail(uow, tools, payment, instruction.failure_reason or "CHANNEL_DECLINED")
            if instruction.channel_result != "SUCCESS":
                return await get_payment(uow, payment.payment_id)  # still waiting for the channel
            ids = await ledger.book_channel_capture(payment, instruction)
            if not await uow(lambda repo: repo.set_instruction(instruction, InstructionState.PROCESSING, InstructionState.SUCCEEDED,
                                                                ledger_transfer_ids=tuple(ids))):
                return await get_payment(uow, payment.payment_id)  # another resumer took this step
            transfer_ids += ids
            continue
        try:
            ids = await tools[instruction.tool].execute(payment, instruction)
        except errors.Pending as pending:
            sent = {"inst_order_id": pending.inst_order_id, "channel_id": pending.channel_id, "redirect_url": pending.redirect_url}
            if pending.hold_ids:
                sent["ledger_transfer_ids"] = tuple(pending.hold_ids)
            await uow(lambda repo: repo.set_instruction(instruction, InstructionState.PENDING, InstructionState.PROCESSING, **sent))
            return await get_payment(uow, payment.payment_id)
        except errors.Declined as declined:
            reason = declined.reason
            await uow(lambda repo: repo.set_instruction(instruction, InstructionState.PENDING, InstructionState.FAILED,
                                                        failure_reason=reason))
            return await _fail(uow, tools, payment, reason)
        if not await uow(lambda repo: repo.set_instruction(instruction, InstructionState.PENDING, InstructionState.SUCCEEDED,
                                                            ledger_transfer_ids=tuple(ids))):
            return await get_payment(uow, payment.payment_id)
        transfer_ids += ids
    review = review_of(payment.instructions, payment.amount) if payment.kind != PaymentKind.WITHDRAW else None
    if review is not None:  # what was captured is booked (any excess in suspense); the fee waits for the review
        reason, captured = review
        return await uow(lambda repo: _finish(repo, payment, PaymentState.REVIEW, ledger_transfer_ids=tuple(transfer_ids),
                                              captured_minor=captured.amount_minor, review_reason=reason))
    if payment.fee and payment.fee.is_positive:
        transfer_ids += await ledger.charge_fee(payment)
    done = await uow(lambda repo: _finish(repo, payment, PaymentState.SUCCEEDED, ledger_transfer_ids=tuple(transfer_ids)))
    return await _after_success(uow, tools, ledger, done)


async def _after_success(uow: UnitOfWork, tools: dict[str, PaymentTool], ledger: LedgerPort, payment: Payment) -> Payment:
    return await refund_duplicate(uow, refunder_of(tools), ledger, payment)


async def refund_duplicate(uow: UnitOfWork, refunder, ledger: LedgerPort, payment: Payment) -> Payment:
    """A duplicate payment of an order (duplicate_of set when it succeeded) is refunded at once: a
    balance-only one by a refund payment; one with channel parts by the engine's channel refunds
    (one per part, `duplicate:<payment>:<seq>`, the fee share back on the first), the whole
    amount reserved on the payment in the transaction that records them."""
    if not payment.duplicate_of or payment.state != PaymentState.SUCCEEDED:
        return payment
    if all(i.tool == "balance" for i in payment.instructions):
        if payment.refunded_minor:
            return payment
        request_id = f"duplicate:{payment.payment_id}"
        await refund(uow, ledger, Refund(request_id, hashlib.sha256(request_id.encode()).digest(), payment.payment_id, payment.amount,
                                         "DUPLICATE_PAYMENT", payment.context_id), event="payment.duplicate_refunded")
        return await get_payment(uow, payment.payment_id)

    async def plan(repo: PaymentRepository) -> None:
        current = await repo.get(payment.payment_id)
        assert current is not None
        planned = any(r.source == "DUPLICATE" for r in current.channel_refunds)
        if planned or await repo.add_refunded(current.payment_id, current.amount.amount_minor) is None:
            return  # planned before, or already (partly) refunded by hand: nothing automatic
        rows, fee_back = [], current.fee.amount_minor if current.fee else 0
        for ins in current.instructions:
            if ins.state == InstructionState.SUCCEEDED:
                rows.append(channel_refunds.for_instruction(current, ins, f"duplicate:{current.payment_id}:{ins.seq}", "DUPLICATE",
                                                            ins.amount.amount_minor, 0, fee_back))
                fee_back = 0
        await repo.record_refunds(rows)

    await uow(plan)
    await channel_refunds.run(uow, refunder, ledger, payment)
    return await get_payment(uow, payment.payment_id)


async def _compensate(uow: UnitOfWork, tools: dict[str, PaymentTool], payment: Payment) -> None:
    """Undoes executed instructions in reverse order; each undo is recorded by compare-and-set."""
    current = await get_payment(uow, payment.payment_id)
    for instruction in reversed(current.instructions):
        if instruction.state == InstructionState.SUCCEEDED:
            await tools[instruction.tool].compensate(current, instruction)
            await uow(lambda repo: repo.set_instruction(instruction, InstructionState.SUCCEEDED, InstructionState.COMPENSATED))


async def _fail(uow: UnitOfWork, tools: dict[str, PaymentTool], payment: Payment, reason: str) -> Payment:
    await _compensate(uow, tools, payment)
    return await uow(lambda repo: _finish(repo, payment, PaymentState.FAILED, failure_reason=reason))


async def on_channel_event(repo: PaymentRepository, inst_order: dict) -> str | None:
    """Records a channel's verdict on the instruction it belongs to (forward moves only) and
    returns the payment id to resume after commit. UNKNOWN moves the payment to UNKNOWN: it
    is never retried blindly; the channel's query loop settles it."""
    state = inst_order.get("state", "").removeprefix("INST_ORDER_STATE_")
    verdict = {"SUCCESS": "SUCCESS", "FAIL": "FAIL", "UNKNOWN": "UNKNOWN", "REQUIRES_ACTION": "REQUIRES_ACTION"}.get(state)
    kind = inst_order.get("type", "INST_ORDER_TYPE_PAY").removeprefix("INST_ORDER_TYPE_")
    if kind == "REFUND":  # the verdict on one of the engine's own channel refunds (channel_refunds.py)
        return await channel_refunds.on_event(repo, inst_order)
    if verdict is None or kind not in ("PAY", "PAYOUT"):
        return None
    found = await repo.find_instruction(inst_order.get("instruction_id", ""))
    if found is None:
        return None  # not ours
    payment, instruction = found
    if (kind == "PAYOUT") != (instruction.tool == PAYOUT_TOOL):
        return None  # a payout verdict only ever settles a payout instruction, and the other way round
    if verdict == "FAIL" and inst_order.get("superseded_by_inst_order_id"):
        return None  # the channel fell back to a next attempt: that attempt's verdict settles the instruction
    settled = int((inst_order.get("settled_amount") or inst_order.get("amount") or {}).get("amount_minor", 0))
    if verdict == "SUCCESS" and kind == "PAY" and late.too_late(payment, instruction, inst_order.get("inst_order_id", "")):
        return await late.record(repo, payment, instruction, inst_order, settled, event_payload(payment))
    if not await repo.record_channel_result(instruction.instruction_id, verdict, inst_order.get("inst_order_id", ""),
                                            inst_order.get("channel_id", ""), settled,
                                            (inst_order.get("required_action") or {}).get("redirect_url", ""),
                                            inst_order.get("result_code", "").removeprefix("RESULT_CODE_")):
        return None
    if verdict == "UNKNOWN" and payment.state == PaymentState.PROCESSING:
        await repo.transition(payment, PaymentState.UNKNOWN)
    return payment.payment_id if verdict in ("SUCCESS", "FAIL") else None


async def _record(repo: PaymentRepository, cmd: PayOrder, tool_rules: dict[str, str]) -> Payment:
    found = await _existing(repo, cmd.request_id, cmd.request_hash)
    if found is not None:
        return found
    plan = await repo.latest_fee_plan(cmd.merchant_id) or fees.default_plan(cmd.merchant_id)
    parts = cmd.plan_parts()
    fee = Money.zero(cmd.amount.currency_code)
    for method, amount in parts:
        fee += fees.compute_fee(plan, method, amount)
    payment = Payment(payment_id=new_id("pay"), request_id=cmd.request_id, kind=PaymentKind.ORDER, order_id=cmd.order_id,
                      merchant_id=cmd.merchant_id, payer_member_id=cmd.payer_member_id, amount=cmd.amount, method=cmd.method,
                      state=PaymentState.CREATED, context_id=cmd.context_id, fee=fee, fee_plan_version=plan.version,
                      instructions=build_plan(parts, cmd.amount, tool_rules, new_id), card=cmd.card, return_url=cmd.return_url)
    if any(i.tool == "channel" for i in payment.instructions) and cmd.card is None:
        raise errors.card_required()
    return await _insert(repo, payment, cmd.request_hash)


async def _existing(repo: PaymentRepository, request_id: str, digest: bytes) -> Payment | None:
    found = await repo.find_by_request(request_id)
    if found is None:
        return None
    payment, stored = found
    if stored != digest:
        raise errors.request_id_reused(request_id)
    return await repo.get(payment.payment_id)


async def _insert(repo: PaymentRepository, payment: Payment, digest: bytes) -> Payment:
    if await repo.insert(payment, digest):
        return payment
    existing = await _existing(repo, payment.request_id, digest)  # a concurrent duplicate won
    assert existing is not None
    return existing


async def _move(repo: PaymentRepository, payment: Payment, target: PaymentState, **changes) -> Payment:
    check_transition(payment.state, target)
    moved = await repo.transition(payment, target, **changes)
    if moved is not None:
        return moved
    current = await repo.get(payment.payment_id)  # someone else moved it: take their result
    assert current is not None
    return current


async def _finish(repo: PaymentRepository, payment: Payment, target: PaymentState, event: str = "", **changes) -> Payment:
    return (await _finish_once(repo, payment, target, event, **changes))[0]


async def _finish_once(repo: PaymentRepository, payment: Payment, target: PaymentState, event: str = "", **changes) -> tuple[Payment, bool]:
    """Moves to a final state and publishes its event; True only for the caller that moved it."""
    current = await repo.get(payment.payment_id)
    assert current is not None
    if current.state in FINAL and not (current.state == PaymentState.REVIEW and current.review_resolution):
        return current, False
    check_transition(current.state, target)
    if target == PaymentState.SUCCEEDED and current.kind == PaymentKind.ORDER and current.order_id:
        first = await repo.succeeded_payment_of_order(current.order_id, current.payment_id)  # serialised per order
        if first:  # the order is paid already: this one is a duplicate, never announced as the order's payment
            changes["duplicate_of"], event = first, "payment.duplicate"
    done = await repo.transition(current, target, **changes)
    if done is None:
        latest = await repo.get(payment.payment_id)
        assert latest is not None
        return latest, False
    name = event or f"payment.{_EVENT_PREFIX.get(done.kind, '')}{_OUTCOME[target]}"
    payload = event_payload(done)
    if done.duplicate_of:
        payload["manual_refund"] = False  # every duplicate is refunded automatically (_after_success)
    await repo.add_event(name, payload)
    return await repo.get(done.payment_id) or done, True


async def finish_review(repo: PaymentRepository, payment: Payment, target: PaymentState, **changes) -> Payment:
    """REVIEW → SUCCEEDED | FAILED once operations recorded a resolution (review.py); events as for any payment."""
    return await _finish(repo, payment, target, **changes)


# Top-ups and withdrawals publish their own event names: trade acts only on an order's payment.succeeded.
_EVENT_PREFIX = {PaymentKind.TOP_UP: "topup_", PaymentKind.WITHDRAW: "withdrawal_"}
_OUTCOME = {PaymentState.SUCCEEDED: "succeeded", PaymentState.FAILED: "failed", PaymentState.REVIEW: "review"}


async def refund(uow: UnitOfWork, ledger: LedgerPort, cmd: Refund, event: str = "payment.refunded", refunder=None) -> Payment:
    """Refunds back through the original tools. The refundable amount is reserved on the original
    payment in the same transaction that records the refund, so concurrent refunds can never exceed
    what was paid. A balance-only payment is refunded wallet-side at once; one with channel parts
    gets its rows routed back per instruction (channel_refunds.merchant_refund_rows), recorded in
    that same transaction, and completes when the channel confirms (the REFUND order's event)."""
    refund_payment, original = await uow(lambda repo: _record_refund(repo, cmd))
    if refund_payment.state in FINAL:
        return refund_payment
    original = original or await get_payment(uow, refund_payment.original_payment_id)  # a replay: read it once more
    if any(i.tool != "balance" for i in original.instructions):
        await channel_refunds.run(uow, refunder, ledger, original)
        return await get_payment(uow, refund_payment.payment_id)
    try:
        ids = await ledger.refund_to_wallet(refund_payment)
    except errors.Declined as declined:
        reason = declined.reason

        async def fail(repo: PaymentRepository) -> Payment:
            done, moved = await _finish_once(repo, refund_payment, PaymentState.FAILED, "payment.refund_failed",
                                             failure_reason=reason)
            if moved:  # release the reservation exactly once, with the state change
                await repo.add_refunded(refund_payment.original_payment_id, -refund_payment.amount.amount_minor)
            return done
        return await uow(fail)
    return await uow(lambda repo: _finish(repo, refund_payment, PaymentState.SUCCEEDED, event, ledger_transfer_ids=tuple(ids)))


async def _record_refund(repo: PaymentRepository, cmd: Refund) -> tuple[Payment, Payment | None]:
    """The refund, recorded (or the one this request id recorded before), and the original when read here."""
    found = await _existing(repo, cmd.request_id, cmd.request_hash)
    if found is not None:
        return found, None
    original = await repo.get(cmd.payment_id)
    if original is None:
        raise errors.payment_not_found(cmd.payment_id)
    if original.kind == PaymentKind.TOP_UP:  # the money is the member's now: they withdraw it (README, "Not yet")
        raise errors.topup_not_refundable(original.payment_id)
    if original.kind != PaymentKind.ORDER or original.state != PaymentState.SUCCEEDED:
        raise errors.not_refundable(original.payment_id, f"{original.kind.name} {original.state.name}")
    if cmd.amount.currency_code != original.amount.currency_code:
        raise errors.refund_exceeds_paid(original.payment_id, original.refundable.amount_minor)
    fee_back = fees.refund_fee(original.fee or Money.zero(cmd.amount.currency_code), original.amount, cmd.amount,
                               Money(cmd.amount.currency_code, original.refunded_minor))
    reserved = await repo.add_refunded(original.payment_id, cmd.amount.amount_minor)
    if reserved is None:
        raise errors.refund_exceeds_paid(original.payment_id, original.refundable.amount_minor)
    refund_payment = Payment(payment_id=new_id("rfd"), request_id=cmd.request_id, kind=PaymentKind.REFUND, order_id=original.order_id,
                             merchant_id=original.merchant_id, payer_member_id=original.payer_member_id, amount=cmd.amount,
                             method=original.method, state=PaymentState.PROCESSING, context_id=cmd.context_id, fee=fee_back,
                             fee_plan_version=original.fee_plan_version, original_payment_id=original.payment_id)
    stored = await _insert(repo, refund_payment, cmd.request_hash)
    if stored is refund_payment and any(i.tool != "balance" for i in original.instructions):
        rows = channel_refunds.merchant_refund_rows(original, stored.payment_id, cmd.amount.amount_minor, fee_back.amount_minor,
                                                    await repo.channel_refunds(original.payment_id))
        assert rows is not None, "the reservation admitted more than the instructions paid"
        await repo.record_refunds(rows)
    return stored, original


async def member_transfer(uow: UnitOfWork, ledger: LedgerPort, cmd: MemberTransfer) -> Payment:
    async def record(repo: PaymentRepository) -> Payment:
        found = await _existing(repo, cmd.request_id, cmd.request_hash)
        if found is not None:
            return found
        return await _insert(repo, Payment(
            payment_id=new_id("pay"), request_id=cmd.request_id, kind=PaymentKind.TRANSFER, order_id="", merchant_id="",
            payer_member_id=cmd.from_member_id, amount=cmd.amount, method=PaymentMethod.BALANCE, state=PaymentState.PROCESSING,
            context_id=cmd.context_id, fee=Money.zero(cmd.amount.currency_code), to_member_id=cmd.to_member_id), cmd.request_hash)

    payment = await uow(record)
    if payment.state in FINAL:
        return payment
    try:
        ids = await ledger.transfer_between_members(payment)
    except errors.Declined as declined:
        reason = declined.reason
        return await uow(lambda repo: _finish(repo, payment, PaymentState.FAILED, "payment.transfer_failed", failure_reason=reason))
    return await uow(lambda repo: _finish(repo, payment, PaymentState.SUCCEEDED, "payment.transfer_succeeded", ledger_transfer_ids=tuple(ids)))


async def get_payment(uow: UnitOfWork, payment_id: str) -> Payment:
    async def work(repo: PaymentRepository) -> Payment:
        payment = await repo.get(payment_id)
        if payment is None:
            raise errors.payment_not_found(payment_id)
        return payment
    return await uow(work)


async def list_payments(uow: UnitOfWork, filters: dict[str, str], page_size: int, after: str) -> tuple[list[Payment], str]:
    filters = {k: v for k, v in filters.items() if v}
    if not filters:
        raise errors.filter_required()
    size = page_size or 50
    rows = await uow(lambda repo: repo.list_payments(filters, size + 1, after))
    return rows[:size], (rows[size - 1].payment_id if len(rows) > size else "")


async def set_fee_plan(uow: UnitOfWork, merchant_id: str, rules: tuple[fees.FeeRule, ...]) -> fees.FeePlan:
    return await uow(lambda repo: repo.insert_fee_plan(fees.FeePlan(merchant_id, 0, rules)))


async def get_fee_plan(uow: UnitOfWork, merchant_id: str, version: int) -> fees.FeePlan:
    async def work(repo: PaymentRepository) -> fees.FeePlan:
        plan = await (repo.fee_plan(merchant_id, version) if version else repo.latest_fee_plan(merchant_id))
        if plan is None:
            raise errors.fee_plan_not_found(merchant_id)
        return plan
    return await uow(work)
