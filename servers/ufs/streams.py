"""Streaming codecs with bounded memory: the multipart/form-data file part of an upload, the
segmented AES-256-GCM format of encrypted files, and hashing on the fly. Pure: no I/O."""
from __future__ import annotations

import email.message
import hashlib
from dataclasses import dataclass
from typing import AsyncIterator

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from servers.ufs import errors

HEADER_LIMIT = 16 * 1024
SEGMENT = 64 * 1024  # plaintext bytes per encrypted segment
TAG = 16


@dataclass(frozen=True)
class Part:
    name: str
    file_name: str
    content_type: str


class _Source:
    """A byte buffer over an async chunk iterator."""

    def __init__(self, chunks: AsyncIterator[bytes], initial: bytes = b""):
        self.chunks = chunks.__aiter__()
        self.buf = initial
        self.eof = False

    async def fill(self) -> bool:
        if self.eof:
            return False
        try:
            chunk = await self.chunks.__anext__()
        except StopAsyncIteration:
            self.eof = True
            return False
        self.buf += chunk
        return True

    async def read_until(self, delim: bytes, limit: int) -> bytes:
        while True:
            at = self.buf.find(delim)
            if at >= 0:
                head, self.buf = self.buf[:at], self.buf[at + len(delim):]
                return head
            if len(self.buf) > limit or not await self.fill():
                raise errors.invalid("body", "malformed multipart body")

    async def stream_until(self, delim: bytes) -> AsyncIterator[bytes]:
        """Yields everything before `delim` (consumed), holding back only len(delim)-1 bytes."""
        keep = len(delim) - 1
        while True:
            at = self.buf.find(delim)
            if at >= 0:
                if at:
                    yield self.buf[:at]
                self.buf = self.buf[at + len(delim):]
                return
            if len(self.buf) > keep:
                out, self.buf = self.buf[:-keep], self.buf[-keep:]
                yield out
            if not await self.fill():
                raise errors.invalid("body", "multipart body ended inside a part")

    async def drain(self) -> None:
        self.buf = b""
        while await self.fill():
            self.buf = b""


def boundary_of(content_type: str) -> bytes | None:
    msg = email.message.Message()
    msg["content-type"] = content_type
    if msg.get_content_type() != "multipart/form-data":
        return None
    boundary = msg.get_param("boundary")
    if not isinstance(boundary, str) or not 0 < len(boundary) <= 200:
        raise errors.invalid("content-type", "multipart/form-data needs a boundary")
    return boundary.encode()


def _part(raw_headers: bytes) -> Part:
    msg = email.message.Message()
    for line in raw_headers.decode("utf-8", "replace").split("\r\n"):
        if ":" in line:
            key, _, value = line.partition(":")
            msg[key.strip()] = value.strip()
    name = msg.get_param("name", header="content-disposition")
    return Part(name=name if isinstance(name, str) else "", file_name=msg.get_filename() or "",
                content_type=msg.get("content-type", "") or "")


async def multipart_file(chunks: AsyncIterator[bytes], boundary: bytes) -> tuple[Part, AsyncIterator[bytes]]:
    """Finds the file part (named `file`, or the first with a filename) and returns it with
    a stream of its bytes; the rest of the body is read and dropped after the part ends."""
    source = _Source(chunks, b"\r\n")  # so the first delimiter looks like every other one
    delim = b"\r\n--" + boundary
    await source.read_until(delim, HEADER_LIMIT + len(delim))  # preamble
    while True:
        while len(source.buf) < 2 and await source.fill():
            pass
        if source.buf.startswith(b"--"):
            raise errors.invalid("body", "multipart body has no file part")
        await source.read_until(b"\r\n", 256)  # transport padding after the delimiter
        part = _part(await source.read_until(b"\r\n\r\n", HEADER_LIMIT))
        if part.name == "file" or part.file_name:
            async def body() -> AsyncIterator[bytes]:
                async for piece in source.stream_until(delim):
                    yield piece
                await source.drain()
            return part, body()
        async for _ in source.stream_until(delim):
            pass


class Digest:
    """Counts and hashes plaintext as it passes."""

    def __init__(self):
        self.sha = hashlib.sha256()
        self.size = 0

    async def tap(self, chunks: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
        async for chunk in chunks:
            self.sha.update(chunk)
            self.size += len(chunk)
            yield chunk


def _nonce(index: int, final: bool) -> bytes:
    # A fresh random data key per file: (segment index, final flag) never repeats under it;
    # the final flag makes truncation or extension of the ciphertext fail authentication.
    return index.to_bytes(11, "big") + (b"\x01" if final else b"\x00")


async def encrypt(chunks: AsyncIterator[bytes], key: bytes) -> AsyncIterator[bytes]:
    aead, index, pending = AESGCM(key), 0, b""
    async for chunk in chunks:
        pending += chunk
        at = 0
        while len(pending) - at > SEGMENT:  # strictly more: the final segment is only known at the end
            yield aead.encrypt(_nonce(index, False), pending[at:at + SEGMENT], None)
            at, index = at + SEGMENT, index + 1
        pending = pending[at:]
    yield aead.encrypt(_nonce(index, True), pending, None)


def segments(size: int) -> int:
    return max(1, -(-size // SEGMENT))


def cipher_size(size: int) -> int:
    return size + segments(size) * TAG


def cipher_window(start: int, end: int, size: int) -> tuple[int, int, int]:
    """For plaintext bytes [start, end]: (first segment, ciphertext offset, ciphertext length)."""
    first, last = start // SEGMENT, end // SEGMENT
    offset = first * (SEGMENT + TAG)
    return first, offset, min(cipher_size(size), (last + 1) * (SEGMENT + TAG)) - offset


async def decrypt(chunks: AsyncIterator[bytes], key: bytes, first: int, size: int, start: int, end: int) -> AsyncIterator[bytes]:
    """Decrypts ciphertext segments from segment `first` and yields plaintext [start, end]."""
    aead, total, index, pending = AESGCM(key), segments(size), first, b""
    position = first * SEGMENT  # plaintext offset of the segment being decrypted

    def open_segment(data: bytes) -> bytes:
        try:
            return aead.decrypt(_nonce(index, index == total - 1), data, None)
        except InvalidTag:
            raise errors.system_error("stored ciphertext failed authentication") from None

    async for chunk in chunks:
        pending += chunk
        at = 0
        while len(pending) - at >= SEGMENT + TAG and index < total - 1:
            plain = open_segment(pending[at:at + SEGMENT + TAG])
            at += SEGMENT + TAG
            lo, hi = max(start - position, 0), min(end - position + 1, len(plain))
            if lo < hi:
                yield plain[lo:hi]
            position, index = position + SEGMENT, index + 1
            if position > end:
                return
        pending = pending[at:]
    if position <= end:
        if index != total - 1:
            raise errors.system_error("stored ciphertext is truncated")
        plain = open_segment(pending)
        lo, hi = max(start - position, 0), min(end - position + 1, len(plain))
        if lo < hi:
            yield plain[lo:hi]
