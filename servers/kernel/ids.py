"""Prefixed, sortable, unguessable ids: `pay_01JD6Z...` = 48-bit milliseconds + 80 random bits,
Crockford base32, so ids sort by creation time and cannot be enumerated."""
from __future__ import annotations

import os
import re
import time

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
ID_PATTERN = re.compile(r"^[a-z]{2,4}_[0-9A-HJKMNP-TV-Z]{26}$")


def new_id(prefix: str) -> str:
    value = (time.time_ns() // 1_000_000) << 80 | int.from_bytes(os.urandom(10), "big")
    chars = []
    for _ in range(26):
        value, rem = divmod(value, 32)
        chars.append(_ALPHABET[rem])
    return f"{prefix}_{''.join(reversed(chars))}"
