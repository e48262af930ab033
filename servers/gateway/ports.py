"""What the gateway needs from the outside world (adapters.py implements them; tests/unit fakes)."""
from __future__ import annotations

from typing import Protocol

from servers.gateway.domain import KeyRecord, Limit


class KeyLookup(Protocol):
    async def key(self, key_id: str) -> KeyRecord | None: ...


class LimitLookup(Protocol):
    async def limits(self) -> dict[tuple[str, str], Limit]: ...


class EdgeCounters(Protocol):
    async def admit(self, key_id: str, nonce: str, nonce_ttl_s: int, limit: Limit | None, merchant_id: str, api: str,
                    day: str) -> tuple[str, float]:
        """One round trip: claim the nonce, take a rate-limit token, count the call.
        Returns ("ok" | "replay" | "limited", retry-after ms)."""
        ...
