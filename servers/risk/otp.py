"""One-time codes for OTP challenges. A code is 6 random digits, kept only as an HMAC (keyed by a
key derived from risk's ticket key) in Redis under the challenge, with the challenge's expiry as
its limit; a new send replaces it. Sends are limited per challenge (count and spacing), atomically
in one script, and idempotent per request id (a retried SendOtp sends nothing new).

Delivery goes through an `OtpSender` port. Production plugs an SMS/e-mail gateway adapter there
(it detokenizes the member's mobile through UES); locally `FileOtpSender` is the member's phone: a
mode-600 inbox file under PAYMESH_HOME. `otp_sender = "none"` disables OTP (OTP_UNAVAILABLE)."""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import secrets
from pathlib import Path
from typing import Protocol

from servers.kernel.cache import AppRedis

CODE_DIGITS = 6
OTP_INBOX = "otp-inbox.jsonl"  # under PAYMESH_HOME/risk: the dev sender's file

# KEYS[1] the challenge's OTP hash. ARGV: request id, digest (hex), now ms, expire ms, sends max, resend gap ms.
# Returns {status, sends, expire ms}: status 1 stored (send it), 2 the same request again (send nothing),
# 3 too many sends, 4 too soon after the last send.
_ISSUE = """
local h = redis.call('HMGET', KEYS[1], 'request', 'sends', 'last', 'expire')
local sends, last = tonumber(h[2] or '0'), tonumber(h[3] or '0')
if h[1] == ARGV[1] then return {2, sends, tonumber(h[4])} end
if sends >= tonumber(ARGV[5]) then return {3, sends, 0} end
if last > 0 and tonumber(ARGV[3]) - last < tonumber(ARGV[6]) then return {4, sends, last + tonumber(ARGV[6])} end
redis.call('HSET', KEYS[1], 'request', ARGV[1], 'digest', ARGV[2], 'sends', sends + 1, 'last', ARGV[3], 'expire', ARGV[4])
redis.call('PEXPIREAT', KEYS[1], ARGV[4])
return {1, sends + 1, tonumber(ARGV[4])}
"""


class OtpSender(Protocol):
    async def send(self, member_id: str, challenge_id: str, code: str, expire_time: dt.datetime) -> None:
        """Delivers the code to the member (raises when it could not)."""


class FileOtpSender:
    """The local stand-in for an SMS gateway: appends one JSON line per code to a mode-600 file."""

    def __init__(self, path: Path):
        self.path = path

    async def send(self, member_id: str, challenge_id: str, code: str, expire_time: dt.datetime) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        with os.fdopen(fd, "a") as inbox:
            inbox.write(json.dumps({"member_id": member_id, "challenge_id": challenge_id, "code": code,
                                    "expire_time": expire_time.isoformat()}) + "\n")


def read_inbox(path: Path, challenge_id: str) -> str | None:
    """The last code sent for a challenge (tests and local demos read the dev inbox)."""
    if not path.exists():
        return None
    codes = [json.loads(line)["code"] for line in path.read_text().splitlines() if f'"{challenge_id}"' in line]
    return codes[-1] if codes else None


STORED, REPEATED, TOO_MANY, TOO_SOON = 1, 2, 3, 4


class Otps:
    def __init__(self, redis: AppRedis, ticket_key: bytes):
        self.redis = redis
        self.key = hmac.new(ticket_key, b"paymesh-risk-otp-v1", hashlib.sha256).digest()  # never the ticket key itself
        self._issue = redis.client.register_script(_ISSUE)

    def _digest(self, challenge_id: str, code: str) -> str:
        return hmac.new(self.key, f"{challenge_id}:{code}".encode(), hashlib.sha256).hexdigest()

    def _hash(self, challenge_id: str) -> str:
        return self.redis.key("otp", challenge_id)

    async def issue(self, challenge_id: str, request_id: str, now: dt.datetime, expire_time: dt.datetime, sends_max: int,
                    resend_seconds: int) -> tuple[int, int, dt.datetime, str]:
        """(status, sends so far, expiry — or when a resend is allowed for TOO_SOON, code to send for STORED)."""
        code = f"{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"
        ms = lambda t: int(t.timestamp() * 1000)  # noqa: E731
        status, sends, at = await self._issue(keys=[self._hash(challenge_id)], args=[
            request_id, self._digest(challenge_id, code), ms(now), ms(expire_time), sends_max, resend_seconds * 1000])
        when = dt.datetime.fromtimestamp(int(at) / 1000, dt.timezone.utc) if int(at) else expire_time
        return int(status), int(sends), when, code if int(status) == STORED else ""

    async def check(self, challenge_id: str, code: str) -> bool | None:
        """True when the code is the last one sent for the challenge; None when none was sent (or it expired)."""
        stored = await self.redis.client.hget(self._hash(challenge_id), "digest")
        if stored is None:
            return None
        return hmac.compare_digest(stored.decode(), self._digest(challenge_id, code))

    async def drop(self, challenge_id: str) -> None:
        await self.redis.delete(self._hash(challenge_id))
