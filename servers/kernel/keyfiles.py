"""Local key material for development stacks: a configured value wins; otherwise a random key
is created once in a file under PAYMESH_HOME (mode 600, O_EXCL so replicas agree) and refused
if group or others can read it. Production passes keys from a KMS or Vault through settings."""
from __future__ import annotations

import base64
import os
import secrets
import time
from pathlib import Path

KEY_BYTES = 32


def load_or_create_key(explicit_b64: str, path: Path) -> bytes:
    if explicit_b64:
        return base64.b64decode(explicit_b64)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another replica created it first
        else:
            with os.fdopen(fd, "w") as out:
                out.write(base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode() + "\n")
    if path.stat().st_mode & 0o077:
        raise PermissionError(f"{path} must be readable by its owner only (chmod 600)")
    for _ in range(100):  # the creator may still be writing it
        text = path.read_text().strip()
        if text:
            return base64.b64decode(text)
        time.sleep(0.01)
    raise RuntimeError(f"{path} stays empty")
