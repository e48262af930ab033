"""Master keys: where the material comes from (KeySource) and which version does what
(KeyRing, metadata from the database's key_versions table, material from the source).

Locally the source is a JSON key file under $PAYMESH_HOME/ues/ (created with mode 600 on first
start) or the `master_keys` setting. In production the same document comes from a KMS or Vault
(envelope: the KMS decrypts the KEKs at start-up, or wraps/unwraps record keys remotely); the
database only ever sees key ids, states and RSA public keys.
"""
from __future__ import annotations

import base64
import enum
import json
import logging
import os
import stat
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from servers.ues import crypto

log = logging.getLogger("paymesh.ues.keys")


class Purpose(enum.IntEnum):  # = paymesh.ues.v1.KeyPurpose
    UNSPECIFIED = 0
    RECORD_WRAPPING = 1
    DIGEST = 2
    RSA = 3


class KeyState(enum.IntEnum):  # = paymesh.ues.v1.KeyState
    UNSPECIFIED = 0
    ACTIVE = 1
    DECRYPT_ONLY = 2
    RETIRED = 3


@dataclass(frozen=True)
class KeyVersion:
    key_id: str
    purpose: Purpose
    version: int
    state: KeyState
    algorithm: str
    source: str
    public_key_pem: str = ""
    record_count: int = 0
    create_time: datetime | None = None
    activate_time: datetime | None = None
    retire_time: datetime | None = None


class KeySource:
    """The key document: {"keys": [{"key_id", "purpose", "material" (base64) | "private_pem"}]}."""

    def __init__(self, path: Path | None, inline: str = ""):
        self.path, self.inline = path, inline

    @property
    def name(self) -> str:
        return "setting:PAYMESH_UES_MASTER_KEYS" if self.inline else f"file:{self.path}"

    def load(self) -> dict[str, dict]:
        if self.inline:
            doc = json.loads(self.inline)
        else:
            assert self.path is not None
            if not self.path.exists():
                create_key_file(self.path)
            mode = stat.S_IMODE(self.path.stat().st_mode)
            if mode & 0o077:
                raise PermissionError(f"{self.path} must not be readable by group/others (mode {oct(mode)}); chmod 600")
            doc = json.loads(self.path.read_text())
        return {k["key_id"]: k for k in doc["keys"]}

    def material(self, entry: dict):
        """The wrapping object (AesKek/RsaKek) or raw digest key bytes of one entry."""
        purpose = Purpose[entry["purpose"]]
        if purpose == Purpose.RSA:
            return crypto.RsaKek(entry["key_id"], private_pem=entry["private_pem"].encode())
        raw = base64.b64decode(entry["material"])
        return crypto.AesKek(entry["key_id"], raw) if purpose == Purpose.RECORD_WRAPPING else raw


def _write_private(path: Path, doc: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        json.dump(doc, out, indent=1)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def new_entry(purpose: Purpose, key_id: str) -> dict:
    if purpose == Purpose.RSA:
        return {"key_id": key_id, "purpose": purpose.name, "private_pem": crypto.generate_rsa_pem().decode()}
    return {"key_id": key_id, "purpose": purpose.name, "material": base64.b64encode(os.urandom(32)).decode()}


def create_key_file(path: Path) -> None:
    """First start: one key per purpose (kek-v1, dig-v1, cert-0001), mode 600."""
    _write_private(path, {"keys": [new_entry(Purpose.RECORD_WRAPPING, "kek-v1"), new_entry(Purpose.DIGEST, "dig-v1"),
                                   new_entry(Purpose.RSA, "cert-0001")]})
    log.warning("created a local UES key file; use a KMS or Vault in production", extra={"path": str(path)})


def provision(path: Path, purpose: Purpose, key_id: str) -> None:
    """Adds new material to a key file (operators: before RotateKey). Never replaces a key."""
    doc = json.loads(path.read_text()) if path.exists() else {"keys": []}
    if any(k["key_id"] == key_id for k in doc["keys"]):
        raise ValueError(f"key {key_id} already exists")
    doc["keys"].append(new_entry(purpose, key_id))
    _write_private(path, doc)


class UnknownKey(Exception):
    """No usable key of that id: not registered, not in the source, or retired."""

    def __init__(self, key_id: str, retired: bool = False):
        super().__init__(key_id)
        self.key_id, self.retired = key_id, retired


class KeyRing:
    """Versions (from the database) joined with material (from the source). Replaced as a whole
    on refresh, so readers never see half an update."""

    def __init__(self, source: KeySource, versions: list[KeyVersion]):
        self.source = source
        self.entries = source.load()
        self._material: dict[str, object] = {}
        self.set_versions(versions)

    def set_versions(self, versions: list[KeyVersion]) -> None:
        self.versions = {v.key_id: v for v in versions}
        self.active = {v.purpose: v for v in versions if v.state == KeyState.ACTIVE}

    def reload_source(self) -> None:
        self.entries = self.source.load()

    def _get(self, key_id: str):
        if key_id not in self._material:
            entry = self.entries.get(key_id)
            if entry is None:
                raise UnknownKey(key_id)
            self._material[key_id] = self.source.material(entry)
        return self._material[key_id]

    def usable(self, key_id: str):
        version = self.versions.get(key_id)
        if version is None:
            raise UnknownKey(key_id)
        if version.state == KeyState.RETIRED:
            raise UnknownKey(key_id, retired=True)
        return self._get(key_id)

    def active_wrapper(self, purpose: Purpose):
        version = self.active.get(purpose)
        if version is None:
            raise UnknownKey(f"active {purpose.name}")
        return version.key_id, self._get(version.key_id)

    def digest_keys(self) -> list[tuple[str, bytes]]:
        """Every non-retired digest key, the active one first."""
        live = [v for v in self.versions.values() if v.purpose == Purpose.DIGEST and v.state != KeyState.RETIRED]
        live.sort(key=lambda v: (v.state != KeyState.ACTIVE, -v.version))
        return [(v.key_id, self._get(v.key_id)) for v in live]  # type: ignore[misc]

    def describe(self, purpose: Purpose, key_id: str) -> KeyVersion:
        """Metadata for a new version of `key_id` (material must be in the source)."""
        entry = self.entries.get(key_id)
        if entry is None or Purpose[entry["purpose"]] != purpose:
            raise UnknownKey(key_id)
        material = self.source.material(entry)
        algorithm = {Purpose.RECORD_WRAPPING: crypto.AesKek.algorithm, Purpose.DIGEST: "HMAC-SHA256"}.get(
            purpose, getattr(material, "algorithm", ""))
        public = material.public_pem if isinstance(material, crypto.RsaKek) else ""
        return KeyVersion(key_id, purpose, 0, KeyState.ACTIVE, algorithm, self.source.name, public)


def first_versions(ring: KeyRing) -> list[KeyVersion]:
    """At first start, the first source key of each purpose becomes version 1."""
    out: list[KeyVersion] = []
    for purpose in (Purpose.RECORD_WRAPPING, Purpose.DIGEST, Purpose.RSA):
        key_id = next((k for k, e in ring.entries.items() if Purpose[e["purpose"]] == purpose), None)
        if key_id is not None:
            out.append(replace(ring.describe(purpose, key_id), version=1))
    return out
