"""UES cryptography (envelope encryption).

    value ──AES-256-GCM(record key, nonce, AAD = ticket|data_type|record_key_id)──▶ ciphertext
    record key ──wrap(KEK key_id, AAD = ticket|data_type|record_key_id|key_id)──▶ wrapped_key

Every record has a fresh 256-bit key with a random id. The AAD binds the ciphertext to its
ticket, data type and record key id, and the wrapped key to the same plus the wrapping key
id, so a bit flip, a ciphertext moved to another ticket or a changed key id all fail
authentication. Rewrapping rewrites only `wrapped_key`/`key_id`: the value's AAD names the
record key, not the KEK. Wrapping is AES-256-GCM under a KEK, or RSA-OAEP-SHA256 (≥ 3072
bits, the AAD as OAEP label) under the public key of a certSerialNo.
"""
from __future__ import annotations

import gzip
import hashlib
import hmac
import os
import zlib
from typing import Callable

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

NONCE = 12
RSA_MIN_BITS = 3072
_V = b"paymesh-ues/v1"


class TamperedError(Exception):
    """Authentication failed: wrong key, changed ciphertext, AAD or wrapped key."""


class TooLargeError(Exception):
    """A compressed value expands beyond its cap."""


def record_aad(ticket: str, data_type: str, record_key_id: str, compressed: bool) -> bytes:
    return b"|".join((_V, b"rec", ticket.encode(), data_type.encode(), record_key_id.encode(), b"z" if compressed else b"-"))


def wrap_aad(ticket: str, data_type: str, record_key_id: str, key_id: str) -> bytes:
    return b"|".join((_V, b"wrap", ticket.encode(), data_type.encode(), record_key_id.encode(), key_id.encode()))


Random = Callable[[int], bytes]


class RandomPool:
    """os.urandom drawn once for a whole batch and handed out in disjoint slices: one syscall
    instead of five per field (tickets, record keys and ids, nonces). Each byte is used once; the
    pool lives only as long as the batch (never across a fork); past its size it falls back to
    os.urandom."""

    def __init__(self, size: int):
        self._buf, self._pos = os.urandom(size), 0

    def __call__(self, n: int) -> bytes:
        start, self._pos = self._pos, self._pos + n
        if self._pos > len(self._buf):
            return os.urandom(n)
        return self._buf[start:self._pos]


def new_record_key(rand: Random = os.urandom) -> tuple[bytes, str]:
    return rand(32), rand(12).hex()


def seal(key: bytes, plaintext: bytes, aad: bytes, rand: Random = os.urandom) -> bytes:
    nonce = rand(NONCE)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, aad)


def open_sealed(key: bytes, sealed: bytes, aad: bytes) -> bytes:
    if len(sealed) < NONCE + 16:
        raise TamperedError("ciphertext too short")
    try:
        return AESGCM(key).decrypt(sealed[:NONCE], sealed[NONCE:], aad)
    except InvalidTag as exc:
        raise TamperedError("authentication failed") from exc


# ---------------------------------------------------------------- wrapping keys
class AesKek:
    """A key-encryption key (AES-256-GCM wrap)."""

    algorithm = "AES-256-GCM-WRAP"

    def __init__(self, key_id: str, material: bytes):
        if len(material) != 32:
            raise ValueError(f"KEK {key_id} must be 32 bytes")
        self.key_id, self._aead = key_id, AESGCM(material)

    def wrap(self, record_key: bytes, aad: bytes, rand: Random = os.urandom) -> bytes:
        nonce = rand(NONCE)
        return nonce + self._aead.encrypt(nonce, record_key, aad)

    def unwrap(self, wrapped: bytes, aad: bytes) -> bytes:
        try:
            return self._aead.decrypt(wrapped[:NONCE], wrapped[NONCE:], aad)
        except (InvalidTag, ValueError) as exc:
            raise TamperedError("record key authentication failed") from exc


class RsaKek:
    """The reference's model: record keys wrapped by an RSA public key (certSerialNo) with
    RSA-OAEP-SHA256; only holders of the private key unwrap. A producer holding only the
    public key can encrypt (`wrap`) but never decrypt."""

    def __init__(self, key_id: str, private_pem: bytes | None = None, public_pem: bytes | None = None):
        self.key_id = key_id
        self._private = serialization.load_pem_private_key(private_pem, password=None) if private_pem else None
        public = self._private.public_key() if self._private else serialization.load_pem_public_key(public_pem or b"")
        if not isinstance(public, rsa.RSAPublicKey) or public.key_size < RSA_MIN_BITS:
            raise ValueError(f"RSA key {key_id} must be RSA of at least {RSA_MIN_BITS} bits")
        self._public = public
        self.algorithm = f"RSA-{public.key_size}-OAEP-SHA256"

    @property
    def public_pem(self) -> str:
        return self._public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()

    @staticmethod
    def _padding(aad: bytes) -> padding.OAEP:
        return padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=hashlib.sha256(aad).digest())

    def wrap(self, record_key: bytes, aad: bytes, rand: Random | None = None) -> bytes:
        """`rand` is accepted for the common signature; OAEP draws its own randomness."""
        return self._public.encrypt(record_key, self._padding(aad))

    def unwrap(self, wrapped: bytes, aad: bytes) -> bytes:
        if self._private is None:
            raise TamperedError("public key only: this holder may encrypt but not decrypt")
        try:
            return self._private.decrypt(wrapped, self._padding(aad))
        except ValueError as exc:
            raise TamperedError("record key authentication failed") from exc


def generate_rsa_pem(bits: int = RSA_MIN_BITS) -> bytes:
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())


# ---------------------------------------------------------------- values
def encode_value(plain: str, compress: bool) -> bytes:
    raw = plain.encode("utf-8")
    return gzip.compress(raw, compresslevel=6, mtime=0) if compress else raw


def decode_value(data: bytes, compressed: bool, max_chars: int) -> str:
    """Inflates with a hard cap (UTF-8 is at most 4 bytes a character): a gzip bomb stops early."""
    if not compressed:
        return data.decode("utf-8")
    limit = max_chars * 4
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    out = inflater.decompress(data, limit + 1)
    if len(out) > limit or inflater.unconsumed_tail:
        raise TooLargeError(f"value inflates beyond {limit} bytes")
    return out.decode("utf-8")


def digest(key: bytes, normalized: str) -> str:
    """Keyed digest (PCI DSS 3.5.1.1): HMAC-SHA256, never a plain hash."""
    return hmac.new(key, normalized.encode("utf-8"), hashlib.sha256).hexdigest()


class CacheCipher:
    """Encrypts WithCache plaintexts for Redis under a key that lives only in this process's
    memory: a Redis dump is useless, and a restart empties the cache logically."""

    def __init__(self) -> None:
        self._aead = AESGCM(AESGCM.generate_key(256))

    def seal(self, ticket: str, key_id: str, data_type: str, plain: str, rand: Random = os.urandom) -> bytes:
        nonce = rand(NONCE)
        head = key_id.encode() + b"\x00" + data_type.encode()
        aad = b"|".join((_V, b"cache", ticket.encode(), head))
        return head + b"\x00" + nonce + self._aead.encrypt(nonce, plain.encode("utf-8"), aad)

    def open(self, ticket: str, blob: bytes) -> tuple[str, str, str] | None:
        """(key_id, data_type, plaintext), or None if the entry is not ours or was altered."""
        key_id, sep1, rest = blob.partition(b"\x00")
        data_type, sep2, sealed = rest.partition(b"\x00")
        if not (sep1 and sep2) or len(sealed) < NONCE + 16:
            return None
        aad = b"|".join((_V, b"cache", ticket.encode(), key_id + b"\x00" + data_type))
        try:
            return key_id.decode(), data_type.decode(), self._aead.decrypt(sealed[:NONCE], sealed[NONCE:], aad).decode("utf-8")
        except InvalidTag:
            return None
