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
