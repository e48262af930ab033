"""UES domain: data types (the reference's regexes), normalization for digests, masking,
random tickets, access policies. Pure functions and frozen values; no I/O."""
from __future__ import annotations

import enum
import json
import os
import re
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Callable

MAX_CHARS = 5_000_000
TICKET_PATTERN = re.compile(r"^[CP][0-9a-f]{32}$")


class TicketType(enum.IntEnum):  # = paymesh.ues.v1.TicketType
    UNSPECIFIED = 0
    TEMPORARY = 1
    PERSISTENT = 2
    PERSISTENT_WITH_DIGEST = 3
    LARGE = 4


class Normalization(enum.IntEnum):
    UNSPECIFIED = 0
    NONE = 1
    PAN_DIGITS = 2
    E164_PHONE = 3
    LOWER_EMAIL = 4
    IBAN_COMPACT = 5


class MaskStyle(enum.IntEnum):
    UNSPECIFIED = 0
    FULL = 1
    CARD_FIRST6_LAST4 = 2
    LAST4 = 3
    EMAIL = 4
    FIRST_CHAR = 5


class Permission(enum.IntEnum):
    UNSPECIFIED = 0
    ENCRYPT = 1
    DECRYPT = 2
    MASKED_READ = 3
    QUERY_TICKET = 4
    CONVERT = 5


@dataclass(frozen=True)
class DataType:
    name: str
    pattern: str
    description: str = ""
    normalization: Normalization = Normalization.NONE
    mask_style: MaskStyle = MaskStyle.FULL
    temporary_only: bool = False
    always_single_use: bool = False
    digest_allowed: bool = True
    max_length_chars: int = MAX_CHARS
    default_ttl_seconds: int = 0
    max_ttl_seconds: int = 0
    builtin: bool = False
    update_time: datetime | None = None
    compiled: re.Pattern = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "compiled", re.compile(self.pattern))

    def matches(self, value: str) -> bool:
        return len(value) <= self.max_length_chars and self.compiled.fullmatch(value) is not None


def _builtin(name: str, pattern: str, description: str, **kw) -> DataType:
    return DataType(name, pattern, description, builtin=True, **kw)


# The reference's table (§4.5). mobile_no's printed regex `^(+\d\-){2,20}$` is garbled (a
# dangling `+`); its evident intent is a character class of +, digits and dashes.
BUILTIN_TYPES: tuple[DataType, ...] = (
    _builtin("name", r"^.{1,100}$", "Name", mask_style=MaskStyle.FIRST_CHAR),
    _builtin("password", r"^.{2,100}$", "Password, secret key", digest_allowed=False),
    _builtin("mobile_no", r"^[+\d\-]{2,20}$", "Mobile number", normalization=Normalization.E164_PHONE,
             mask_style=MaskStyle.LAST4),
    _builtin("email", r"^.{5,30}@.{2,30}$", "Email", normalization=Normalization.LOWER_EMAIL, mask_style=MaskStyle.EMAIL),
    _builtin("card_no", r"^.{2,50}$", "Card number", normalization=Normalization.PAN_DIGITS,
             mask_style=MaskStyle.CARD_FIRST6_LAST4),
    _builtin("cvv2", r"^.+$", "CVV2", temporary_only=True, always_single_use=True, digest_allowed=False,
             max_length_chars=8, max_ttl_seconds=900),
    _builtin("iban", r"^.{5,40}$", "IBAN", normalization=Normalization.IBAN_COMPACT, mask_style=MaskStyle.LAST4),
    _builtin("address", r"^.{1,500}$", "Address"),
    _builtin("passport", r"^.+$", "Passport", mask_style=MaskStyle.LAST4),
    _builtin("id", r"^.+$", "ID card", mask_style=MaskStyle.LAST4),
)


def configured_types(extra_json: str) -> dict[str, DataType]:
    """Built-in types plus those of the `extra_data_types` setting (a JSON list of DataType fields)."""
    types = {t.name: t for t in BUILTIN_TYPES}
    for item in json.loads(extra_json or "[]"):
        item = dict(item)
        for key, enum_type in (("normalization", Normalization), ("mask_style", MaskStyle)):
            if key in item:
                item[key] = enum_type[item[key]] if isinstance(item[key], str) else enum_type(item[key])
        types[item["name"]] = DataType(builtin=True, **item)
    return types


# ---------------------------------------------------------------- normalization and masking
def normalize(value: str, how: Normalization) -> str:
    """The form a value is digested (and looked up) in: equal values give equal digests."""
    if how == Normalization.PAN_DIGITS:
        return "".join(ch for ch in value if ch.isdigit())
    if how == Normalization.E164_PHONE:
        raw = value.strip()
        digits = "".join(ch for ch in raw if ch.isdigit())
        if raw.startswith("00"):
            digits = digits[2:]
        return "+" + digits
    if how == Normalization.LOWER_EMAIL:
        return value.strip().lower()
    if how == Normalization.IBAN_COMPACT:
        return "".join(value.split()).upper()
    return value


def mask(value: str, style: MaskStyle) -> str:
    if style == MaskStyle.CARD_FIRST6_LAST4:
        digits = "".join(ch for ch in value if ch.isdigit())
        if len(digits) < 13:
            return "*" * len(digits)
        return digits[:6] + "*" * (len(digits) - 10) + digits[-4:]
    if style == MaskStyle.LAST4:
        return "*" * max(len(value) - 4, 0) + value[-4:] if len(value) > 4 else "*" * len(value)
    if style == MaskStyle.EMAIL:
        local, _, domain = value.partition("@")
        return (local[:1] + "***@" + domain) if domain else "*" * len(value)
    if style == MaskStyle.FIRST_CHAR:
        return value[:1] + "***" if value else ""
    return "*" * min(len(value), 16)


# ---------------------------------------------------------------- tickets
def new_ticket(ticket_type: TicketType, rand: Callable[[int], bytes] = os.urandom) -> str:
    """128 random bits; never derived from the plaintext and carries no ciphertext."""
    return ("C" if ticket_type == TicketType.TEMPORARY else "P") + rand(16).hex()


def is_ticket(value: str) -> bool:
    return TICKET_PATTERN.fullmatch(value) is not None


@dataclass(frozen=True)
class Record:
    """A stored ticket: metadata plus the sealed value (never the plaintext)."""

    ticket: str
    type: TicketType
    data_type: str
    summary: str
    ciphertext: bytes            # nonce || AES-256-GCM(record key, value, AAD)
    record_key_id: str           # random id of the record key, bound into the AAD
    wrapped_key: bytes           # the record key wrapped by key_id
    key_id: str
    digest: str = ""
    digest_key_id: str = ""
    single_use: bool = False
    compressed: bool = False
    plain_length: int = 0
    owner_client_id: str = ""
    context_id: str = ""
    create_time: datetime | None = None
    expire_time: datetime | None = None

    def rewrapped(self, wrapped_key: bytes, key_id: str) -> "Record":
        return replace(self, wrapped_key=wrapped_key, key_id=key_id)


# ---------------------------------------------------------------- access policies
@dataclass(frozen=True)
class Policy:
    client_id: str
    data_type: str
    permissions: frozenset[Permission]
    update_time: datetime | None = None


def parse_policies(spec: str) -> dict[tuple[str, str], Policy]:
    """`client:data_type:perm,perm;...` (the baseline from settings)."""
    out: dict[tuple[str, str], Policy] = {}
    for part in filter(None, (p.strip() for p in spec.split(";"))):
        client, data_type, perms = part.split(":", 2)
        granted = frozenset(Permission[p.strip().upper()] for p in perms.split(",") if p.strip())
        out[(client, data_type)] = Policy(client, data_type, granted)
    return out


def allowed(runtime: dict[tuple[str, str], Policy], baseline: dict[tuple[str, str], Policy],
            client_id: str, data_type: str, permission: Permission) -> bool:
    """Most specific policy wins: runtime (client, type) → (client, *) → baseline (client, type)
    → (client, *) → (*, type) → (*, *). An existing policy with no permission denies."""
    for table, key in ((runtime, (client_id, data_type)), (runtime, (client_id, "*")), (baseline, (client_id, data_type)),
                       (baseline, (client_id, "*")), (baseline, ("*", data_type)), (baseline, ("*", "*"))):
        policy = table.get(key)
        if policy is not None:
            return permission in policy.permissions
    return False
