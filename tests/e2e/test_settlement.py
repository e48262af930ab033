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


def _local_zone(now):
    """A fixed-offset zone where it is around noon now, so a cutoff a few seconds ahead never crosses midnight."""
    offset = 12 - now.hour
    return "UTC" if offset == 0 else f"Etc/GMT{'-' if offset > 0 else '+'}{abs(offset)}", offset


async def test_periodic_mode_settles_up_to_the_cutoff_once_per_cutoff(rest, ids):
    import datetime as dt

    from tests.e2e.conftest import eventually

    member, merchant = ids("mem"), ids("mch")
    _post(rest, f"/v1/ledger/wallets/{member}:topUp", {"request_id": ids("fund"), "amount": _money(1_000)})
    paid = [_pay(rest, ids, merchant, member, 100), _pay(rest, ids, merchant, member, 150)]
    now = dt.datetime.now(dt.timezone.utc)
    zone, offset = _local_zone(now)
    cutoff = (now + dt.timedelta(hours=offset, seconds=2)).strftime("%H:%M:%S")
    bad = rest.post(f"/v1/settlement-configs/{merchant}", json={"mode": "SETTLEMENT_MODE_PERIODIC",
                                                                 "schedule": {"cutoff_local_time": "10:00", "time_zone": "Mars/Base"}})
    assert bad.status_code == 400 and "time_zone" in bad.text
    config = _post(rest, f"/v1/settlement-configs/{merchant}", {"mode": "SETTLEMENT_MODE_PERIODIC", "schedule": {
        "cutoff_local_time": cutoff, "time_zone": zone, "delay_days": 0}})["config"]
    assert config["mode"] == "SETTLEMENT_MODE_PERIODIC" and config["schedule"]["timeZone"] == zone
    assert rest.get(f"/v1/settlement-configs/{merchant}").json()["config"]["schedule"]["cutoffLocalTime"] == cutoff
    await asyncio.sleep(2.5)
    late = _pay(rest, ids, merchant, member, 200)  # after the cutoff: the next day's batch

    async def batches():
        found = rest.get("/v1/settlement-batches", params={"merchant_id": merchant}).json().get("batches", [])
        return found if found and all(b["state"] == "SETTLEMENT_BATCH_STATE_SETTLED" for b in found) else None
    found = await eventually(batches, timeout_s=20)
    day = (now + dt.timedelta(hours=offset)).date().isoformat()
    assert [(b["requestId"], b["net"]["amountMinor"], b["lineCount"]) for b in found] == [(f"periodic:{merchant}:{day}", "250", 2)]
    await asyncio.sleep(5.5)  # another worker round: idempotent per (merchant, cutoff); `late` waits for tomorrow
    again = rest.get("/v1/settlement-batches", params={"merchant_id": merchant}).json()["batches"]
    assert [b["batchId"] for b in again] == [found[0]["batchId"]]
    lines = rest.get(f"/v1/settlement-batches/{found[0]['batchId']}/report").text.splitlines()[1:]
    assert sorted(x.split(",")[0] for x in lines) == sorted(paid) and late not in {x.split(",")[0] for x in lines}


async def test_auto_sweep_settles_what_no_event_driven_batch_took(rest, ids):
    from tests.e2e.conftest import eventually

    member, merchant = ids("mem"), ids("mch")
    _post(rest, f"/v1/ledger/wallets/{member}:topUp", {"request_id": ids("fund"), "amount": _money(1_000)})
    paid = [_pay(rest, ids, merchant, member, 120), _pay(rest, ids, merchant, member, 80)]  # MANUAL: no batch on success

    async def events_consumed():  # trade saw payment.succeeded; settlement's consumer group reads the same stream
        states = {rest.get(f"/v1/orders/{_order(rest, p)}").json()["order"]["state"] for p in paid}
        return states == {"ORDER_STATE_PAID"}
    assert await eventually(events_consumed)
    await asyncio.sleep(1.0)
    _post(rest, f"/v1/settlement-configs/{merchant}", {"mode": "SETTLEMENT_MODE_AUTO"})

    async def swept():
        found = rest.get("/v1/settlement-batches", params={"merchant_id": merchant}).json().get("batches", [])
        return found if found and found[0]["state"] == "SETTLEMENT_BATCH_STATE_SETTLED" else None
    found = await eventually(swept, timeout_s=25, interval_s=0.5)
    assert [(b["requestId"], b["net"]["amountMinor"]) for b in found] == [(f"sweep:{merchant}:{min(paid)}", "200")]


async def test_refund_after_settlement_is_netted_as_a_negative_line_in_the_next_batch(rest, ids):
    member, merchant = ids("mem"), ids("mch")
    _post(rest, f"/v1/fee-plans/{merchant}", {"rules": [{"currency_code": "EUR", "percent_bps": 1000}]})  # 10 %
    _post(rest, f"/v1/ledger/wallets/{member}:topUp", {"request_id": ids("fund"), "amount": _money(10_000)})
    p1 = _pay(rest, ids, merchant, member, 1_000)
    first = _post(rest, "/v1/settlement-batches", {"request_id": ids("s"), "merchant_id": merchant})["batch"]
    assert first["net"]["amountMinor"] == "900"
    p2 = _pay(rest, ids, merchant, member, 2_000)  # pending: 1800
    refund = _post(rest, f"/v1/payments/{p1}/refunds", {"request_id": ids("rf"), "amount": _money(300)})["refund"]
    assert refund["state"] == "PAYMENT_STATE_SUCCEEDED" and refund["fee"]["amountMinor"] == "30"  # pending: 1800 − 300 + 30
    second = _post(rest, "/v1/settlement-batches", {"request_id": ids("s"), "merchant_id": merchant})["batch"]
    totals = [second[k]["amountMinor"] for k in ("gross", "fees", "refunds", "net")]
    assert totals == ["2000", "170", "300", "1530"] and second["lineCount"] == 2
    report = rest.get(f"/v1/settlement-batches/{second['batchId']}/report").text.splitlines()[1:]
    assert sorted(report) == sorted([f"{p2},{_order(rest, p2)},2000,200,0,1800,EUR", f"{refund['paymentId']},{_order(rest, p1)},0,-30,300,-270,EUR"])
    again = rest.post("/v1/settlement-batches", json={"request_id": ids("s"), "merchant_id": merchant})
    assert again.status_code == 400  # the deduction is netted once
    assert rest.post("/v1/ledger:verify", json={}).json()["ok"]


def _order(rest, payment_id: str) -> str:
    return rest.get(f"/v1/payments/{payment_id}").json()["payment"]["orderId"]


async def test_disputes_hold_payments_out_until_won_and_a_lost_one_is_charged_back(rest, ids):
    member, merchant = ids("mem"), ids("mch")
    _post(rest, f"/v1/ledger/wallets/{member}:topUp", {"request_id": ids("fund"), "amount": _money(1_000)})
    won, lost, clean = (_pay(rest, ids, merchant, member, amount) for amount in (100, 200, 300))
    d_won = _post(rest, "/v1/disputes", {"request_id": ids("d"), "payment_id": won, "reason": "10.4"})["dispute"]
    request = {"request_id": ids("d"), "payment_id": lost}
    d_lost = _post(rest, "/v1/disputes", request)["dispute"]
    assert _post(rest, "/v1/disputes", request)["dispute"]["disputeId"] == d_lost["disputeId"]  # idempotent
    assert d_won["state"] == "DISPUTE_STATE_OPEN" and d_won["amount"]["amountMinor"] == "100"
    twice = rest.post("/v1/disputes", json={"request_id": ids("d"), "payment_id": won})
    assert twice.status_code == 400 and twice.json()["details"][0]["reason"] == "DISPUTE_ALREADY_OPEN"

    first = _post(rest, "/v1/settlement-batches", {"request_id": ids("s"), "merchant_id": merchant})["batch"]
    assert (first["lineCount"], first["net"]["amountMinor"]) == (1, "300")
    settled = rest.post("/v1/disputes", json={"request_id": ids("d"), "payment_id": clean})
    assert settled.status_code == 400 and settled.json()["details"][0]["reason"] == "PAYMENT_ALREADY_SETTLED"

    assert _post(rest, f"/v1/disputes/{d_won['disputeId']}:close", {"outcome": "DISPUTE_STATE_WON"})["dispute"]["state"] == "DISPUTE_STATE_WON"
    closed = _post(rest, f"/v1/disputes/{d_lost['disputeId']}:close", {"outcome": "DISPUTE_STATE_LOST"})["dispute"]
    assert closed["state"] == "DISPUTE_STATE_LOST" and len(closed["ledgerTransferIds"]) == 1
    flip = rest.post(f"/v1/disputes/{d_lost['disputeId']}:close", json={"outcome": "DISPUTE_STATE_WON"})
    assert flip.status_code == 400 and flip.json()["details"][0]["reason"] == "DISPUTE_CLOSED"
    chargeback = [t for t in rest.get("/v1/ledger/transfers", params={"payment_id": lost}).json()["transfers"]
                  if t["businessCode"] == "CHARGEBACK"]
    assert [t["amount"]["amountMinor"] for t in chargeback] == ["200"]

    second = _post(rest, "/v1/settlement-batches", {"request_id": ids("s"), "merchant_id": merchant})["batch"]
    assert (second["lineCount"], second["net"]["amountMinor"]) == (1, "100")  # the won one; the lost one never
    listed = rest.get("/v1/disputes", params={"merchant_id": merchant}).json()["disputes"]
    assert sorted(d["state"] for d in listed) == ["DISPUTE_STATE_LOST", "DISPUTE_STATE_WON"]
    assert rest.post("/v1/ledger:verify", json={}).json()["ok"]
