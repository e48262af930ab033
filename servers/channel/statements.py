"""Statement import, streaming: the source is read in chunks, split into lines, parsed by the
channel's parser batch by batch and loaded with COPY (asyncpg) in batches, all in one
transaction — the file never sits in memory. Idempotent per (channel, date): an IMPORTED
statement is returned as is unless `replace`; a failed import is recorded FAILED and retried
by the next import."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from typing import AsyncIterator

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from servers.channel.ports import StatementParser
from servers.channel.recon_adapters import text_lines
from servers.kernel.db import Database, is_unique_violation
from servers.kernel.errors import FailedPrecondition, NotFound
from servers.kernel.ids import new_id

IMPORTING, IMPORTED, FAILED = 1, 2, 3
CHANNEL_FETCH, UFS_FILE = 1, 2
LINE_COLUMNS = ["statement_id", "line_number", "channel_reference", "inst_order_id", "type", "state", "currency_code",
                "amount_minor", "fee_minor", "transaction_time", "raw_status"]
COPY_BATCH = 20_000
STATEMENT_COLS = ("statement_id, channel_id, statement_date, state, source, ufs_file_tag, file_sha256, line_count, totals,"
                  " error_message, create_time, import_time")


@dataclass
class Totals:
    amounts: dict[str, int] = field(default_factory=dict)
    fees: dict[str, int] = field(default_factory=dict)

    def add(self, rows: list[tuple]) -> None:
        amounts, fees = self.amounts, self.fees
        for r in rows:
            amounts[r[4]] = amounts.get(r[4], 0) + r[5]
            fees[r[4]] = fees.get(r[4], 0) + r[6]


async def copy_lines(conn: AsyncConnection, records: list[tuple]) -> None:
    """COPY through the asyncpg connection under SQLAlchemy's (same transaction)."""
    raw = await conn.get_raw_connection()
    await raw.driver_connection.copy_records_to_table("statement_lines", records=records, columns=LINE_COLUMNS)


async def load(conn: AsyncConnection, statement_id: str, chunks: AsyncIterator[bytes], parser: StatementParser,
               copy=copy_lines) -> tuple[int, str, Totals]:
    """Streams chunks → lines → rows → COPY; returns (line count, sha256 hex, totals)."""
    digest, totals, pending, count, next_line = hashlib.sha256(), Totals(), [], 0, 1

    async def hashed() -> AsyncIterator[bytes]:
        async for chunk in chunks:
            digest.update(chunk)
            yield chunk

    async for batch in text_lines(hashed()):
        rows = parser.parse(batch, next_line)
        next_line += len(batch)
        totals.add(rows)
        for row in rows:
            count += 1
            pending.append((statement_id, count, *row))
        if len(pending) >= COPY_BATCH:
            await copy(conn, pending)
            pending = []
    if pending:
        await copy(conn, pending)
    return count, digest.hexdigest(), totals


async def find(conn: AsyncConnection, channel_id: str, date: dt.date):
    return (await conn.execute(text(f"SELECT {STATEMENT_COLS} FROM statements WHERE channel_id = :c AND statement_date = :d"),
                               {"c": channel_id, "d": date})).first()


async def get(db: Database, channel_id: str, statement_id: str):
    async with db.transaction() as conn:
        row = (await conn.execute(text(f"SELECT {STATEMENT_COLS} FROM statements WHERE statement_id = :s AND channel_id = :c"),
                                  {"s": statement_id, "c": channel_id})).first()
    if row is None:
        raise NotFound("STATEMENT_NOT_FOUND", f"statement {statement_id} not found", {"statement_id": statement_id})
    return row


async def import_statement(db: Database, channel_id: str, date: dt.date, source: int, parser: StatementParser,
                           chunks_factory, replace: bool = False, ufs_file_tag: str = "", copy=copy_lines):
    """Returns the statement row. chunks_factory() opens the source only when it is needed."""
    async with db.transaction() as conn:
        existing = await find(conn, channel_id, date)
    if existing is not None and existing.state == IMPORTED and not replace:
        return existing
    statement_id = new_id("stm")
    try:
        async with db.transaction() as conn:
            if existing is not None:
                await conn.execute(text("DELETE FROM statement_lines WHERE statement_id = :s"), {"s": existing.statement_id})
                await conn.execute(text("DELETE FROM statements WHERE statement_id = :s"), {"s": existing.statement_id})
            await conn.execute(text("INSERT INTO statements (statement_id, channel_id, statement_date, state, source, ufs_file_tag)"
                                    " VALUES (:s, :c, :d, :st, :src, :tag)"),
                               {"s": statement_id, "c": channel_id, "d": date, "st": IMPORTING, "src": source, "tag": ufs_file_tag})
            count, sha, totals = await load(conn, statement_id, chunks_factory(), parser, copy)
            await conn.execute(text("UPDATE statements SET state = :st, line_count = :n, file_sha256 = :h, totals = CAST(:t AS JSONB),"
                                    " import_time = now() WHERE statement_id = :s"),
                               {"st": IMPORTED, "n": count, "h": sha, "t": json.dumps({"amounts": totals.amounts, "fees": totals.fees}),
                                "s": statement_id})
    except Exception as exc:
        if getattr(exc, "orig", None) is not None and is_unique_violation(exc):  # a concurrent import of the same day won
            async with db.transaction() as conn:
                return await find(conn, channel_id, date)
        if isinstance(exc, (ValueError, UnicodeDecodeError)):
            await _record_failure(db, channel_id, date, source, ufs_file_tag, str(exc)[:500])
            raise FailedPrecondition("STATEMENT_MALFORMED", f"statement not imported: {str(exc)[:200]}",
                                     {"channel_id": channel_id}) from None
        raise
    async with db.transaction() as conn:
        return await find(conn, channel_id, date)


async def _record_failure(db: Database, channel_id: str, date: dt.date, source: int, tag: str, message: str) -> None:
    async with db.transaction() as conn:
        await conn.execute(text(
            "INSERT INTO statements (statement_id, channel_id, statement_date, state, source, ufs_file_tag, error_message)"
            " VALUES (:s, :c, :d, :st, :src, :tag, :m) ON CONFLICT (channel_id, statement_date) DO UPDATE SET"
            " error_message = excluded.error_message WHERE statements.state <> 2"),
            {"s": new_id("stm"), "c": channel_id, "d": date, "st": FAILED, "src": source, "tag": tag, "m": message})
