"""UES through Envoy: the reference's curl examples (§4.8, only the host changed), its
envelope and messages, bad input, and no plaintext in any log file, row or Redis value."""
from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from paymesh.ues.v1 import ues_pb2 as pb, ues_service_pb2 as api

TICKET = re.compile(r"^[CP][0-9a-f]{32}$")


def curl(edge: str, command: str) -> dict:
    """Runs a reference curl command with only its host replaced."""
    shell = command.replace("http://localhost:8080", f"http://{edge}") + " -sS"
    out = subprocess.run(["/bin/sh", "-c", shell], capture_output=True, text=True, timeout=30, check=True)
    return json.loads(out.stdout)


def test_reference_curl_examples(edge, rest):
    # §4.8.1, verbatim apart from the host.
    body = curl(edge, """curl -X POST http://localhost:8080/credit-ues/inner/encrypt \\
  -H "Content-Type: application/json" \\
  -d '{"plainData":"sensitive-data","dataType":"USER_INFO","summary":"User info"}'""")
    assert set(body) == {"success", "data", "message"} and body["success"] is True and body["message"] is None
    ticket = body["data"]
    assert TICKET.match(ticket) and "sensitive" not in ticket

    # §4.8.2: a JSON array; data maps one-to-one with null for the failed entry.
    batch = curl(edge, """curl -X POST http://localhost:8080/credit-ues/inner/batchEncrypt -H "Content-Type: application/json" -d '[
  {"plainData":"d1","dataType":"USER_INFO","summary":"s1"},
  {"plainData":"d2","dataType":"USER_INFO","summary":"s2"},
  {"plainData":"x","dataType":"card_no","summary":"too short for card_no"}
]'""")
    assert batch["success"] is True and batch["message"] is None
    t1, t2, failed = batch["data"]
    assert TICKET.match(t1) and TICKET.match(t2) and failed is None

    # §4.8.3 and its error example.
    one = curl(edge, f"""curl -X POST http://localhost:8080/credit-ues/inner/decrypt -H "Content-Type: application/json" \\
  -d '{{"ticket":"{ticket}"}}'""")
    assert one == {"success": True, "data": "sensitive-data", "message": None}
    missing = curl(edge, """curl -X POST http://localhost:8080/credit-ues/inner/decrypt -H "Content-Type: application/json" \\
  -d '{"ticket":"ticket-string"}'""")
    assert missing == {"success": False, "data": None, "message": "ticket not exist in database."}

    # §4.8.4: only the valid tickets.
    many = curl(edge, f"""curl -X POST http://localhost:8080/credit-ues/inner/batchDecrypt -H "Content-Type: application/json" \\
  -d '{{"tickets":["{t1}","{t2}","ticket3"]}}'""")
    assert many["success"] is True and many["data"] == {t1: "d1", t2: "d2"}

    # §4.8.5: the cached variants, same JSON.
    cached = rest.post("/credit-ues/inner/encryptWithCache", json={"plainData": "+8613800138000", "dataType": "mobile_no"}).json()
    assert cached["success"] is True
    c_batch = rest.post("/credit-ues/inner/batchEncryptWithCache", json=[{"plainData": "4111111111111111", "dataType": "card_no"}]).json()
    [card] = c_batch["data"]
    for _ in range(2):  # miss-then-hit or hit-then-hit: same answer
        assert rest.post("/credit-ues/inner/decryptWithCache", json={"ticket": cached["data"]}).json() == \
            {"success": True, "data": "+8613800138000", "message": None}
    both = rest.post("/credit-ues/inner/batchDecryptWithCache", json={"tickets": [cached["data"], card, "P" + "0" * 32]}).json()
    assert both["data"] == {cached["data"]: "+8613800138000", card: "4111111111111111"}


def test_cvv2_is_single_use_and_bad_values_give_clear_errors(rest):
    cvv = rest.post("/credit-ues/inner/encrypt", json={"plainData": "123", "dataType": "cvv2"}).json()["data"]
    assert cvv.startswith("C")
    assert rest.post("/credit-ues/inner/decrypt", json={"ticket": cvv}).json()["data"] == "123"
    assert rest.post("/credit-ues/inner/decrypt", json={"ticket": cvv}).json()["message"] == "ticket not exist in database."
    bad = rest.post("/credit-ues/inner/encrypt", json={"plainData": "not-an-email", "dataType": "email"}).json()
    assert bad == {"success": False, "data": None, "message": "plainData does not match dataType email"}
    unknown = rest.post("/credit-ues/inner/encrypt", json={"plainData": "x", "dataType": "NOPE"}).json()
    assert unknown == {"success": False, "data": None, "message": "dataType NOPE is not registered"}


@pytest.mark.parametrize("path, body, fields", [
    ("/credit-ues/inner/encrypt", {}, {"plainData", "dataType"}),
    ("/credit-ues/inner/encrypt", {"plainData": "x", "dataType": "d" * 65}, {"dataType"}),
    ("/credit-ues/inner/batchEncrypt", [], {"items"}),
    ("/credit-ues/inner/decrypt", {"ticket": ""}, {"ticket"}),
    ("/credit-ues/inner/batchDecrypt", {"tickets": ["t"] * 1001}, {"tickets"}),
])
def test_malformed_requests_are_400_never_500(rest, path, body, fields):
    r = rest.post(path, json=body)
    assert r.status_code == 400, r.text
    got = {v["field"] for d in r.json().get("details", []) for v in d.get("fieldViolations", [])}
    camel = {re.sub(r"_([a-z])", lambda m: m.group(1).upper(), f) for f in got}
    assert fields <= (got | camel)


def test_not_json_is_400(rest):
    r = rest.post("/credit-ues/inner/encrypt", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 400


async def test_native_api_and_no_plaintext_in_logs_traces_rows_or_redis(via_envoy, ids, pg, env, rest):
    secret = "4556737586899855"
    saved = await via_envoy.ues.SaveData(api.SaveDataRequest(plain_data=secret, data_type="card_no",
                                                            type=pb.TICKET_TYPE_PERSISTENT_WITH_DIGEST, request_id=ids("req")))
    found = await via_envoy.ues.QueryTicket(api.QueryTicketRequest(plain_data="4556 7375 8689 9855", data_type="card_no"))
    assert found.ticket.ticket == saved.ticket.ticket
    assert (await via_envoy.ues.GetData(api.GetDataRequest(ticket=saved.ticket.ticket, use_cache=True))).plain_data == secret
    masked = rest.get(f"/v1/ues/tickets/{saved.ticket.ticket}/masked").json()
    assert masked["maskedData"] == "455673******9855"
    rest.post("/credit-ues/inner/encrypt", json={"plainData": "4556737586899855x", "dataType": "cvv2"})  # rejected, too long

    rows = await pg.fetch("SELECT string_agg(t::text, '\n') AS s FROM ues.tickets t UNION ALL "
                          "SELECT string_agg(a::text, '\n') FROM ues.audit_records a UNION ALL "
                          "SELECT string_agg(i::text, '\n') FROM ues.idempotency_keys i")
    haystack = "\n".join(r["s"] or "" for r in rows)
    logs = Path(env["PAYMESH_HOME"]) / "logs"
    haystack += "\n".join(p.read_text(errors="replace") for p in logs.glob("*.log"))
    traces = Path(env["PAYMESH_HOME"]) / "traces"  # spans (attributes, events, status messages)
    haystack += "\n".join(p.read_text(errors="replace") for p in traces.glob("spans.jsonl*"))
    import redis.asyncio as aioredis
    from servers.kernel.settings import local_defaults
    client = aioredis.Redis.from_url(local_defaults(env)["redis_url"].reveal())
    async for key in client.scan_iter("ues:*"):
        if await client.type(key) == b"string":
            haystack += repr(await client.get(key))
    await client.aclose()
    assert saved.ticket.ticket in haystack  # the scan sees the data
    for value in (secret, "sensitive-data", "+8613800138000", "4111111111111111"):
        assert value not in haystack


async def test_trade_contracts_are_tokenized_by_ues_before_trade_sees_them(rest, ids, pg):
    """Mobile (CreateMember) and card number / CVV2 (AddCard) reach trade as UES tickets of the right
    data type; trade's schema never holds the values."""
    mobile, pan = "+33698765432", "4012888888881881"
    r = rest.post("/v1/members", json={"request_id": ids("req"), "display_name": "Tok", "mobile": mobile})
    assert r.status_code == 200 and mobile not in r.text, r.text
    member = r.json()["member"]
    assert TICKET.match(member["mobileTicket"]) and member["mobileTicket"].startswith("P")
    assert rest.get(f"/v1/ues/tickets/{member['mobileTicket']}").json()["ticket"]["dataType"] == "mobile_no"
    r = rest.post(f"/v1/members/{member['memberId']}/cards", json={"request_id": ids("req"), "card_no": pan, "cvv2": "321",
                                                                  "expiry_month": 11, "expiry_year": 2031})
    assert r.status_code == 200 and pan not in r.text, r.text
    card = r.json()["card"]
    assert rest.get(f"/v1/ues/tickets/{card['cardNoTicket']}").json()["ticket"]["dataType"] == "card_no"
    r = rest.post(f"/v1/members/{member['memberId']}/cards", json={"request_id": ids("req"), "card_no": "4012888", "cvv2": "98765"})
    assert r.status_code == 400 and "4012888" not in r.text and "98765" not in r.text, r.text  # refused by UES, value not echoed
    for value in (mobile, mobile.lstrip("+"), pan):
        rows = await pg.fetch("SELECT table_name FROM information_schema.tables WHERE table_schema = 'trade' AND table_type = 'BASE TABLE'")
        for row in rows:
            hits = await pg.fetchval(f'SELECT count(*) FROM trade."{row["table_name"]}" t WHERE t::text LIKE $1', f"%{value}%")
            assert hits == 0, (row["table_name"], value)
