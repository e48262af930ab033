"""Key and limit administration: create (secret shown once), rotate with overlap, revoke, list;
set and list rate limits; read usage."""
from __future__ import annotations

import datetime as dt
import secrets

from servers.gateway import domain, errors
from servers.gateway.adapters import REVOKED, ROTATED, KeyRow, RedisCounters, SqlKeys, SqlLimits, SqlUsage
from servers.gateway.domain import Limit
from servers.gateway.handlers import CachedKeys, CachedLimits
from servers.kernel.db import Database


def new_secret() -> tuple[str, str]:
    return f"ak_{secrets.token_hex(10)}", f"sk_{secrets.token_urlsafe(32)}"


class Admin:
    def __init__(self, db: Database, keys: SqlKeys, limits: SqlLimits, counters: RedisCounters, key_cache: CachedKeys,
                 limit_cache: CachedLimits, known_scopes: set[str], overlap_default_s: int, usage_store: SqlUsage | None = None):
        self.db, self.keys, self.limits, self.counters, self.usage_store = db, keys, limits, counters, usage_store
        self.key_cache, self.limit_cache = key_cache, limit_cache
        self.known_scopes, self.overlap_default_s = known_scopes | {"*"}, overlap_default_s

    async def create(self, merchant_id: str, scopes: list[str], description: str, request_id: str) -> tuple[KeyRow, str]:
        for scope in scopes:
            if scope not in self.known_scopes:
                raise errors.bad_scope(scope)
        async with self.db.transaction() as conn:
            existing = await self.keys.by_request(conn, request_id)
            if existing is not None:
                return existing, ""
            key_id, secret = new_secret()
            row = await self.keys.insert(conn, key_id, merchant_id, sorted(set(scopes)), domain.fingerprint(secret), secret.encode(),
                                         description, "", request_id)
        return row, secret

    async def rotate(self, key_id: str, overlap_s: int, request_id: str) -> tuple[KeyRow, str, KeyRow]:
        async with self.db.transaction() as conn:
            existing = await self.keys.by_request(conn, request_id)
            if existing is not None:
                return existing, "", await self.keys.get(conn, existing.rotated_from)  # type: ignore[return-value]
            old = await self.keys.get(conn, key_id, lock=True)
            now = dt.datetime.now(dt.timezone.utc)
            if old is None or old.effective_state(now) == REVOKED:
                raise errors.key_not_found(key_id)
            new_id, secret = new_secret()
            row = await self.keys.insert(conn, new_id, old.merchant_id, old.scopes, domain.fingerprint(secret), secret.encode(),
                                         old.description, key_id, request_id)
            expire = now + dt.timedelta(seconds=overlap_s or self.overlap_default_s)
            if old.expire_time is not None and old.expire_time < expire:
                expire = old.expire_time
            previous = await self.keys.mark(conn, key_id, ROTATED, expire)
        self.key_cache.forget(key_id)
        return row, secret, previous

    async def revoke(self, key_id: str) -> KeyRow:
        async with self.db.transaction() as conn:
            old = await self.keys.get(conn, key_id, lock=True)
            if old is None:
                raise errors.key_not_found(key_id)
            row = old if old.state == REVOKED else await self.keys.mark(conn, key_id, REVOKED)
        self.key_cache.forget(key_id)
        return row

    async def list_keys(self, merchant_id: str, page_size: int, page_token: str) -> tuple[list[KeyRow], str]:
        size = page_size or 50
        offset = int(page_token) if page_token.isdigit() else 0
        rows = await self.keys.list(merchant_id, size + 1, offset)
        return rows[:size], (str(offset + size) if len(rows) > size else "")

    async def set_limit(self, limit: Limit) -> dt.datetime | None:
        if limit.rps < 0 or limit.rps > 1_000_000:
            raise errors.bad_limit("requests_per_second must be within [0, 1000000]")
        if not limit.merchant_id or not limit.route:
            raise errors.bad_limit("merchant_id and route are required ('*' for all)")
        if limit.route != "*" and not limit.route.startswith("/") and limit.route not in self.known_scopes:
            raise errors.bad_limit(f"route must be '*', a scope or a full method, not {limit.route!r}")
        stamp = await self.limits.put(Limit(limit.merchant_id, limit.route, limit.rps, max(1, limit.burst)))
        self.limit_cache.invalidate()
        return stamp

    async def usage(self, merchant_id: str, start: dt.date, end: dt.date):
        """Redis counters merged with their PostgreSQL copies (the larger count wins: both are absolute)."""
        days, day = [], start
        while day <= end and len(days) < 366:
            days.append(day.isoformat())
            day += dt.timedelta(days=1)
        merged: dict[tuple[str, str, str], tuple[int, int]] = {}
        stored = await self.usage_store.load(start, end, merchant_id) if self.usage_store else []
        for m, a, d, c, t in [*stored, *await self.counters.usage(days, merchant_id)]:
            old = merged.get((m, a, d), (0, 0))
            merged[(m, a, d)] = (max(old[0], c), max(old[1], t))
        return [(m, a, d, c, t) for (m, a, d), (c, t) in sorted(merged.items())]

    async def flush_usage(self, interval_s: float) -> None:
        """Worker: copies today's and yesterday's counters to PostgreSQL every interval."""
        import asyncio
        import logging

        while True:
            await asyncio.sleep(interval_s)
            today = dt.datetime.now(dt.timezone.utc).date()
            try:
                rows = await self.counters.usage([(today - dt.timedelta(days=1)).isoformat(), today.isoformat()], "")
                await self.usage_store.save(rows)  # type: ignore[union-attr]
            except Exception:  # noqa: BLE001 - the next round retries; counters stay in Redis
                logging.getLogger("paymesh.gateway").warning("usage flush failed", exc_info=True)
