"""Redis side of UES: temporary tickets (sealed exactly like persistent ones, with a TTL,
single-use ones deleted by the read itself) and the WithCache plaintext cache (sealed with a
process-memory key, bounded TTL, indexed per key version so retiring a key drops its entries)."""
from __future__ import annotations

import base64
import json
import os
from datetime import datetime, timedelta, timezone
from typing import Callable

from servers.kernel.cache import AppRedis
from servers.ues.crypto import CacheCipher, Random
from servers.ues.domain import Record, TicketType


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


# KEYS: n entry keys, then the per-key-version index sets. ARGV: ttl, n, index ttl, n sealed
# values, n tickets, n index positions (1-based). Entries and their index membership in one step.
_CACHE_PUT = """
local ttl, n, ittl = ARGV[1], tonumber(ARGV[2]), ARGV[3]
for i = 1, n do
  redis.call('SET', KEYS[i], ARGV[3 + i], 'EX', ttl)
  redis.call('SADD', KEYS[n + tonumber(ARGV[3 + 2 * n + i])], ARGV[3 + n + i])
end
for j = n + 1, #KEYS do
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
        """(ticket, key_id, data_type, plaintext) entries, all in ONE script call: a 1,000-entry
        pipeline costs redis-py ~15 ms of CPU building and parsing 2,000 replies."""
        if not entries:
            return
        indexes = list(dict.fromkeys(key_id for _, key_id, _, _ in entries))
        position = {key_id: i + 1 for i, key_id in enumerate(indexes)}
        await self._put(keys=[self._key(t) for t, _, _, _ in entries] + [self._index(k) for k in indexes],
                        args=[self.ttl, len(entries), self.ttl + 60]
                        + [self.cipher.seal(t, k, dt, plain, rand) for t, k, dt, plain in entries]
                        + [t for t, _, _, _ in entries] + [position[k] for _, k, _, _ in entries])

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
