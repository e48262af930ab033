"""Idempotency stored with the effect (AIP-155): (method, request_id, request_hash, response)
is claimed and completed inside the same transaction as the change it guards.

A concurrent duplicate blocks on the primary key until the first transaction ends, then sees
the stored response (or, if the first rolled back, runs itself). Same id + different request
→ ALREADY_EXISTS with reason REQUEST_ID_REUSED.
"""
from __future__ import annotations

import hashlib
from typing import Awaitable, Callable, TypeVar

from google.protobuf.message import Message
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from servers.kernel.context import current_context_id
from servers.kernel.db import Database
from servers.kernel.errors import AlreadyExists

M = TypeVar("M", bound=Message)


def request_hash(request: Message) -> bytes:
    return hashlib.sha256(request.SerializeToString(deterministic=True)).digest()


async def claim(conn: AsyncConnection, method: str, request_id: str, digest: bytes) -> bytes | None:
    """Returns the stored response of an earlier identical request, or None after claiming."""
    inserted = await conn.execute(
        text("INSERT INTO idempotency_keys (method, request_id, request_hash, context_id) VALUES (:m, :r, :h, :c)"
             " ON CONFLICT DO NOTHING RETURNING request_id"),
        {"m": method, "r": request_id, "h": digest, "c": current_context_id()},
    )
    if inserted.first() is not None:
        return None
    row = (await conn.execute(
        text("SELECT request_hash, response FROM idempotency_keys WHERE method = :m AND request_id = :r"),
        {"m": method, "r": request_id},
    )).one()
    if bytes(row.request_hash) != digest:
        raise AlreadyExists("REQUEST_ID_REUSED", f"request_id {request_id!r} was already used with a different request",
                            {"request_id": request_id})
    return bytes(row.response)


def completion(method: str, request_id: str, response: Message) -> tuple[str, dict]:
    """SQL + params that store the response of a claimed request (what `complete` runs)."""
    return ("UPDATE idempotency_keys SET response = :b WHERE method = :m AND request_id = :r",
            {"b": response.SerializeToString(), "m": method, "r": request_id})


async def complete(conn: AsyncConnection, method: str, request_id: str, response: Message) -> None:
    sql, params = completion(method, request_id, response)
    await conn.execute(text(sql), params)


async def run_once(db: Database, method: str, request_id: str, request: Message, response_type: type[M],
                   work: Callable[[AsyncConnection], Awaitable[M]],
                   store: Callable[[AsyncConnection, M], Awaitable[None]] | None = None) -> M:
    """Runs `work` at most once per (method, request_id) and returns the first result forever.
    `store(conn, response)`, if given, replaces `complete`: it must run `completion(...)` in the
    same transaction (e.g. folded into the work's last statement, saving a round trip)."""
    digest = request_hash(request)

    async def unit(conn: AsyncConnection) -> M:
        stored = await claim(conn, method, request_id, digest)
        if stored is not None:
            return response_type.FromString(stored)
        response = await work(conn)
        await (store(conn, response) if store else complete(conn, method, request_id, response))
        return response

    return await db.run_in_transaction(unit)
