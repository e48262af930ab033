"""Gateway domain, pure: the signature scheme, the replay window, scopes, rate-limit lookup
and GCRA math, and the answers ext_authz gives. No I/O here (ports.py has the interfaces)."""
from __future__ import annotations

import hashlib
import hmac
import json
import math
import re
from dataclasses import dataclass, field

KEY_HEADER = "x-paymesh-key-id"
TIMESTAMP_HEADER = "x-paymesh-timestamp"
NONCE_HEADER = "x-paymesh-nonce"
SIGNATURE_HEADER = "x-paymesh-signature"
# Set by the gateway on allowed public calls (Envoy strips client-sent copies first).
MERCHANT_HEADER = "x-paymesh-merchant-id"
VERIFIED_KEY_HEADER = "x-paymesh-verified-key-id"
TRUSTED_HEADERS = (MERCHANT_HEADER, VERIFIED_KEY_HEADER)
# The request headers Envoy hands to Check (ext_authz allowed_headers); nothing else is read.
CHECK_HEADERS = (KEY_HEADER, TIMESTAMP_HEADER, NONCE_HEADER, SIGNATURE_HEADER, "x-context-id")
NONCE_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
WINDOW_SECONDS_DEFAULT = 300


def canonical(method: str, path_with_query: str, timestamp: str, nonce: str, body: bytes) -> bytes:
    """What a merchant signs: METHOD, path with query, timestamp, nonce, hex SHA-256 of the body."""
    return "\n".join((method.upper(), path_with_query, timestamp, nonce, hashlib.sha256(body).hexdigest())).encode()


def signature(secret: bytes, method: str, path_with_query: str, timestamp: str, nonce: str, body: bytes) -> str:
    return hmac.new(secret, canonical(method, path_with_query, timestamp, nonce, body), hashlib.sha256).hexdigest()


def fingerprint(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class Route:
    """A public operation: the full gRPC method and the scope a key needs for it."""
    method: str          # "/paymesh.trade.v1.TradeService/GetOrder"
    scope: str
    http_method: str = ""
    pattern: str = ""


@dataclass(frozen=True)
class KeyRecord:
    key_id: str
    merchant_id: str
    scopes: tuple[str, ...]
    state: int                 # paymesh.gateway.v1.ApiKeyState
    secret: bytes              # the HMAC key, decrypted in memory only
    expire_at: float | None    # unix seconds
    revoked: bool = False

    def allows(self, scope: str) -> bool:
        return "*" in self.scopes or scope in self.scopes


@dataclass(frozen=True)
class Limit:
    merchant_id: str
    route: str
    rps: float
    burst: int

    @property
    def bucket(self) -> str:
        """Bucket name: a changed limit starts a fresh bucket, so a raise applies at once."""
        return f"{self.merchant_id}|{self.route}|{self.rps:g}|{self.burst}"


@dataclass(frozen=True)
class Decision:
    status: int                          # 200 means allowed
    reason: str = ""
    message: str = ""
    headers: dict[str, str] = field(default_factory=dict)   # upstream headers (allowed) or reply headers (denied)

    @property
    def allowed(self) -> bool:
        return self.status == 200

    def body(self, context_id: str = "") -> str:
        doc = {"code": self.status, "reason": self.reason, "message": self.message}
        if context_id:
            doc["context_id"] = context_id
        return json.dumps(doc)


def deny(status: int, reason: str, message: str, **headers: str) -> Decision:
    return Decision(status, reason, message, dict(headers))


def check_headers(headers: dict[str, str], now: float, window: int = WINDOW_SECONDS_DEFAULT) -> Decision | None:
    """Shape of the signature headers and the timestamp window; None when they are fine."""
    if not headers.get(KEY_HEADER):
        return deny(401, "MISSING_API_KEY", f"{KEY_HEADER} is required")
    missing = [h for h in (TIMESTAMP_HEADER, NONCE_HEADER, SIGNATURE_HEADER) if not headers.get(h)]
    if missing:
        return deny(401, "MISSING_SIGNATURE", f"{', '.join(missing)} required")
    raw = headers[TIMESTAMP_HEADER]
    if not raw.isdigit() or len(raw) > 12:
        return deny(401, "BAD_TIMESTAMP", f"{TIMESTAMP_HEADER} must be unix seconds")
    if abs(now - int(raw)) > window:
        return deny(401, "STALE_TIMESTAMP", f"{TIMESTAMP_HEADER} is outside ±{window} s of the server clock")
    if not NONCE_PATTERN.match(headers[NONCE_HEADER]):
        return deny(401, "BAD_NONCE", f"{NONCE_HEADER} must be 16-64 characters of [A-Za-z0-9_-]")
    return None


def check_key(key: KeyRecord | None, now: float) -> Decision | None:
    if key is None:
        return deny(401, "UNKNOWN_API_KEY", "unknown API key")
    if key.revoked:
        return deny(401, "API_KEY_REVOKED", "the API key is revoked")
    if key.expire_at is not None and now >= key.expire_at:
        return deny(401, "API_KEY_EXPIRED", "the API key has expired")
    return None


def check_signature(key: KeyRecord, method: str, path_with_query: str, headers: dict[str, str], body: bytes) -> Decision | None:
    wanted = signature(key.secret, method, path_with_query, headers[TIMESTAMP_HEADER], headers[NONCE_HEADER], body)
    if not hmac.compare_digest(wanted, headers[SIGNATURE_HEADER].lower()):
        return deny(401, "BAD_SIGNATURE", "the signature does not match the request")
    return None


def check_scope(key: KeyRecord, route: Route) -> Decision | None:
    if not key.allows(route.scope):
        return deny(403, "FORBIDDEN_SCOPE", f"the API key lacks scope {route.scope!r}")
    return None


def find_limit(limits: dict[tuple[str, str], Limit], merchant_id: str, route: Route) -> Limit | None:
    """Most specific first: merchant+method, merchant+scope, merchant+*, then the same for "*"."""
    for who in (merchant_id, "*"):
        for what in (route.method, route.scope, "*"):
            limit = limits.get((who, what))
            if limit is not None and limit.rps > 0:
                return limit
    return None


def gcra(tat_ms: float | None, now_ms: float, rps: float, burst: int) -> tuple[bool, float, float]:
    """Generic cell rate algorithm, the same math as the Redis script: returns (allowed,
    new theoretical arrival time, retry-after in ms)."""
    interval = 1000.0 / rps
    tat = max(tat_ms or now_ms, now_ms)
    new_tat = tat + interval
    allow_at = new_tat - interval * max(1, burst)
    if now_ms < allow_at:
        return False, tat, allow_at - now_ms
    return True, new_tat, 0.0


def retry_after_seconds(retry_ms: float) -> str:
    return str(max(1, math.ceil(retry_ms / 1000.0)))
