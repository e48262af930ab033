"""The payment engine's pay step with fakes: every crash point is resumable by a retry."""
from __future__ import annotations

import pytest

from servers.kernel.errors import AlreadyExists, FailedPrecondition, Unavailable
from servers.kernel.money import Money
from servers.payment import handlers
from servers.payment.domain import PaymentMethod, PaymentState, PayOrder, check_transition
from tests.unit.fakes import FakeLedger, FakePaymentRepo


def cmd(request_id="r1", digest=b"h1", method=PaymentMethod.BALANCE) -> PayOrder:
    return PayOrder(request_id, digest, "ord_1", "m1", "mem1", Money("EUR", 500), method, "ctx_1")


async def test_success_books_once_and_publishes_one_event():
    repo, ledger = FakePaymentRepo(), FakeLedger()
    payment = await handlers.pay_order(repo, ledger, cmd())
    assert payment.state == PaymentState.SUCCEEDED and payment.ledger_transfer_ids == ("txn_1",)
    assert (await handlers.pay_order(repo, ledger, cmd())).payment_id == payment.payment_id
    assert [e for e, _ in repo.events] == ["payment.succeeded"] and len(ledger.booked) == 1


async def test_ledger_decline_fails_the_payment_with_its_reason():
    repo, ledger = FakePaymentRepo(), FakeLedger()
    ledger.decline = "INSUFFICIENT_FUNDS"
    payment = await handlers.pay_order(repo, ledger, cmd())
    assert payment.state == PaymentState.FAILED and payment.failure_reason == "INSUFFICIENT_FUNDS"
    assert [e for e, _ in repo.events] == ["payment.failed"]


async def test_ledger_outage_leaves_processing_and_a_retry_finishes_the_same_payment():
    repo, ledger = FakePaymentRepo(), FakeLedger()
    ledger.unavailable_times = 1
    with pytest.raises(Unavailable):
        await handlers.pay_order(repo, ledger, cmd())
    [(stuck, _)] = repo.rows.values()
    assert stuck.state == PaymentState.PROCESSING
    done = await handlers.pay_order(repo, ledger, cmd())
    assert done.payment_id == stuck.payment_id and done.state == PaymentState.SUCCEEDED


async def test_reusing_a_request_id_for_another_payment_is_refused():
    repo = FakePaymentRepo()
    await handlers.pay_order(repo, FakeLedger(), cmd())
    with pytest.raises(AlreadyExists):
        await handlers.pay_order(repo, FakeLedger(), cmd(digest=b"other"))


def test_state_machine_refuses_leaving_a_final_state():
    check_transition(PaymentState.PROCESSING, PaymentState.UNKNOWN)
    for final in (PaymentState.SUCCEEDED, PaymentState.FAILED):
        for target in PaymentState:
            with pytest.raises(FailedPrecondition):
                check_transition(final, target)
