"""The payment engine with fakes: fees and plans, compensation, refunds, transfers, and every
crash point resumable by a retry."""
from __future__ import annotations

import pytest

from servers.kernel.errors import AlreadyExists, FailedPrecondition, InvalidArgument, Unavailable
from servers.kernel.money import Money
from servers.payment import fees, handlers
from servers.payment.domain import (DEFAULT_TOOLS, FINAL, TOPUP_MERCHANT_ID, CardRef, InstructionState, MemberTransfer, PaymentKind, PaymentMethod,
                                    PaymentState, PayOrder, Refund, TopUp, Withdrawal, check_transition)
from tests.unit.fakes import FakeLedger, FakePaymentRepo, FakePayoutTool, FakeTool

B, CARD = PaymentMethod.BALANCE, PaymentMethod.CARD_3DS


CARD_REF = CardRef("P_ticket", "VISA", "411111", "1111", 12, 2030)


def cmd(request_id="r1", digest=b"h1", method=B, amount=500, parts=()) -> PayOrder:
    card = CARD_REF if any(m == CARD for m, _ in parts) or method == CARD else None
    return PayOrder(request_id, digest, "ord_1", "m1", "mem1", Money("EUR", amount), method, "ctx_1", parts, card)


def engine(decline_channel: str = ""):
    repo, ledger = FakePaymentRepo(), FakeLedger()
    tools = {"balance": FakeTool(ledger), "channel": FakeTool(ledger, decline_channel)}
    return repo, ledger, tools


async def pay(repo, ledger, tools, command):
    return await handlers.pay_order(repo, tools, ledger, command, DEFAULT_TOOLS)


async def test_success_books_once_and_publishes_one_event():
    repo, ledger, tools = engine()
    payment = await pay(repo, ledger, tools, cmd())
    assert payment.state == PaymentState.SUCCEEDED and payment.ledger_transfer_ids == ("txn_1",)
    assert [i.state for i in payment.instructions] == [InstructionState.SUCCEEDED]
    assert (await pay(repo, ledger, tools, cmd())).payment_id == payment.payment_id
    assert [e for e, _ in repo.events] == ["payment.succeeded"] and len(ledger.booked) == 1


async def test_fee_comes_from_the_versioned_plan_and_is_booked():
    repo, ledger, tools = engine()
    await handlers.set_fee_plan(repo, "m1", (fees.FeeRule(0, "EUR", percent_bps=250, fixed_minor=30),))
    plan2 = await handlers.set_fee_plan(repo, "m1", (fees.FeeRule(0, "EUR", percent_bps=100, fixed_minor=10, min_minor=20),))
    payment = await pay(repo, ledger, tools, cmd(amount=1000))
    assert plan2.version == 2 and payment.fee_plan_version == 2 and payment.fee == Money("EUR", 20)
    assert "payment:%s:fee" % payment.payment_id in ledger.booked


@pytest.mark.parametrize("rule, amount, fee", [
    (fees.FeeRule(0, "EUR", percent_bps=250), 1999, 50),        # 49.975 rounds half up
    (fees.FeeRule(0, "EUR", percent_bps=250), 1998, 50),        # 49.95
    (fees.FeeRule(0, "EUR", percent_bps=250), 1, 0),
    (fees.FeeRule(0, "EUR", fixed_minor=30, max_minor=25), 1000, 25),
    (fees.FeeRule(0, "EUR", fixed_minor=500), 100, 100),        # never more than the amount
    (fees.FeeRule(0, "USD", fixed_minor=30), 1000, 0),          # another currency's rule does not apply
    (fees.FeeRule(int(B), "EUR", fixed_minor=7), 1000, 7),
])
def test_fee_rules(rule, amount, fee):
    assert fees.compute_fee(fees.FeePlan("m1", 1, (rule,)), B, Money("EUR", amount)) == Money("EUR", fee)


def test_partial_refunds_return_exactly_the_original_fee():
    fee, paid = Money("EUR", 33), Money("EUR", 1000)
    shares, refunded = [], Money("EUR", 0)
    for part in (333, 333, 334):
        shares.append(fees.refund_fee(fee, paid, Money("EUR", part), refunded).amount_minor)
        refunded += Money("EUR", part)
    assert sum(shares) == 33


async def test_a_declined_later_instruction_compensates_the_earlier_ones():
    repo, ledger, tools = engine(decline_channel="CARD_DECLINED")
    payment = await pay(repo, ledger, tools, cmd(amount=700, parts=((CARD, Money("EUR", 400)), (B, Money("EUR", 300)))))
    assert payment.state == PaymentState.FAILED and payment.failure_reason == "CARD_DECLINED"
    balance, card = payment.instructions
    assert (balance.tool, balance.state) == ("balance", InstructionState.COMPENSATED)  # balance ran first
    assert card.state == InstructionState.FAILED
    assert ledger.reversed == list(balance.ledger_transfer_ids) and [e for e, _ in repo.events] == ["payment.failed"]


async def test_parts_must_add_up():
    repo, ledger, tools = engine()
    with pytest.raises(InvalidArgument):
        await pay(repo, ledger, tools, cmd(amount=700, parts=((B, Money("EUR", 300)),)))
    assert not repo.rows


async def test_ledger_decline_fails_the_payment_with_its_reason():
    repo, ledger, tools = engine()
    ledger.decline = "INSUFFICIENT_FUNDS"
    payment = await pay(repo, ledger, tools, cmd())
    assert payment.state == PaymentState.FAILED and payment.failure_reason == "INSUFFICIENT_FUNDS"


async def test_ledger_outage_leaves_processing_and_a_retry_finishes_the_same_payment():
    repo, ledger, tools = engine()
    ledger.unavailable_times = 1
    with pytest.raises(Unavailable):
        await pay(repo, ledger, tools, cmd())
    [(stuck, _)] = repo.rows.values()
    assert stuck.state == PaymentState.PROCESSING
    done = await pay(repo, ledger, tools, cmd())
    assert done.payment_id == stuck.payment_id and done.state == PaymentState.SUCCEEDED and len(ledger.booked) == 1


async def test_reusing_a_request_id_for_another_payment_is_refused():
    repo, ledger, tools = engine()
    await pay(repo, ledger, tools, cmd())
    with pytest.raises(AlreadyExists):
        await pay(repo, ledger, tools, cmd(digest=b"other"))


async def test_refunds_never_exceed_what_was_paid_and_failed_refunds_release_the_amount():
    repo, ledger, tools = engine()
    paid = await pay(repo, ledger, tools, cmd(amount=1000))
    r1 = await handlers.refund(repo, ledger, Refund("rf1", b"a", paid.payment_id, Money("EUR", 600), "", "ctx"))
    assert r1.state == PaymentState.SUCCEEDED and r1.original_payment_id == paid.payment_id
    with pytest.raises(FailedPrecondition) as err:
        await handlers.refund(repo, ledger, Refund("rf2", b"b", paid.payment_id, Money("EUR", 401), "", "ctx"))
    assert err.value.reason == "REFUND_EXCEEDS_PAID"
    ledger.decline = "INSUFFICIENT_FUNDS"  # e.g. the merchant was already settled
    failed = await handlers.refund(repo, ledger, Refund("rf3", b"c", paid.payment_id, Money("EUR", 400), "", "ctx"))
    assert failed.state == PaymentState.FAILED
    assert (await repo.get(paid.payment_id)).refunded_minor == 600
    ledger.decline = ""
    last = await handlers.refund(repo, ledger, Refund("rf4", b"d", paid.payment_id, Money("EUR", 400), "", "ctx"))
    assert last.state == PaymentState.SUCCEEDED and (await repo.get(paid.payment_id)).refunded_minor == 1000
    assert (await handlers.refund(repo, ledger, Refund("rf4", b"d", paid.payment_id, Money("EUR", 400), "", "ctx"))).payment_id == last.payment_id


async def test_member_transfer_and_queries():
    repo, ledger, tools = engine()
    t = await handlers.member_transfer(repo, ledger, MemberTransfer("t1", b"t", "mem1", "mem2", Money("EUR", 5), "ctx_9"))
    assert t.state == PaymentState.SUCCEEDED and t.to_member_id == "mem2"
    page, token = await handlers.list_payments(repo, {"context_id": "ctx_9"}, 0, "")
    assert [p.payment_id for p in page] == [t.payment_id] and token == ""


def test_state_machine_refuses_leaving_a_final_state():
    check_transition(PaymentState.PROCESSING, PaymentState.UNKNOWN)
    for final in (PaymentState.SUCCEEDED, PaymentState.FAILED):
        for target in PaymentState:
            with pytest.raises(FailedPrecondition):
                check_transition(final, target)


async def _async_card_payment(verdict: str, result_code: str = ""):
    repo, ledger = FakePaymentRepo(), FakeLedger()
    tools = {"balance": FakeTool(ledger), "channel": FakeTool(ledger, asynchronous=True)}
    payment = await pay(repo, ledger, tools, cmd(method=CARD, amount=900, parts=((B, Money("EUR", 400)), (CARD, Money("EUR", 500)))))
    assert payment.state == PaymentState.PROCESSING
    card = payment.instructions[1]
    assert card.state == InstructionState.PROCESSING and card.redirect_url == "https://acs.example/3ds"
    event = {"state": "INST_ORDER_STATE_UNKNOWN", "type": "INST_ORDER_TYPE_PAY", "instruction_id": card.instruction_id}
    assert await handlers.on_channel_event(repo, event) is None  # UNKNOWN: wait, never retry blindly
    assert (await repo.get(payment.payment_id)).state == PaymentState.UNKNOWN
    event = {"state": f"INST_ORDER_STATE_{verdict}", "type": "INST_ORDER_TYPE_PAY", "instruction_id": card.instruction_id,
             "channel_id": "ch1", "result_code": result_code, "amount": {"amount_minor": "500"}}
    payment_id = await handlers.on_channel_event(repo, event)
    assert await handlers.on_channel_event(repo, event) is None  # a duplicate changes nothing
    done = await handlers.resume(repo, tools, ledger, payment_id)
    assert (await handlers.resume(repo, tools, ledger, payment_id)).state == done.state  # resumers race harmlessly
    return done, ledger, tools


async def test_an_async_channel_success_resumes_the_plan_from_unknown_to_succeeded():
    done, ledger, tools = await _async_card_payment("SUCCESS")
    assert done.state == PaymentState.SUCCEEDED
    assert [i.state for i in done.instructions] == [InstructionState.SUCCEEDED, InstructionState.SUCCEEDED]
    assert len(tools["channel"].submitted) == 1 and not ledger.reversed


async def test_an_async_channel_decline_compensates_the_balance_part():
    done, ledger, _ = await _async_card_payment("FAIL", "RESULT_CODE_DECLINED")
    assert done.state == PaymentState.FAILED and done.failure_reason == "DECLINED"
    assert [i.state for i in done.instructions] == [InstructionState.COMPENSATED, InstructionState.FAILED]
    assert ledger.reversed == list(done.instructions[0].ledger_transfer_ids)


# --- the channel-backed forms: top-up and withdrawal -----------------------------------------

def forms():
    repo, ledger = FakePaymentRepo(), FakeLedger()
    tools = {"balance": FakeTool(ledger), "channel": FakeTool(ledger, asynchronous=True), "payout": FakePayoutTool(ledger)}
    return repo, ledger, tools


def _verdict(instruction, state: str, kind: str = "PAY", code: str = "") -> dict:
    return {"state": f"INST_ORDER_STATE_{state}", "type": f"INST_ORDER_TYPE_{kind}", "instruction_id": instruction.instruction_id,
            "channel_id": "ch1", "result_code": code, "amount": {"amount_minor": "700"}}


async def _top_up(repo, ledger, tools, method=PaymentMethod.CARD_NON_3DS, card=CARD_REF):
    command = TopUp("t1", b"h", "mem1", Money("EUR", 700), method, "ctx", card)
    return await handlers.top_up(repo, tools, ledger, command, DEFAULT_TOOLS, TOPUP_MERCHANT_ID)


@pytest.mark.parametrize("verdict, state", [("SUCCESS", PaymentState.SUCCEEDED), ("FAIL", PaymentState.FAILED)])
async def test_a_top_up_waits_for_the_channel_and_books_only_on_success(verdict, state):
    repo, ledger, tools = forms()
    started = await _top_up(repo, ledger, tools)
    assert started.kind == PaymentKind.TOP_UP and started.merchant_id == TOPUP_MERCHANT_ID and started.state == PaymentState.PROCESSING
    assert (await _top_up(repo, ledger, tools)).payment_id == started.payment_id and len(tools["channel"].submitted) == 1
    payment_id = await handlers.on_channel_event(repo, _verdict(started.instructions[0], verdict, code="RESULT_CODE_DECLINED"))
    done = await handlers.resume(repo, tools, ledger, payment_id)
    assert done.state == state and done.fee == Money("EUR", 0)
    booked = [k for k in ledger.booked if k.startswith(f"payment:{done.payment_id}")]
    assert booked == ([f"payment:{done.payment_id}:0"] if verdict == "SUCCESS" else [])  # no fee leg
    assert [e for e, _ in repo.events] == [f"payment.topup_{'succeeded' if verdict == 'SUCCESS' else 'failed'}"]


async def test_a_top_up_needs_a_card_through_a_channel():
    repo, ledger, tools = forms()
    with pytest.raises(InvalidArgument):
        await _top_up(repo, ledger, tools, card=None)
    with pytest.raises(FailedPrecondition):
        await _top_up(repo, ledger, tools, method=PaymentMethod.BALANCE)
    assert not repo.rows


async def _withdraw(repo, ledger, tools, request_id="w1"):
    return await handlers.withdraw(repo, tools, ledger, Withdrawal(request_id, b"h", "mem1", Money("EUR", 700), "B_ticket", "ctx"))


@pytest.mark.parametrize("verdict, state, hold", [("SUCCESS", PaymentState.SUCCEEDED, "POSTED"), ("FAIL", PaymentState.FAILED, "VOIDED")])
async def test_a_withdrawal_holds_then_posts_or_voids_on_the_payout_verdict(verdict, state, hold):
    repo, ledger, tools = forms()
    started = await _withdraw(repo, ledger, tools)
    instruction = started.instructions[0]
    assert started.kind == PaymentKind.WITHDRAW and started.state == PaymentState.PROCESSING
    assert instruction.state == InstructionState.PROCESSING and list(ledger.holds.values()) == ["PENDING"]
    assert instruction.ledger_transfer_ids == tuple(ledger.holds)
    assert (await _withdraw(repo, ledger, tools)).payment_id == started.payment_id and len(ledger.holds) == 1
    assert await handlers.on_channel_event(repo, _verdict(instruction, verdict, kind="PAY")) is None  # a PAY verdict is not a payout's
    payment_id = await handlers.on_channel_event(repo, _verdict(instruction, verdict, kind="PAYOUT"))
    done = await handlers.resume(repo, tools, ledger, payment_id)
    assert (await handlers.resume(repo, tools, ledger, payment_id)).state == done.state == state
    assert list(ledger.holds.values()) == [hold] and not ledger.reversed
    assert [e for e, _ in repo.events] == [f"payment.withdrawal_{'succeeded' if verdict == 'SUCCESS' else 'failed'}"]


async def test_a_withdrawal_without_funds_fails_at_once_and_sends_nothing():
    repo, ledger, tools = forms()
    ledger.decline = "INSUFFICIENT_FUNDS"
    done = await _withdraw(repo, ledger, tools)
    assert done.state == PaymentState.FAILED and done.failure_reason == "INSUFFICIENT_FUNDS"
    assert done.instructions[0].state == InstructionState.FAILED and not tools["payout"].submitted and not ledger.holds


async def test_a_withdrawal_survives_a_ledger_outage_on_the_void_and_the_janitor_finishes_it():
    repo, ledger, tools = forms()
    started = await _withdraw(repo, ledger, tools)
    payment_id = await handlers.on_channel_event(repo, _verdict(started.instructions[0], "FAIL", kind="PAYOUT"))

    async def broken(*_):
        raise Unavailable("LEDGER_UNAVAILABLE", "down")
    void, ledger.void_holds = ledger.void_holds, broken
    with pytest.raises(Unavailable):
        await handlers.resume(repo, tools, ledger, payment_id)
    assert await repo.waiting_payments(10) == [payment_id]  # the janitor's next round
    ledger.void_holds = void
    assert (await handlers.resume(repo, tools, ledger, payment_id)).state == PaymentState.FAILED
    assert list(ledger.holds.values()) == ["VOIDED"]


# --- exceptions: amount mismatch, late success after FAILED, duplicate payments ----------------

def _card_event(instruction, state="SUCCESS", settled=None, inst_order_id="ino_1") -> dict:
    event = {"state": f"INST_ORDER_STATE_{state}", "type": "INST_ORDER_TYPE_PAY", "instruction_id": instruction.instruction_id,
             "inst_order_id": inst_order_id, "channel_id": "ch1", "amount": {"amount_minor": str(instruction.amount.amount_minor)}}
    if settled is not None:
        event["settled_amount"] = {"amount_minor": str(settled)}
    return event


async def _card_started(repo, ledger, tools, amount=1000, request_id="c1", order_id="ord_1"):
    command = PayOrder(request_id, request_id.encode(), order_id, "m1", "mem1", Money("EUR", amount), CARD, "ctx", (), CARD_REF)
    return await pay(repo, ledger, tools, command)


def test_review_is_reached_from_processing_or_unknown_and_never_left_by_the_engine():
    for source in (PaymentState.PROCESSING, PaymentState.UNKNOWN):
        check_transition(source, PaymentState.REVIEW)
    with pytest.raises(FailedPrecondition):
        check_transition(PaymentState.REVIEW, PaymentState.PROCESSING)
    assert PaymentState.REVIEW in FINAL  # only ResolveReview (review.py) moves it on, to SUCCEEDED or FAILED


@pytest.mark.parametrize("settled, reason, suspense", [(500, "PARTIAL_CAPTURE", None), (999, "PARTIAL_CAPTURE", None),
                                                        (1010, "AMOUNT_MISMATCH", ("OVER_CAPTURE", 10))])
async def test_a_capture_of_another_amount_holds_the_payment_in_review(settled, reason, suspense):
    repo, ledger, tools = forms()
    started = await _card_started(repo, ledger, tools)
    event = _card_event(started.instructions[0], settled=settled)
    payment_id = await handlers.on_channel_event(repo, event)
    assert await handlers.on_channel_event(repo, event) is None  # a duplicated notification changes nothing
    done = await handlers.resume(repo, tools, ledger, payment_id)
    assert done.state == PaymentState.REVIEW and done.review_reason == reason
    assert done.captured_minor == settled and done.instructions[0].state == InstructionState.SUCCEEDED
    assert f"payment:{done.payment_id}:fee" not in ledger.booked  # the fee waits for the review
    assert ledger.suspense.get(f"payment:{done.payment_id}:0") == suspense
    assert (await handlers.resume(repo, tools, ledger, payment_id)).state == PaymentState.REVIEW  # resumers race harmlessly
    assert [e for e, _ in repo.events] == ["payment.review"]


async def test_a_late_success_after_failed_goes_to_suspense_once_and_never_flips_the_payment():
    repo, ledger, tools = forms()
    started = await _card_started(repo, ledger, tools)
    ins = started.instructions[0]
    failed = await handlers.resume(repo, tools, ledger, await handlers.on_channel_event(repo, _card_event(ins, "FAIL", None, "ino_1")))
    assert failed.state == PaymentState.FAILED
    late = _card_event(ins, "SUCCESS", None, "ino_2")  # the channel's next attempt succeeded after all
    ledger.unavailable_times = 1
    payment_id = await handlers.on_channel_event(repo, late)
    with pytest.raises(Unavailable):
        await handlers.resume(repo, tools, ledger, payment_id)
    assert await handlers.on_channel_event(repo, late) is None  # a duplicated notification records nothing twice
    assert await repo.waiting_payments(10) == [payment_id]  # the janitor finishes the booking
    done = await handlers.resume(repo, tools, ledger, payment_id)
    assert done.state == PaymentState.FAILED and done.late_capture_minor == 1000
    assert ledger.suspense == {"late:ino_2": ("LATE_SUCCESS", 1000)}
    assert [(r.refund_key, r.suspense_minor, r.state) for r in done.channel_refunds] == [("late-refund:ino_2", 1000, "PENDING")]
    assert [e for e, _ in repo.events] == ["payment.failed", "payment.late_success"]  # its channel refund: test_payment_exceptions


async def test_a_second_successful_balance_payment_of_an_order_is_refunded_automatically():
    repo, ledger, tools = engine()
    first = await pay(repo, ledger, tools, cmd("r1", b"h1"))
    second = await pay(repo, ledger, tools, cmd("r2", b"h2"))
    assert first.state == second.state == PaymentState.SUCCEEDED and not first.duplicate_of
    assert second.duplicate_of == first.payment_id and second.refunded_minor == second.amount.amount_minor
    assert "refund:" in " ".join(ledger.booked)
    names = [e for e, _ in repo.events]
    assert names == ["payment.succeeded", "payment.duplicate", "payment.duplicate_refunded"]  # trade sees one payment of the order


async def test_a_second_successful_card_payment_of_an_order_is_planned_for_a_channel_refund():
    repo, ledger, tools = forms()
    first = await pay(repo, ledger, tools, cmd("r1", b"h1"))
    card = await _card_started(repo, ledger, tools, order_id=first.order_id)
    done = await handlers.resume(repo, tools, ledger, await handlers.on_channel_event(repo, _card_event(card.instructions[0])))
    assert done.state == PaymentState.SUCCEEDED and done.duplicate_of == first.payment_id and done.refunded_minor == 1000
    assert [(r.refund_key, r.source, r.merchant_minor) for r in done.channel_refunds] == [
        (f"duplicate:{done.payment_id}:0", "DUPLICATE", 1000)]  # sent by the channel tool (test_payment_exceptions)
    name, payload = repo.events[-1]
    assert name == "payment.duplicate" and payload["manual_refund"] is False
