"""UFS pure rules and streaming codecs: paths, metadata, ranges, Content-Disposition, Basic
auth, passwords, the multipart file part and the segmented encryption (any range)."""
from __future__ import annotations

import base64
import os

import pytest

from servers.kernel.errors import InvalidArgument, PaymeshError
from servers.ufs import domain, streams
from servers.ufs.adapters_keys import LocalKeyService


@pytest.mark.parametrize("path", ["", "/etc/passwd", "a/../b", "a/./b", "a//b", "..", "a\\b", "a/\x00b", "a\nb", "x" * 1025, "a/" + "b" * 256])
def test_bad_paths_are_invalid_parameter(path):
    with pytest.raises(InvalidArgument) as err:
        domain.check_oss_path(path)
    assert err.value.reason == "INVALID_PARAMETER"


def test_good_paths_and_copy_suffix():
    assert domain.check_oss_path("demo/a/helloworld.txt") == "demo/a/helloworld.txt"
    assert domain.copy_target("demo/ce0a", "hello.txt", True) == "demo/ce0a.txt"
    assert domain.copy_target("demo/ce0a", "hello.txt", False) == "demo/ce0a"
    assert domain.copy_target("demo/ce0a", "noext", True) == "demo/ce0a"


def test_metadata_names_only_lowercase_and_dash():
    assert domain.parse_metadata({"x-ufs-meta-check-sum": "abc", "other": "x"}) == {"check-sum": "abc"}
    for bad in ({"x-ufs-meta-check_sum": "a"}, {"x-ufs-meta-sum1": "a"}, {"x-ufs-meta-": "a"}, {"x-ufs-meta-a": "é"}):
        with pytest.raises(InvalidArgument):
            domain.parse_metadata(bad)


@pytest.mark.parametrize("header, expected", [(None, None), ("bytes=0-9", (0, 9)), ("bytes=5-", (5, 99)), ("bytes=-10", (90, 99)),
                                              ("bytes=90-500", (90, 99)), ("bytes=0-1,5-6", None)])
def test_ranges(header, expected):
    assert domain.parse_range(header, 100) == expected


@pytest.mark.parametrize("header", ["bytes=100-", "bytes=5-2", "items=1-2", "bytes=-0"])
def test_bad_ranges(header):
    with pytest.raises(InvalidArgument):
        domain.parse_range(header, 100)


def test_content_disposition_rfc6266():
    cd = domain.content_disposition('résumé "x"\r\n.pdf')
    assert "\r" not in cd and "\n" not in cd
    assert cd == "attachment; filename=\"r_sum_ _x_.pdf\"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%22x%22.pdf"


def test_basic_auth_and_passwords():
    header = "Basic " + base64.b64encode(b"demo:pa:ss").decode()
    assert domain.parse_basic_auth(header) == ("demo", "pa:ss")
    for bad in (None, "Bearer x", "Basic !!!", "Basic " + base64.b64encode(b"nocolon").decode()):
        with pytest.raises(PaymeshError) as err:
            domain.parse_basic_auth(bad)
        assert err.value.reason == "UNAUTHORIZED"
    stored = domain.hash_password("correct horse")
    assert stored.startswith("scrypt$") and "correct" not in stored
    assert domain.verify_password("correct horse", stored) and not domain.verify_password("wrong", stored)


async def _collect(gen) -> bytes:
    return b"".join([c async for c in gen])


async def _chunked(data: bytes, size: int):
    for i in range(0, len(data), size):
        yield data[i:i + size]


@pytest.mark.parametrize("chunk", [1, 7, 4096, 1 << 20])
async def test_multipart_file_part_streams_across_chunk_borders(chunk):
    payload = os.urandom(5000) + b"\r\n--bounX" + os.urandom(100) + b"\r\n-"  # a near-delimiter inside the content (X: never "bound")
    body = (b"--bound\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhi\r\n"
            b"--bound\r\nContent-Disposition: form-data; name=\"file\"; filename=\"../x/hello.txt\"\r\nContent-Type: text/plain\r\n\r\n"
            + payload + b"\r\n--bound--\r\n")
    part, data = await streams.multipart_file(_chunked(body, chunk), b"bound")
    assert (part.name, part.file_name, part.content_type) == ("file", "../x/hello.txt", "text/plain")
    assert await _collect(data) == payload
    assert domain.safe_file_name(part.file_name, "f") == "hello.txt"


async def test_multipart_without_file_part_is_invalid():
    body = b"--b\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhi\r\n--b--\r\n"
    with pytest.raises(InvalidArgument):
        await streams.multipart_file(_chunked(body, 3), b"b")
    assert streams.boundary_of("multipart/form-data; boundary=xyz") == b"xyz"
    assert streams.boundary_of("application/octet-stream") is None


@pytest.mark.parametrize("size", [0, 1, streams.SEGMENT - 1, streams.SEGMENT, streams.SEGMENT + 1, 3 * streams.SEGMENT + 17])
async def test_segmented_encryption_round_trips_every_range(size):
    keys = LocalKeyService(os.urandom(32))
    key, wrapped = await keys.new_data_key()
    assert await keys.unwrap(wrapped) == key and key not in wrapped
    plain = os.urandom(size)
    cipher = await _collect(streams.encrypt(_chunked(plain, 5000), key))
    assert len(cipher) == streams.cipher_size(size)
    spots = {0, size // 2, max(size - 1, 0), streams.SEGMENT - 1, streams.SEGMENT}
    for start in [s for s in spots if s < size]:
        for end in [e for e in spots | {size - 1} if start <= e < size]:
            first, offset, length = streams.cipher_window(start, end, size)
            got = await _collect(streams.decrypt(_chunked(cipher[offset:offset + length], 3000), key, first, size, start, end))
            assert got == plain[start:end + 1], (start, end)


async def test_tampered_or_truncated_ciphertext_fails():
    key = os.urandom(32)
    plain = os.urandom(2 * streams.SEGMENT + 5)
    cipher = await _collect(streams.encrypt(_chunked(plain, 1 << 20), key))
    with pytest.raises(PaymeshError):
        await _collect(streams.decrypt(_chunked(cipher[:-40], 1 << 20), key, 0, len(plain), 0, len(plain) - 1))
    flipped = bytearray(cipher)
    flipped[10] ^= 1
    with pytest.raises(PaymeshError):
        await _collect(streams.decrypt(_chunked(bytes(flipped), 1 << 20), key, 0, len(plain), 0, len(plain) - 1))


# --- S3 adapter plumbing (no network): download read-ahead and upload reads ---------------------

class _FakeResponse:
    """A blocking urllib3-like response of `n` chunks; records how far it was read."""

    def __init__(self, n: int, size: int = 1024):
        self.left, self.size, self.reads, self.closed, self.released = n, size, 0, False, False

    def read(self, amt: int) -> bytes:
        if not self.left:
            return b""
        self.left -= 1
        self.reads += 1
        return bytes([self.reads % 256]) * min(amt, self.size)

    def close(self) -> None:
        self.closed = True

    def release_conn(self) -> None:
        self.released = True


async def test_prefetch_streams_everything_in_order_and_closes():
    from concurrent.futures import ThreadPoolExecutor

    from servers.ufs.adapters_s3 import _Prefetch

    response = _FakeResponse(50)
    with ThreadPoolExecutor(2) as pool:
        got = [c async for c in _Prefetch(response, 1024, 4, pool).chunks()]
    assert [c[0] for c in got] == [i % 256 for i in range(1, 51)] and response.closed and response.released


async def test_prefetch_reads_ahead_boundedly_and_stops_when_abandoned():
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from servers.ufs.adapters_s3 import _Prefetch

    response = _FakeResponse(10_000)
    with ThreadPoolExecutor(2) as pool:
        stream = _Prefetch(response, 1024, 3, pool).chunks()
        assert (await stream.__anext__())[0] == 1
        await asyncio.sleep(0.2)
        assert response.reads <= 1 + 3 + 1  # the chunk taken, a full queue, one waiting to be put
        await stream.aclose()               # a client that went away
        assert response.closed and response.reads < 10
    assert pool._shutdown  # the producer thread ended (the with-block joined it)


async def test_prefetch_first_chunk_without_a_thread_when_nothing_follows():
    from concurrent.futures import ThreadPoolExecutor

    from servers.ufs.adapters_s3 import _Prefetch

    response = _FakeResponse(5)
    with ThreadPoolExecutor(1) as pool:
        got = [c async for c in _Prefetch(response, 1024, 2, pool, first=b"head", more=False).chunks()]
        assert got == [b"head"] and response.reads == 0 and response.closed and response.released
        rest = [c async for c in _Prefetch(_FakeResponse(2), 1024, 2, pool, first=b"head").chunks()]
        assert rest[0] == b"head" and [c[0] for c in rest[1:]] == [1, 2]  # then the read-ahead continues


async def test_prefetch_hands_read_errors_to_the_consumer():
    from concurrent.futures import ThreadPoolExecutor

    from servers.ufs.adapters_s3 import _Prefetch

    class Broken(_FakeResponse):
        def read(self, amt):
            if self.reads == 2:
                raise ConnectionResetError("s3 went away")
            return super().read(amt)

    response = Broken(10)
    with ThreadPoolExecutor(2) as pool:
        with pytest.raises(ConnectionResetError):
            [c async for c in _Prefetch(response, 1024, 2, pool).chunks()]
    assert response.closed


async def test_upload_reader_gathers_small_messages_into_whole_reads():
    import asyncio

    from servers.ufs.adapters_s3 import _Reader

    async def messages():
        for i in range(100):
            yield bytes([i]) * 1000

    reader = _Reader(messages(), asyncio.get_running_loop())
    parts = await asyncio.to_thread(lambda: [reader.read(30_000) for _ in range(5)])
    assert [len(p) for p in parts] == [30_000, 30_000, 30_000, 10_000, 0]
    assert b"".join(parts) == b"".join(bytes([i]) * 1000 for i in range(100))
