"""Settlement through Envoy: a manual batch nets fees and refunds, books ONE SETTLEMENT transfer,
is idempotent, leaves nothing to settle twice, and produces a CSV report; concurrent batches of
one merchant never settle a payment twice."""
from __future__ import annotations

import asyncio


def _post(rest, path: str, body: dict) -> dict:
    r = rest.post(path, json=body)
    assert r.status_code == 200, r.text
    return r.json()


def _money(amount: int) -> dict:
    return {"currency_code": "EUR", "amount_minor": str(amount)}


def _pay(rest, ids, merchant: str, member: str, amount: int) -> str:
    order = _post(rest, "/v1/orders", {"merchant_id": merchant, "out_trade_no": ids("no"), "product_code": "P1", "subject": "s",
                                       "amount": _money(amount), "payer_member_id": member})["order"]
    return _post(rest, f"/v1/orders/{order['orderId']}:pay", {"request_id": ids("a"), "method": "PAY_METHOD_BALANCE"})["paymentId"]


async def test_manual_batch_nets_fees_and_refunds_books_once_and_reports_csv(rest, ids):
    member, merchant = ids("mem"), ids("mch")
    _post(rest, f"/v1/fee-plans/{merchant}", {"rules": [{"currency_code": "EUR", "percent_bps": 250, "fixed_minor": "30"}]})
    _post(rest, f"/v1/ledger/wallets/{member}:topUp", {"request_id": ids("fund"), "amount": _money(10_000)})
    p1, p2 = _pay(rest, ids, merchant, member, 2_000), _pay(rest, ids, merchant, member, 1_000)  # fees 80 and 55
    refund = _post(rest, f"/v1/payments/{p1}/refunds", {"request_id": ids("rf"), "amount": _money(500)})["refund"]
    assert refund["state"] == "PAYMENT_STATE_SUCCEEDED" and refund["fee"]["amountMinor"] == "20"

    request = {"request_id": ids("settle"), "merchant_id": merchant}
    batch = _post(rest, "/v1/settlement-batches", request)["batch"]
    assert batch["state"] == "SETTLEMENT_BATCH_STATE_SETTLED" and batch["lineCount"] == 2
    totals = [batch[k]["amountMinor"] for k in ("gross", "fees", "refunds", "net")]
    assert totals == ["3000", "115", "500", "2385"]  # fees 80 − 20 returned + 55
    assert _post(rest, "/v1/settlement-batches", request)["batch"]["batchId"] == batch["batchId"]  # idempotent

    transfers = rest.get("/v1/ledger/transfers", params={"settlement_batch_id": batch["batchId"]}).json()["transfers"]
    assert [(t["businessCode"], t["amount"]["amountMinor"]) for t in transfers] == [("SETTLEMENT", "2385")]
    again = rest.post("/v1/settlement-batches", json={"request_id": ids("settle"), "merchant_id": merchant})
    assert again.status_code == 400 and again.json()["details"][0]["reason"] == "NOTHING_TO_SETTLE"

    assert rest.get(f"/v1/settlement-batches/{batch['batchId']}").json()["batch"]["net"]["amountMinor"] == "2385"
    listed = rest.get("/v1/settlement-batches", params={"merchant_id": merchant}).json()["batches"]
    assert [b["batchId"] for b in listed] == [batch["batchId"]]
    report = rest.get(f"/v1/settlement-batches/{batch['batchId']}/report")
    assert report.status_code == 200 and report.headers["content-type"].startswith("text/csv")
    order_of = {p: rest.get(f"/v1/payments/{p}").json()["payment"]["orderId"] for p in (p1, p2)}
    assert sorted(report.text.strip().splitlines()[1:]) == sorted([
        f"{p1},{order_of[p1]},2000,60,500,1440,EUR", f"{p2},{order_of[p2]},1000,55,0,945,EUR"])
    assert report.text.splitlines()[0] == "payment_id,order_id,amount,fee,refunded,net,currency"
    assert rest.get("/v1/settlement-batches/stb_missing/report").status_code == 404
    assert rest.post("/v1/ledger:verify", json={}).json()["ok"]


async def test_concurrent_batches_of_one_merchant_never_settle_a_payment_twice(rest, via_envoy, ids, pg):
    import grpc

    from paymesh.payment.v1 import payment_service_pb2 as api

    member, merchant = ids("mem"), ids("mch")
    _post(rest, f"/v1/ledger/wallets/{member}:topUp", {"request_id": ids("fund"), "amount": _money(10_000)})
    paid = [_pay(rest, ids, merchant, member, 100 * i) for i in range(1, 5)]  # no fee plan: net = amount

    async def settle(n: int):
        try:
            return (await via_envoy.settlement.CreateSettlementBatch(api.CreateSettlementBatchRequest(
                request_id=ids(f"c{n}"), merchant_id=merchant))).batch
        except grpc.aio.AioRpcError as exc:
            assert exc.code() == grpc.StatusCode.FAILED_PRECONDITION, exc  # the other one took everything
            return None
    batches = [b for b in await asyncio.gather(settle(1), settle(2)) if b is not None]
    assert batches and sum(b.net.amount_minor for b in batches) == 1_000
    lines = await pg.fetch("SELECT payment_id, batch_id FROM payment.settlement_lines WHERE payment_id = ANY($1::text[])", paid)
    assert sorted(r["payment_id"] for r in lines) == sorted(paid)  # each payment in exactly one batch (primary key)
    settled = 0
    for b in batches:
        transfers = rest.get("/v1/ledger/transfers", params={"settlement_batch_id": b.batch_id}).json()["transfers"]
        settled += sum(int(t["amount"]["amountMinor"]) for t in transfers)
    assert settled == 1_000
    assert rest.post("/v1/ledger:verify", json={}).json()["ok"]


async def test_auto_mode_settles_each_successful_payment(rest, ids):
    from tests.e2e.conftest import eventually

    member, merchant = ids("mem"), ids("mch")
    config = _post(rest, f"/v1/settlement-configs/{merchant}", {"mode": "SETTLEMENT_MODE_AUTO"})["config"]
    assert config["mode"] == "SETTLEMENT_MODE_AUTO"
    bad = rest.post(f"/v1/settlement-configs/{merchant}", json={"mode": "SETTLEMENT_MODE_UNSPECIFIED"})
    assert bad.status_code == 400
    _post(rest, f"/v1/ledger/wallets/{member}:topUp", {"request_id": ids("fund"), "amount": _money(1_000)})
    paid = [_pay(rest, ids, merchant, member, 300), _pay(rest, ids, merchant, member, 200)]

    async def settled():
        batches = rest.get("/v1/settlement-batches", params={"merchant_id": merchant}).json().get("batches", [])
        done = all(b["state"] == "SETTLEMENT_BATCH_STATE_SETTLED" for b in batches)  # OPEN until the ledger booked it
        return batches if done and sum(int(b["net"]["amountMinor"]) for b in batches) == 500 else None
    batches = await eventually(settled)
    assert batches and all(b["state"] == "SETTLEMENT_BATCH_STATE_SETTLED" for b in batches)
    lines = [line for b in batches for line in rest.get(f"/v1/settlement-batches/{b['batchId']}/report").text.splitlines()[1:]]
    assert sorted(line.split(",")[0] for line in lines) == sorted(paid)
    assert rest.post("/v1/ledger:verify", json={}).json()["ok"]
