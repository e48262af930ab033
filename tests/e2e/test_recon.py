"""Reconciliation end to end: payments through the simulator, its daily statement with every
drift kind injected, import + reconcile, 100 % detection, the automatic resolutions, the
maker-checker adjustment, the next day's run settling the channel-missing case, and a clean
ledger verify afterwards."""
from __future__ import annotations

import asyncio
import datetime as dt
import json
import time
from pathlib import Path

import grpc
import httpx
import pytest

from paymesh.channel.v1 import channel_pb2 as pb, channel_service_pb2 as api, reconciliation_pb2 as rc
from paymesh.ledger.v1 import ledger_service_pb2 as ledger_api
from servers.channel.connector import load_keys, sign
from tests.e2e import test_payment_cards as cards
from tests.e2e.conftest import eventually, payment_outcome, simulated_channel, transfers_of

KINDS = {rc.DIFFERENCE_KIND_LOCAL_MISSING, rc.DIFFERENCE_KIND_CHANNEL_MISSING, rc.DIFFERENCE_KIND_AMOUNT_MISMATCH,
         rc.DIFFERENCE_KIND_STATUS_MISMATCH, rc.DIFFERENCE_KIND_FEE_MISMATCH}


async def _channel(mesh, stack, ids) -> tuple[str, str]:
    sim = stack[0].endpoints()["channel_sim"]
    channel, merchant = ids("rec").lower(), ids("mer")
    spec = pb.ChannelSpec(display_name=channel, methods=[pb.PAYMENT_METHOD_CARD], card_orgs=[pb.CARD_ORGANIZATION_VISA],
                          operations=[pb.INST_ORDER_TYPE_PAY, pb.INST_ORDER_TYPE_REFUND], currencies=[pb.ChannelCurrency(currency_code="EUR")],
                          fee_rate_bps=100, three_ds=pb.THREE_DS_CAPABILITY_SUPPORTED,
                          connector=pb.ChannelConnector(adapter="http-json-v1", endpoint=sim, signing_key_ref="sim",
                                                        request_timeout_millis=2000, query_backoff_seconds=[1]))
    await mesh.channel_admin.CreateChannel(api.CreateChannelRequest(channel_id=channel, spec=spec, request_id=ids("r")))
    httpx.post(f"{sim}/sim/config/{channel}", json={"magic": True, "notify_delay_ms": 50, "fee_bps": 100})
    await mesh.channel_admin.UpsertErrorCodeMapping(api.UpsertErrorCodeMappingRequest(
        mapping=pb.ErrorCodeMapping(channel_id=channel, channel_code="05", result_code=pb.RESULT_CODE_DECLINED, retryable=False),
        request_id=ids("r")))
    await mesh.routing.CreateRoutingRule(api.CreateRoutingRuleRequest(request_id=ids("r"), spec=pb.RoutingRuleSpec(
        name=ids("rule").lower(), priority=10, conditions=pb.RoutingConditions(merchant_ids=[merchant]), channel_ids=[channel],
        strategy=pb.ROUTING_STRATEGY_PRIORITY)))
    return channel, sim


async def _pay(mesh, ids, channel: str, amount: int) -> pb.InstOrder:
    reply = await mesh.channel.SubmitPayment(api.SubmitPaymentRequest(
        request_id=ids("r"), instruction_id=ids("ins"), ref={"order_id": ids("ord"), "payment_id": ids("pay")}, channel_id=channel,
        merchant_id="m_recon", amount={"currency_code": "EUR", "amount_minor": amount},
        verification_method=pb.VERIFICATION_METHOD_PASSWORD, max_attempts=1,
        card=pb.CardInstrument(card_no_ticket="tkt_x", card_org=pb.CARD_ORGANIZATION_VISA, card_bin="411111", card_last4="1111",
                               expiry_month=12, expiry_year=2030)))

    async def final():
        order = (await mesh.channel.GetInstOrder(api.GetInstOrderRequest(inst_order_id=reply.inst_order.inst_order_id))).inst_order
        return order if order.state in (pb.INST_ORDER_STATE_SUCCESS, pb.INST_ORDER_STATE_FAIL) else None
    order = await eventually(final, 15)
    assert order is not None
    return order


async def _import_and_run(mesh, ids, channel: str, date: str) -> rc.ReconciliationRun:
    stm = (await mesh.statements.ImportStatement(api.ImportStatementRequest(
        channel_id=channel, statement_date=date, source=pb.STATEMENT_SOURCE_CHANNEL_FETCH, request_id=ids("r")))).statement
    assert stm.state == pb.STATEMENT_STATE_IMPORTED
    again = (await mesh.statements.ImportStatement(api.ImportStatementRequest(
        channel_id=channel, statement_date=date, source=pb.STATEMENT_SOURCE_CHANNEL_FETCH, request_id=ids("r")))).statement
    assert again.statement_id == stm.statement_id  # idempotent per channel and date
    lines = (await mesh.statements.ListStatementLines(api.ListStatementLinesRequest(
        channel_id=channel, statement_id=stm.statement_id, page_size=100))).lines
    assert [ln.line_number for ln in lines] == list(range(1, stm.line_count + 1))
    listed = (await mesh.statements.ListStatements(api.ListStatementsRequest(channel_id=channel))).statements
    assert listed[0].statement_date == date  # newest first
    return (await mesh.recon.RunReconciliation(rc.RunReconciliationRequest(channel_id=channel, statement_date=date,
                                                                            request_id=ids("r")))).run


async def _cases(mesh, channel: str) -> dict[int, list[rc.ReconciliationCase]]:
    cases = (await mesh.recon.ListReconciliationCases(rc.ListReconciliationCasesRequest(channel_id=channel, page_size=100))).cases
    out: dict[int, list] = {}
    for c in cases:
        out.setdefault(c.kind, []).append(c)
    return out


async def test_every_drift_kind_is_detected_and_resolved_and_the_ledger_verifies(via_envoy, stack, ids, rest, edge, capsys):
    mesh = via_envoy
    channel, sim = await _channel(mesh, stack, ids)
    orders = [await _pay(mesh, ids, channel, amount) for amount in (1000, 1001, 1002, 1003, 1004, 1051)]
    ok, dropped, amount, status, fee, declined = orders
    assert declined.state == pb.INST_ORDER_STATE_FAIL and all(o.state == pb.INST_ORDER_STATE_SUCCESS for o in orders[:5])
    httpx.post(f"{sim}/sim/config/{channel}", json={"statement_drift": {
        "drop": [dropped.inst_order_id], "amount": {amount.inst_order_id: 7}, "status": [status.inst_order_id],
        "fee": {fee.inst_order_id: 3}, "add": [{"amount_minor": 2500, "currency_code": "EUR"}]}})
    today = dt.datetime.now(dt.timezone.utc).date()

    run = await _import_and_run(mesh, ids, channel, today.isoformat())
    totals = {t.class_name: t.count for t in run.totals}
    assert totals == {"MATCHED": 2, "LOCAL_MISSING": 1, "CHANNEL_MISSING": 1, "AMOUNT_MISMATCH": 1, "STATUS_MISMATCH": 1,
                      "FEE_MISMATCH": 1}, totals
    assert run.cases_opened == 5 and run.line_count == 6
    cases = await _cases(mesh, channel)
    assert set(cases) == KINDS and all(len(v) == 1 for v in cases.values())  # 100 % detection, one case each
    assert cases[rc.DIFFERENCE_KIND_CHANNEL_MISSING][0].inst_order_id == dropped.inst_order_id
    assert cases[rc.DIFFERENCE_KIND_STATUS_MISMATCH][0].inst_order_id == status.inst_order_id
    assert cases[rc.DIFFERENCE_KIND_FEE_MISMATCH][0].inst_order_id == fee.inst_order_id
    adjusted = cases[rc.DIFFERENCE_KIND_AMOUNT_MISMATCH][0]
    assert adjusted.inst_order_id == amount.inst_order_id and adjusted.state == rc.CASE_STATE_AUTO_RESOLVED
    assert adjusted.resolution == "SUSPENSE_ADJUSTED" and len(adjusted.ledger_transfer_ids) == 1
    transfer = rest.get(f"/v1/ledger/transfers/{adjusted.ledger_transfer_ids[0]}").json()["transfer"]
    assert int(transfer["amount"]["amountMinor"]) == 7 and transfer["businessCode"] == "RECON_AMOUNT_MISMATCH"
    local = cases[rc.DIFFERENCE_KIND_LOCAL_MISSING][0]
    assert local.state == rc.CASE_STATE_OPEN and local.resolution == "BOOKED_TO_SUSPENSE" and len(local.ledger_transfer_ids) == 1
    assert local.channel_amount.amount_minor == 2500 and local.sla_seconds > 0 and not local.sla_breached

    # a rerun opens nothing twice
    rerun = (await mesh.recon.RunReconciliation(rc.RunReconciliationRequest(channel_id=channel, statement_date=today.isoformat(),
                                                                             rerun=True, request_id=ids("r")))).run
    assert rerun.run_id != run.run_id and rerun.cases_opened == 0

    # maker-checker on the fee difference
    fee_case = cases[rc.DIFFERENCE_KIND_FEE_MISMATCH][0]
    await mesh.recon.ProposeAdjustment(rc.ProposeAdjustmentRequest(case_id=fee_case.case_id, amount_minor=-3, note="fee over-charged",
                                                                   operator_id="alice", request_id=ids("r")))
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await mesh.recon.ApproveAdjustment(rc.ApproveAdjustmentRequest(case_id=fee_case.case_id, operator_id="alice", request_id=ids("r")))
    assert err.value.code() == grpc.StatusCode.PERMISSION_DENIED
    approved = (await mesh.recon.ApproveAdjustment(rc.ApproveAdjustmentRequest(case_id=fee_case.case_id, operator_id="bob",
                                                                                request_id=ids("r")))).case
    assert approved.state == rc.CASE_STATE_ADJUSTED and approved.adjustment.approved_by == "bob"
    assert len(approved.adjustment.ledger_transfer_ids) == 1
    # the channel failed an order we booked as paid: its word wins, the receivable is reversed through suspense
    status_case = cases[rc.DIFFERENCE_KIND_STATUS_MISMATCH][0]
    assert status_case.state == rc.CASE_STATE_AUTO_RESOLVED and status_case.resolution == "REVERSED_TO_SUSPENSE"
    assert len(status_case.ledger_transfer_ids) == 1
    reversal = rest.get(f"/v1/ledger/transfers/{status_case.ledger_transfer_ids[0]}").json()["transfer"]
    assert int(reversal["amount"]["amountMinor"]) == 1003 and reversal["businessCode"] == "RECON_STATUS_MISMATCH"

    # the next day's statement still lacks the dropped order: reversed through suspense
    tomorrow = (today + dt.timedelta(days=1)).isoformat()
    nxt = await _import_and_run(mesh, ids, channel, tomorrow)
    assert nxt.cases_settled == 1
    missing = (await mesh.recon.GetReconciliationCase(rc.GetReconciliationCaseRequest(
        case_id=cases[rc.DIFFERENCE_KIND_CHANNEL_MISSING][0].case_id))).case
    assert missing.state == rc.CASE_STATE_AUTO_RESOLVED and missing.resolution == "REVERSED_TO_SUSPENSE"
    assert len(missing.ledger_transfer_ids) == 1

    summary = await mesh.recon.GetReconciliationSummary(rc.GetReconciliationSummaryRequest(channel_id=channel,
                                                                                           statement_date=today.isoformat()))
    assert summary.open_cases == 1 and summary.closed_cases == 4  # the local-missing one waits for operations
    report = rest.get(f"/v1/channels/{channel}/reconciliations/{today.isoformat()}/report.csv")
    assert report.status_code == 200 and report.headers["content-type"].startswith("text/csv")
    assert "AMOUNT_MISMATCH" in report.text and "MATCHED" in report.text

    from clients import cli_channel

    def cli(*argv: str) -> int:
        import argparse
        sub = argparse.ArgumentParser().add_subparsers(dest="cmd")
        cli_channel.register(sub)
        args = sub._name_parser_map["recon"].parse_args(["--via", edge, *argv])
        return asyncio.get_running_loop().run_in_executor(None, args.func, args)
    capsys.readouterr()
    assert await cli("summary", channel, today.isoformat()) == 0
    assert "AMOUNT_MISMATCH" in capsys.readouterr().out
    assert await cli("cases", "--channel", channel, "--state", "open") == 0
    assert local.case_id in capsys.readouterr().out
    assert await cli("approve", local.case_id, "--operator", "bob") == 1  # nothing proposed
    assert "NO_PROPOSAL" in capsys.readouterr().err

    written = (await mesh.recon.WriteOffCase(rc.WriteOffCaseRequest(case_id=local.case_id, note="unknown capture, refunded by phone",
                                                                     operator_id="carol", request_id=ids("r")))).case
    assert written.state == rc.CASE_STATE_WRITTEN_OFF

    verify = await mesh.ledger.VerifyLedger(ledger_api.VerifyLedgerRequest())
    assert verify.ok, list(verify.report_lines)


async def test_a_capture_after_our_fail_is_corrected_at_once_and_refunded_by_the_payment_engine(via_envoy, stack, ids, rest, env):
    """The channel declined (we recorded FAIL, the payment FAILED), then signed a SUCCESS: near-real-time
    reconciliation opens the case, the channel's word wins (the order becomes SUCCESS), and the payment
    engine books the capture to suspense and refunds it through the channel. Nothing is lost or kept."""
    merchant = ids("mch")
    channel = await simulated_channel(via_envoy, stack, ids, [pb.RoutingConditions(merchant_ids=[merchant])])
    failed = await payment_outcome(rest, cards._pay(rest, ids, merchant, ids("mem"), 1051)["paymentId"])
    assert failed["state"] == "PAYMENT_STATE_FAILED"
    ino = failed["instructions"][0]["instOrderId"]
    # the channel captured after all; from now on it scripts nothing by amount (its refund of 1051 must pass)
    httpx.post(f"{stack[0].endpoints()['channel_sim']}/sim/config/{channel}", json={"magic": False})
    key = load_keys(Path(env["PAYMESH_HOME"]) / "channel" / "signing-keys.json")["sim"]
    body = json.dumps({"notification_id": ids("ntf"), "reference": ino, "status": "SUCCESS", "code": "00",
                       "amount_minor": 1051}).encode()
    stamp = str(int(time.time()))
    late = rest.post(f"/v1/channels/{channel}/notifications", content=body, headers={
        "content-type": "application/json", "x-channel-timestamp": stamp, "x-channel-signature": sign(key, stamp, body)})
    assert late.status_code == 200 and late.json()["result"] == "NOTIFICATION_RESULT_STALE", late.text
    cases = (await via_envoy.recon.ListReconciliationCases(rc.ListReconciliationCasesRequest(channel_id=channel))).cases
    assert [(c.kind, c.inst_order_id, c.state, c.resolution) for c in cases] == [
        (rc.DIFFERENCE_KIND_STATUS_MISMATCH, ino, rc.CASE_STATE_AUTO_RESOLVED, "CAPTURE_TO_PAYMENT")]
    assert cases[0].note.startswith("near-real-time") and cases[0].channel_state == "SUCCESS"
    order = (await via_envoy.channel.GetInstOrder(api.GetInstOrderRequest(inst_order_id=ino))).inst_order
    assert order.state == pb.INST_ORDER_STATE_SUCCESS and order.settled_amount.amount_minor == 1051

    async def refunded():
        p = rest.get(f"/v1/payments/{failed['paymentId']}").json()["payment"]
        return p if [r["state"] for r in p.get("channelRefunds", [])] == ["SUCCEEDED"] else None
    done = await eventually(refunded, 45)
    assert done, json.dumps(rest.get(f"/v1/payments/{failed['paymentId']}").json())
    assert done["state"] == "PAYMENT_STATE_FAILED" and done["lateCapture"]["amountMinor"] == "1051"
    assert [(r["source"], r["amount"]["amountMinor"]) for r in done["channelRefunds"]] == [("LATE_CAPTURE", "1051")]
    booked = sorted(t["businessCode"] for t in transfers_of(rest, failed["paymentId"]))
    assert booked == ["LATE_SUCCESS", "SUSPENSE_REFUND"], booked
    verify = await via_envoy.ledger.VerifyLedger(ledger_api.VerifyLedgerRequest())
    assert verify.ok, list(verify.report_lines)


async def test_a_statement_uploaded_to_ufs_is_imported_by_file_tag(via_envoy, stack, ids, rest):
    from paymesh.ufs.v1 import ufs_service_pb2 as ufs_api
    from servers.channel.recon_adapters import SIM_HEADER

    channel, _sim = await _channel(via_envoy, stack, ids)
    order = await _pay(via_envoy, ids, channel, 1200)
    uploader = ids("rup")
    for client in (uploader, "paymesh-channel"):  # the channel downloads as its own UFS client
        try:
            await via_envoy.ufs_admin.CreateClient(ufs_api.CreateClientRequest(client_id=client, password="s3cret-password-1",
                                                                               request_id=ids("r")))
        except grpc.aio.AioRpcError as exc:
            assert exc.code() == grpc.StatusCode.ALREADY_EXISTS, exc
    today = dt.datetime.now(dt.timezone.utc).date().isoformat()
    body = (",".join(SIM_HEADER) + "\n" + f"{order.channel_reference},{order.inst_order_id},PAY,SUCCESS,1200,EUR,12,"
            f"{today}T10:00:00+00:00\n").encode()
    tag = rest.put("/ufs2/share/file", content=body, headers={"x-ufs-client-id": uploader}).json()["fileTag"]
    stm = (await via_envoy.statements.ImportStatement(api.ImportStatementRequest(
        channel_id=channel, statement_date=today, source=pb.STATEMENT_SOURCE_UFS_FILE, ufs_file_tag=tag, request_id=ids("r")))).statement
    assert stm.line_count == 1 and stm.ufs_file_tag == tag and stm.source == pb.STATEMENT_SOURCE_UFS_FILE
    run = (await via_envoy.recon.RunReconciliation(rc.RunReconciliationRequest(channel_id=channel, statement_date=today,
                                                                                request_id=ids("r")))).run
    assert [(t.class_name, t.count) for t in run.totals] == [("MATCHED", 1)] and run.cases_opened == 0
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await via_envoy.statements.ImportStatement(api.ImportStatementRequest(
            channel_id=channel, statement_date="2020-01-01", source=pb.STATEMENT_SOURCE_UFS_FILE, ufs_file_tag="0" * 32,
            request_id=ids("r")))
    assert err.value.code() == grpc.StatusCode.NOT_FOUND


async def test_bad_input_and_unknown_things_are_clear_errors(via_envoy, ids, rest):
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await via_envoy.recon.RunReconciliation(rc.RunReconciliationRequest(channel_id="nope", statement_date="2026-02-30",
                                                                             request_id=ids("r")))
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await via_envoy.recon.GetReconciliationCase(rc.GetReconciliationCaseRequest(case_id="rcc_missing"))
    assert err.value.code() == grpc.StatusCode.NOT_FOUND
    assert rest.post("/v1/channels/nope/reconciliations", json={"statementDate": "x", "requestId": "r"}).status_code == 400
