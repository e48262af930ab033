"""Kernel building blocks: money, ids, settings, validation from contract options, and the
mapping of domain errors to gRPC statuses with ErrorInfo / BadRequest."""
from __future__ import annotations

import grpc
import pytest
from google.rpc import error_details_pb2, status_pb2

from paymesh.ledger.v1 import ledger_service_pb2 as ledger_api
from paymesh.trade.v1 import trade_service_pb2 as trade_api
from servers.kernel import context as ctx, errors
from servers.kernel.ids import ID_PATTERN, new_id
from servers.kernel.interceptors import ErrorMapper
from servers.kernel.money import CurrencyMismatch, Money
from servers.kernel.settings import CommonSettings, Secret
from servers.kernel.validation import validate


def test_money_refuses_floats_and_mixed_currencies():
    assert Money("EUR", 150) + Money("EUR", 50) == Money("EUR", 200)
    with pytest.raises(CurrencyMismatch):
        Money("EUR", 1) + Money("USD", 1)
    with pytest.raises(TypeError):
        Money("EUR", 1.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Money("EUR", True)  # type: ignore[arg-type]
    assert Money.from_proto(Money("EUR", 7).to_proto()) == Money("EUR", 7)


def test_ids_are_prefixed_sortable_and_unique():
    ids = [new_id("pay") for _ in range(2000)]
    assert len(set(ids)) == len(ids)
    assert all(ID_PATTERN.match(i) for i in ids)
    assert ids == sorted(ids) or sorted(ids)[0][:14] == ids[0][:14]  # same-millisecond ids may interleave


def test_settings_read_env_with_service_override_and_mask_secrets():
    env = {"PAYMESH_PORT_BASE": "20000", "PAYMESH_DATABASE_URL": "postgresql+asyncpg://u:pw@h/db",
           "PAYMESH_LEDGER_DEADLINE_MS": "750", "PAYMESH_DEADLINE_MS": "100"}
    s = CommonSettings.from_env("ledger", env)
    assert s.port == 20105 and s.deadline_ms == 750 and s.payment_addr == "127.0.0.1:20103"
    assert "pw" not in repr(s) and s.database_url.reveal().endswith("pw@h/db")
    assert repr(Secret("x")) == "Secret('**********')"


def test_validation_reports_every_broken_rule_with_its_path():
    req = trade_api.CreateOrderRequest(merchant_id="m1", out_trade_no="bad no", product_code="P1", subject="s",
                                       payer_member_id="mem1", amount={"currency_code": "eur", "amount_minor": 0},
                                       notify_url="ftp://x", expire_seconds=-1)
    fields = {v.field for v in validate(req)}
    assert fields == {"out_trade_no", "amount.amount_minor", "amount.currency_code", "notify_url", "expire_seconds"}
    assert validate(trade_api.CreateOrderRequest()) and not validate(trade_api.CreateOrderRequest(
        merchant_id="m1", out_trade_no="o1", product_code="P1", subject="s", payer_member_id="mem1",
        amount={"currency_code": "EUR", "amount_minor": 1}))


def test_validation_of_repeated_and_enum_fields():
    req = ledger_api.CreateTransfersRequest(request_id="r", legs=[ledger_api.TransferLeg(business_code="x")] * 101)
    fields = {v.field for v in validate(req)}
    assert "legs" in fields  # more than max_items
    assert "legs[0].amount" in fields and "legs[100].business_code" in fields
    assert {v.field for v in validate(ledger_api.OpenAccountRequest(request_id="r", owner_id="o", currency_code="EUR",
                                                                     owner_type=99, account_type=1))} == {"owner_type"}


def _details(trailing) -> status_pb2.Status:
    return status_pb2.Status.FromString(dict(trailing)["grpc-status-details-bin"])


def test_domain_errors_map_to_status_with_error_info_and_field_violations():
    mapper = ErrorMapper("trade")
    with ctx.context_scope("ctx_unit"):
        code, (trailing, message) = mapper.to_status(errors.invalid("amount.amount_minor", "must be greater than 0"))
    assert code == grpc.StatusCode.INVALID_ARGUMENT
    info, bad = error_details_pb2.ErrorInfo(), error_details_pb2.BadRequest()
    status = _details(trailing)
    status.details[0].Unpack(info)
    status.details[1].Unpack(bad)
    assert (info.reason, info.domain, info.metadata["context_id"]) == ("INVALID_ARGUMENT", "trade.paymesh", "ctx_unit")
    assert [(v.field, v.description) for v in bad.field_violations] == [("amount.amount_minor", "must be greater than 0")]


def test_gone_maps_to_410_hint_and_unknown_errors_hide_details():
    mapper = ErrorMapper("trade")
    code, (trailing, _) = mapper.to_status(errors.Expired("ORDER_EXPIRED", "order expired"))
    assert code == grpc.StatusCode.FAILED_PRECONDITION and dict(trailing)["x-http-status"] == "410"
    with ctx.context_scope("ctx_boom"):
        code, (trailing, message) = mapper.to_status(RuntimeError("password=hunter2 SELECT * FROM secrets"))
    assert code == grpc.StatusCode.INTERNAL
    assert "hunter2" not in message and "SELECT" not in message and "ctx_boom" in message


def test_a_backing_store_that_is_down_or_loading_is_unavailable_not_internal():
    import redis.exceptions

    mapper = ErrorMapper("ues")
    for exc in (redis.exceptions.BusyLoadingError("Redis is loading the dataset in memory"), redis.exceptions.ConnectionError("refused"),
                ConnectionRefusedError(111, "Connection refused")):
        code, (trailing, message) = mapper.to_status(exc)
        assert code == grpc.StatusCode.UNAVAILABLE and "loading" not in message and "refused" not in message
    assert mapper.to_status(ValueError("bug"))[0] == grpc.StatusCode.INTERNAL


def test_context_ids_from_callers_are_kept_only_when_safe():
    assert ctx.normalize("ctx_abc-1.2:3") == "ctx_abc-1.2:3"
    assert ctx.normalize("a\nb") is None and ctx.normalize("x" * 65) is None and ctx.normalize("") is None
    with ctx.context_scope("ctx_outer"):
        assert ctx.current_context_id() == "ctx_outer"
    assert ctx.current_context_id() == ""


async def test_the_kernel_interceptor_binds_context_checks_requests_maps_errors_and_wraps_each_method_once():
    import asyncio

    from servers.kernel.interceptors import KernelInterceptor
    from tests.unit.test_metrics import FakeContext

    interceptor, seen = KernelInterceptor("trade"), []

    async def create(request, context):
        seen.append((ctx.current_context_id(), ctx.trusted_merchant(), request.merchant_id))
        if request.out_trade_no == "taken":
            raise errors.AlreadyExists("OUT_TRADE_NO_REUSED", "out_trade_no was used with other fields")
        return trade_api.CreateOrderResponse()

    handler = grpc.unary_unary_rpc_method_handler(create)

    class Details:
        method = "/paymesh.trade.v1.TradeService/CreateOrder"

    wrapped = await interceptor.intercept_service(lambda d: asyncio.sleep(0, handler), Details)
    assert await interceptor.intercept_service(lambda d: asyncio.sleep(0, handler), Details) is wrapped  # built once

    def order(**fields):
        base = dict(out_trade_no="no-1", product_code="P1", subject="s", amount={"currency_code": "EUR", "amount_minor": 100},
                    payer_member_id="mem_1")
        return trade_api.CreateOrderRequest(**{**base, **fields})

    async def call(request, metadata=()):
        context = FakeContext(metadata)
        try:
            await wrapped.unary_unary(request, context)
        except grpc.aio.AbortError:
            pass
        return context

    ok = await call(order(), [(ctx.HEADER, "ctx_kernel1"), (ctx.MERCHANT_HEADER, "mch_1")])
    assert ok.code() is None and seen == [("ctx_kernel1", "mch_1", "mch_1")]  # the verified merchant fills merchant_id

    refused = await call(order(merchant_id="mch_2"), [(ctx.MERCHANT_HEADER, "mch_1")])
    assert refused.code() == grpc.StatusCode.PERMISSION_DENIED and len(seen) == 1  # never reached the handler

    bad = await call(order(merchant_id="mch_1", amount={"currency_code": "EUR", "amount_minor": 0}))
    assert bad.code() == grpc.StatusCode.INVALID_ARGUMENT and len(seen) == 1
    bad_request = error_details_pb2.BadRequest()
    _details(bad.trailing).details[1].Unpack(bad_request)
    assert [v.field for v in bad_request.field_violations] == ["amount.amount_minor"]

    taken = await call(order(merchant_id="mch_1", out_trade_no="taken"), [(ctx.HEADER, "bad id\n")])
    info = error_details_pb2.ErrorInfo()
    _details(taken.trailing).details[0].Unpack(info)
    assert taken.code() == grpc.StatusCode.ALREADY_EXISTS and info.reason == "OUT_TRADE_NO_REUSED"
    assert seen[-1][0].startswith("ctx_") and seen[-1][0] == info.metadata["context_id"]  # unsafe id replaced by a new one
