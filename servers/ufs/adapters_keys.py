"""UFS's own key hierarchy (until UES serves data keys): a fresh 256-bit data key per file,
stored only wrapped (AES-256-GCM) by a master key kept outside the database — a setting
(PAYMESH_UFS_MASTER_KEY) or a key file under PAYMESH_HOME created with mode 600. Switching
to UES is one class implementing ports.KeyService, chosen in bootstrap.py."""
from __future__ import annotations

import base64
import hashlib
import os
import secrets
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from servers.ufs import errors

_VERSION = b"\x01"
_AAD = b"paymesh.ufs.data-key.v1"


class LocalKeyService:
    def __init__(self, master_key: bytes):
        if len(master_key) != 32:
            raise ValueError("the UFS master key must be 32 bytes")
        self._aead = AESGCM(master_key)
        self.key_id = hashlib.sha256(master_key).digest()[:4]  # names the master key in each wrapped key

    async def new_data_key(self) -> tuple[bytes, bytes]:
        key, nonce = secrets.token_bytes(32), secrets.token_bytes(12)
        return key, _VERSION + self.key_id + nonce + self._aead.encrypt(nonce, key, _AAD)

    async def unwrap(self, wrapped: bytes) -> bytes:
        if wrapped[:1] != _VERSION or wrapped[1:5] != self.key_id:
            raise errors.system_error("data key was wrapped by another master key")
        try:
            return self._aead.decrypt(wrapped[5:17], wrapped[17:], _AAD)
        except InvalidTag:
            raise errors.system_error("data key failed authentication") from None


def load_master_key(explicit: str, path: Path) -> bytes:
    """The configured key, else the key file (created once with mode 600; refused if readable
    by group or others)."""
    if explicit:
        return base64.b64decode(explicit)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another replica created it first
        else:
            with os.fdopen(fd, "w") as out:
                out.write(base64.b64encode(secrets.token_bytes(32)).decode() + "\n")
    if path.stat().st_mode & 0o077:
        raise PermissionError(f"{path} must be readable by its owner only (chmod 600)")
    return base64.b64decode(path.read_text().strip())
