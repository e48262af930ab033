"""Member storage (PostgreSQL), the local card vault, and the Redis token store.

LocalCardVault is the development stand-in for UES behind the CardVault port: it keeps a
keyed HMAC digest (dedupe), the masked number, and an opaque random ticket whose value is
AES-GCM encrypted; nothing in plaintext, never a CVV. Switching to UES replaces this class.
"""
from __future__ import annotations

import hashlib
import hmac
import os
from typing import Awaitable, Callable, TypeVar

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from servers.kernel.cache import AppRedis
from servers.kernel.db import Database
from servers.kernel.ids import new_id
from servers.trade import errors
from servers.trade.domain import Member, SavedCard, mask_card_no
from servers.trade.ports import ProtectedCard

T = TypeVar("T")
_CARD_COLS = ("card_id, member_id, card_no_ticket, holder_ticket, digest, masked_card_no, card_bin, card_org, create_time,"
              " expiry_month, expiry_year")


def _member(r) -> Member:
    return Member(r.member_id, r.display_name, r.mobile_ticket, bool(r.payment_password_hash), r.create_time)


def _card(r) -> SavedCard:
    return SavedCard(r.card_id, r.member_id, r.card_no_ticket, r.holder_ticket, r.digest, r.masked_card_no, r.card_bin, r.card_org,
                     r.create_time, r.expiry_month, r.expiry_year)


class SqlMemberRepository:
    def __init__(self, conn: AsyncConnection):
        self.conn = conn

    async def insert_member(self, m: Member, request_id: str) -> Member:
        await self.conn.execute(text(
            "INSERT INTO members (member_id, request_id, display_name, mobile_ticket) VALUES (:id, :r, :n, :t)"
            " ON CONFLICT (request_id) DO NOTHING"), {"id": m.member_id, "r": request_id, "n": m.display_name, "t": m.mobile_ticket})
        row = (await self.conn.execute(text("SELECT * FROM members WHERE request_id = :r"), {"r": request_id})).one()
        return _member(row)

    async def get_member(self, member_id: str) -> Member | None:
        row = (await self.conn.execute(text("SELECT * FROM members WHERE member_id = :m"), {"m": member_id})).first()
        return _member(row) if row else None

    async def password_hash(self, member_id: str) -> str:
        return (await self.conn.execute(text("SELECT payment_password_hash FROM members WHERE member_id = :m"),
                                        {"m": member_id})).scalar() or ""

    async def set_password_hash(self, member_id: str, password_hash: str) -> None:
        await self.conn.execute(text("UPDATE members SET payment_password_hash = :h, update_time = now() WHERE member_id = :m"),
                                {"h": password_hash, "m": member_id})

    async def insert_card(self, c: SavedCard, request_id: str) -> SavedCard:
        existing = (await self.conn.execute(text(f"SELECT {_CARD_COLS} FROM saved_cards WHERE member_id = :m AND request_id = :r"),
                                            {"m": c.member_id, "r": request_id})).first()
        if existing:
            return _card(existing)  # a retry of this request
        dup = (await self.conn.execute(text(
            "SELECT card_id FROM saved_cards WHERE member_id = :m AND digest = :d AND remove_time IS NULL"),
            {"m": c.member_id, "d": c.digest})).scalar()
        if dup:
            raise errors.card_already_saved(dup)
        try:
            async with self.conn.begin_nested():
                row = (await self.conn.execute(text(
                    "INSERT INTO saved_cards (card_id, member_id, request_id, card_no_ticket, holder_ticket, digest, masked_card_no,"
                    " card_bin, card_org, expiry_month, expiry_year) VALUES (:id, :m, :r, :t, :h, :d, :mask, :bin, :org, :em, :ey)"
                    f" RETURNING {_CARD_COLS}"),
                    {"id": c.card_id, "m": c.member_id, "r": request_id, "t": c.card_no_ticket, "h": c.holder_ticket, "d": c.digest,
                     "mask": c.masked_card_no, "bin": c.card_bin, "org": c.card_org, "em": c.expiry_month,
                     "ey": c.expiry_year})).one()
        except IntegrityError:  # a concurrent add of the same card or request won
            raise errors.card_already_saved("") from None
        return _card(row)

    async def list_cards(self, member_id: str, after: str, limit: int) -> list[SavedCard]:
        rows = await self.conn.execute(text(
            f"SELECT {_CARD_COLS} FROM saved_cards WHERE member_id = :m AND remove_time IS NULL AND card_id > :a"
            " ORDER BY card_id LIMIT :l"), {"m": member_id, "a": after, "l": limit})
        return [_card(r) for r in rows]

    async def get_card(self, member_id: str, card_id: str) -> SavedCard | None:
        row = (await self.conn.execute(text(
            f"SELECT {_CARD_COLS} FROM saved_cards WHERE member_id = :m AND card_id = :c AND remove_time IS NULL"),
            {"m": member_id, "c": card_id})).first()
        return _card(row) if row else None

    async def remove_card(self, member_id: str, card_id: str) -> bool:
        done = await self.conn.execute(text(
            "UPDATE saved_cards SET remove_time = now() WHERE member_id = :m AND card_id = :c AND remove_time IS NULL"
            " RETURNING card_id"), {"m": member_id, "c": card_id})
        return done.first() is not None


class SqlMemberUnitOfWork:
    def __init__(self, db: Database):
        self.db = db

    async def __call__(self, work: Callable[[SqlMemberRepository], Awaitable[T]]) -> T:
        return await self.db.run_in_transaction(lambda conn: work(SqlMemberRepository(conn)))


class LocalCardVault:
    """Development vault (the CardVault port). Keys come from settings (Secrets), never from code paths that log."""

    def __init__(self, db: Database, digest_key: bytes, encryption_key: bytes):
        self.db, self.digest_key = db, digest_key
        self.aead = AESGCM(hashlib.sha256(encryption_key).digest())

    def digest(self, value: str) -> str:
        return hmac.new(self.digest_key, value.encode(), hashlib.sha256).hexdigest()

    async def protect(self, data_type: str, value: str) -> str:
        ticket = new_id("tkt")
        nonce = os.urandom(12)
        sealed = nonce + self.aead.encrypt(nonce, value.encode(), f"{data_type}:{ticket}".encode())
        async with self.db.transaction() as conn:
            await conn.execute(text("INSERT INTO vault_entries (ticket, data_type, ciphertext) VALUES (:t, :d, :c)"),
                               {"t": ticket, "d": data_type, "c": sealed})
        return ticket

    async def protect_card(self, card_no: str, holder_name: str) -> ProtectedCard:
        holder = await self.protect("name", holder_name) if holder_name else ""
        return ProtectedCard(await self.protect("card_no", card_no), holder, self.digest(card_no), mask_card_no(card_no), card_no[:6])


# The window starts at the first failure (Redis 6.2 has no EXPIRE NX).
_INCR = "local n = redis.call('incr', KEYS[1]) if n == 1 then redis.call('expire', KEYS[1], ARGV[1]) end return n"


class RedisTokenStore:
    def __init__(self, redis: AppRedis):
        self.redis = redis

    async def put(self, key: str, value: str, ttl_seconds: int) -> None:
        await self.redis.set(self.redis.key(key), value, ttl_seconds)

    async def get(self, key: str) -> str | None:
        raw = await self.redis.get(self.redis.key(key))
        return raw.decode() if isinstance(raw, bytes) else raw

    async def incr(self, key: str, ttl_seconds: int) -> int:
        return int(await self.redis.client.eval(_INCR, 1, self.redis.key(key), ttl_seconds))

    async def delete(self, key: str) -> None:
        await self.redis.delete(self.redis.key(key))
