"""Plain HTTP/1.1 file transfers for REST callers.

Envoy routes the REST calls that carry file bytes here instead of through the gRPC-JSON
transcoder: the GETs (`/ufs2/standalone/file/{ossPath}`, `/ufs2/share/file/{fileTag}`,
`/ufs2/sts/file/{stsToken}`) and the PUTs (`/ufs2/standalone/file/{ossPath}`, `/ufs2/share/file`).
Streaming HttpBody messages through gRPC and the transcoder cost several times the CPU per
byte of a plain HTTP stream (uploads arrive as ~16 KiB messages, each a trip through grpc.aio)
and capped transfers well below S3's speed. gRPC callers keep the RPCs. Both paths run the
same code: the servicer's `open_*`/`put_*` functions authenticate, open or store the file;
request messages are validated against their contract like the kernel's interceptor does;
errors become the transcoder's JSON (`{"code","message","details"}`, same HTTP status); the
responses carry the same headers (downloads also Content-Length) and the same JSON bodies.

Only Envoy talks to this server (127.0.0.1): one request at a time per connection,
keep-alive; bytes pass in pieces as they come (S3 read-ahead of 1 MiB chunks down, socket
reads up), and the sockets' backpressure bounds what is buffered."""
from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import time
from typing import AsyncIterator, Awaitable, Callable
from urllib.parse import parse_qs

from google.protobuf import json_format
from google.protobuf.message import Message
from google.rpc import status_pb2
from opentelemetry import baggage, context as otel_context, propagate, trace

from paymesh.ufs.v1 import ufs_service_pb2 as api
from servers.kernel import context as ctx
from servers.kernel.errors import InvalidArgument
from servers.kernel.interceptors import ErrorMapper
from servers.kernel.metrics import METRICS
from servers.kernel.validation import validate
from servers.ufs import errors, servicer
from servers.ufs.handlers import Authenticator, Deps, Download, Upload

log = logging.getLogger("paymesh.rpc")
HEAD_LIMIT = 64 * 1024  # Envoy's default max request headers is 60 KiB
READ_BYTES = 1024 * 1024  # largest piece of request body taken from the socket at once
IDLE_SECONDS = 600  # an idle keep-alive connection is closed after this
WRITE_HIGH_WATER = 2 * 1024 * 1024  # socket buffer before drain() waits: keeps 2 chunks in flight
RESERVED = frozenset(":/?#[]@!$&'()*+,;=")  # RFC 6570: the transcoder leaves these percent-encoded
# gRPC code → HTTP status, as Envoy's transcoder maps them.
HTTP_STATUS = {"OK": 200, "CANCELLED": 499, "UNKNOWN": 500, "INVALID_ARGUMENT": 400, "DEADLINE_EXCEEDED": 504, "NOT_FOUND": 404,
               "ALREADY_EXISTS": 409, "PERMISSION_DENIED": 403, "RESOURCE_EXHAUSTED": 429, "FAILED_PRECONDITION": 400,
               "ABORTED": 409, "OUT_OF_RANGE": 400, "UNIMPLEMENTED": 501, "INTERNAL": 500, "UNAVAILABLE": 503,
               "DATA_LOSS": 500, "UNAUTHENTICATED": 401}
REASONS = {200: "OK", 206: "Partial Content", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
           405: "Method Not Allowed", 409: "Conflict", 410: "Gone", 429: "Too Many Requests", 431: "Request Header Fields Too Large",
           499: "Client Closed Request", 500: "Internal Server Error", 501: "Not Implemented", 503: "Service Unavailable",
           504: "Gateway Timeout"}
_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")


def unescape(raw: str) -> str:
    """Percent-decodes a path parameter like the transcoder (ALL_CHARACTERS_EXCEPT_RESERVED):
    escapes of RFC 6570 reserved characters stay as they are; the bytes must be UTF-8."""
    out, at = bytearray(), 0
    for m in _ESCAPE.finditer(raw):
        out += raw[at:m.start()].encode()
        byte = int(m.group(1), 16)
        out += m.group(0).encode() if chr(byte) in RESERVED else bytes([byte])
        at = m.end()
    out += raw[at:].encode()
    try:
        return out.decode()
    except UnicodeDecodeError:
        raise errors.invalid("path", "must be UTF-8") from None


Opener = Callable[[Deps, Authenticator, dict[str, str], str], Awaitable[Download]]


async def _standalone(deps: Deps, auth: Authenticator, hdrs: dict[str, str], param: str) -> Download:
    request = api.DownloadFileRequest(oss_path=param)
    _validate(request)
    return await servicer.open_standalone(deps, auth, hdrs, request)


async def _share(deps: Deps, auth: Authenticator, hdrs: dict[str, str], param: str) -> Download:
    request = api.DownloadShareFileRequest(file_tag=param)
    _validate(request)
    return await servicer.open_share(deps, auth, hdrs, request)


async def _sts(deps: Deps, auth: Authenticator, hdrs: dict[str, str], param: str) -> Download:
    request = api.DownloadStsFileRequest(sts_token=param)
    _validate(request)
    return await servicer.open_sts(deps, hdrs, request)


def _validate(request) -> None:  # what the kernel's ValidationInterceptor does for gRPC calls
    violations = validate(request)
    if violations:
        raise InvalidArgument(violations)


# (deps, auth, headers, path parameter, request_id from the query, body) → the RPC's response
Putter = Callable[[Deps, Authenticator, dict[str, str], str, str, AsyncIterator[bytes]], Awaitable[Message]]


async def _put_standalone(deps: Deps, auth: Authenticator, hdrs: dict[str, str], param: str, request_id: str,
                          body: AsyncIterator[bytes]) -> Message:
    async def read_body() -> tuple[str, Upload]:
        return param, servicer.body_upload(hdrs, hdrs.get("content-type", ""), body, request_id)
    return await servicer.put_standalone(deps, auth, hdrs, read_body)


async def _put_share(deps: Deps, auth: Authenticator, hdrs: dict[str, str], param: str, request_id: str,
                     body: AsyncIterator[bytes]) -> Message:
    async def read_body() -> tuple[str, Upload]:
        return "", servicer.body_upload(hdrs, hdrs.get("content-type", ""), body, request_id)
    return await servicer.put_share(deps, auth, hdrs, read_body)


# (method, path pattern, the RPC it stands for, handler); the patterns are the contract's HTTP rules.
ROUTES: list[tuple[str, re.Pattern, str, Opener | Putter]] = [
    ("GET", re.compile(r"/ufs2/standalone/file/(.*)"), "/paymesh.ufs.v1.UfsStandaloneService/DownloadFile", _standalone),
    ("GET", re.compile(r"/ufs2/share/file/([^/]+)"), "/paymesh.ufs.v1.UfsShareService/DownloadShareFile", _share),
    ("GET", re.compile(r"/ufs2/sts/file/([^/]+)"), "/paymesh.ufs.v1.UfsStsService/DownloadStsFile", _sts),
    ("PUT", re.compile(r"/ufs2/standalone/file/(.*)"), "/paymesh.ufs.v1.UfsStandaloneService/UploadFile", _put_standalone),
    ("PUT", re.compile(r"/ufs2/share/file()"), "/paymesh.ufs.v1.UfsShareService/UploadShareFile", _put_share),
]


class _Body:
    """The request body as a stream of pieces (Content-Length or chunked), read as the handler
    pulls it; `done` tells whether it was read to its end (else the connection can't be reused)."""

    def __init__(self, reader: asyncio.StreamReader, hdrs: dict[str, str]):
        self.reader, self.done, self.broken = reader, False, False
        self.chunked = "chunked" in hdrs.get("transfer-encoding", "").lower()
        self.length = int(hdrs.get("content-length") or 0)
        if self.length < 0 or (hdrs.get("transfer-encoding") and not self.chunked):
            raise ValueError("unsupported request body framing")

    async def _exactly(self, left: int) -> AsyncIterator[bytes]:
        while left:
            piece = await self.reader.read(min(left, READ_BYTES))
            if not piece:
                raise asyncio.IncompleteReadError(b"", left)
            left -= len(piece)
            yield piece

    async def chunks(self) -> AsyncIterator[bytes]:
        try:
            if not self.chunked:
                async for piece in self._exactly(self.length):
                    yield piece
            else:
                while size := int((await self.reader.readuntil(b"\r\n")).split(b";", 1)[0].strip(), 16):
                    async for piece in self._exactly(size):
                        yield piece
                    if await self.reader.readexactly(2) != b"\r\n":
                        raise ValueError("bad chunk")
                while await self.reader.readuntil(b"\r\n") != b"\r\n":  # trailers
                    pass
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError, ConnectionError) as exc:
            self.broken = True
            raise errors.invalid("body", "the request body ended early or is malformed") from exc
        self.done = True

    async def drain(self) -> bool:
        """Reads what the handler left unread (a small rest only); False if the connection is unusable."""
        if self.done or self.broken:
            return self.done
        if self.chunked or self.length > READ_BYTES:
            return False
        try:
            await self.reader.readexactly(self.length)
        except (asyncio.IncompleteReadError, ConnectionError):
            return False
        return True


def parse_head(head: bytes) -> tuple[str, str, dict[str, str]]:
    """Request line and headers (names lower-cased; a repeated header keeps its last value,
    as the gRPC servicer's view of the metadata does)."""
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
        raise ValueError("bad request line")
    hdrs: dict[str, str] = {}
    for line in lines[1:]:
        if not line:
            continue
        name, sep, value = line.partition(":")
        if not sep or not name or name != name.strip():
            raise ValueError("bad header line")
        hdrs[name.lower()] = value.strip(" \t")
    return parts[0], parts[1], hdrs


class FileHttpServer:
    def __init__(self, deps: Deps, auth: Authenticator, errors_to_status: ErrorMapper):
        self.deps, self.auth, self.errors = deps, auth, errors_to_status
        self.server: asyncio.AbstractServer | None = None
        self.tracer = trace.get_tracer("paymesh.ufs.http")

    async def start(self, host: str, port: int) -> int:
        self.server = await asyncio.start_server(self._connection, host, port, limit=HEAD_LIMIT)
        bound = self.server.sockets[0].getsockname()[1]
        log.info("file downloads over HTTP", extra={"http_port": bound})
        return bound

    async def close(self) -> None:
        if self.server is not None:
            self.server.close()
            await self.server.wait_closed()

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.transport.set_write_buffer_limits(high=WRITE_HIGH_WATER)
        # Headers are cut at HEAD_LIMIT; a body is read in pieces of up to READ_BYTES.
        try:
            while True:
                try:
                    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), IDLE_SECONDS)
                except asyncio.LimitOverrunError:
                    await self._plain(writer, 431, "request headers too large")
                    return
                try:
                    method, target, hdrs = parse_head(head)
                except ValueError:
                    await self._plain(writer, 400, "malformed request")
                    return
                try:
                    body = _Body(reader, hdrs)
                except ValueError:
                    await self._plain(writer, 400, "unsupported request body framing")
                    return
                if not await self._request(method, target, hdrs, body, writer) or hdrs.get("connection", "").lower() == "close":
                    return
        except (asyncio.IncompleteReadError, asyncio.TimeoutError, ConnectionError, ValueError):
            pass  # the peer went away or idled out
        except asyncio.CancelledError:
            pass  # shutdown: this is the connection's top-level task, nobody awaits it
        finally:
            writer.close()

    async def _request(self, method: str, target: str, hdrs: dict[str, str], body: _Body, writer: asyncio.StreamWriter) -> bool:
        """Serves one request; False when the connection can't be reused."""
        path, _, query = target.partition("?")
        routes = [(m, rpc, handler, verb) for verb, pattern, rpc, handler in ROUTES if (m := pattern.fullmatch(path))]
        route = next(((m, rpc, handler) for m, rpc, handler, verb in routes if verb == method), None)
        if route is None:
            await self._plain(writer, 405 if routes else 404, "no such route")
            return await body.drain()
        match, rpc, handler = route
        started = time.perf_counter()
        token = otel_context.attach(baggage_of(hdrs))
        code = "OK"
        try:
            with self.tracer.start_as_current_span(rpc.lstrip("/"), context=propagate.extract(hdrs), kind=trace.SpanKind.SERVER):
                try:
                    param = unescape(match.group(1))
                    if method == "GET":
                        reusable = await body.drain()  # a GET's stray body: small ones are skipped, else no keep-alive
                        download = await handler(self.deps, self.auth, hdrs, param)
                    else:
                        request_id = parse_qs(query).get("request_id", [""])[-1]  # ?request_id=, as the transcoder binds it
                        response = await handler(self.deps, self.auth, hdrs, param, request_id, body.chunks())
                except Exception as exc:  # noqa: BLE001 — mapped like the gRPC interceptor maps it
                    if body.broken:  # the caller went away mid-body: nobody to answer
                        code = "CANCELLED"
                        return False
                    grpc_code, (trailing, message) = self.errors.to_status(exc)
                    code = grpc_code.name
                    reusable = await body.drain()
                    await self._error(writer, grpc_code.name, dict(trailing), close=not reusable)
                    return reusable
                if method == "GET":
                    return await self._stream(writer, download) and reusable
                await self._json(writer, 200, to_json(response))
                return await body.drain()
        except BaseException:
            code = "CANCELLED"
            raise
        finally:
            seconds = time.perf_counter() - started
            METRICS.observe(rpc, code, seconds)
            log.info("rpc", extra={"rpc_method": rpc, "rpc_code": code, "duration_ms": round(seconds * 1000, 3), "transport": "http"})
            otel_context.detach(token)

    async def _stream(self, writer: asyncio.StreamWriter, download: Download) -> bool:
        length = download.size_bytes
        if download.range is not None:
            length = download.range[1] - download.range[0] + 1
        status = 206 if download.range is not None else 200
        head = [("content-type", download.content_type), *servicer.download_headers(download), ("content-length", str(length))]
        async with contextlib.aclosing(download.chunks) as chunks:
            writer.write(_head(status, head))
            sent = 0
            async for chunk in chunks:
                writer.write(chunk)
                sent += len(chunk)
                await writer.drain()
            if sent != length:  # never pass off a short body as complete: the peer sees a reset
                raise ConnectionError(f"sent {sent} of {length} bytes")
        await writer.drain()
        return True

    async def _error(self, writer: asyncio.StreamWriter, code_name: str, trailing: dict, close: bool = False) -> None:
        status = status_pb2.Status.FromString(trailing["grpc-status-details-bin"])
        http_status = int(trailing.get("x-http-status") or HTTP_STATUS.get(code_name, 500))
        await self._json(writer, http_status, json_format.MessageToDict(status, always_print_fields_with_no_presence=True), close)

    async def _plain(self, writer: asyncio.StreamWriter, status: int, message: str) -> None:
        await self._json(writer, status, {"code": status, "message": message})

    async def _json(self, writer: asyncio.StreamWriter, status: int, doc: dict, close: bool = False) -> None:
        body = json.dumps(doc, separators=(",", ":"), ensure_ascii=False).encode()
        head = [("content-type", "application/json"), ("content-length", str(len(body)))] + ([("connection", "close")] if close else [])
        writer.write(_head(status, head) + body)
        await writer.drain()


def _head(status: int, headers: list[tuple[str, str]]) -> bytes:
    lines = [f"HTTP/1.1 {status} {REASONS.get(status, 'Unknown')}"]
    for name, value in headers:
        if "\r" in value or "\n" in value:
            raise errors.system_error(f"header {name} carries a line break")  # invariant: values are sanitized upstream
        lines.append(f"{name}: {value}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def baggage_of(hdrs: dict[str, str]):
    """The OpenTelemetry context carrying the context id, as the kernel's ContextInterceptor binds it."""
    context_id = ctx.normalize(hdrs.get(ctx.HEADER)) or ctx.new_context_id()
    return baggage.set_baggage(ctx.BAGGAGE_KEY, context_id)


def to_json(message: Message) -> dict:
    """The transcoder's JSON of a response: every field printed, in field-number order
    (json_format puts fields left at their default last)."""
    doc = json_format.MessageToDict(message, always_print_fields_with_no_presence=True)

    def ordered(value, descriptor):
        if not isinstance(value, dict) or descriptor is None:
            return value
        out = {}
        for field in descriptor.fields:
            if field.json_name in value:
                sub = field.message_type if field.message_type is not None and not field.message_type.GetOptions().map_entry else None
                out[field.json_name] = ordered(value[field.json_name], sub)
        return out

    return ordered(doc, message.DESCRIPTOR)
