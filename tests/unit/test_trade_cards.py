"""Trade card payments from saved cards (CardRef to payment, PROCESSING, payment.failed reopens the
attempt that failed) and the UES card vault adapter, with fakes."""
from __future__ import annotations

import dataclasses
import datetime as dt
from types import SimpleNamespace

import grpc
import pytest

from paymesh.ues.v1 import ues_pb2
from servers.kernel.errors import Conflict, InvalidArgument, Unavailable
from servers.trade import handlers, members
from servers.trade.adapters_ues import UesCardVault
from servers.trade.domain import Member, OrderPayment, OrderState, SavedCard
from servers.trade.ports import ProtectedCard
from servers.trade.settings import Settings
from tests.unit.fakes import FakeOrders, FakePayments
from tests.unit.test_trade_handlers import cmd

CARD_NON_3DS = 3
PAN = "4111111111111111"


def card(**overrides) -> SavedCard:
    base = dict(card_id="crd_1", member_id="mem1", card_no_ticket="P" + "a" * 32, holder_ticket="", digest="d1",
                masked_card_no="411111******1111", card_bin="411111", card_org="VISA", expiry_month=12, expiry_year=2030)
    return SavedCard(**{**base, **overrides})


async def test_a_card_payment_passes_the_saved_card_and_stays_paying_until_the_event():
    orders, payments = FakeOrders(), FakePayments("PAYMENT_STATE_PROCESSING")
    order = await handlers.create_order(orders, cmd())
    paying, result = await handlers.pay_order(orders, payments, order.order_id, "r1", CARD_NON_3DS, "", card=card())
    assert paying.state == OrderState.PAYING and result.state == "PAYMENT_STATE_PROCESSING"
    assert payments.cards == [card()] and card().last4 == "1111"
    await handlers.on_payment_event(orders, "payment.succeeded", {"order_id": order.order_id, "payment_id": result.payment_id})
    assert orders.orders[order.order_id].state == OrderState.PAID


async def test_a_declined_card_reopens_only_the_attempt_that_failed():
    orders, payments = FakeOrders(), FakePayments("PAYMENT_STATE_PROCESSING")
    order = await handlers.create_order(orders, cmd())
    _, first = await handlers.pay_order(orders, payments, order.order_id, "r1", CARD_NON_3DS, "", card=card())
    failed = {"order_id": order.order_id, "payment_id": first.payment_id, "failure_reason": "DECLINED"}
    await handlers.on_payment_event(orders, "payment.failed", failed)
    assert orders.orders[order.order_id].state == OrderState.WAIT_PAY
    assert (await orders.attempts(order.order_id))[0].state == "PAYMENT_STATE_FAILED"
    await handlers.on_payment_event(orders, "payment.failed", failed)  # duplicate: nothing more
    _, second = await handlers.pay_order(orders, payments, order.order_id, "r2", CARD_NON_3DS, "", card=card())
    await handlers.on_payment_event(orders, "payment.failed", failed)  # late failure of the first attempt
    assert orders.orders[order.order_id].state == OrderState.PAYING
    await handlers.on_payment_event(orders, "payment.succeeded", {"order_id": order.order_id, "payment_id": second.payment_id})
    assert orders.orders[order.order_id].state == OrderState.PAID


async def test_a_failure_event_before_the_attempt_knows_its_payment_is_redelivered():
    orders = FakeOrders()
    order = await handlers.create_order(orders, cmd())
    paying = await orders.transition(order, OrderState.PAYING, pay_request_id="r1")
    await orders.record_attempt(OrderPayment(order.order_id, "r1", CARD_NON_3DS, state="PENDING"))
    with pytest.raises(Conflict):
        await handlers.on_payment_event(orders, "payment.failed", {"order_id": order.order_id, "payment_id": "pay_x"})
    assert orders.orders[order.order_id].state == paying.state == OrderState.PAYING


@pytest.mark.parametrize("saved, reason", [(None, "CARD_REQUIRED"), (card(expiry_month=0, expiry_year=0), "CARD_EXPIRY_MISSING"),
                                           (card(expiry_month=1, expiry_year=2001), "CARD_EXPIRED")])
async def test_card_methods_need_a_usable_saved_card(saved, reason):
    orders, payments = FakeOrders(), FakePayments()
    order = await handlers.create_order(orders, cmd())
    with pytest.raises(InvalidArgument) as err:
        await handlers.pay_order(orders, payments, order.order_id, "r1", CARD_NON_3DS, "", card=saved)
    assert err.value.reason == reason and payments.calls == []
    assert orders.orders[order.order_id].state == OrderState.WAIT_PAY


class FakeMembers:
    def __init__(self):
        self.cards: list[SavedCard] = []

    async def __call__(self, work):
        return await work(self)

    async def get_member(self, member_id):
        return Member(member_id, "Ann", "", False)

    async def insert_card(self, c, request_id):
        self.cards.append(c)
        return c


class FakeVault:
    def __init__(self):
        self.seen: list[str] = []

    async def protect_card(self, card_no, holder_name):
        self.seen.append(card_no)
        return ProtectedCard("P" + "b" * 32, "", "dg", "", "")


async def test_add_card_keeps_expiry_mask_and_bin_computed_in_trade_and_checks_expiry():
    repo, vault = FakeMembers(), FakeVault()
    saved = await members.add_card(repo, vault, "mem1", "r1", "4111 1111 1111 1111", "Ann", "123", 12, 2030)
    assert (saved.masked_card_no, saved.card_bin, saved.expiry_month, saved.expiry_year) == ("411111******1111", "411111", 12, 2030)
    assert vault.seen == [PAN] and PAN not in repr(saved)
    for month, year in [(13, 2030), (12, 0), (1, 2001)]:
        with pytest.raises(InvalidArgument):
            await members.add_card(repo, vault, "mem1", "r2", PAN, "Ann", "", month, year)
    members.check_expiry(dt.date.today().month, dt.date.today().year)  # this month still pays


def _rpc_error(code: grpc.StatusCode) -> grpc.aio.AioRpcError:
    return grpc.aio.AioRpcError(code, grpc.aio.Metadata(), grpc.aio.Metadata(), details="no")


class FakeUes:
    def __init__(self):
        self.tickets: dict[str, ues_pb2.Ticket] = {}
        self.saves: list[tuple[str, int]] = []
        self.metadata = None
        self.down = False

    async def QueryTicket(self, request, metadata=None):
        self.metadata = metadata
        if request.plain_data not in self.tickets:
            raise _rpc_error(grpc.StatusCode.NOT_FOUND)
        return SimpleNamespace(ticket=self.tickets[request.plain_data])

    async def SaveData(self, request, metadata=None):
        if self.down:
            raise _rpc_error(grpc.StatusCode.UNAVAILABLE)
        if request.data_type == "mobile_no" and not request.plain_data.startswith("+"):
            raise _rpc_error(grpc.StatusCode.INVALID_ARGUMENT)
        self.saves.append((request.data_type, request.type))
        t = ues_pb2.Ticket(ticket=f"P{len(self.saves):032x}", type=request.type, data_type=request.data_type,
                           digest="hmac-" + request.data_type if request.type == ues_pb2.TICKET_TYPE_PERSISTENT_WITH_DIGEST else "")
        if request.type == ues_pb2.TICKET_TYPE_PERSISTENT_WITH_DIGEST:
            self.tickets[request.plain_data] = t
        return SimpleNamespace(ticket=t)


async def test_ues_vault_tokenizes_with_digest_and_finds_the_same_card_again():
    ues = FakeUes()
    vault = UesCardVault(SimpleNamespace(ues=ues))
    first = await vault.protect_card(PAN, "Ann Smith")
    assert first.card_no_ticket.startswith("P") and first.holder_ticket.startswith("P") and first.digest == "hmac-card_no"
    assert ues.saves == [("card_no", ues_pb2.TICKET_TYPE_PERSISTENT_WITH_DIGEST), ("name", ues_pb2.TICKET_TYPE_PERSISTENT)]
    again = await vault.protect_card(PAN, "")
    assert (again.card_no_ticket, again.digest, again.holder_ticket) == (first.card_no_ticket, first.digest, "")
    assert len(ues.saves) == 2 and dict(ues.metadata)["x-ues-client-id"] == "trade"
    assert PAN not in repr(first) and first.masked == "411111******1111"


async def test_ues_vault_errors_never_echo_the_value():
    ues = FakeUes()
    vault = UesCardVault(SimpleNamespace(ues=ues))
    with pytest.raises(InvalidArgument) as bad:
        await vault.protect("mobile_no", "0612345678")
    assert "0612345678" not in str(bad.value.__dict__)
    ues.down = True
    with pytest.raises(Unavailable):
        await vault.protect_card(PAN, "")


def test_the_vault_is_ues_when_a_ues_address_is_configured():
    assert Settings.from_env("trade", {}).vault_kind() == "ues"
    base = Settings.from_env("trade", {})
    assert dataclasses.replace(base, ues_addr="").vault_kind() == "local"
    assert dataclasses.replace(base, card_vault="local").vault_kind() == "local"
    with pytest.raises(ValueError):
        dataclasses.replace(base, ues_addr="", card_vault="ues").vault_kind()
