"""Redis the reference's way (redis-starter): every key is prefixed with the application
name and carries a TTL; a distributed lock with lease renewal and fencing tokens."""
from __future__ import annotations

import asyncio
import contextlib
import os
from typing import AsyncIterator

import redis.asyncio as aioredis

from servers.kernel.errors import Unavailable

_RENEW = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end"
_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end"
FENCE_TTL_SECONDS = 30 * 24 * 3600


class AppRedis:
    """Keys look like `<app>:<name>:<id>`; writes without a TTL are impossible through this."""

    def __init__(self, client: aioredis.Redis, app: str, default_ttl_seconds: int = 600):
        self.client = client
        self.app = app
        self.default_ttl_seconds = default_ttl_seconds

    def key(self, *parts: str) -> str:
        return ":".join((self.app, *parts))

    async def set(self, key: str, value: bytes | str, ttl_seconds: int | None = None, nx: bool = False) -> bool:
        ttl = ttl_seconds or self.default_ttl_seconds
        return bool(await self.client.set(key, value, ex=ttl, nx=nx))

    async def get(self, key: str) -> bytes | None:
        return await self.client.get(key)

    async def delete(self, key: str) -> int:
        return await self.client.delete(key)

    def lock(self, name: str, lease_ms: int = 120_000) -> "FencedLock":
        return FencedLock(self, name, lease_ms)

    async def close(self) -> None:
        await self.client.aclose()


def connect(url: str, app: str) -> AppRedis:
    client = aioredis.Redis.from_url(url, socket_timeout=15, socket_connect_timeout=5, health_check_interval=60)
    return AppRedis(client, app)


class FencedLock:
    """`async with app_redis.lock("settle:m1") as fence:` — fence is a number that grows with
    every acquisition, so a resource can reject writes from a holder whose lease lapsed
    (store the highest fence seen and refuse smaller ones). The lease renews every third."""

    def __init__(self, cache: AppRedis, name: str, lease_ms: int):
        self.cache, self.lease_ms = cache, lease_ms
        self.key = cache.key("lock", name)
        self.fence_key = cache.key("lock-fence", name)

    async def try_acquire(self) -> int | None:
        fence = await self.cache.client.incr(self.fence_key)
        await self.cache.client.expire(self.fence_key, FENCE_TTL_SECONDS)
        self.token = f"{os.getpid()}:{os.urandom(8).hex()}:{fence}"
        if await self.cache.client.set(self.key, self.token, px=self.lease_ms, nx=True):
            self.fence = int(fence)
            self._renewer = asyncio.create_task(self._renew())
            return self.fence
        return None

    async def _renew(self) -> None:
        while True:
            await asyncio.sleep(self.lease_ms / 3000)
            if not await self.cache.client.eval(_RENEW, 1, self.key, self.token, self.lease_ms):
                return  # lost: the fence protects the resource from us now

    async def release(self) -> None:
        self._renewer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._renewer
        await self.cache.client.eval(_RELEASE, 1, self.key, self.token)

    @contextlib.asynccontextmanager
    async def held(self) -> AsyncIterator[int]:
        fence = await self.try_acquire()
        if fence is None:
            raise Unavailable("LOCK_BUSY", f"{self.key} is held by another worker")
        try:
            yield fence
        finally:
            await self.release()

    async def __aenter__(self) -> int:
        self._cm = self.held()
        return await self._cm.__aenter__()

    async def __aexit__(self, *exc) -> None:
        await self._cm.__aexit__(*exc)
