"""SQL for the engine's own channel refunds (channel_refunds.py), mixed into SqlPaymentRepository."""
from __future__ import annotations

from typing import Any

from sqlalchemy import text

from servers.kernel.db import cas_update
from servers.payment.domain import ChannelRefund

_COLS = ("refund_key, payment_id, source, instruction_id, original_inst_order_id, channel_id, currency_code, merchant_minor,"
         " suspense_minor, fee_back_minor, state, channel_result, inst_order_id, ledger_transfer_ids, failure_reason")
# Payments the janitor resumes for their refunds: a refund not sent (after a grace for the request that
# planned it), a verdict not acted on, or a review decision recorded but not carried out.
WAITING_SQL = (" UNION SELECT payment_id FROM channel_refunds WHERE (state = 'PENDING' AND update_time < now() - interval '5 seconds')"
               " OR (state = 'SUBMITTED' AND channel_result IN ('SUCCESS', 'FAIL'))"
               " UNION SELECT payment_id FROM payments WHERE state = 6 AND review_resolution <> ''")


def _row(r) -> ChannelRefund:
    return ChannelRefund(r.refund_key, r.payment_id, r.source, r.instruction_id, r.original_inst_order_id, r.channel_id, r.currency_code,
                         r.merchant_minor, r.suspense_minor, r.fee_back_minor, r.state, r.channel_result, r.inst_order_id,
                         tuple(r.ledger_transfer_ids), r.failure_reason)


class SqlRefundStore:
    conn: Any

    async def record_refunds(self, rows: list[ChannelRefund]) -> None:
        if not rows:
            return
        await self.conn.execute(text(
            "INSERT INTO channel_refunds (refund_key, payment_id, source, instruction_id, original_inst_order_id, channel_id, currency_code,"
            " merchant_minor, suspense_minor, fee_back_minor) VALUES (:k, :p, :s, :i, :o, :ch, :c, :m, :sus, :fee)"
            " ON CONFLICT (refund_key) DO NOTHING"),
            [{"k": r.refund_key, "p": r.payment_id, "s": r.source, "i": r.instruction_id, "o": r.original_inst_order_id, "ch": r.channel_id,
              "c": r.currency_code, "m": r.merchant_minor, "sus": r.suspense_minor, "fee": r.fee_back_minor} for r in rows])

    async def channel_refunds(self, payment_id: str) -> list[ChannelRefund]:
        rows = await self.conn.execute(text(f"SELECT {_COLS} FROM channel_refunds WHERE payment_id = :p ORDER BY create_time, refund_key"),
                                       {"p": payment_id})
        return [_row(r) for r in rows]

    async def set_refund(self, refund_key: str, expected: str, target: str, **changes: Any) -> bool:
        return await cas_update(self.conn, "channel_refunds", {"refund_key": refund_key, "state": expected}, target, changes,
                                "refund_key") is not None

    async def record_refund_result(self, instruction_id: str, verdict: str, inst_order_id: str, reason: str) -> str | None:
        row = (await self.conn.execute(text(
            "UPDATE channel_refunds SET channel_result = :v, failure_reason = :why, update_time = now(),"
            " inst_order_id = coalesce(nullif(inst_order_id, ''), :io)"
            " WHERE instruction_id = :i AND channel_result = '' AND state IN ('PENDING', 'SUBMITTED') RETURNING payment_id"),
            {"i": instruction_id, "v": verdict, "io": inst_order_id, "why": reason})).first()
        return row.payment_id if row else None


class SqlRecoveryQueries:
    conn: Any

    async def stuck_withdrawals(self, grace_seconds: int, limit: int) -> list[str]:
        """PROCESSING withdrawals whose payout instruction is still PENDING after the grace (withdrawal_recovery.py)."""
        rows = await self.conn.execute(text(
            "SELECT p.payment_id FROM payments p JOIN instructions i USING (payment_id)"
            " WHERE p.kind = 3 AND p.state = 2 AND i.state = 1 AND i.update_time < now() - make_interval(secs => :g)"
            " ORDER BY p.update_time LIMIT :n"), {"g": grace_seconds, "n": limit})
        return list(rows.scalars())
