"""PostgreSQL (keys, limits), Redis (nonces, buckets, usage counters) and the KEK sealer."""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import text

from servers.gateway.domain import KeyRecord, Limit
from servers.gateway.resp import RespClient, Script
from servers.kernel.cache import AppRedis
from servers.kernel.db import Database

ACTIVE, ROTATED, REVOKED, EXPIRED = 1, 2, 3, 4


class Sealer:
    """AES-256-GCM under the KEK; the key id is the associated data, so a sealed secret cannot
    be moved to another row."""

    def __init__(self, kek: bytes):
        self.aead = AESGCM(kek)

    def seal(self, key_id: str, secret: bytes) -> bytes:
        nonce = os.urandom(12)
        return nonce + self.aead.encrypt(nonce, secret, key_id.encode())

    def open(self, key_id: str, sealed: bytes) -> bytes:
        return self.aead.decrypt(sealed[:12], sealed[12:], key_id.encode())


@dataclass
class KeyRow:
    key_id: str
    merchant_id: str
    scopes: list[str]
    state: int
    fingerprint: str
    description: str
    rotated_from: str
    create_time: dt.datetime
    expire_time: dt.datetime | None
    revoke_time: dt.datetime | None

    def effective_state(self, now: dt.datetime) -> int:
        if self.state != REVOKED and self.expire_time is not None and self.expire_time <= now:
            return EXPIRED
        return self.state


_COLUMNS = "key_id, merchant_id, scopes, state, fingerprint, description, rotated_from, create_time, expire_time, revoke_time"


class SqlKeys:
    def __init__(self, db: Database, sealer: Sealer):
        self.db, self.sealer = db, sealer

    async def record(self, key_id: str) -> KeyRecord | None:
        async with self.db.engine.connect() as conn:
            row = (await conn.execute(text("SELECT merchant_id, scopes, state, sealed_secret, expire_time FROM api_keys WHERE key_id = :k"),
                                      {"k": key_id})).first()
        if row is None:
            return None
        return KeyRecord(key_id, row.merchant_id, tuple(row.scopes), row.state, self.sealer.open(key_id, bytes(row.sealed_secret)),
                         row.expire_time.timestamp() if row.expire_time else None, revoked=row.state == REVOKED)

    async def by_request(self, conn, request_id: str) -> KeyRow | None:
        row = (await conn.execute(text(f"SELECT {_COLUMNS} FROM api_keys WHERE request_id = :r"), {"r": request_id})).first()
        return KeyRow(*row) if row else None

    async def get(self, conn, key_id: str, lock: bool = False) -> KeyRow | None:
        sql = f"SELECT {_COLUMNS} FROM api_keys WHERE key_id = :k" + (" FOR UPDATE" if lock else "")
        row = (await conn.execute(text(sql), {"k": key_id})).first()
        return KeyRow(*row) if row else None

    async def insert(self, conn, key_id: str, merchant_id: str, scopes: list[str], fingerprint: str, secret: bytes,
                     description: str, rotated_from: str, request_id: str) -> KeyRow:
        row = (await conn.execute(text(
            "INSERT INTO api_keys (key_id, merchant_id, scopes, state, fingerprint, sealed_secret, description, rotated_from, request_id) "
            f"VALUES (:k, :m, :s, {ACTIVE}, :f, :sealed, :d, :rf, :r) RETURNING {_COLUMNS}"),
            {"k": key_id, "m": merchant_id, "s": scopes, "f": fingerprint, "sealed": self.sealer.seal(key_id, secret),
             "d": description, "rf": rotated_from, "r": request_id or None})).first()
        return KeyRow(*row)

    async def mark(self, conn, key_id: str, state: int, expire_time: dt.datetime | None = None) -> KeyRow:
        sets = "state = :st, " + ("revoke_time = now()" if state == REVOKED else "expire_time = :e")
        row = (await conn.execute(text(f"UPDATE api_keys SET {sets} WHERE key_id = :k RETURNING {_COLUMNS}"),
                                  {"st": state, "k": key_id, "e": expire_time})).first()
        return KeyRow(*row)

    async def list(self, merchant_id: str, limit: int, offset: int) -> list[KeyRow]:
        async with self.db.engine.connect() as conn:
            rows = (await conn.execute(text(
                f"SELECT {_COLUMNS} FROM api_keys WHERE (:m = '' OR merchant_id = :m) ORDER BY create_time DESC, key_id LIMIT :l OFFSET :o"),
                {"m": merchant_id, "l": limit, "o": offset})).all()
        return [KeyRow(*r) for r in rows]


class SqlLimits:
    def __init__(self, db: Database):
        self.db = db

    async def load(self) -> dict[tuple[str, str], Limit]:
        async with self.db.engine.connect() as conn:
            rows = (await conn.execute(text("SELECT merchant_id, route, requests_per_second, burst FROM rate_limits"))).all()
        return {(r.merchant_id, r.route): Limit(r.merchant_id, r.route, r.requests_per_second, r.burst) for r in rows}

    async def rows(self, merchant_id: str) -> list[tuple[Limit, dt.datetime]]:
        async with self.db.engine.connect() as conn:
            rows = (await conn.execute(text(
                "SELECT merchant_id, route, requests_per_second, burst, update_time FROM rate_limits "
                "WHERE (:m = '' OR merchant_id IN (:m, '*')) ORDER BY merchant_id, route"), {"m": merchant_id})).all()
        return [(Limit(r.merchant_id, r.route, r.requests_per_second, r.burst), r.update_time) for r in rows]

    async def put(self, limit: Limit) -> dt.datetime | None:
        async with self.db.transaction() as conn:
            if limit.rps <= 0:
                await conn.execute(text("DELETE FROM rate_limits WHERE merchant_id = :m AND route = :r"), {"m": limit.merchant_id, "r": limit.route})
                return None
            return (await conn.execute(text(
                "INSERT INTO rate_limits (merchant_id, route, requests_per_second, burst) VALUES (:m, :r, :rps, :b) "
                "ON CONFLICT (merchant_id, route) DO UPDATE SET requests_per_second = :rps, burst = :b, update_time = now() "
                "RETURNING update_time"), {"m": limit.merchant_id, "r": limit.route, "rps": limit.rps, "b": limit.burst})).scalar_one()


# KEYS: nonce, bucket, usage hash. ARGV: nonce ttl s, rps (0 = no limit), burst, usage field, usage ttl s.
_ADMIT = """
if redis.call('set', KEYS[1], '1', 'NX', 'EX', tonumber(ARGV[1])) == false then return {'replay', '0'} end
local rps = tonumber(ARGV[2])
if rps > 0 then
  local t = redis.call('time')
  local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  local interval = 1000 / rps
  local tat = tonumber(redis.call('get', KEYS[2]) or now)
  if tat < now then tat = now end
  local new_tat = tat + interval
  local allow_at = new_tat - interval * math.max(1, tonumber(ARGV[3]))
  if now < allow_at then
    redis.call('hincrby', KEYS[3], ARGV[4] .. '|throttled', 1)
    redis.call('expire', KEYS[3], tonumber(ARGV[5]))
    return {'limited', tostring(math.ceil(allow_at - now))}
  end
  redis.call('set', KEYS[2], tostring(new_tat), 'PX', math.ceil(new_tat - now) + 1000)
end
redis.call('hincrby', KEYS[3], ARGV[4] .. '|calls', 1)
redis.call('expire', KEYS[3], tonumber(ARGV[5]))
return {'ok', '0'}
"""


class RedisCounters:
    """`admit` (every public call) goes over the lean pipelined connection; the admin reads over redis-py."""

    def __init__(self, redis: AppRedis, wire: RespClient, usage_ttl_days: int):
        self.redis, self.usage_ttl_s = redis, usage_ttl_days * 86400
        self.script = Script(wire, _ADMIT)

    def usage_key(self, day: str) -> str:
        return self.redis.key("usage", day)

    async def admit(self, key_id, nonce, nonce_ttl_s, limit, merchant_id, api, day):
        bucket = self.redis.key("rl", limit.bucket if limit else "-")
        keys = [self.redis.key("nonce", key_id, nonce), bucket, self.usage_key(day)]
        argv = [nonce_ttl_s, limit.rps if limit else 0, limit.burst if limit else 1, f"{merchant_id}|{api}", self.usage_ttl_s]
        verdict, retry = await self.script(keys, argv)
        return verdict.decode(), float(retry)

    async def usage(self, days: list[str], merchant_id: str) -> list[tuple[str, str, str, int, int]]:
        pipe = self.redis.client.pipeline(transaction=False)
        for day in days:
            pipe.hgetall(self.usage_key(day))
        rows: dict[tuple[str, str, str], list[int]] = {}
        for day, counts in zip(days, await pipe.execute()):
            for raw_field, raw_value in counts.items():
                merchant, api, kind = raw_field.decode().rsplit("|", 2)
                if merchant_id and merchant != merchant_id:
                    continue
                row = rows.setdefault((merchant, api, day), [0, 0])
                row[0 if kind == "calls" else 1] += int(raw_value)
        return [(m, a, d, c[0], c[1]) for (m, a, d), c in sorted(rows.items())]


class SqlUsage:
    """Durable copy of the usage counters (the Redis values are absolute, so upserts keep the larger)."""

    def __init__(self, db: Database):
        self.db = db

    async def save(self, rows: list[tuple[str, str, str, int, int]]) -> None:
        if not rows:
            return
        async with self.db.transaction() as conn:
            await conn.execute(text(
                "INSERT INTO usage_daily (day, merchant_id, api, calls, throttled) VALUES (:d, :m, :a, :c, :t) "
                "ON CONFLICT (day, merchant_id, api) DO UPDATE SET calls = GREATEST(usage_daily.calls, EXCLUDED.calls), "
                "throttled = GREATEST(usage_daily.throttled, EXCLUDED.throttled)"),
                [{"d": dt.date.fromisoformat(d), "m": m, "a": a, "c": c, "t": t} for m, a, d, c, t in rows])

    async def load(self, start: dt.date, end: dt.date, merchant_id: str) -> list[tuple[str, str, str, int, int]]:
        async with self.db.engine.connect() as conn:
            rows = (await conn.execute(text(
                "SELECT merchant_id, api, day, calls, throttled FROM usage_daily WHERE day BETWEEN :s AND :e "
                "AND (:m = '' OR merchant_id = :m)"), {"s": start, "e": end, "m": merchant_id})).all()
        return [(r.merchant_id, r.api, r.day.isoformat(), r.calls, r.throttled) for r in rows]
