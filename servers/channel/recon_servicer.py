"""gRPC ↔ statements and reconciliation. Translation plus the little orchestration a run needs:
run the set-based matching, then post the automatic ledger bookings (recon.book_pending)."""
from __future__ import annotations

import csv
import datetime as dt
import io

from google.api import httpbody_pb2
from sqlalchemy import text

from paymesh.channel.v1 import channel_pb2 as pb, channel_service_pb2 as api, channel_service_pb2_grpc as rpc
from paymesh.channel.v1 import reconciliation_pb2 as rc, reconciliation_pb2_grpc as rc_rpc
from servers.channel import errors, recon, statements
from servers.channel.recon import CLASS_NAMES, SLA_SECONDS, Case, Tolerance
from servers.channel.recon_adapters import bad_date, parser_for
from servers.channel.recon_store import SqlReconStore
from servers.kernel.context import current_context_id
from servers.kernel.db import Database
from servers.kernel.errors import FailedPrecondition, NotFound, invalid
from servers.kernel.timestamps import to_timestamp as ts


def _money(cur: str, minor: int | None):
    return {"currency_code": cur, "amount_minor": minor} if minor is not None else None


def statement_pb(r) -> pb.Statement:
    totals = r.totals or {}
    return pb.Statement(
        statement_id=r.statement_id, channel_id=r.channel_id, statement_date=r.statement_date.isoformat(), state=r.state,
        source=r.source, ufs_file_tag=r.ufs_file_tag, file_sha256=r.file_sha256, line_count=r.line_count,
        total_amounts=[_money(c, v) for c, v in sorted(totals.get("amounts", {}).items())],
        total_fees=[_money(c, v) for c, v in sorted(totals.get("fees", {}).items())], error_message=r.error_message,
        create_time=ts(r.create_time), import_time=ts(r.import_time))


class StatementServicer(rpc.ChannelStatementServiceServicer):
    def __init__(self, db: Database, catalog, fetcher, ufs_fetcher=None):
        self.db, self.catalog, self.fetcher, self.ufs_fetcher = db, catalog, fetcher, ufs_fetcher

    async def ImportStatement(self, request, context):
        channel = self.catalog.channels.get(request.channel_id)
        if channel is None:
            raise errors.channel_not_found(request.channel_id)
        date = bad_date(request.statement_date)
        if request.source == pb.STATEMENT_SOURCE_UFS_FILE:
            if not request.ufs_file_tag:
                raise invalid("ufs_file_tag", "required for STATEMENT_SOURCE_UFS_FILE")
            if self.ufs_fetcher is None:
                raise FailedPrecondition("STATEMENT_SOURCE_UNSUPPORTED", "no UFS configured", {"source": "STATEMENT_SOURCE_UFS_FILE"})
            source = lambda: self.ufs_fetcher.fetch_tag(request.ufs_file_tag)  # noqa: E731
        else:
            source = lambda: self.fetcher.fetch(channel, date)  # noqa: E731
        row = await statements.import_statement(self.db, channel.channel_id, date, request.source, parser_for(channel), source,
                                                request.replace, request.ufs_file_tag)
        return api.ImportStatementResponse(statement=statement_pb(row))

    async def GetStatement(self, request, context):
        return api.GetStatementResponse(statement=statement_pb(await statements.get(self.db, request.channel_id, request.statement_id)))

    async def ListStatements(self, request, context):
        where, params = ["channel_id = :c"], {"c": request.channel_id, "n": request.page_size or 50}
        for name, op in (("start_date", ">="), ("end_date", "<=")):
            if getattr(request, name):
                where.append(f"statement_date {op} :{name}")
                params[name] = bad_date(getattr(request, name))
        if request.page_token:
            where.append("statement_date < :tok")
            params["tok"] = bad_date(request.page_token)
        async with self.db.transaction() as conn:
            rows = (await conn.execute(text(f"SELECT {statements.STATEMENT_COLS} FROM statements WHERE {' AND '.join(where)}"
                                            " ORDER BY statement_date DESC LIMIT :n"), params)).all()
        token = rows[-1].statement_date.isoformat() if len(rows) == params["n"] else ""
        return api.ListStatementsResponse(statements=[statement_pb(r) for r in rows], next_page_token=token)

    async def ListStatementLines(self, request, context):
        await statements.get(self.db, request.channel_id, request.statement_id)
        token = request.page_token
        size, after = request.page_size or 50, int(token) if token.isdigit() and len(token) <= 18 else 0
        async with self.db.transaction() as conn:
            rows = (await conn.execute(text(
                "SELECT line_number, channel_reference, inst_order_id, type, state, currency_code, amount_minor, fee_minor,"
                " transaction_time, raw_status FROM statement_lines WHERE statement_id = :s AND line_number > :a"
                " ORDER BY line_number LIMIT :n"), {"s": request.statement_id, "a": after, "n": size})).all()
        lines = [pb.StatementLine(statement_id=request.statement_id, line_number=r.line_number, channel_reference=r.channel_reference,
                                  inst_order_id=r.inst_order_id, type=r.type, state=r.state, amount=_money(r.currency_code, r.amount_minor),
                                  fee=_money(r.currency_code, r.fee_minor), transaction_time=ts(r.transaction_time),
                                  raw_status=r.raw_status) for r in rows]
        return api.ListStatementLinesResponse(lines=lines, next_page_token=str(rows[-1].line_number) if len(rows) == size else "")


def run_pb(r) -> rc.ReconciliationRun:
    totals = [rc.ClassTotal(class_name=CLASS_NAMES[int(k)], count=v["count"],
                            amounts=[_money(c, a) for c, a in sorted(v["amounts"].items())])
              for k, v in sorted((r.totals or {}).items(), key=lambda kv: int(kv[0]))]
    return rc.ReconciliationRun(run_id=r.run_id, channel_id=r.channel_id, statement_date=r.statement_date.isoformat(),
                                statement_id=r.statement_id, state=r.state, line_count=r.line_count, totals=totals,
                                cases_opened=r.cases_opened, cases_settled=r.cases_settled, error_message=r.error_message,
                                create_time=ts(r.create_time), finish_time=ts(r.finish_time))


def case_pb(c: Case, now: dt.datetime | None = None) -> rc.ReconciliationCase:
    now = now or dt.datetime.now(dt.timezone.utc)
    adj = c.adjustment
    state_name = {5: "SUCCESS", 6: "FAIL"}
    return rc.ReconciliationCase(
        case_id=c.case_id, kind=int(c.kind), state=int(c.state), channel_id=c.channel_id, statement_date=c.statement_date.isoformat(),
        run_id=c.run_id, inst_order_id=c.inst_order_id, channel_reference=c.channel_reference, line_number=c.line_number,
        local_amount=_money(c.currency_code, c.local_amount), channel_amount=_money(c.currency_code, c.channel_amount),
        local_fee=_money(c.currency_code, c.local_fee), channel_fee=_money(c.currency_code, c.channel_fee),
        local_state=pb.InstOrderState.Name(c.local_state) if c.local_state else "",
        channel_state=state_name.get(c.channel_state, ""), resolution=c.resolution, note=c.note,
        ledger_transfer_ids=list(c.ledger_transfer_ids),
        adjustment=rc.Adjustment(amount_minor=adj["amount_minor"], currency_code=c.currency_code, note=adj["note"],
                                 proposed_by=adj["proposed_by"], approved_by=adj["approved_by"],
                                 ledger_transfer_ids=adj["ledger_transfer_ids"]) if adj else None,
        age_seconds=c.age_seconds(now), sla_seconds=SLA_SECONDS[c.kind], sla_breached=c.sla_breached(now),
        context_id=c.context_id, create_time=ts(c.create_time), update_time=ts(c.update_time))


class ReconciliationServicer(rc_rpc.ReconciliationServiceServicer):
    def __init__(self, db: Database, ledger, correct: recon.Correct):
        self.db, self.store, self.ledger, self.correct = db, SqlReconStore(db), ledger, correct

    async def _resolve(self, channel_id: str) -> None:
        """The automatic resolutions left to do (every run, so a crash in between is finished)."""
        await recon.book_pending(self.store, self.ledger, channel_id)
        await recon.resolve_open_status(self.store, self.correct, self.ledger, channel_id)

    async def RunReconciliation(self, request, context):
        date = bad_date(request.statement_date)
        existing = await self.store.latest_run(request.channel_id, date)
        if existing is not None and not request.rerun:
            await self._resolve(request.channel_id)
            return rc.RunReconciliationResponse(run=run_pb(existing))
        async with self.db.transaction() as conn:
            stm = await statements.find(conn, request.channel_id, date)
        if stm is None or stm.state != statements.IMPORTED:
            raise NotFound("STATEMENT_NOT_FOUND", f"no imported statement of {request.channel_id} for {date}",
                           {"channel_id": request.channel_id, "statement_date": request.statement_date})
        tol = await self.store.tolerance(request.channel_id)
        run = await self.store.match(request.channel_id, date, stm.statement_id, stm.line_count, tol, current_context_id())
        await self._resolve(request.channel_id)
        return rc.RunReconciliationResponse(run=run_pb(run))

    async def GetReconciliationRun(self, request, context):
        row = await self.store.get_run(request.run_id)
        if row is None:
            raise NotFound("RUN_NOT_FOUND", f"run {request.run_id} not found", {"run_id": request.run_id})
        return rc.GetReconciliationRunResponse(run=run_pb(row))

    async def ListReconciliationRuns(self, request, context):
        rows = await self.store.list_runs(request.channel_id, request.page_size or 50)
        return rc.ListReconciliationRunsResponse(runs=[run_pb(r) for r in rows])

    async def GetReconciliationCase(self, request, context):
        case = await self.store.get_case(request.case_id)
        if case is None:
            raise NotFound("CASE_NOT_FOUND", f"reconciliation case {request.case_id} not found", {"case_id": request.case_id})
        return rc.GetReconciliationCaseResponse(case=case_pb(case))

    async def ListReconciliationCases(self, request, context):
        size = request.page_size or 50
        where = {"channel_id": request.channel_id, "kind": request.kind, "state": request.state, "run_id": request.run_id,
                 "statement_date": bad_date(request.statement_date) if request.statement_date else None}
        cases = await self.store.list_cases(where, size, request.page_token)
        return rc.ListReconciliationCasesResponse(cases=[case_pb(c) for c in cases],
                                                  next_page_token=cases[-1].case_id if len(cases) == size else "")

    async def ProposeAdjustment(self, request, context):
        case = await recon.propose(self.store, request.case_id, request.amount_minor, request.note, request.operator_id)
        return rc.ProposeAdjustmentResponse(case=case_pb(case))

    async def ApproveAdjustment(self, request, context):
        case = await recon.approve(self.store, self.ledger, request.case_id, request.operator_id)
        return rc.ApproveAdjustmentResponse(case=case_pb(case))

    async def WriteOffCase(self, request, context):
        case = await recon.write_off(self.store, request.case_id, request.note, request.operator_id)
        return rc.WriteOffCaseResponse(case=case_pb(case))

    async def SetReconciliationConfig(self, request, context):
        tol = Tolerance(request.amount_tolerance_minor, request.fee_tolerance_minor)
        await self.store.set_tolerance(request.channel_id, tol)
        return rc.SetReconciliationConfigResponse(channel_id=request.channel_id, amount_tolerance_minor=tol.amount_minor,
                                                  fee_tolerance_minor=tol.fee_minor)

    async def _summary(self, channel_id: str, date_text: str) -> rc.GetReconciliationSummaryResponse:
        date = bad_date(date_text)
        run = await self.store.latest_run(channel_id, date)
        if run is None:
            raise NotFound("RUN_NOT_FOUND", f"no reconciliation of {channel_id} for {date}", {"channel_id": channel_id})
        open_, closed = await self.store.case_counts(channel_id, date)
        return rc.GetReconciliationSummaryResponse(run=run_pb(run), open_cases=open_, closed_cases=closed)

    async def GetReconciliationSummary(self, request, context):
        return await self._summary(request.channel_id, request.statement_date)

    async def GetReconciliationReport(self, request, context):
        return httpbody_pb2.HttpBody(content_type="text/csv; charset=utf-8",
                                     data=summary_csv(await self._summary(request.channel_id, request.statement_date)).encode())


def summary_csv(summary: rc.GetReconciliationSummaryResponse) -> str:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["channel_id", "statement_date", "class", "count", "currency_code", "amount_minor"])
    run = summary.run
    for t in run.totals:
        for m in t.amounts or [None]:
            w.writerow([run.channel_id, run.statement_date, t.class_name, t.count, m.currency_code if m else "",
                        m.amount_minor if m else 0])
    w.writerow([run.channel_id, run.statement_date, "OPEN_CASES", summary.open_cases, "", 0])
    w.writerow([run.channel_id, run.statement_date, "CLOSED_CASES", summary.closed_cases, "", 0])
    return out.getvalue()
