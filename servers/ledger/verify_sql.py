"""The ledger's invariants as SQL, each a readable report line. VerifyLedger (and so
`paymesh ledger verify`) runs them in one REPEATABLE READ snapshot (adapters.snapshot), so
concurrent postings cannot make a correct ledger look broken, or a broken one look correct."""
from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

SHOW_MAX = 5
# Account balances as if every buffered delta were applied.
_EFFECTIVE = ("(SELECT a.account_id, a.currency_code, a.debits_must_not_exceed_credits dnx, a.credits_must_not_exceed_debits cnx,"
              " a.debits_posted + coalesce(sum(x.debits_posted), 0) dp, a.credits_posted + coalesce(sum(x.credits_posted), 0) cp,"
              " a.debits_pending + coalesce(sum(x.debits_pending), 0) dq, a.credits_pending + coalesce(sum(x.credits_pending), 0) cq"
              " FROM accounts a LEFT JOIN account_deltas x USING (account_id) GROUP BY a.account_id)")


def _bad(ids: list[str]) -> str:
    return "" if not ids else f"; e.g. {', '.join(ids[:SHOW_MAX])}"


async def run_checks(conn: AsyncConnection) -> list[tuple[bool, str]]:
    async def rows(sql: str):
        return (await conn.execute(text(sql))).all()

    async def ids(sql: str) -> list[str]:
        return [r[0] for r in await rows(f"{sql} LIMIT {SHOW_MAX + 1}")]

    checks: list[tuple[bool, str]] = []
    n = (await rows("SELECT (SELECT count(*) FROM accounts) na, (SELECT count(*) FROM transfers) nt,"
                    " (SELECT count(*) FROM entries) ne, (SELECT count(*) FROM account_deltas) nd,"
                    " (SELECT count(*) FROM transfers WHERE state = 1) np"))[0]
    checks.append((True, f"scanned {n.na} accounts, {n.nt} transfers ({n.np} pending holds), {n.ne} entries,"
                         f" {n.nd} buffered deltas"))

    currencies = await rows("SELECT a.currency_code cur, coalesce(sum(e.debit_minor), 0) d, coalesce(sum(e.credit_minor), 0) c"
                            " FROM entries e JOIN accounts a USING (account_id) GROUP BY 1 ORDER BY 1")
    for r in currencies:
        checks.append((r.d == r.c, f"{r.cur}: Σ debits {r.d} {'=' if r.d == r.c else '≠'} Σ credits {r.c} over all entries"))
    for r in await rows(f"SELECT currency_code cur, sum(dp) dp, sum(cp) cp, sum(dq) dq, sum(cq) cq FROM {_EFFECTIVE} b GROUP BY 1 ORDER BY 1"):
        ok = r.dp == r.cp and r.dq == r.cq
        checks.append((ok, f"{r.cur}: account totals balance (posted {r.dp} / {r.cp}, pending {r.dq} / {r.cq})"))

    bad = await ids(f"SELECT b.account_id FROM {_EFFECTIVE} b LEFT JOIN (SELECT account_id, sum(debit_minor) d, sum(credit_minor) c"
                    " FROM entries GROUP BY account_id) e USING (account_id)"
                    " WHERE b.dp <> coalesce(e.d, 0) OR b.cp <> coalesce(e.c, 0) ORDER BY 1")
    checks.append((not bad, "every account's posted balance (row + buffered deltas) = Σ its entries" + _bad(bad)))

    bad = await ids(f"SELECT b.account_id FROM {_EFFECTIVE} b"
                    " LEFT JOIN (SELECT debit_account_id id, sum(amount_minor) s FROM transfers WHERE state = 1 GROUP BY 1) hd ON hd.id = b.account_id"
                    " LEFT JOIN (SELECT credit_account_id id, sum(amount_minor) s FROM transfers WHERE state = 1 GROUP BY 1) hc ON hc.id = b.account_id"
                    " WHERE b.dq <> coalesce(hd.s, 0) OR b.cq <> coalesce(hc.s, 0) ORDER BY 1")
    checks.append((not bad, "every account's pending balance = Σ its unresolved holds" + _bad(bad)))

    bad = await ids(f"SELECT account_id FROM {_EFFECTIVE} b WHERE (dnx AND dp + dq > cp) OR (cnx AND cp + cq > dp) ORDER BY 1")
    checks.append((not bad, "no overdraft where flagged (debits ≤ credits / credits ≤ debits, holds included)" + _bad(bad)))

    bad = await ids("SELECT transfer_id FROM transfers WHERE NOT ((state = 1 AND resolve_time IS NULL)"
                    " OR (state IN (3, 4) AND pending AND resolve_time IS NOT NULL AND posted_amount_minor = 0)"
                    " OR (state = 2 AND (resolve_time IS NOT NULL) = pending)) ORDER BY 1")
    overdue = (await rows("SELECT count(*) n FROM transfers WHERE state = 1 AND timeout_time < now() - interval '1 minute'"))[0].n
    checks.append((not bad, f"every hold is pending or resolved exactly once ({overdue} pending more than 1 min past timeout,"
                            " left to the expiry worker)" + _bad(bad)))

    bad = await ids(
        "SELECT t.transfer_id FROM transfers t LEFT JOIN (SELECT transfer_id, count(*) n, sum(debit_minor) d, sum(credit_minor) c,"
        " max(account_id) FILTER (WHERE debit_minor > 0) da, max(account_id) FILTER (WHERE credit_minor > 0) ca"
        " FROM entries GROUP BY transfer_id) e USING (transfer_id)"
        " WHERE CASE WHEN t.state = 2 THEN e.n IS DISTINCT FROM 2 OR e.d <> t.posted_amount_minor OR e.c <> t.posted_amount_minor"
        " OR e.da <> t.debit_account_id OR e.ca <> t.credit_account_id ELSE e.n IS NOT NULL END ORDER BY 1")
    checks.append((not bad, "every posted transfer has exactly its two entries; unposted ones have none" + _bad(bad)))

    bad = await ids("SELECT t.transfer_id FROM transfers t JOIN accounts d ON d.account_id = t.debit_account_id"
                    " JOIN accounts c ON c.account_id = t.credit_account_id"
                    " WHERE d.currency_code <> t.currency_code OR c.currency_code <> t.currency_code ORDER BY 1")
    checks.append((not bad, "every transfer is in its accounts' currency" + _bad(bad)))

    bad = await ids("SELECT o.transfer_id FROM transfers r JOIN transfers o ON o.transfer_id = r.reverses_transfer_id"
                    " WHERE r.reverses_transfer_id <> '' GROUP BY o.transfer_id, o.posted_amount_minor, o.state"
                    " HAVING sum(r.amount_minor) > o.posted_amount_minor OR o.state <> 2"
                    " OR bool_or(r.debit_account_id <> o.credit_account_id OR r.credit_account_id <> o.debit_account_id) ORDER BY 1")
    checks.append((not bad, "reversals mirror a posted transfer and never exceed it" + _bad(bad)))

    bad = await ids("SELECT account_id FROM accounts a WHERE state = 3 AND account_id IN (SELECT account_id FROM"
                    f" {_EFFECTIVE} b WHERE dp <> cp OR dq <> 0 OR cq <> 0) ORDER BY 1")
    checks.append((not bad, "closed accounts are empty" + _bad(bad)))
    return checks
