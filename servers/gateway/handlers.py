"""The gateway's use cases: ext_authz Check (route → headers → key → signature → scope →
nonce + rate limit + metering in one Redis round trip) and in-process caches of keys and limits."""
from __future__ import annotations

import asyncio
import time
from typing import Awaitable, Callable

from servers.gateway import domain
from servers.gateway.domain import Decision, KeyRecord, Limit, deny
from servers.gateway.ports import EdgeCounters, KeyLookup, LimitLookup
from servers.gateway.routes import RouteTable


class CachedKeys:
    """Verified keys (and misses) for `ttl` seconds, so Check rarely touches PostgreSQL."""

    def __init__(self, load: Callable[[str], Awaitable[KeyRecord | None]], ttl: float, clock: Callable[[], float] = time.monotonic):
        self.load, self.ttl, self.clock = load, ttl, clock
        self.entries: dict[str, tuple[float, KeyRecord | None]] = {}

    async def key(self, key_id: str) -> KeyRecord | None:
        hit = self.entries.get(key_id)
        now = self.clock()
        if hit is not None and now - hit[0] < self.ttl:
            return hit[1]
        record = await self.load(key_id)
        if len(self.entries) > 100_000:
            self.entries.clear()
        self.entries[key_id] = (now, record)
        return record

    def forget(self, key_id: str) -> None:
        self.entries.pop(key_id, None)


class CachedLimits:
    """The whole limit table, reloaded at most every `ttl` seconds (one loader at a time)."""

    def __init__(self, load: Callable[[], Awaitable[dict[tuple[str, str], Limit]]], ttl: float, clock: Callable[[], float] = time.monotonic):
        self.load, self.ttl, self.clock = load, ttl, clock
        self.loaded_at = -1e18
        self.table: dict[tuple[str, str], Limit] = {}
        self.lock = asyncio.Lock()

    async def limits(self) -> dict[tuple[str, str], Limit]:
        if self.clock() - self.loaded_at >= self.ttl:
            async with self.lock:
                if self.clock() - self.loaded_at >= self.ttl:
                    self.table = await self.load()
                    self.loaded_at = self.clock()
        return self.table

    def invalidate(self) -> None:
        self.loaded_at = -1e18


class Authorizer:
    def __init__(self, routes: RouteTable, keys: KeyLookup, limits: LimitLookup, counters: EdgeCounters, window_s: int,
                 clock: Callable[[], float] = time.time):
        self.routes, self.keys, self.limits, self.counters = routes, keys, limits, counters
        self.window_s, self.clock = window_s, clock

    async def check(self, method: str, path_with_query: str, headers: dict[str, str], body: bytes) -> Decision:
        route = self.routes.match(method, path_with_query)
        if route is None:
            return deny(404, "NOT_FOUND", f"no public operation {method} {path_with_query.split('?', 1)[0]}")
        now = self.clock()
        bad = domain.check_headers(headers, now, self.window_s)
        if bad:
            return bad
        key = await self.keys.key(headers[domain.KEY_HEADER])
        bad = domain.check_key(key, now) or domain.check_signature(key, method, path_with_query, headers, body)  # type: ignore[arg-type]
        if bad:
            return bad
        assert key is not None
        bad = domain.check_scope(key, route)
        if bad:
            return bad
        limit = domain.find_limit(await self.limits.limits(), key.merchant_id, route)
        day = time.strftime("%Y-%m-%d", time.gmtime(now))
        verdict, retry_ms = await self.counters.admit(key.key_id, headers[domain.NONCE_HEADER], 2 * self.window_s, limit,
                                                      key.merchant_id, route.method, day)
        if verdict == "replay":
            return deny(401, "REPLAYED_NONCE", "the nonce was used already")
        if verdict == "limited":
            return deny(429, "RATE_LIMITED", f"rate limit of {limit.rps:g}/s (burst {limit.burst}) exceeded",  # type: ignore[union-attr]
                        **{"retry-after": domain.retry_after_seconds(retry_ms)})
        return Decision(200, headers={domain.MERCHANT_HEADER: key.merchant_id, domain.VERIFIED_KEY_HEADER: key.key_id})
