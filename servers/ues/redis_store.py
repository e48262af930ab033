"""Redis side of UES: temporary tickets (sealed exactly like persistent ones, with a TTL,
single-use ones deleted by the read itself) and the WithCache plaintext cache (sealed with a
process-memory key, bounded TTL, indexed per key version so retiring a key drops its entries)."""
from __future__ import annotations

import base64
import json
import os
import struct
from datetime import datetime, timedelta, timezone
from typing import Callable

from servers.kernel.cache import AppRedis
from servers.ues.crypto import CacheCipher, Random
from servers.ues.domain import Record, TicketType

_U16, _U32 = struct.Struct(">H"), struct.Struct(">I")


def _dump(record: Record, ttl: int) -> bytes:
    expire = datetime.now(timezone.utc) + timedelta(seconds=ttl)
    return json.dumps({
        "dt": record.data_type, "s": record.summary, "c": base64.b64encode(record.ciphertext).decode(), "rk": record.record_key_id,
        "w": base64.b64encode(record.wrapped_key).decode(), "k": record.key_id, "su": record.single_use, "z": record.compressed,
        "n": record.plain_length, "o": record.owner_client_id, "ctx": record.context_id, "ct": datetime.now(timezone.utc).isoformat(),
        "et": expire.isoformat()}, separators=(",", ":")).encode()


def _load(ticket: str, raw: bytes) -> Record:
    d = json.loads(raw)
    return Record(ticket, TicketType.TEMPORARY, d["dt"], d["s"], base64.b64decode(d["c"]), d["rk"], base64.b64decode(d["w"]), d["k"],
                  single_use=d["su"], compressed=d["z"], plain_length=d["n"], owner_client_id=d["o"], context_id=d["ctx"],
                  create_time=datetime.fromisoformat(d["ct"]), expire_time=datetime.fromisoformat(d["et"]))


class RedisTempStore:
    def __init__(self, redis: AppRedis):
        self.redis = redis
        self._put = redis.client.register_script(_TEMP_PUT)

    def _key(self, ticket: str) -> str:
        return self.redis.key("tmp", ticket)

    async def put_many(self, records: list[tuple[Record, int]]) -> None:
        if records:  # one script call, however many records (see RedisPlainCache.put_many)
            await self._put(keys=[self._key(r.ticket) for r, _ in records],
                            args=[_dump(r, ttl) for r, ttl in records] + [max(int(ttl), 1) for _, ttl in records])

    async def get_many(self, tickets: list[str]) -> dict[str, Record]:
        if not tickets:
            return {}
        raws = await self.redis.client.mget([self._key(t) for t in tickets])
        return {t: _load(t, raw) for t, raw in zip(tickets, raws) if raw is not None}

    async def consume(self, tickets: list[str]) -> set[str]:
        """Deletes single-use tickets; returns those this caller deleted (GETDEL decides who
        consumed a ticket: only the winner may return its value)."""
        if not tickets:
            return set()
        async with self.redis.client.pipeline(transaction=False) as pipe:
            for t in tickets:
                pipe.getdel(self._key(t))
            won = await pipe.execute()
        return {t for t, raw in zip(tickets, won) if raw is not None}

    async def delete(self, ticket: str) -> None:
        await self.redis.delete(self._key(ticket))


# One call stores a whole batch of cache entries. KEYS: the per-key-version index sets. ARGV: entry key
# prefix, TTL, index TTL, and the entries packed as (u16 len, ticket, u32 len, sealed value, u16 index
# position) — three arguments instead of 3,000, so redis-py packs ~0.6 ms instead of ~3 ms per 1,000 and
# Redis parses one blob; index members go in with one SADD per 500. (Entry keys are built here, not
# declared in KEYS: fine on one Redis node, as the key layout is anyway; Redis Cluster would need hash tags.)
_CACHE_PUT = """
local prefix, ttl, ittl, payload = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local members, pos, n = {}, 1, 0
for j = 1, #KEYS do members[j] = {} end
while pos <= #payload do
  local ticket, value, idx
  ticket, value, idx, pos = struct.unpack('>Hc0Ic0H', payload, pos)
  redis.call('SET', prefix .. ticket, value, 'EX', ttl)
  local m = members[idx]
  m[#m + 1] = ticket
  n = n + 1
end
for j = 1, #KEYS do
  local m = members[j]
  for i = 1, #m, 500 do
    redis.call('SADD', KEYS[j], unpack(m, i, math.min(i + 499, #m)))
  end
  redis.call('EXPIRE', KEYS[j], ittl)
end
return n
"""

# KEYS: n ticket keys. ARGV: n values, n TTLs. SET NX EX each (a ticket is never overwritten).
_TEMP_PUT = """
for i = 1, #KEYS do
  redis.call('SET', KEYS[i], ARGV[i], 'EX', ARGV[#KEYS + i], 'NX')
end
return #KEYS
"""


class RedisPlainCache:
    def __init__(self, redis: AppRedis, ttl_seconds: int, is_live: Callable[[str], bool]):
        self.redis, self.ttl, self.is_live = redis, ttl_seconds, is_live
        self.cipher = CacheCipher()
        self._put = redis.client.register_script(_CACHE_PUT)

    def _key(self, ticket: str) -> str:
        return self.redis.key("pc", ticket)

    def _index(self, key_id: str) -> str:
        return self.redis.key("pcidx", key_id)

    async def get_many(self, tickets: list[str]) -> dict[str, tuple[str, str]]:
        """ticket → (data_type, plaintext) for live entries of this process."""
        if not tickets:
            return {}
        out: dict[str, tuple[str, str]] = {}
        for ticket, blob in zip(tickets, await self.redis.client.mget([self._key(t) for t in tickets])):
            opened = self.cipher.open(ticket, blob) if blob is not None else None
            if opened is not None and self.is_live(opened[0]):
                out[ticket] = (opened[1], opened[2])
        return out

    async def put_many(self, entries: list[tuple[str, str, str, str]], rand: Random = os.urandom) -> None:
        """(ticket, key_id, data_type, plaintext) entries, all in ONE script call (a redis-py pipeline
        of 2,000+ commands cost ~15 ms of CPU per 1,000 entries)."""
        if not entries:
            return
        indexes = list(dict.fromkeys(key_id for _, key_id, _, _ in entries))
        position = {key_id: i + 1 for i, key_id in enumerate(indexes)}
        packed = []
        for ticket, key_id, data_type, plain in entries:
            raw, value = ticket.encode(), self.cipher.seal(ticket, key_id, data_type, plain, rand)
            packed.append(_U16.pack(len(raw)) + raw + _U32.pack(len(value)) + value + _U16.pack(position[key_id]))
        await self._put(keys=[self._index(k) for k in indexes], args=[self._key(""), self.ttl, self.ttl + 60, b"".join(packed)])

    async def drop(self, tickets: list[str]) -> None:
        if tickets:
            await self.redis.client.delete(*[self._key(t) for t in tickets])

    async def drop_key(self, key_id: str) -> int:
        """Invalidates every cached plaintext protected by a (retired) key version."""
        index = self._index(key_id)
        dropped = 0
        async for chunk in _chunks(self.redis.client.sscan_iter(index, count=500), 500):
            dropped += await self.redis.client.delete(*[self._key(t.decode() if isinstance(t, bytes) else t) for t in chunk])
        await self.redis.client.delete(index)
        return dropped


async def _chunks(aiter, size: int):
    chunk: list = []
    async for item in aiter:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
