"""Risk adapters: Redis counters (exact, once per request), and the member password check in trade."""
from __future__ import annotations

import grpc

from clients.channel import error_reason
from clients.services import Mesh
from paymesh.trade.v1 import trade_service_pb2 as trade_api
from servers.kernel.cache import AppRedis
from servers.kernel.errors import ResourceExhausted, Unavailable

# Counts a payment once per request id, atomically across all its counters, and reads the cached facts (first-seen
# times, ratings) in the same round trip.
# KEYS: marker, n counter keys, then the cached-fact keys; ARGV: marker ttl (0: only read the totals), now_ms, amount, n,
# then per counter: window_s (0 = daily hash), ttl_s; then the request id.
# Daily counters are hashes {count, sum}; velocity counters are sorted sets of "request:amount" scored by time.
# Returns (count, sum) per counter, then each fact's cached value ('' when not cached).
_LOOKUP = """
local n = tonumber(ARGV[4])
local fresh = n > 0 and tonumber(ARGV[1]) > 0 and redis.call('set', KEYS[1], '1', 'EX', tonumber(ARGV[1]), 'NX')
local now, amount, out = tonumber(ARGV[2]), tonumber(ARGV[3]), {}
for i = 1, n do
  local k, window, ttl = KEYS[1 + i], tonumber(ARGV[3 + 2 * i]), tonumber(ARGV[4 + 2 * i])
  if window == 0 then
    if fresh then redis.call('hincrby', k, 'count', 1); redis.call('hincrby', k, 'sum', amount); redis.call('expire', k, ttl) end
    out[#out + 1] = tonumber(redis.call('hget', k, 'count') or '0')
    out[#out + 1] = tonumber(redis.call('hget', k, 'sum') or '0')
  else
    redis.call('zremrangebyscore', k, '-inf', now - window * 1000)
    if fresh then redis.call('zadd', k, now, ARGV[5 + 2 * n] .. ':' .. amount); redis.call('expire', k, ttl) end
    local members, total = redis.call('zrange', k, 0, -1), 0
    for _, m in ipairs(members) do total = total + tonumber(string.match(m, ':(%-?%d+)$')) end
    out[#out + 1] = #members
    out[#out + 1] = total
  end
end
for i = n + 2, #KEYS do out[#out + 1] = redis.call('get', KEYS[i]) or '' end
return out
"""
# Caches facts ("<version> <value>") unless the cache already holds a newer version: a fill racing a rating change
# can never put an older level back. KEYS: fact keys; ARGV: per key its value and ttl_s.
_FILL = """
for i = 1, #KEYS do
  local cur, new = redis.call('get', KEYS[i]), ARGV[2 * i - 1]
  if not cur or (tonumber(string.match(cur, '^(%d+)')) or -1) < tonumber(string.match(new, '^(%d+)')) then
    redis.call('set', KEYS[i], new, 'EX', tonumber(ARGV[2 * i]))
  end
end
return 0
"""
# Takes a rejected payment back out of its counters, once.
_UNCOUNT = """
if not redis.call('set', KEYS[1], '1', 'EX', tonumber(ARGV[1]), 'NX') then return 0 end
for i = 2, #KEYS do
  if tonumber(ARGV[i]) == 0 then
    if redis.call('exists', KEYS[i]) == 1 then redis.call('hincrby', KEYS[i], 'count', -1); redis.call('hincrby', KEYS[i], 'sum', -tonumber(ARGV[#KEYS + 1])) end
  else
    redis.call('zrem', KEYS[i], ARGV[#KEYS + 2] .. ':' .. ARGV[#KEYS + 1])
  end
end
return 1
"""
MARKER_TTL = 3 * 24 * 3600


Cached = tuple[int, str]  # (version, value) of a cached fact


class RedisCounters:
    """Exact counters, and the cache of the slow-changing facts Assess reads on every call: first-seen times
    (immutable once recorded) and ratings (versioned by their row's update time). PostgreSQL stays the record."""

    def __init__(self, redis: AppRedis):
        self.redis = redis
        self._lookup = redis.client.register_script(_LOOKUP)
        self._fill = redis.client.register_script(_FILL)
        self._uncount = redis.client.register_script(_UNCOUNT)

    def fact_key(self, *parts: str) -> str:
        return self.redis.key("fact", *parts)

    async def lookup(self, request_id: str | None, keys: list[tuple[str, int]], amount_minor: int, now_ms: int,
                     facts: list[str]) -> tuple[list[tuple[int, int]], list[Cached | None]]:
        """One round trip, atomic: counts the payment once per request id in every counter key (None: only peeks,
        writing nothing) and returns the (count, sum) totals including it, and the cached `facts` (None if not cached)."""
        if not keys and not facts:
            return [], []
        redis_keys = [self.redis.key("counted", request_id or "peek")] + [self.redis.key(k) for k, _ in keys] + facts
        args: list = [MARKER_TTL if request_id else 0, now_ms, amount_minor if request_id else 0, len(keys)]
        for _, window in keys:
            args += [window, max(window, 2 * 86400)]
        args.append(request_id or "peek")
        flat = await self._lookup(keys=redis_keys, args=args)
        n = 2 * len(keys)
        totals = [(int(flat[i]), int(flat[i + 1])) for i in range(0, n, 2)]
        if not request_id:  # as if this payment were counted
            totals = [(c + 1, s + amount_minor) for c, s in totals]
        return totals, [_cached(raw) for raw in flat[n:]]

    async def fill(self, facts: dict[str, tuple[int, str, int]]) -> None:
        """Caches facts read from PostgreSQL ({key: (version, value, ttl_s)}), never replacing a newer version."""
        if facts:
            await self._fill(keys=list(facts), args=[a for v, value, ttl in facts.values() for a in (f"{v} {value}", ttl)])

    async def uncount(self, request_id: str, keys: list[tuple[str, int]], amount_minor: int) -> None:
        if keys:
            await self._uncount(keys=[self.redis.key("uncounted", request_id)] + [self.redis.key(k) for k, _ in keys],
                                args=[MARKER_TTL] + [w for _, w in keys] + [amount_minor, request_id])

    async def locked(self, member_id: str) -> bool:
        return bool(member_id) and await self.redis.get(self.redis.key("lock", member_id)) is not None

    async def lock(self, member_id: str, seconds: int) -> None:
        if member_id:
            await self.redis.set(self.redis.key("lock", member_id), "1", seconds)


def _cached(raw: bytes | str) -> Cached | None:
    if not raw:
        return None
    version, _, value = (raw.decode() if isinstance(raw, bytes) else raw).partition(" ")
    return int(version), value


class GrpcPasswords:
    def __init__(self, mesh: Mesh):
        self.mesh = mesh

    async def check(self, member_id: str, password: str) -> bool:
        try:
            reply = await self.mesh.member.VerifyPaymentPassword(trade_api.VerifyPaymentPasswordRequest(member_id=member_id, password=password))
        except grpc.aio.AioRpcError as exc:
            if exc.code() == grpc.StatusCode.RESOURCE_EXHAUSTED:
                raise ResourceExhausted(error_reason(exc) or "PASSWORD_LOCKED", "too many wrong payment passwords") from None
            if exc.code() == grpc.StatusCode.NOT_FOUND:
                return False
            raise Unavailable("MEMBERS_UNAVAILABLE", "member service unavailable; try again") from None
        return reply.ok
