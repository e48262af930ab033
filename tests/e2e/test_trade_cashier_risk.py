"""Stages 1–3 through Envoy over REST: members and cards, orders, the cashier, risk decisions,
challenges and single-use risk tickets, and the unhappy paths."""
from __future__ import annotations

import asyncio

from tests.e2e.test_skeleton_flow import order_body, topup


def reason(r) -> str:
    body = r.json()
    for d in body.get("details", []):
        if "reason" in d:
            return d["reason"]
    return body.get("reason", str(body))


def member(rest, ids, password: str | None = "246810") -> str:
    r = rest.post("/v1/members", json={"request_id": ids("req"), "display_name": "Ann", "mobile": "+33123456789"})
    assert r.status_code == 200, r.text
    m = r.json()["member"]
    assert m["mobileTicket"].startswith(("tkt_", "P")) and "123456789" not in r.text
    if password:
        assert rest.post(f"/v1/members/{m['memberId']}:setPaymentPassword", json={"password": password}).status_code == 200
    return m["memberId"]


def test_members_save_cards_masked_deduped_and_never_in_plaintext(rest, ids):
    mem = member(rest, ids)
    card = {"request_id": ids("req"), "card_no": "4111111111111111", "holder_name": "Ann Smith", "cvv2": "123"}
    saved = rest.post(f"/v1/members/{mem}/cards", json=card)
    assert saved.status_code == 200, saved.text
    c = saved.json()["card"]
    assert c["maskedCardNo"] == "411111******1111" and c["cardOrg"] == "VISA" and "4111111111111111" not in saved.text
    assert rest.post(f"/v1/members/{mem}/cards", json=card).json()["card"]["cardId"] == c["cardId"]  # retry
    dup = rest.post(f"/v1/members/{mem}/cards", json={**card, "request_id": ids("req")})
    assert dup.status_code == 409 and reason(dup) == "CARD_ALREADY_SAVED"
    bad = rest.post(f"/v1/members/{mem}/cards", json={**card, "request_id": ids("req"), "card_no": "4111111111111112"})
    assert bad.status_code == 400 and reason(bad) == "CARD_NO_INVALID"
    assert [x["cardId"] for x in rest.get(f"/v1/members/{mem}/cards").json()["cards"]] == [c["cardId"]]
    assert rest.delete(f"/v1/members/{mem}/cards/{c['cardId']}").status_code == 200
    assert rest.get(f"/v1/members/{mem}/cards").json().get("cards", []) == []
    assert rest.delete(f"/v1/members/{mem}/cards/{c['cardId']}").status_code == 404
    wrong = rest.post(f"/v1/members/{mem}:setPaymentPassword", json={"password": "135790", "current_password": "000000"})
    assert wrong.status_code == 401 and reason(wrong) == "PAYMENT_PASSWORD_MISMATCH"


async def test_concurrent_duplicate_create_order_yields_one_order(rest, ids):
    body = order_body(ids("mch"), ids("no"), ids("mem"))
    replies = await asyncio.gather(*[asyncio.to_thread(rest.post, "/v1/orders", json=body) for _ in range(6)])
    assert {r.status_code for r in replies} == {200}
    assert len({r.json()["order"]["orderId"] for r in replies}) == 1
    other = rest.post("/v1/orders", json={**body, "amount": {"currency_code": "EUR", "amount_minor": "1"}})
    assert other.status_code == 409 and reason(other) == "OUT_TRADE_NO_REUSED"


def test_cashier_token_shows_methods_cards_and_verification_and_errors_are_distinct(rest, ids):
    mem, mch = member(rest, ids), ids("mch")
    order = rest.post("/v1/orders", json=order_body(mch, ids("no"), mem, amount=60_000)).json()["order"]
    token = rest.post("/v1/cashier/tokens", json={"order_id": order["orderId"]}).json()["token"]
    view = rest.get(f"/v1/cashier/{token}")
    assert view.status_code == 200, view.text
    v = view.json()
    assert v["order"]["orderId"] == order["orderId"] and v["methods"][0] == "PAY_METHOD_BALANCE"
    assert v["requiredVerification"] == "PASSWORD"  # 600.00 EUR by balance: default rule
    unknown = rest.get("/v1/cashier/nope-not-a-token")
    assert unknown.status_code == 404 and reason(unknown) == "CASHIER_TOKEN_UNKNOWN"
    short = rest.post("/v1/cashier/tokens", json={"order_id": order["orderId"], "ttl_seconds": 1}).json()["token"]
    import time
    time.sleep(1.2)
    expired = rest.get(f"/v1/cashier/{short}")
    assert expired.status_code == 410 and reason(expired) == "CASHIER_TOKEN_EXPIRED"


async def test_challenge_verify_pay_and_a_replayed_ticket_is_refused(rest, ids):
    mem, mch = member(rest, ids), ids("mch")
    topup(rest, mem, 100_000)
    order = rest.post("/v1/orders", json=order_body(mch, ids("no"), mem, amount=60_000)).json()["order"]
    pay = rest.post(f"/v1/orders/{order['orderId']}:pay", json={"request_id": "a1", "method": "PAY_METHOD_BALANCE"})
    assert pay.status_code == 400 and reason(pay) == "RISK_CHALLENGE_REQUIRED", pay.text
    meta = next(d["metadata"] for d in pay.json()["details"] if "metadata" in d)
    challenge = meta["challenge_id"]
    wrong = rest.post(f"/v1/risk/challenges/{challenge}:verify", json={"request_id": ids("v"), "password": "000000"})
    assert wrong.status_code == 401 and reason(wrong) == "WRONG_CREDENTIAL"
    ok = rest.post(f"/v1/risk/challenges/{challenge}:verify", json={"request_id": ids("v"), "password": "246810"})
    assert ok.status_code == 200, ok.text
    ticket = ok.json()["riskTicket"]["ticket"]
    assert ok.json()["riskTicket"]["verification"] == "CHALLENGE_TYPE_PASSWORD"
    paid = rest.post(f"/v1/orders/{order['orderId']}:pay", json={"request_id": "a2", "method": "PAY_METHOD_BALANCE", "risk_ticket": ticket})
    assert paid.status_code == 200 and paid.json()["paymentState"] == "PAYMENT_STATE_SUCCEEDED", paid.text
    again = rest.post(f"/v1/orders/{order['orderId']}:pay", json={"request_id": "a2", "method": "PAY_METHOD_BALANCE", "risk_ticket": ticket})
    assert again.status_code == 200  # the same attempt, retried
    other = rest.post("/v1/orders", json=order_body(mch, ids("no"), mem, amount=60_000)).json()["order"]
    replay = rest.post(f"/v1/orders/{other['orderId']}:pay", json={"request_id": "b1", "method": "PAY_METHOD_BALANCE", "risk_ticket": ticket})
    assert replay.status_code == 400 and reason(replay) in ("RISK_TICKET_REDEEMED", "RISK_TICKET_MISMATCH"), replay.text
    redeem = rest.post("/v1/risk/tickets:redeem", json={"ticket": ticket, "order_id": order["orderId"], "member_id": mem,
                                                        "amount": {"currency_code": "EUR", "amount_minor": "60000"}, "request_id": "x"})
    assert redeem.status_code == 400 and reason(redeem) == "RISK_TICKET_REDEEMED"
    got = rest.get(f"/v1/orders/{order['orderId']}").json()
    assert [p["requestId"] for p in got["payments"]] == ["a2"] and got["payments"][0]["paymentId"]
    token = rest.post("/v1/cashier/tokens", json={"order_id": other["orderId"]}).json()["token"]
    from tests.e2e.conftest import eventually

    async def paid_state():
        return rest.get(f"/v1/orders/{order['orderId']}").json()["order"]["state"] == "ORDER_STATE_PAID"
    assert await eventually(paid_state)
    closed = rest.post(f"/v1/orders/{order['orderId']}:close", json={})
    assert closed.status_code == 400 and reason(closed) == "ILLEGAL_ORDER_TRANSITION"
    assert rest.get(f"/v1/cashier/{token}").status_code == 200


def test_runtime_daily_limit_rejects_and_close_and_list(rest, ids):
    mch, mem = ids("mch"), member(rest, ids, password=None)
    topup(rest, mem, 100_000)
    rule = rest.post("/v1/risk/rules", json={"request_id": ids("r"), "spec": {
        "name": ids("daily").lower().replace("_", "-"), "action": "RULE_ACTION_REJECT", "scope": {"merchant_ids": [mch]},
        "daily_cumulative_limit": {"dimension": "DIMENSION_MEMBER", "max_amount": {"currency_code": "EUR", "amount_minor": "3000"}}}})
    assert rule.status_code == 200, rule.text
    first = rest.post("/v1/orders", json=order_body(mch, ids("no"), mem, amount=2000)).json()["order"]
    assert rest.post(f"/v1/orders/{first['orderId']}:pay", json={"request_id": "p", "method": "PAY_METHOD_BALANCE"}).status_code == 200
    second = rest.post("/v1/orders", json=order_body(mch, ids("no"), mem, amount=2000)).json()["order"]
    refused = rest.post(f"/v1/orders/{second['orderId']}:pay", json={"request_id": "p", "method": "PAY_METHOD_BALANCE"})
    assert refused.status_code == 403 and reason(refused) == "RISK_REJECTED", refused.text
    decisions = rest.get("/v1/risk/decisions", params={"merchant_id": mch}).json()["decisions"]
    assert [d["decision"] for d in decisions] == ["DECISION_REJECT", "DECISION_ACCEPT"]
    assert "daily sum 40.00 EUR > 30.00 EUR" in decisions[0]["matchedRules"][0]["detail"]
    # The rule is disabled at runtime: the next assessment accepts.
    rid = rule.json()["rule"]["ruleId"]
    assert rest.post(f"/v1/risk/rules/{rid}:disable", json={"request_id": ids("d")}).json()["rule"]["version"] == "2"
    ok = rest.post(f"/v1/orders/{second['orderId']}:pay", json={"request_id": "p2", "method": "PAY_METHOD_BALANCE"})
    assert ok.status_code == 200, ok.text
    third = rest.post("/v1/orders", json=order_body(mch, ids("no"), mem)).json()["order"]
    assert rest.post(f"/v1/orders/{third['orderId']}:close", json={}).json()["order"]["state"] == "ORDER_STATE_CLOSED"
    late = rest.post(f"/v1/orders/{third['orderId']}:pay", json={"request_id": "p", "method": "PAY_METHOD_BALANCE"})
    assert late.status_code == 400 and reason(late) == "ORDER_NOT_PAYABLE"
    page1 = rest.get("/v1/orders", params={"merchant_id": mch, "page_size": 2}).json()
    page2 = rest.get("/v1/orders", params={"merchant_id": mch, "page_size": 2, "page_token": page1["nextPageToken"]}).json()
    assert [o["orderId"] for o in page1["orders"] + page2["orders"]] == [third["orderId"], second["orderId"], first["orderId"]]
    assert "nextPageToken" not in page2 or not page2["nextPageToken"]
    closed = rest.get("/v1/orders", params={"merchant_id": mch, "state": "ORDER_STATE_CLOSED"}).json()["orders"]
    assert [o["orderId"] for o in closed] == [third["orderId"]]


async def test_unpaid_orders_close_at_expiry(rest, ids):
    from tests.e2e.conftest import eventually

    order = rest.post("/v1/orders", json=order_body(ids("mch"), ids("no"), ids("mem"), expire_seconds=1)).json()["order"]

    async def closed():
        return rest.get(f"/v1/orders/{order['orderId']}").json()["order"]["state"] == "ORDER_STATE_CLOSED"
    assert await eventually(closed, timeout_s=15)


def test_review_approval_outcomes_ratings_hit_report_backtest_and_ip_lists(rest, ids):
    import datetime as dt

    start = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
    mch, mem = ids("mch"), member(rest, ids, password=None)
    topup(rest, mem, 100_000)
    rule = rest.post("/v1/risk/rules", json={"request_id": ids("r"), "spec": {
        "name": ids("review").lower().replace("_", "-"), "action": "RULE_ACTION_REVIEW", "scope": {"merchant_ids": [mch]},
        "single_transaction_limit": {"max_amount": {"currency_code": "EUR", "amount_minor": "5000"}}}}).json()["rule"]
    order = rest.post("/v1/orders", json=order_body(mch, ids("no"), mem, amount=6000)).json()["order"]
    held = rest.post(f"/v1/orders/{order['orderId']}:pay", json={"request_id": "p1", "method": "PAY_METHOD_BALANCE"})
    assert reason(held) == "RISK_REVIEW_PENDING", held.text
    decision = rest.get("/v1/risk/decisions", params={"merchant_id": mch}).json()["decisions"][0]
    approved = rest.post(f"/v1/risk/decisions/{decision['decisionId']}:resolveReview",
                         json={"request_id": ids("rv"), "resolution": "REVIEW_RESOLUTION_APPROVE", "note": "called the payer"})
    assert approved.status_code == 200 and approved.json()["decision"]["reviewResolution"] == "REVIEW_RESOLUTION_APPROVE", approved.text
    again = rest.post(f"/v1/risk/decisions/{decision['decisionId']}:resolveReview",
                      json={"request_id": ids("rv"), "resolution": "REVIEW_RESOLUTION_REJECT"})
    assert again.status_code == 400 and reason(again) == "NOT_PENDING_REVIEW"
    paid = rest.post(f"/v1/orders/{order['orderId']}:pay", json={"request_id": "p2", "method": "PAY_METHOD_BALANCE",
                                                                 "risk_ticket": approved.json()["riskTicket"]["ticket"]})
    assert paid.status_code == 200, paid.text

    outcome = rest.post("/v1/risk/outcomes", json={"order_id": order["orderId"], "outcome": "OUTCOME_CHARGEBACK", "detail": "4837",
                                                   "request_id": ids("out")})
    assert outcome.status_code == 200 and outcome.json()["memberRating"]["level"] == "RATING_LEVEL_HIGH", outcome.text
    rating = rest.get(f"/v1/risk/ratings/{mem}", params={"subject_type": "SUBJECT_TYPE_MEMBER"}).json()["rating"]
    assert (rating["level"], rating["chargebackCount"]) == ("RATING_LEVEL_HIGH", "1")
    bad = rest.post("/v1/risk/outcomes", json={"order_id": "ord_none", "outcome": "OUTCOME_FRAUD", "request_id": ids("out")})
    assert bad.status_code == 404

    hits = rest.get("/v1/risk/rule-hits", params={"start_time": start})
    assert hits.status_code == 200, hits.text
    mine = [h for h in hits.json()["rules"] if h["ruleId"] == rule["ruleId"]]
    assert mine and (mine[0]["hitCount"], mine[0]["reviewCount"], mine[0]["fraudCount"]) == ("1", "1", "1")
    bt = rest.post("/v1/risk/rules:backtest", json={"rule_id": rule["ruleId"], "start_time": start})
    assert bt.status_code == 200 and decision["decisionId"] in bt.json()["sampleDecisionIds"], bt.text

    lst = rest.post("/v1/risk/lists", json={"name": ids("ips").lower().replace("_", "-"), "type": "LIST_TYPE_BLOCK",
                                            "dimension": "DIMENSION_IP", "request_id": ids("l")}).json()["list"]
    added = rest.post(f"/v1/risk/lists/{lst['listId']}/entries", json={"request_id": ids("e"), "entries": [{"value": "198.51.100.0/24"}]})
    assert added.status_code == 200 and added.json()["list"]["entryCount"] == "1"
    wrong = rest.post(f"/v1/risk/lists/{lst['listId']}/entries", json={"request_id": ids("e"), "entries": [{"value": "not-an-ip"}]})
    assert wrong.status_code == 400 and reason(wrong) == "LIST_VALUE_INVALID"
    assert lst["listId"] in [x["listId"] for x in rest.get("/v1/risk/lists", params={"type": "LIST_TYPE_BLOCK", "page_size": 1000}).json()["lists"]]
    assert [e["value"] for e in rest.get(f"/v1/risk/lists/{lst['listId']}/entries").json()["entries"]] == ["198.51.100.0/24"]
    assess = rest.post("/v1/risk/assessments", json={"request_id": ids("a"), "payment": {
        "order_id": ids("ord"), "merchant_id": mch, "amount": {"currency_code": "EUR", "amount_minor": "100"}, "ip_address": "198.51.100.9"}})
    assert assess.json()["decision"]["decision"] == "DECISION_ACCEPT"  # listed, but no rule uses the list yet


async def test_an_otp_challenge_is_passed_with_the_code_the_member_received(rest, ids, env):
    from pathlib import Path

    from servers.risk.otp import OTP_INBOX, read_inbox

    mch, mem = ids("mch"), member(rest, ids)
    topup(rest, mem, 100_000)
    rule = rest.post("/v1/risk/rules", json={"request_id": ids("r"), "spec": {
        "name": ids("otp").lower().replace("_", "-"), "action": "RULE_ACTION_CHALLENGE", "challenge_type": "CHALLENGE_TYPE_OTP",
        "scope": {"merchant_ids": [mch]},
        "single_transaction_limit": {"max_amount": {"currency_code": "EUR", "amount_minor": "1000"}}}})
    assert rule.status_code == 200, rule.text
    order = rest.post("/v1/orders", json=order_body(mch, ids("no"), mem, amount=2_000)).json()["order"]
    pay = rest.post(f"/v1/orders/{order['orderId']}:pay", json={"request_id": "a1", "method": "PAY_METHOD_BALANCE"})
    assert pay.status_code == 400 and reason(pay) == "RISK_CHALLENGE_REQUIRED", pay.text
    challenge = next(d["metadata"] for d in pay.json()["details"] if "metadata" in d)["challenge_id"]
    early = rest.post(f"/v1/risk/challenges/{challenge}:verify", json={"request_id": ids("v"), "otp_code": "123456"})
    assert early.status_code == 400 and reason(early) == "OTP_NOT_SENT"
    sent = rest.post(f"/v1/risk/challenges/{challenge}:sendOtp", json={"request_id": ids("s")})
    assert sent.status_code == 200 and sent.json()["sendsRemaining"] == 2, sent.text
    soon = rest.post(f"/v1/risk/challenges/{challenge}:sendOtp", json={"request_id": ids("s")})
    assert soon.status_code == 429 and reason(soon) == "OTP_RESEND_TOO_SOON"
    code = read_inbox(Path(env["PAYMESH_HOME"]) / "risk" / OTP_INBOX, challenge)
    ok = rest.post(f"/v1/risk/challenges/{challenge}:verify", json={"request_id": ids("v"), "otp_code": code})
    assert ok.status_code == 200 and ok.json()["riskTicket"]["verification"] == "CHALLENGE_TYPE_OTP", ok.text
    paid = rest.post(f"/v1/orders/{order['orderId']}:pay", json={"request_id": "a2", "method": "PAY_METHOD_BALANCE",
                                                                 "risk_ticket": ok.json()["riskTicket"]["ticket"]})
    assert paid.status_code == 200 and paid.json()["paymentState"] == "PAYMENT_STATE_SUCCEEDED", paid.text
