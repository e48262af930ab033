"""Exception handling with fakes: resolving a REVIEW (accept / refund, idempotent, crash-safe) and
the engine's own channel refunds of duplicates and late captures (submit, verdict, booking)."""
from __future__ import annotations

import pytest

from servers.kernel.errors import FailedPrecondition, FieldViolation, InvalidArgument, Unavailable
from servers.kernel.money import Money
from servers.payment import errors, handlers, review
from servers.payment.domain import CardRef, PaymentMethod, PaymentState, PayOrder, Refund
from tests.unit.fakes import FakeLedger, FakePaymentRepo, FakeTool

CARD, B = PaymentMethod.CARD_3DS, PaymentMethod.BALANCE
CARD_REF = CardRef("P_ticket", "VISA", "411111", "1111", 12, 2030)
RULES = {"BALANCE": "balance", "CARD_3DS": "channel"}


class RefundingChannel(FakeTool):
    """An asynchronous channel tool that also takes the engine's refunds (idempotent per key)."""

    def __init__(self, ledger, refuse: str = ""):
        super().__init__(ledger, asynchronous=True)
        self.refunds: dict[str, tuple[str, int]] = {}  # refund key → (original inst order, amount)
        self.refuse = refuse

    async def submit_refund(self, payment, refund):
        if self.refuse:
            raise errors.Declined(self.refuse)
        self.refunds.setdefault(refund.refund_key, (refund.original_inst_order_id, refund.amount.amount_minor))
        return f"ino_{refund.instruction_id}"


def engine(refuse: str = ""):
    repo, ledger = FakePaymentRepo(), FakeLedger()
    return repo, ledger, {"balance": FakeTool(ledger), "channel": RefundingChannel(ledger, refuse)}


def _event(instruction_id: str, state="SUCCESS", kind="PAY", settled=None, inst_order_id="ino_1") -> dict:
    event = {"state": f"INST_ORDER_STATE_{state}", "type": f"INST_ORDER_TYPE_{kind}", "instruction_id": instruction_id,
             "inst_order_id": inst_order_id, "channel_id": "ch1"}
    if settled is not None:
        event["settled_amount"] = {"amount_minor": str(settled)}
    return event


async def _in_review(repo, ledger, tools, settled: int, amount=1000, fee=0):
    cmd = PayOrder("c1", b"c1", "ord_1", "m1", "mem1", Money("EUR", amount), CARD, "ctx", (), CARD_REF)
    started = await handlers.pay_order(repo, tools, ledger, cmd, RULES)
    if fee:
        payment, digest = repo.rows[started.payment_id]
        repo.rows[started.payment_id] = (payment.__class__(**{**payment.__dict__, "fee": Money("EUR", fee)}), digest)
    payment_id = await handlers.on_channel_event(repo, _event(started.instructions[0].instruction_id, settled=settled))
    done = await handlers.resume(repo, tools, ledger, payment_id)
    assert done.state == PaymentState.REVIEW
    return done


async def _refund_verdict(repo, ledger, tools, payment, key: str, state="SUCCESS"):
    row = next(r for r in payment.channel_refunds if r.refund_key == key)
    payment_id = await handlers.on_channel_event(repo, _event(row.instruction_id, state, "REFUND", inst_order_id=row.inst_order_id))
    assert payment_id == payment.payment_id
    return await handlers.resume(repo, tools, ledger, payment_id)


async def test_accepting_an_over_capture_succeeds_the_payment_and_refunds_the_excess_through_the_channel():
    repo, ledger, tools = engine()
    held = await _in_review(repo, ledger, tools, settled=1010, fee=30)
    cmd = review.ResolveReview("rv1", held.payment_id, "ACCEPT", "ops_ann", "customer agreed")
    done = await review.resolve(repo, ledger, tools["channel"], cmd)
    assert done.state == PaymentState.SUCCEEDED and done.review_resolution == "ACCEPT" and done.resolved_by == "ops_ann"
    assert f"payment:{done.payment_id}:fee" in ledger.booked  # the fee is charged once accepted
    key = f"review:{done.payment_id}:0"
    assert tools["channel"].refunds == {key: (done.instructions[0].inst_order_id, 10)}
    assert [(r.refund_key, r.source, r.suspense_minor, r.state) for r in done.channel_refunds] == [(key, "REVIEW_EXCESS", 10, "SUBMITTED")]
    assert (await review.resolve(repo, ledger, tools["channel"], cmd)).payment_id == done.payment_id  # idempotent
    with pytest.raises(FailedPrecondition, match="resolved ACCEPT"):
        await review.resolve(repo, ledger, tools["channel"], review.ResolveReview("rv2", held.payment_id, "REFUND", "ops_bob"))
    booked = await _refund_verdict(repo, ledger, tools, done, key)
    assert booked.channel_refunds[0].state == "SUCCEEDED" and f"channel-refund:{key}" in ledger.booked
    assert await _refund_verdict_is_ignored_twice(repo, booked, key)
    names = [e for e, _ in repo.events]
    assert names == ["payment.review", "payment.review_resolved", "payment.succeeded", "payment.channel_refunded"]


async def _refund_verdict_is_ignored_twice(repo, payment, key) -> bool:
    row = next(r for r in payment.channel_refunds if r.refund_key == key)
    return await handlers.on_channel_event(repo, _event(row.instruction_id, "SUCCESS", "REFUND")) is None


async def test_a_partial_capture_cannot_be_accepted_and_refunding_it_fails_the_payment():
    repo, ledger, tools = engine()
    held = await _in_review(repo, ledger, tools, settled=500)
    with pytest.raises(FailedPrecondition, match="captured less"):
        await review.resolve(repo, ledger, tools["channel"], review.ResolveReview("rv1", held.payment_id, "ACCEPT", "ops_ann"))
    done = await review.resolve(repo, ledger, tools["channel"], review.ResolveReview("rv2", held.payment_id, "REFUND", "ops_ann"))
    assert done.state == PaymentState.FAILED and done.failure_reason == "REVIEW_REFUNDED"
    key = f"review:{done.payment_id}:0"
    assert [(r.source, r.merchant_minor, r.suspense_minor) for r in done.channel_refunds] == [("REVIEW_REFUND", 500, 0)]
    assert tools["channel"].refunds[key][1] == 500 and f"payment:{done.payment_id}:fee" not in ledger.booked
    failed = await _refund_verdict(repo, ledger, tools, done, key, "FAIL")  # the channel refused it: left for operations
    assert failed.channel_refunds[0].state == "FAILED" and f"channel-refund:{key}" not in ledger.booked
    assert [e for e, _ in repo.events][-2:] == ["payment.failed", "payment.channel_refund_failed"]  # trade reopens the order


async def test_resolving_a_payment_not_in_review_is_refused():
    repo, ledger, tools = engine()
    cmd = PayOrder("b1", b"b1", "ord_9", "m1", "mem1", Money("EUR", 100), B, "ctx")
    paid = await handlers.pay_order(repo, tools, ledger, cmd, RULES)
    with pytest.raises(FailedPrecondition, match="SUCCEEDED"):
        await review.resolve(repo, ledger, tools["channel"], review.ResolveReview("rv", paid.payment_id, "REFUND", "ops"))


async def test_a_decision_interrupted_by_a_crash_is_finished_by_the_janitor():
    repo, ledger, tools = engine()
    held = await _in_review(repo, ledger, tools, settled=1010, fee=30)
    ledger.unavailable_times = 1  # the fee booking fails after the decision was recorded
    with pytest.raises(Unavailable):
        await review.resolve(repo, ledger, tools["channel"], review.ResolveReview("rv1", held.payment_id, "ACCEPT", "ops"))
    assert (await handlers.get_payment(repo, held.payment_id)).state == PaymentState.REVIEW
    assert held.payment_id in await repo.waiting_payments(10)
    done = await handlers.resume(repo, tools, ledger, held.payment_id)
    assert done.state == PaymentState.SUCCEEDED and done.channel_refunds[0].state == "SUBMITTED"


async def test_a_late_capture_is_refunded_out_of_suspense_through_the_channel():
    repo, ledger, tools = engine()
    cmd = PayOrder("c1", b"c1", "ord_1", "m1", "mem1", Money("EUR", 700), CARD, "ctx", (), CARD_REF)
    ins = (await handlers.pay_order(repo, tools, ledger, cmd, RULES)).instructions[0]
    failed = await handlers.resume(repo, tools, ledger, await handlers.on_channel_event(repo, _event(ins.instruction_id, "FAIL")))
    assert failed.state == PaymentState.FAILED
    late = await handlers.resume(repo, tools, ledger, await handlers.on_channel_event(repo, _event(ins.instruction_id, inst_order_id="ino_2")))
    key = "late-refund:ino_2"
    assert tools["channel"].refunds == {key: ("ino_2", 700)} and late.channel_refunds[0].state == "SUBMITTED"
    done = await _refund_verdict(repo, ledger, tools, late, key)
    assert done.state == PaymentState.FAILED and done.channel_refunds[0].state == "SUCCEEDED"
    assert f"channel-refund:{key}" in ledger.booked and await repo.waiting_payments(10) == []


async def test_a_second_capture_of_a_paid_instruction_is_refunded_not_lost():
    """Reconciliation found that an earlier attempt (ino_1, recorded FAIL, superseded) was captured after
    all, while the fallback attempt ino_2 paid the instruction: the extra money goes to suspense and back."""
    repo, ledger, tools = engine()
    cmd = PayOrder("c1", b"c1", "ord_1", "m1", "mem1", Money("EUR", 700), CARD, "ctx", (), CARD_REF)
    ins = (await handlers.pay_order(repo, tools, ledger, cmd, RULES)).instructions[0]
    superseded = {**_event(ins.instruction_id, "FAIL"), "superseded_by_inst_order_id": "ino_2"}
    assert await handlers.on_channel_event(repo, superseded) is None  # the fallback attempt decides
    paid = await handlers.resume(repo, tools, ledger, await handlers.on_channel_event(repo, _event(ins.instruction_id, inst_order_id="ino_2")))
    assert paid.state == PaymentState.SUCCEEDED
    corrected = await handlers.resume(repo, tools, ledger, await handlers.on_channel_event(repo, _event(ins.instruction_id)))
    assert corrected.state == PaymentState.SUCCEEDED and corrected.late_capture_minor == 700
    assert tools["channel"].refunds == {"late-refund:ino_1": ("ino_1", 700)}
    assert await handlers.on_channel_event(repo, _event(ins.instruction_id, inst_order_id="ino_2")) is None  # a repeat: nothing


async def test_a_duplicate_card_payment_is_refunded_through_the_channel_with_its_fee():
    repo, ledger, tools = engine()
    first = await handlers.pay_order(repo, tools, ledger, PayOrder("b1", b"b1", "ord_1", "m1", "mem1", Money("EUR", 1000), B, "ctx"), RULES)
    cmd = PayOrder("c1", b"c1", "ord_1", "m1", "mem1", Money("EUR", 1000), CARD, "ctx", (), CARD_REF)
    card = await handlers.pay_order(repo, tools, ledger, cmd, RULES)
    dup = await handlers.resume(repo, tools, ledger, await handlers.on_channel_event(repo, _event(card.instructions[0].instruction_id)))
    assert dup.duplicate_of == first.payment_id and dup.refunded_minor == 1000
    key = f"duplicate:{dup.payment_id}:0"
    assert tools["channel"].refunds == {key: (dup.instructions[0].inst_order_id, 1000)}
    done = await _refund_verdict(repo, ledger, tools, dup, key)
    assert done.channel_refunds[0].state == "SUCCEEDED" and f"channel-refund:{key}" in ledger.booked
    assert [e for e, _ in repo.events][-3:] == ["payment.duplicate", "payment.channel_refunded", "payment.duplicate_refunded"]


async def test_a_refund_the_channel_refuses_is_failed_and_left_for_operations():
    repo, ledger, tools = engine(refuse="REFUND_NOT_ALLOWED")
    held = await _in_review(repo, ledger, tools, settled=500)
    done = await review.resolve(repo, ledger, tools["channel"], review.ResolveReview("rv", held.payment_id, "REFUND", "ops"))
    assert done.state == PaymentState.FAILED and done.channel_refunds[0].state == "FAILED"
    assert done.channel_refunds[0].failure_reason == "REFUND_NOT_ALLOWED" and await repo.waiting_payments(10) == []


# --- trade: a payment refused synchronously reopens the order --------------------------------

class RefusingPayments:
    def __init__(self, error: Exception):
        self.error, self.calls = error, 0

    async def pay(self, order, request_id, method, risk_ticket, card=None):
        self.calls += 1
        raise self.error


@pytest.mark.parametrize("error", [FailedPrecondition("INSUFFICIENT_FUNDS", "no money"),
                                   InvalidArgument([FieldViolation("parts", "bad")], reason="PARTS_DO_NOT_ADD_UP")])
async def test_a_payment_refused_synchronously_reopens_the_order_for_another_try(error):
    from servers.trade import handlers as trade
    from servers.trade.domain import OrderState
    from tests.unit.fakes import FakeOrders, FakePayments

    orders = FakeOrders()
    order = await trade.create_order(orders, trade.CreateOrder("m1", "no-1", "P1", "tea", Money("EUR", 1999), "mem1", "", 0, "ctx_1"))
    with pytest.raises(type(error)):
        await trade.pay_order(orders, RefusingPayments(error), order.order_id, "r1", 1, "")
    assert orders.orders[order.order_id].state == OrderState.WAIT_PAY
    assert [(a.request_id, a.state, a.failure_reason) for a in await orders.attempts(order.order_id)] == [
        ("r1", "PAYMENT_STATE_FAILED", error.reason)]
    paid, _ = await trade.pay_order(orders, FakePayments(), order.order_id, "r2", 1, "")  # the payer tries again
    assert paid.state == OrderState.PAYING


async def test_no_answer_from_payment_keeps_the_order_paying_for_a_retry_with_the_same_request():
    from servers.trade import handlers as trade
    from servers.trade.domain import OrderState
    from tests.unit.fakes import FakeOrders

    orders = FakeOrders()
    order = await trade.create_order(orders, trade.CreateOrder("m1", "no-2", "P1", "tea", Money("EUR", 1999), "mem1", "", 0, "ctx_1"))
    with pytest.raises(Unavailable):
        await trade.pay_order(orders, RefusingPayments(Unavailable("PAYMENT_UNAVAILABLE", "no answer")), order.order_id, "r1", 1, "")
    assert orders.orders[order.order_id].state == OrderState.PAYING


# --- withdrawals stuck between the hold and the payout being recorded -------------------------

class Probe:
    def __init__(self, orders=(), holds=()):
        self.orders, self.holds = list(orders), list(holds)

    async def payout_orders(self, instruction_id):
        return self.orders

    async def open_holds(self, payment_id):
        return self.holds


async def _stuck_withdrawal(repo, ledger, tools):
    """A withdrawal recorded and PROCESSING whose payout tool crashed after the hold (the instruction is still PENDING)."""
    from servers.payment.domain import Withdrawal

    class Crashing:
        async def execute(self, payment, instruction):
            await ledger.hold(f"withdraw:{instruction.instruction_id}:hold")
            raise RuntimeError("crash after the hold")

    with pytest.raises(RuntimeError):
        await handlers.withdraw(repo, {**tools, "payout": Crashing()}, ledger,
                                Withdrawal("w1", b"w1", "mem1", Money("EUR", 700), "P_iban", "ctx"))
    payment = next(p for p, _ in repo.rows.values())
    assert payment.state == PaymentState.PROCESSING and payment.instructions[0].state == 1
    return payment


def test_the_decision_for_a_stuck_withdrawal():
    from servers.payment.domain import Instruction, Payment, PaymentKind
    from servers.payment.withdrawal_recovery import PayoutOrder, decide

    ins = Instruction("ins_1", 0, PaymentMethod.BANK_TRANSFER, "payout", Money("EUR", 700))
    stuck = Payment("pay_1", "w1", PaymentKind.WITHDRAW, "", "", "mem1", Money("EUR", 700), PaymentMethod.BANK_TRANSFER,
                    PaymentState.PROCESSING, instructions=(ins,))
    order = PayoutOrder("ino_1", "ch1", "SENT")
    assert decide(stuck, [order]).action == "RECORD" and decide(stuck, [order]).order == order
    assert decide(stuck, []).action == "VOID_AND_FAIL"
    assert decide(stuck.__class__(**{**stuck.__dict__, "state": PaymentState.FAILED}), []).action == "NOTHING"
    moved_on = stuck.__class__(**{**stuck.__dict__, "instructions": (ins.__class__(**{**ins.__dict__, "state": 5}),)})
    assert decide(moved_on, []).action == "NOTHING"  # the original request recorded it after all


async def test_a_stuck_withdrawal_the_channel_never_got_voids_its_hold_and_fails():
    from servers.payment import withdrawal_recovery

    repo, ledger, tools = engine()
    stuck = await _stuck_withdrawal(repo, ledger, tools)
    hold = next(iter(ledger.holds))
    done = await withdrawal_recovery.recover(repo, tools, ledger, Probe(holds=[hold]), stuck.payment_id)
    assert done.state == PaymentState.FAILED and done.failure_reason == "PAYOUT_NOT_SENT" and ledger.holds[hold] == "VOIDED"
    assert [e for e, _ in repo.events] == ["payment.withdrawal_failed"]


async def test_a_stuck_withdrawal_the_channel_paid_out_records_the_payout_and_posts_the_hold():
    from servers.payment import withdrawal_recovery

    repo, ledger, tools = engine()
    stuck = await _stuck_withdrawal(repo, ledger, tools)
    hold = next(iter(ledger.holds))
    probe = Probe([withdrawal_recovery.PayoutOrder("ino_9", "ch1", "SUCCESS")], [hold])
    done = await withdrawal_recovery.recover(repo, tools, ledger, probe, stuck.payment_id)
    assert done.state == PaymentState.SUCCEEDED and ledger.holds[hold] == "POSTED"
    assert done.instructions[0].inst_order_id == "ino_9" and [e for e, _ in repo.events] == ["payment.withdrawal_succeeded"]


async def test_an_accepted_review_of_an_order_paid_meanwhile_is_refunded_as_a_duplicate():
    repo, ledger, tools = engine()
    held = await _in_review(repo, ledger, tools, settled=1010)
    other = PayOrder("b1", b"b1", "ord_1", "m1", "mem1", Money("EUR", 1000), B, "ctx")
    assert (await handlers.pay_order(repo, tools, ledger, other, RULES)).state == PaymentState.SUCCEEDED  # paid the order first
    done = await review.resolve(repo, ledger, tools["channel"], review.ResolveReview("rv", held.payment_id, "ACCEPT", "ops"))
    assert done.state == PaymentState.SUCCEEDED and done.duplicate_of and done.refunded_minor == 1000
    assert sorted((r.source, r.merchant_minor, r.suspense_minor) for r in done.channel_refunds) == [
        ("DUPLICATE", 1000, 0), ("REVIEW_EXCESS", 0, 10)]


async def test_a_channel_or_ledger_outage_leaves_the_refund_for_the_janitor():
    repo, ledger, tools = engine()
    held = await _in_review(repo, ledger, tools, settled=500)
    channel = tools["channel"]
    real_submit = channel.submit_refund

    async def down(payment, refund):
        raise errors.channel_unavailable()
    channel.submit_refund = down
    done = await review.resolve(repo, ledger, channel, review.ResolveReview("rv", held.payment_id, "REFUND", "ops"))
    assert done.state == PaymentState.FAILED and done.channel_refunds[0].state == "PENDING"  # decided; the refund waits
    assert held.payment_id in await repo.waiting_payments(10)
    channel.submit_refund = real_submit
    sent = await handlers.resume(repo, tools, ledger, held.payment_id)  # the janitor's round
    assert sent.channel_refunds[0].state == "SUBMITTED"
    ledger.unavailable_times = 1
    after = await _refund_verdict(repo, ledger, tools, sent, sent.channel_refunds[0].refund_key)
    assert after.channel_refunds[0].state == "SUBMITTED" and held.payment_id in await repo.waiting_payments(10)
    assert (await handlers.resume(repo, tools, ledger, held.payment_id)).channel_refunds[0].state == "SUCCEEDED"


def _refund_cmd(request_id: str, payment_id: str, amount: int) -> Refund:
    return Refund(request_id, request_id.encode(), payment_id, Money("EUR", amount), "customer return", "ctx")


async def _paid_combination(repo, ledger, tools):
    """400 from the wallet + 600 by card, the card captured."""
    cmd = PayOrder("c1", b"c1", "ord_1", "m1", "mem1", Money("EUR", 1000), CARD, "ctx",
                   ((B, Money("EUR", 400)), (CARD, Money("EUR", 600))), CARD_REF)
    started = await handlers.pay_order(repo, tools, ledger, cmd, RULES)
    card = next(i for i in started.instructions if i.tool == "channel")
    paid = await handlers.resume(repo, tools, ledger, await handlers.on_channel_event(repo, _event(card.instruction_id)))
    assert paid.state == PaymentState.SUCCEEDED
    return paid


async def test_a_merchant_refund_of_a_card_payment_goes_back_through_the_channel_card_part_first():
    repo, ledger, tools = engine()
    paid = await _paid_combination(repo, ledger, tools)
    refunder = handlers.refunder_of(tools)
    first = await handlers.refund(repo, ledger, _refund_cmd("r1", paid.payment_id, 700), refunder=refunder)
    assert first.state == PaymentState.PROCESSING  # the card part waits for the channel
    rows = {r.refund_key: r for r in (await handlers.get_payment(repo, paid.payment_id)).channel_refunds}
    assert {k: (r.channel_id != "", r.merchant_minor, r.state) for k, r in rows.items()} == {
        f"refund:{first.payment_id}:1": (True, 600, "SUBMITTED"), f"refund:{first.payment_id}:0": (False, 100, "SUCCEEDED")}
    assert tools["channel"].refunds == {f"refund:{first.payment_id}:1": (paid.instructions[1].inst_order_id, 600)}
    await _refund_verdict(repo, ledger, tools, await handlers.get_payment(repo, paid.payment_id), f"refund:{first.payment_id}:1")
    assert (await handlers.get_payment(repo, first.payment_id)).state == PaymentState.SUCCEEDED
    assert [e for e, _ in repo.events].count("payment.refunded") == 1
    # the card part is spent: the rest goes to the wallet, and nothing beyond what was paid
    second = await handlers.refund(repo, ledger, _refund_cmd("r2", paid.payment_id, 300), refunder=refunder)
    assert second.state == PaymentState.SUCCEEDED
    with pytest.raises(FailedPrecondition, match="left to refund"):
        await handlers.refund(repo, ledger, _refund_cmd("r3", paid.payment_id, 1), refunder=refunder)
    again = await handlers.refund(repo, ledger, _refund_cmd("r1", paid.payment_id, 700), refunder=refunder)
    assert again.payment_id == first.payment_id and again.state == PaymentState.SUCCEEDED  # idempotent on request_id


async def test_a_declined_card_refund_fails_and_gives_the_amount_back_to_refund():
    repo, ledger, tools = engine()
    paid = await _paid_combination(repo, ledger, tools)
    refunder = handlers.refunder_of(tools)
    first = await handlers.refund(repo, ledger, _refund_cmd("r1", paid.payment_id, 600), refunder=refunder)
    await _refund_verdict(repo, ledger, tools, await handlers.get_payment(repo, paid.payment_id), f"refund:{first.payment_id}:1", "FAIL")
    failed = await handlers.get_payment(repo, first.payment_id)
    assert failed.state == PaymentState.FAILED and (await handlers.get_payment(repo, paid.payment_id)).refunded_minor == 0
    retry = await handlers.refund(repo, ledger, _refund_cmd("r2", paid.payment_id, 600), refunder=refunder)
    rows = [r for r in (await handlers.get_payment(repo, paid.payment_id)).channel_refunds if r.refund_key.startswith(f"refund:{retry.payment_id}:")]
    assert [(r.merchant_minor, r.channel_id != "") for r in rows] == [(600, True)]  # the failed row gave its room back
