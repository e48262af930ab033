"""Idempotent uploads (AIP-155): a `request_id` scoped to the client and the RPC, stored with
the effect. The key is claimed in the transaction that makes the upload visible (one commit for
the file row and the stored response); a concurrent duplicate waits on the key, sees the first
response and discards its own copy of the bytes. A retry that arrives after the first one has
committed is hashed as it streams, stores nothing, and gets the first response; the same id
with other bytes or other options is CONFLICT (REQUEST_ID_REUSED). Pure: no I/O."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from servers.kernel.errors import AlreadyExists
from servers.ufs import errors
from servers.ufs.domain import Content, ShareFile, StoredFile

REQUEST_ID_MAX = 128


@dataclass(frozen=True)
class Once:
    method: str  # the RPC and the client: two clients never share a key
    request_id: str
    request: tuple  # what identifies the request besides its bytes (bucket, path, options, metadata)

    def digest(self, content: Content) -> bytes:
        doc = [list(self.request), content.size_bytes, content.content_sha256]
        return hashlib.sha256(json.dumps(doc, sort_keys=True, default=str).encode()).digest()

    def reused(self) -> AlreadyExists:
        return AlreadyExists("REQUEST_ID_REUSED", f"request_id {self.request_id!r} was already used with a different request",
                             {"request_id": self.request_id})


def once(rpc: str, client_id: str, request_id: str, *request) -> Once | None:
    if not request_id:
        return None
    if len(request_id) > REQUEST_ID_MAX:
        raise errors.invalid("request_id", f"must be at most {REQUEST_ID_MAX} characters")
    return Once(f"/paymesh.ufs.v1.{rpc}/{client_id}", request_id, request)


class Replayed(Exception):
    """Raised inside the commit transaction when a concurrent duplicate committed first."""

    def __init__(self, response: bytes):
        super().__init__("replayed")
        self.response = response


def _time(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def _parse_time(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def _content(c: Content) -> dict:  # what a response shows; never the object key or the wrapped key
    return {"file_name": c.file_name, "content_type": c.content_type, "size": c.size_bytes, "sha256": c.content_sha256,
            "metadata": c.metadata, "encrypted": c.encrypted}


def _from_content(d: dict) -> Content:
    return Content("", d["file_name"], d["content_type"], d["size"], d["sha256"], d["metadata"], d["encrypted"], b"")


def file_record(f: StoredFile) -> bytes:
    return json.dumps({"bucket": f.bucket_name, "oss_path": f.oss_path, "content": _content(f.content),
                       "create_time": _time(f.create_time), "update_time": _time(f.update_time)}).encode()


def file_from_record(raw: bytes) -> StoredFile:
    d = json.loads(raw)
    return StoredFile(d["bucket"], d["oss_path"], _from_content(d["content"]), _parse_time(d["create_time"]), _parse_time(d["update_time"]))


def share_record(s: ShareFile) -> bytes:
    return json.dumps({"file_tag": s.file_tag, "owner": s.owner_client_id, "content": _content(s.content),
                       "expire_time": _time(s.expire_time), "create_time": _time(s.create_time)}).encode()


def share_from_record(raw: bytes) -> ShareFile:
    d = json.loads(raw)
    return ShareFile(d["file_tag"], d["owner"], _from_content(d["content"]), _parse_time(d["expire_time"]),
                     create_time=_parse_time(d["create_time"]))
