"""UFS domain: clients, files, share files, STS grants, and the pure rules on paths, metadata
names, headers and byte ranges. No I/O."""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass, field
from enum import IntEnum
from urllib.parse import quote

from servers.ufs import errors

OSS_PATH_MAX = 1024
SEGMENT_MAX = 255
FILE_NAME_MAX = 255
META_PREFIX = "x-ufs-meta-"
META_NAME = re.compile(r"[a-z-]+")
META_VALUE = re.compile(r"[\x20-\x7e]*")
META_TOTAL_MAX = 8192
URL_EXPIRE_DEFAULT = 300
URL_EXPIRE_MAX = 7 * 24 * 3600  # S3 presigned URLs cannot live longer
SHARE_EXPIRE_MAX = 3650 * 24 * 3600
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class ClientState(IntEnum):
    ACTIVE = 1
    DISABLED = 2


class StsTargetKind(IntEnum):
    STANDALONE_FILE = 1
    SHARE_FILE = 2


@dataclass(frozen=True)
class BucketBinding:
    bucket_alias: str
    bucket_name: str
    bind_time: dt.datetime | None = None


@dataclass(frozen=True)
class Client:
    client_id: str
    display_name: str
    state: ClientState
    password_hash: str
    default_bucket_alias: str = ""
    buckets: tuple[BucketBinding, ...] = ()
    password_update_time: dt.datetime | None = None
    create_time: dt.datetime | None = None
    update_time: dt.datetime | None = None
    auth_user: str = ""  # Basic-auth user name; empty means the client id

    def bucket(self, alias: str) -> BucketBinding:
        """The bucket behind an alias (or the default); anything not bound to this client is
        UNAUTHORIZED, so a client cannot even learn whether another client's alias exists."""
        wanted = alias or self.default_bucket_alias
        if not wanted:
            raise errors.invalid("x-ufs-bucket-alias", "no bucket alias given and the client has no default bucket")
        for binding in self.buckets:
            if binding.bucket_alias == wanted:
                return binding
        raise errors.unauthorized(f"bucket alias {wanted!r} is not bound to client {self.client_id}")


@dataclass(frozen=True)
class Content:
    """What is stored about the bytes of a file, standalone or shared."""
    object_key: str
    file_name: str
    content_type: str
    size_bytes: int
    content_sha256: str
    metadata: dict[str, str] = field(default_factory=dict)
    encrypted: bool = False
    wrapped_key: bytes = b""


@dataclass(frozen=True)
class StoredFile:
    bucket_name: str
    oss_path: str
    content: Content
    create_time: dt.datetime | None = None
    update_time: dt.datetime | None = None


@dataclass(frozen=True)
class ShareFile:
    file_tag: str
    owner_client_id: str
    content: Content
    expire_time: dt.datetime | None = None
    adopted: bool = False
    adopter_client_id: str = ""
    adopt_time: dt.datetime | None = None
    create_time: dt.datetime | None = None

    def expired_at(self, now: dt.datetime) -> bool:
        return not self.adopted and self.expire_time is not None and self.expire_time <= now

    def may_share_publicly(self, client_id: str) -> bool:
        return client_id in (self.owner_client_id, self.adopter_client_id)


@dataclass(frozen=True)
class StsGrant:
    token_sha256: bytes
    client_id: str
    target_kind: StsTargetKind
    bucket_alias: str
    bucket_name: str
    oss_path: str
    file_tag: str
    expire_time: dt.datetime
    create_time: dt.datetime | None = None
    revoke_time: dt.datetime | None = None


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def check_oss_path(path: str, field_name: str = "oss_path") -> str:
    """A relative object path: no empty, '.' or '..' segments, no leading '/', no backslash,
    no control characters, at most 1024 characters and 255 per segment."""
    if not path:
        raise errors.invalid(field_name, "must not be empty")
    if len(path) > OSS_PATH_MAX:
        raise errors.invalid(field_name, f"must be at most {OSS_PATH_MAX} characters")
    if _CONTROL.search(path):
        raise errors.invalid(field_name, "must not contain control characters")
    if path.startswith("/") or "\\" in path:
        raise errors.invalid(field_name, "must be a relative path with '/' separators")
    for segment in path.split("/"):
        if segment in ("", ".", ".."):
            raise errors.invalid(field_name, "must not contain empty, '.' or '..' segments")
        if len(segment.encode()) > SEGMENT_MAX:
            raise errors.invalid(field_name, f"each segment must be at most {SEGMENT_MAX} bytes")
    return path


def check_file_tag(tag: str, field_name: str = "file_tag") -> str:
    if not re.fullmatch(r"[0-9a-f]{32}", tag or ""):
        raise errors.invalid(field_name, "must be 32 lower-case hex characters")
    return tag


def new_file_tag() -> str:
    return secrets.token_hex(16)


def new_object_key(prefix: str) -> str:
    """Every write goes to a fresh key; the database says which key a path currently means, so
    concurrent writers and overwrites never mix bytes with another write's metadata or key."""
    return f"{prefix}.ufs-{secrets.token_hex(10)}"


def safe_file_name(name: str, fallback: str) -> str:
    """The last segment of a client-supplied name, without control characters."""
    name = _CONTROL.sub("", name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    if name in ("", ".", ".."):
        name = fallback
    return name[:FILE_NAME_MAX]


def content_disposition(file_name: str) -> str:
    """RFC 6266: an ASCII fallback plus the exact UTF-8 name in filename* (RFC 8187)."""
    clean = _CONTROL.sub("", file_name)
    ascii_name = "".join(c if 0x20 <= ord(c) < 0x7f and c not in '"\\' else "_" for c in clean) or "file"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(clean, safe='')}"


def parse_metadata(headers: dict[str, str]) -> dict[str, str]:
    """x-ufs-meta-<name> headers: names only a-z and '-', values printable ASCII."""
    meta: dict[str, str] = {}
    for key, value in headers.items():
        if not key.startswith(META_PREFIX):
            continue
        name = key[len(META_PREFIX):]
        if not META_NAME.fullmatch(name):
            raise errors.invalid(key, "metadata names may contain only a-z and '-'")
        if not META_VALUE.fullmatch(value):
            raise errors.invalid(key, "metadata values must be printable ASCII")
        meta[name] = value
    if sum(len(k) + len(v) for k, v in meta.items()) > META_TOTAL_MAX:
        raise errors.invalid("x-ufs-meta-*", f"metadata must total at most {META_TOTAL_MAX} bytes")
    return meta


def parse_bool(headers: dict[str, str], name: str, default: bool = False) -> bool:
    raw = headers.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in ("true", "1", "yes"):
        return True
    if raw.lower() in ("false", "0", "no"):
        return False
    raise errors.invalid(name, "must be true or false")


def parse_seconds(headers: dict[str, str], name: str, default: int | None, maximum: int) -> int | None:
    raw = headers.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or not 0 < int(raw) <= maximum:
        raise errors.invalid(name, f"must be a whole number of seconds between 1 and {maximum}")
    return int(raw)


def parse_range(header: str | None, size: int) -> tuple[int, int] | None:
    """`bytes=a-b`, `bytes=a-` or `bytes=-n` → inclusive (start, end); None for no range or a
    multi-range (answered in full, as RFC 9110 allows)."""
    if not header:
        return None
    match = re.fullmatch(r"\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*", header)
    if not match:
        if header.strip().startswith("bytes=") and "," in header:
            return None
        raise errors.invalid("range", "must be bytes=start-end")
    first, last = match.groups()
    if first == "" and last == "":
        raise errors.invalid("range", "must be bytes=start-end")
    if first == "":
        length = int(last)
        if length == 0:
            raise errors.invalid("range", "suffix length must be positive")
        return max(0, size - length), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or (last and int(last) < start):
        raise errors.invalid("range", f"not satisfiable for a file of {size} bytes")
    return start, end


def copy_target(to_path: str, source_name: str, with_suffix: bool) -> str:
    """x-ufs-copy-suffix: append the source file's extension (".txt") to the target path."""
    if with_suffix and "." in source_name.strip("."):
        suffix = "." + source_name.rsplit(".", 1)[1]
        if not to_path.endswith(suffix):
            to_path += suffix
    return check_oss_path(to_path, "x-ufs-to-oss-path")


# Passwords: scrypt (salted, memory-hard); the stored form names its parameters.
_SCRYPT = {"n": 2 ** 14, "r": 8, "p": 1}


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, dklen=32, **_SCRYPT)
    enc = lambda b: base64.b64encode(b).decode()  # noqa: E731
    return f"scrypt${_SCRYPT['n']}${_SCRYPT['r']}${_SCRYPT['p']}${enc(salt)}${enc(digest)}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        got = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p), dklen=32)
        return hmac.compare_digest(got, base64.b64decode(digest))
    except (ValueError, TypeError):
        return False


def new_password() -> str:
    return secrets.token_urlsafe(24)


def parse_basic_auth(header: str | None) -> tuple[str, str]:
    if not header or not header[:6].lower() == "basic ":
        raise errors.unauthorized("Basic authorization required")
    try:
        user, sep, password = base64.b64decode(header[6:].strip(), validate=True).decode().partition(":")
    except (ValueError, UnicodeDecodeError):
        raise errors.unauthorized("malformed Basic authorization") from None
    if not sep:
        raise errors.unauthorized("malformed Basic authorization")
    return user, password


def new_sts_token() -> tuple[str, bytes]:
    token = secrets.token_hex(20)
    return token, sts_digest(token)


def sts_digest(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()
