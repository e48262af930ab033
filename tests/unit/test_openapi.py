"""The public OpenAPI document: in sync with the protos, valid OpenAPI 3.0, public RPCs only."""
import json
import tempfile
from pathlib import Path

from servers.stack import codegen, openapi


def _document() -> dict:
    return json.loads(openapi.OPENAPI.read_text())


def test_openapi_document_is_up_to_date():
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / "paymesh.pb"
        codegen.generate(Path(tmp) / "generated", fresh)  # the same descriptor set `make gen` builds
        assert codegen._openapi_stale(fresh) == [], "envoy/openapi.json is stale: run `python -m servers.stack.codegen`"


def test_openapi_document_is_valid_openapi_30():
    import schemathesis
    from schemathesis.specs.openapi.definitions import OPENAPI_30_VALIDATOR

    doc = _document()
    assert doc["openapi"].startswith("3.0.")
    errors = [f"{list(e.instance_path)}: {e.message}" for e in OPENAPI_30_VALIDATOR.iter_errors(doc)]
    assert errors == []
    schema = schemathesis.openapi.from_dict(doc)  # resolves every $ref
    assert len(list(schema.get_all_operations())) >= 15


def test_only_public_rpcs_are_documented():
    doc = _document()
    grpc_paths = {op["x-grpc-method"] for item in doc["paths"].values() for op in item.values()}
    internal = openapi.internal_methods(codegen.DESCRIPTOR_SET)
    assert grpc_paths and not grpc_paths & internal
    for absent in ("/paymesh.trade.v1.TradeService/PayOrder", "/paymesh.trade.v1.WebhookService/GetWebhookSecret",
                   "/paymesh.payment.v1.PaymentService/CreatePayment", "/paymesh.ledger.v1.LedgerService/CreateTransfer"):
        assert absent not in grpc_paths
    assert "/paymesh.trade.v1.TradeService/CreateOrder" in grpc_paths


def test_proto3_json_mapping_rules_and_security():
    doc = _document()
    schemas = doc["components"]["schemas"]
    create = doc["paths"]["/v1/orders"]["post"]
    body = create["requestBody"]["content"]["application/json"]["schema"]
    assert {"merchantId", "outTradeNo", "amount"} <= set(body["required"])
    assert body["properties"]["merchantId"]["maxLength"] == 64
    assert body["properties"]["merchantId"]["pattern"] == "^(?:[A-Za-z0-9_.:-]+)$"
    assert body["properties"]["expireSeconds"]["type"] == "string"  # int64
    order = schemas["paymesh.trade.v1.Order"]["properties"]
    assert (order["createTime"]["type"], order["createTime"]["format"]) == ("string", "date-time")
    assert order["state"]["type"] == "string" and "ORDER_STATE_PAID" in order["state"]["enum"]
    assert "required" not in schemas["paymesh.common.v1.Money"]  # responses carry no request rules
    assert schemas["paymesh.common.v1.MoneyInput"]["required"] == ["currencyCode"]
    report = doc["paths"]["/v1/settlement-batches/{batch_id}/report"]["get"]
    assert list(report["responses"]["200"]["content"]) == ["text/csv"]
    assert report["parameters"][0]["in"] == "path"
    listing = doc["paths"]["/v1/orders"]["get"]
    names = {p["name"]: p for p in listing["parameters"]}
    assert names["merchant_id"]["in"] == "query" and names["page_size"]["schema"]["maximum"] == 1000
    assert "Creates a trade order" in create["summary"]
    for code in ("400", "401", "403", "404", "409", "429"):
        assert code in create["responses"]
    headers = {s["name"] for s in doc["components"]["securitySchemes"].values()}
    assert headers == {"x-paymesh-key-id", "x-paymesh-timestamp", "x-paymesh-nonce", "x-paymesh-signature"}
