"""Signs a public API call with a merchant API key (the scheme of paymesh.gateway.v1.ApiKey):

    headers = sign("POST", "/v1/orders", body_bytes, key_id, secret)
    httpx.post(public_url + "/v1/orders", content=body_bytes, headers={**headers, "content-type": "application/json"})

x-paymesh-signature = hex HMAC-SHA256(secret, METHOD\\nPATH_WITH_QUERY\\nTIMESTAMP\\nNONCE\\nhex(SHA-256(body))).
Sign exactly the bytes you send and the path with its query string as sent.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
import time


def canonical(method: str, path_with_query: str, timestamp: str, nonce: str, body: bytes) -> bytes:
    return "\n".join((method.upper(), path_with_query, timestamp, nonce, hashlib.sha256(body).hexdigest())).encode()


def sign(method: str, path_with_query: str, body: bytes | str | None, key_id: str, secret: str, *,
         timestamp: int | None = None, nonce: str | None = None) -> dict[str, str]:
    """The four x-paymesh-* headers of one call (a fresh nonce each time unless given)."""
    data = body.encode() if isinstance(body, str) else (body or b"")
    ts = str(int(time.time()) if timestamp is None else timestamp)
    nonce = nonce or secrets.token_urlsafe(18)
    mac = hmac.new(secret.encode(), canonical(method, path_with_query, ts, nonce, data), hashlib.sha256).hexdigest()
    return {"x-paymesh-key-id": key_id, "x-paymesh-timestamp": ts, "x-paymesh-nonce": nonce, "x-paymesh-signature": mac}


def main(argv: list[str] | None = None) -> int:
    """`python -m clients.signing METHOD PATH KEY_ID [BODY_FILE]` (secret in PAYMESH_API_SECRET):
    prints curl -H arguments."""
    import os
    import shlex
    import sys

    args = sys.argv[1:] if argv is None else argv
    body = open(args[3], "rb").read() if len(args) > 3 else b""
    for name, value in sign(args[0], args[1], body, args[2], os.environ["PAYMESH_API_SECRET"]).items():
        print(f"-H {shlex.quote(f'{name}: {value}')}", end=" ")
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
