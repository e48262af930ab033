"""Reconciliation adapters: one statement parser per channel adapter kind (registry), the
signed HTTP fetch of a channel's daily statement (streamed), and the ledger bookings between
channel clearing and platform suspense (through clients/ stubs only)."""
from __future__ import annotations

import csv
import datetime as dt
import time
from typing import AsyncIterator

import grpc
import httpx

from clients.services import Mesh
from paymesh.ledger.v1 import ledger_pb2, ledger_service_pb2 as ledger_api
from paymesh.ufs.v1 import ufs_service_pb2 as ufs_api
from servers.channel import errors
from servers.channel.connector import sign
from servers.channel.domain import Channel
from servers.channel.ports import LineRow, StatementParser
from servers.kernel.errors import FailedPrecondition, NotFound, invalid

TYPES = {"PAY": 1, "REFUND": 2, "PAYOUT": 3}
STATES = {"SUCCESS": 5, "FAIL": 6, "FAILED": 6, "DECLINED": 6}
SIM_HEADER = ["channel_reference", "reference", "type", "status", "amount_minor", "currency_code", "fee_minor", "transaction_time"]


class SimCsvParser:
    """The simulator's CSV ("http-json-v1"): the header above, then one transaction per row."""

    def parse(self, lines: list[str], first_line: int) -> list[LineRow]:
        out, parse_time, types, states = [], dt.datetime.fromisoformat, TYPES, STATES
        for number, row in enumerate(csv.reader(lines), start=first_line):
            if number == 1:
                if row != SIM_HEADER:
                    raise ValueError(f"line 1: unexpected header {row!r}")
                continue
            if not row:
                continue
            try:
                ref, ours, kind, status, amount, currency, fee, when = row
                out.append((ref, ours, types[kind], states[status], currency, int(amount), int(fee),
                            parse_time(when) if when else None, status))
            except (ValueError, KeyError) as exc:
                raise ValueError(f"line {number}: {type(exc).__name__} {exc}") from None
        return out


PARSERS: dict[str, StatementParser] = {"http-json-v1": SimCsvParser()}


def parser_for(channel: Channel) -> StatementParser:
    parser = PARSERS.get(channel.adapter)
    if parser is None:
        raise FailedPrecondition("NO_STATEMENT_PARSER", f"no statement parser for adapter {channel.adapter!r}",
                                 {"adapter": channel.adapter})
    return parser


async def text_lines(chunks: AsyncIterator[bytes]) -> AsyncIterator[list[str]]:
    """Splits a byte stream into batches of complete text lines (never the whole file)."""
    tail = b""
    async for chunk in chunks:
        data = tail + chunk
        cut = data.rfind(b"\n")
        if cut < 0:
            tail = data
            continue
        tail = data[cut + 1:]
        yield data[:cut + 1].decode("utf-8").splitlines(keepends=True)
    if tail:
        yield tail.decode("utf-8").splitlines(keepends=True)


class HttpStatementFetcher:
    """GET /v1/{channel}/statements/{date}, signed like the connector's other calls."""

    def __init__(self, keys: dict[str, bytes], chunk_bytes: int = 1 << 16):
        self.keys, self.chunk_bytes = keys, chunk_bytes

    async def fetch(self, channel: Channel, date: dt.date) -> AsyncIterator[bytes]:
        key = self.keys.get(channel.signing_key_ref)
        if not key:
            raise errors.bad_signature(channel.channel_id)
        stamp = str(int(time.time()))
        headers = {"x-sim-timestamp": stamp, "x-sim-signature": sign(key, stamp, b"")}
        url = f"{channel.endpoint.rstrip('/')}/v1/{channel.channel_id}/statements/{date.isoformat()}"
        async with httpx.AsyncClient(timeout=httpx.Timeout(60, connect=5)) as client:
            async with client.stream("GET", url, headers=headers) as resp:
                if resp.status_code != 200:
                    raise FailedPrecondition("STATEMENT_UNAVAILABLE", f"the channel answered HTTP {resp.status_code}",
                                             {"channel_id": channel.channel_id})
                async for chunk in resp.aiter_bytes(self.chunk_bytes):
                    yield chunk


class UfsStatementFetcher:
    """A statement uploaded to the UFS share bucket, downloaded (streamed) by file tag as the
    channel's own UFS client."""

    def __init__(self, mesh: Mesh, client_id: str, timeout_seconds: float = 600):
        self.mesh, self.client_id, self.timeout_seconds = mesh, client_id, timeout_seconds

    async def fetch_tag(self, file_tag: str) -> AsyncIterator[bytes]:
        call = self.mesh.ufs_share.DownloadShareFile(ufs_api.DownloadShareFileRequest(file_tag=file_tag),
                                                     metadata=(("x-ufs-client-id", self.client_id),), timeout=self.timeout_seconds)
        try:
            async for message in call:
                yield message.data
        except grpc.aio.AioRpcError as exc:
            if exc.code() == grpc.StatusCode.NOT_FOUND:
                raise NotFound("STATEMENT_FILE_NOT_FOUND", f"no UFS share file {file_tag}", {"ufs_file_tag": file_tag}) from None
            raise FailedPrecondition("STATEMENT_UNAVAILABLE", f"UFS answered {exc.code().name}",
                                     {"ufs_file_tag": file_tag}) from None


class GrpcReconLedger:
    """Channel clearing ↔ platform suspense. Account ids are cached (they never change)."""

    def __init__(self, mesh: Mesh):
        self.mesh = mesh
        self._accounts: dict[tuple, str] = {}

    async def _account(self, owner_type: int, owner_id: str, account_type: int, currency: str) -> str:
        key = (owner_type, owner_id, account_type, currency)
        if key not in self._accounts:
            reply = await self.mesh.ledger.OpenAccount(ledger_api.OpenAccountRequest(
                request_id=f"open:{owner_type}:{owner_id}:{account_type}:{currency}", owner_type=owner_type, owner_id=owner_id,
                account_type=account_type, currency_code=currency))
            self._accounts[key] = reply.account.account_id
        return self._accounts[key]

    async def book(self, request_id: str, channel_id: str, currency: str, amount_minor: int, code: str, ref: dict) -> list[str]:
        if amount_minor == 0:
            return []
        clearing = await self._account(ledger_pb2.OWNER_TYPE_CHANNEL, channel_id, ledger_pb2.ACCOUNT_TYPE_CHANNEL_CLEARING, currency)
        suspense = await self._account(ledger_pb2.OWNER_TYPE_PLATFORM, "platform", ledger_pb2.ACCOUNT_TYPE_SUSPENSE, currency)
        debit, credit = (clearing, suspense) if amount_minor > 0 else (suspense, clearing)
        reply = await self.mesh.ledger.CreateTransfers(ledger_api.CreateTransfersRequest(request_id=request_id, legs=[
            ledger_api.TransferLeg(debit_account_id=debit, credit_account_id=credit, business_code=code, ref=ref,
                                   amount={"currency_code": currency, "amount_minor": abs(amount_minor)})]))
        return [t.transfer_id for t in reply.transfers]


def bad_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise invalid("statement_date", "not a calendar date") from None
