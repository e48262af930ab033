"""AIP-158 page tokens: opaque, and bound to the listing and filters they were issued for
(a token reused with other filters is INVALID_ARGUMENT, not a silently wrong page)."""
from __future__ import annotations

import base64
import hashlib
import json

from servers.ledger import errors


def _scope_hash(kind: str, scope: dict) -> str:
    return hashlib.sha256(json.dumps([kind, scope], sort_keys=True).encode()).hexdigest()[:16]


def encode(key: str | int, kind: str, scope: dict) -> str:
    raw = json.dumps({"k": key, "s": _scope_hash(kind, scope)}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(token: str, kind: str, scope: dict) -> str | int | None:
    if not token:
        return None
    try:
        body = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        key, scope_hash = body["k"], body["s"]
    except (ValueError, KeyError, TypeError):
        raise errors.bad_page_token() from None
    if scope_hash != _scope_hash(kind, scope) or not isinstance(key, (str, int)):
        raise errors.bad_page_token()
    return key
