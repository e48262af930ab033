"""Risk adapters: Redis counters (exact, once per request), and the member password check in trade."""
from __future__ import annotations

import grpc

from clients.channel import error_reason
from clients.services import Mesh
from paymesh.trade.v1 import trade_service_pb2 as trade_api
from servers.kernel.cache import AppRedis
from servers.kernel.errors import ResourceExhausted, Unavailable

# Counts a payment once per request id, atomically across all its counters.
# KEYS: marker, then counter keys; ARGV: marker ttl (0: only read the totals), now_ms, amount, then per key: window_s (0 = daily hash), ttl_s.
# Daily counters are hashes {count, sum}; velocity counters are sorted sets of "request:amount" scored by time.
_COUNT = """
local fresh = tonumber(ARGV[1]) > 0 and redis.call('set', KEYS[1], '1', 'EX', tonumber(ARGV[1]), 'NX')
local now, amount, out = tonumber(ARGV[2]), tonumber(ARGV[3]), {}
for i = 2, #KEYS do
  local window, ttl = tonumber(ARGV[2 + 2 * (i - 1)]), tonumber(ARGV[3 + 2 * (i - 1)])
  local k = KEYS[i]
  if window == 0 then
    if fresh then redis.call('hincrby', k, 'count', 1); redis.call('hincrby', k, 'sum', amount); redis.call('expire', k, ttl) end
    out[#out + 1] = tonumber(redis.call('hget', k, 'count') or '0')
    out[#out + 1] = tonumber(redis.call('hget', k, 'sum') or '0')
  else
    redis.call('zremrangebyscore', k, '-inf', now - window * 1000)
    if fresh then redis.call('zadd', k, now, ARGV[4 + 2 * (#KEYS - 1)] .. ':' .. amount); redis.call('expire', k, ttl) end
    local members, total = redis.call('zrange', k, 0, -1), 0
    for _, m in ipairs(members) do total = total + tonumber(string.match(m, ':(%-?%d+)$')) end
    out[#out + 1] = #members
    out[#out + 1] = total
  end
end
return out
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


class RedisCounters:
    def __init__(self, redis: AppRedis):
        self.redis = redis
        self._count = redis.client.register_script(_COUNT)
        self._uncount = redis.client.register_script(_UNCOUNT)

    async def count(self, request_id: str, keys: list[tuple[str, int]], amount_minor: int, now_ms: int) -> list[tuple[int, int]]:
        """Counts the payment once per request id in every key (one round trip, atomic) and returns the
        (count, sum) totals including it."""
        return await self._run(request_id, keys, amount_minor, now_ms, MARKER_TTL)

    async def peek(self, keys: list[tuple[str, int]], amount_minor: int, now_ms: int) -> list[tuple[int, int]]:
        """The totals as if this payment were counted, writing nothing."""
        return [(c + 1, s + amount_minor) for c, s in await self._run("peek", keys, 0, now_ms, 0)]

    async def _run(self, request_id: str, keys: list[tuple[str, int]], amount_minor: int, now_ms: int, marker_ttl: int) -> list[tuple[int, int]]:
        if not keys:
            return []
        redis_keys = [self.redis.key("counted", request_id)] + [self.redis.key(k) for k, _ in keys]
        args: list = [marker_ttl, now_ms, amount_minor]
        for _, window in keys:
            args += [window, max(window, 2 * 86400)]
        args.append(request_id)
        flat = await self._count(keys=redis_keys, args=args)
        return [(int(flat[i]), int(flat[i + 1])) for i in range(0, len(flat), 2)]

    async def uncount(self, request_id: str, keys: list[tuple[str, int]], amount_minor: int) -> None:
        if keys:
            await self._uncount(keys=[self.redis.key("uncounted", request_id)] + [self.redis.key(k) for k, _ in keys],
                                args=[MARKER_TTL] + [w for _, w in keys] + [amount_minor, request_id])

    async def locked(self, member_id: str) -> bool:
        return bool(member_id) and await self.redis.get(self.redis.key("lock", member_id)) is not None

    async def lock(self, member_id: str, seconds: int) -> None:
        if member_id:
            await self.redis.set(self.redis.key("lock", member_id), "1", seconds)


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
