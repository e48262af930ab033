"""The ledger through Envoy: accounts, holds posted in part, voids, expiry by the worker,
reversals, freezes, paging, point-in-time balances, idempotency, verify and outbox events,
over REST and gRPC."""
from __future__ import annotations

import grpc
import pytest

from paymesh.ledger.v1 import ledger_service_pb2 as api
from tests.e2e.conftest import eventually


def eur(n: int) -> dict:
    return {"currencyCode": "EUR", "amountMinor": str(n)}


def open_account(rest, ids, owner_type: str, account_type: str) -> dict:
    r = rest.post("/v1/ledger/accounts", json={"requestId": ids("o"), "ownerType": owner_type, "ownerId": ids("own"),
                                               "accountType": account_type, "currencyCode": "EUR"})
    assert r.status_code == 200, r.text
    return r.json()["account"]


async def test_holds_reversals_and_lifecycle_over_rest_and_grpc(rest, via_envoy, ids, pg):
    member = ids("mem")
    top = rest.post(f"/v1/ledger/wallets/{member}:topUp", json={"requestId": ids("t"), "amount": eur(1000)}).json()
    wallet = top["wallet"]["accountId"]
    merchant = open_account(rest, ids, "OWNER_TYPE_MERCHANT", "ACCOUNT_TYPE_MERCHANT_PENDING_SETTLEMENT")
    assert merchant["hot"] is True
    leg = {"debitAccountId": wallet, "creditAccountId": merchant["accountId"], "amount": eur(400), "pending": True,
           "businessCode": "PAYMENT", "ref": {"orderId": ids("ord")}}
    body = {"requestId": ids("h"), "legs": [leg]}
    hold = rest.post("/v1/ledger/transfers", json=body).json()["transfers"][0]
    assert hold["state"] == "TRANSFER_STATE_PENDING"
    assert rest.post("/v1/ledger/transfers", json=body).json()["transfers"][0] == hold  # idempotent retry
    reused = rest.post("/v1/ledger/transfers", json={**body, "legs": [{**leg, "amount": eur(401)}]})
    assert reused.status_code == 409 and "REQUEST_ID_REUSED" in reused.text

    posted = rest.post(f"/v1/ledger/transfers/{hold['transferId']}:post", json={"requestId": ids("p"), "amount": eur(250)})
    assert posted.status_code == 200, posted.text
    assert posted.json()["transfer"]["postedAmount"]["amountMinor"] == "250"
    again = rest.post(f"/v1/ledger/transfers/{hold['transferId']}:void", json={"requestId": ids("v")})
    assert again.status_code == 400 and "TRANSFER_NOT_PENDING" in again.text  # a hold resolves at most once
    balance = rest.get(f"/v1/ledger/accounts/{wallet}/balance").json()["balance"]
    assert balance["available"]["amountMinor"] == "750"

    # A reversal over gRPC books money back; the original stays posted.
    reversal = await via_envoy.ledger.ReverseTransfer(api.ReverseTransferRequest(
        transfer_id=hold["transferId"], request_id=ids("r"), amount={"currency_code": "EUR", "amount_minor": 50}))
    assert reversal.transfer.reverses_transfer_id == hold["transferId"]
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await via_envoy.ledger.ReverseTransfer(api.ReverseTransferRequest(
            transfer_id=hold["transferId"], request_id=ids("r"), amount={"currency_code": "EUR", "amount_minor": 201}))
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT

    # Entries page newest first; the balance before the top-up was zero.
    page = rest.get(f"/v1/ledger/accounts/{wallet}/entries", params={"pageSize": 2}).json()
    assert len(page["entries"]) == 2 and page["nextPageToken"]
    rest_page = rest.get(f"/v1/ledger/accounts/{wallet}/entries", params={"pageSize": 2, "pageToken": page["nextPageToken"]}).json()
    assert len(rest_page["entries"]) == 1 and not rest_page.get("nextPageToken")
    early = rest.get(f"/v1/ledger/accounts/{wallet}/balance", params={"atTime": "2000-01-01T00:00:00Z"}).json()["balance"]
    assert early["available"]["amountMinor"] == "0"
    by_order = rest.get("/v1/ledger/transfers", params={"orderId": leg["ref"]["orderId"]}).json()["transfers"]
    assert {t["transferId"] for t in by_order} == {hold["transferId"], reversal.transfer.transfer_id}

    # Frozen: debits refused, credits land; close needs zero balance.
    frozen = await via_envoy.ledger.FreezeAccount(api.FreezeAccountRequest(account_id=wallet, reason="e2e"))
    assert frozen.account.state == 2
    refused = rest.post("/v1/ledger/transfers", json={"requestId": ids("x"), "legs": [{**leg, "pending": False, "amount": eur(1)}]})
    assert refused.status_code == 400 and "ACCOUNT_NOT_ACTIVE" in refused.text
    closing = rest.post(f"/v1/ledger/accounts/{wallet}:close", json={})
    assert closing.status_code == 400 and "ACCOUNT_NOT_EMPTY" in closing.text
    assert rest.post(f"/v1/ledger/accounts/{wallet}:unfreeze", json={}).json()["account"]["state"] == "ACCOUNT_STATE_ACTIVE"
    listed = rest.get("/v1/ledger/accounts", params={"ownerId": member}).json()["accounts"]
    assert [a["accountId"] for a in listed] == [wallet]

    # A hold with a 1 s timeout is expired by the worker; events reach the outbox and are published.
    short = rest.post("/v1/ledger/transfers", json={"requestId": ids("h"), "legs": [{**leg, "timeoutSeconds": "1"}]}).json()["transfers"][0]

    async def expired():
        return rest.get(f"/v1/ledger/transfers/{short['transferId']}").json()["transfer"]["state"] == "TRANSFER_STATE_EXPIRED"
    assert await eventually(expired, 15.0)

    async def published():
        rows = await pg.fetch("SELECT event_type FROM ledger.outbox WHERE publish_time IS NOT NULL AND payload::text LIKE $1",
                              f"%{short['transferId']}%")
        return {r["event_type"] for r in rows} == {"transfers.expired"}
    assert await eventually(published, 10.0)

    bad = rest.post("/v1/ledger/transfers", json={"requestId": ids("b"), "legs": [{**leg, "amount": eur(0)}]})
    assert bad.status_code == 400
    verify = rest.post("/v1/ledger:verify", json={}).json()
    assert verify["ok"] is True, verify["reportLines"]
