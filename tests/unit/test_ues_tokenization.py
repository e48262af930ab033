"""Automatic tokenization in the kernel: sensitive fields become tickets before the handler,
tickets pass through, rejected values are field violations without the value, methods
without sensitive fields are not wrapped, UES itself never tokenizes."""
from __future__ import annotations

import dataclasses

import grpc
import pytest

from paymesh.trade.v1 import trade_service_pb2 as trade
from paymesh.ues.v1 import ues_pb2, ues_service_pb2 as api
from servers.kernel import tokenization
from servers.kernel.errors import InvalidArgument
from servers.kernel.settings import CommonSettings


class FakeUes:
    def __init__(self):
        self.calls: list = []

    async def SaveDatas(self, request, metadata=()):
        self.calls.append((request, dict(metadata)))
        results = []
        for i, item in enumerate(request.items):
            if item.data_type == "card_no" and not item.plain_data.isdigit():
                results.append(api.SaveDataResult(error={"code": 3, "message": f"items[{i}].plain_data: plainData does not match dataType card_no"}))
            else:
                prefix = "C" if item.type == ues_pb2.TICKET_TYPE_TEMPORARY or item.data_type == "cvv2" else "P"
                results.append(api.SaveDataResult(ticket=ues_pb2.Ticket(ticket=f"{prefix}{i:032x}")))
        return api.SaveDatasResponse(results=results)


async def test_sensitive_fields_become_tickets_in_one_call():
    ues = FakeUes()
    request = trade.AddCardRequest(member_id="m1", request_id="r1", card_no="4111111111111111", holder_name="Ada", cvv2="123")
    assert await tokenization.tokenize(ues, "trade", request) == 3
    assert request.card_no == "P" + "0" * 32 and request.holder_name == "P" + "0" * 31 + "1" and request.cvv2.startswith("C")
    assert request.member_id == "m1"
    [(sent, md)] = ues.calls
    assert [(i.data_type, i.type) for i in sent.items] == [("card_no", 0), ("name", 0), ("cvv2", ues_pb2.TICKET_TYPE_TEMPORARY)]
    assert md == {"x-ues-client-id": "trade"}


async def test_tickets_pass_through_and_empty_fields_are_skipped():
    ues = FakeUes()
    ticket = "P" + "a" * 32
    request = trade.AddCardRequest(member_id="m1", request_id="r1", card_no=ticket)
    assert await tokenization.tokenize(ues, "trade", request) == 0
    assert request.card_no == ticket and not ues.calls


async def test_rejected_value_is_a_field_violation_without_the_value():
    request = trade.AddCardRequest(member_id="m1", request_id="r1", card_no="4111-oops")
    with pytest.raises(InvalidArgument) as err:
        await tokenization.tokenize(FakeUes(), "trade", request)
    [violation] = err.value.violations
    assert violation.field == "card_no" and "4111-oops" not in violation.description and "card_no" in violation.description


def test_only_methods_with_sensitive_fields_are_wrapped():
    assert tokenization.has_sensitive(tokenization.request_type("/paymesh.trade.v1.MemberService/AddCard"))
    assert tokenization.has_sensitive(tokenization.request_type("/paymesh.trade.v1.MemberService/CreateMember"))
    assert not tokenization.has_sensitive(tokenization.request_type("/paymesh.ues.v1.UesService/Encrypt"))
    assert tokenization.request_type("/nope.Service/Method") is None


@dataclasses.dataclass(frozen=True)
class OptedIn(CommonSettings):
    tokenize_sensitive: bool = True


async def test_interceptor_chain_membership():
    assert tokenization.interceptors_for(OptedIn(service="ues", ues_addr="127.0.0.1:1")) == []
    assert tokenization.interceptors_for(OptedIn(service="trade", ues_addr="")) == []
    assert tokenization.interceptors_for(CommonSettings(service="trade", ues_addr="127.0.0.1:1")) == []
    [interceptor] = tokenization.interceptors_for(OptedIn(service="trade", ues_addr="127.0.0.1:1"))
    handler = grpc.unary_unary_rpc_method_handler(lambda r, c: r)

    async def continuation(details):
        return handler

    class Details:
        def __init__(self, method):
            self.method, self.invocation_metadata = method, ()

    assert await interceptor.intercept_service(continuation, Details("/paymesh.ledger.v1.LedgerService/GetAccount")) is handler
    assert await interceptor.intercept_service(continuation, Details("/paymesh.trade.v1.MemberService/AddCard")) is not handler
