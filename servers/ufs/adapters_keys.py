"""UFS's own key hierarchy (until UES serves data keys): a fresh 256-bit data key per file,
stored only wrapped (AES-256-GCM) by a master key kept outside the database — a setting
(PAYMESH_UFS_MASTER_KEY) or a key file under PAYMESH_HOME created with mode 600. Switching
to UES is one class implementing ports.KeyService, chosen in bootstrap.py."""
from __future__ import annotations

import hashlib
import secrets

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
