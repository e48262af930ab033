"""The HTTP/JSON channel protocol (adapter "http-json-v1", spoken by the channel simulator):
signed requests out, signed notifications in.

Signatures: hex HMAC-SHA256(key, f"{unix_seconds}.{raw body}") in `x-*-signature`, the
seconds in `x-*-timestamp`; notifications older or newer than SIGNATURE_SKEW_SECONDS are
refused (replay window). Keys are looked up by the channel's signing_key_ref in a key file
(mode 600) — never in the database, never logged.

Outcome rules (never guess that money did not move):
  connection refused / connect timeout        → REJECTED (nothing was sent: safe to fall back)
  HTTP 503 with status REJECTED                → REJECTED (the channel says it did not process)
  read timeout, broken connection, other 5xx   → ERROR (unknown: the order is queried)
"""
from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import time
from pathlib import Path

import httpx

from servers.channel import errors
from servers.channel.domain import Channel, ChannelAnswer, InstOrder, OrderType

SIGNATURE_SKEW_SECONDS = 300
DEFAULT_TIMEOUT_MILLIS = 10_000
PATHS = {OrderType.PAY: "payments", OrderType.REFUND: "refunds", OrderType.PAYOUT: "payouts"}


def sign(key: bytes, timestamp: str, body: bytes) -> str:
    return hmac.new(key, timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def load_keys(path: Path) -> dict[str, bytes]:
    """ref → key. Creates the file with a random key for ref "sim" on first use (local stack)."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as f:
                json.dump({"sim": secrets.token_hex(32)}, f)
        except FileExistsError:
            pass
    for _ in range(50):  # another process may be writing it right now
        try:
            return {ref: key.encode() for ref, key in json.loads(path.read_text()).items()}
        except json.JSONDecodeError:
            time.sleep(0.01)
    raise RuntimeError(f"unreadable signing key file {path}")


def _answer(data: dict, fallback_status: str = "ERROR") -> ChannelAnswer:
    amount = data.get("amount_minor")
    return ChannelAnswer(str(data.get("status") or fallback_status), str(data.get("code") or "")[:64],
                         str(data.get("message") or "")[:500], str(data.get("channel_reference") or "")[:128],
                         int(amount) if isinstance(amount, int) else None, str(data.get("redirect_url") or "")[:2000],
                         str(data.get("notification_id") or "")[:128], str(data.get("reference") or "")[:64])


class HttpJsonConnector:
    def __init__(self, keys: dict[str, bytes], connections_max: int = 200):
        self.keys = keys
        self.client = httpx.AsyncClient(limits=httpx.Limits(max_connections=connections_max, max_keepalive_connections=connections_max))

    def _key(self, channel: Channel) -> bytes:
        key = self.keys.get(channel.signing_key_ref)
        if not key:
            raise errors.bad_signature(channel.channel_id)
        return key

    async def _call(self, channel: Channel, method: str, path: str, payload: dict | None) -> httpx.Response | ChannelAnswer:
        body = json.dumps(payload, separators=(",", ":")).encode() if payload is not None else b""
        stamp = str(int(time.time()))
        headers = {"content-type": "application/json", "x-sim-timestamp": stamp,
                   "x-sim-signature": sign(self._key(channel), stamp, body)}
        timeout = (channel.request_timeout_millis or DEFAULT_TIMEOUT_MILLIS) / 1000
        try:
            return await self.client.request(method, channel.endpoint.rstrip("/") + path, content=body or None, headers=headers,
                                             timeout=httpx.Timeout(timeout, connect=min(timeout, 2.0)))
        except (httpx.ConnectError, httpx.ConnectTimeout):
            return ChannelAnswer("REJECTED", "CONNECT_FAILED", "channel unreachable; nothing was sent")
        except httpx.TimeoutException:
            return ChannelAnswer("ERROR", "TIMEOUT", "no answer in time")
        except httpx.TransportError as exc:
            return ChannelAnswer("ERROR", "TRANSPORT", type(exc).__name__)

    @staticmethod
    def _parse(resp: httpx.Response) -> ChannelAnswer:
        try:
            data = resp.json()
        except ValueError:
            data = {}
        if resp.status_code == 404:
            return ChannelAnswer("NOT_FOUND", str(data.get("code") or "NOT_FOUND"))
        if resp.status_code == 503 and data.get("status") == "REJECTED":
            return _answer(data)
        if resp.status_code >= 500:
            return ChannelAnswer("ERROR", f"HTTP_{resp.status_code}", str(data.get("message") or "")[:500])
        if resp.status_code >= 400:
            return ChannelAnswer("DECLINED", str(data.get("code") or f"HTTP_{resp.status_code}")[:64], str(data.get("message") or "")[:500])
        return _answer(data)

    async def send(self, channel: Channel, order: InstOrder, request: dict) -> ChannelAnswer:
        payload = {"reference": order.inst_order_id, "amount_minor": order.amount.amount_minor,
                   "currency_code": order.amount.currency_code, "merchant_id": order.merchant_id,
                   "three_ds": order.verification_method == 4, "return_url": request.get("return_url", ""),
                   "description": request.get("description", ""), "original_reference": order.original_inst_order_id,
                   **{k: request[k] for k in ("card_bin", "card_last4", "card_org", "bank_code", "country_code") if request.get(k)}}
        resp = await self._call(channel, "POST", f"/v1/{channel.channel_id}/{PATHS[order.type]}", payload)
        return resp if isinstance(resp, ChannelAnswer) else self._parse(resp)

    async def query(self, channel: Channel, order: InstOrder) -> ChannelAnswer:
        resp = await self._call(channel, "GET", f"/v1/{channel.channel_id}/{PATHS[order.type]}/{order.inst_order_id}", None)
        if isinstance(resp, ChannelAnswer):
            return ChannelAnswer("ERROR", resp.code, resp.message)  # on a query, "not sent" is still "don't know"
        return self._parse(resp)

    def parse_notification(self, channel: Channel, body: bytes, headers: dict[str, str]) -> ChannelAnswer:
        stamp, signature = headers.get("x-channel-timestamp", ""), headers.get("x-channel-signature", "")
        if not stamp.isdigit() or abs(time.time() - int(stamp)) > SIGNATURE_SKEW_SECONDS or not signature:
            raise errors.bad_signature(channel.channel_id)
        if not hmac.compare_digest(sign(self._key(channel), stamp, body), signature):
            raise errors.bad_signature(channel.channel_id)
        try:
            data = json.loads(body)
        except ValueError:
            raise errors.bad_notification("body is not JSON") from None
        if not isinstance(data, dict) or not data.get("notification_id") or not data.get("reference") or not data.get("status"):
            raise errors.bad_notification("notification_id, reference and status are required")
        answer = _answer(data)
        if answer.status not in ("SUCCESS", "DECLINED", "PENDING", "REQUIRES_ACTION"):
            raise errors.bad_notification(f"unknown status {answer.status!r}")
        return answer

    async def close(self) -> None:
        await self.client.aclose()
