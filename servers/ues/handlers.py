"""UES use cases: seal values into tickets, read them back (with policy checks, single-use
consumption, the plaintext cache and an audit record per read), lookup by plaintext,
conversion, masked reads. Storage comes in through ports; no gRPC here."""
from __future__ import annotations

import os
import time
from dataclasses import dataclass, replace
from typing import Awaitable, Callable, TypeVar

from servers.kernel.errors import FieldViolation, InvalidArgument, PaymeshError
from servers.ues import crypto, errors
from servers.ues.audit import AuditBatcher
from servers.ues.domain import (MAX_CHARS, DataType, MaskStyle, Permission, Record, TicketType, is_ticket, mask, new_ticket,
                                normalize)
from servers.ues.keys import KeyRing, Purpose, UnknownKey
from servers.ues.ports import AuditEntry, PlainCache, TempStore, Vault
from servers.ues.registry import Caller, Registry

T = TypeVar("T")
Tx = Callable[[Callable[[Vault], Awaitable[T]]], Awaitable[T]]
COMPRESS_ABOVE_CHARS = 4096

AUDIT_DECRYPT, AUDIT_MASKED_READ, AUDIT_QUERY_TICKET, AUDIT_CONVERT, AUDIT_KEY_CHANGE, AUDIT_POLICY_CHANGE = 1, 2, 3, 4, 5, 6


@dataclass(frozen=True)
class SaveItem:
    plain: str
    data_type: str
    summary: str = ""
    type: TicketType = TicketType.UNSPECIFIED
    ttl_seconds: int = 0
    single_use: bool = False


@dataclass(frozen=True)
class Limits:
    temp_ttl_seconds: int = 300
    temp_ttl_max_seconds: int = 3600
    wrap_purpose: Purpose = Purpose.RECORD_WRAPPING
    audit_batch_max: int = 5000
    audit_linger_ms: float = 0.0


@dataclass
class ReadResult:
    plain: dict[str, str]
    errors: dict[str, PaymeshError]
    records: dict[str, Record]


RANDOM_PER_SEAL = 16 + 32 + 12 + crypto.NONCE * 2  # ticket, record key, record key id, two nonces
RANDOM_PER_AUDIT = 10


def audit_id(rand: crypto.Random = os.urandom) -> str:
    """aud_ + hex of (milliseconds, 80 random bits): sorts by time like kernel ids and is much
    cheaper to make (one per decrypted field)."""
    return f"aud_{time.time_ns() // 1_000_000:012x}{rand(RANDOM_PER_AUDIT).hex()}"


def audit(caller: Caller, action: int, ticket: str = "", data_type: str = "", error: PaymeshError | None = None,
          rand: crypto.Random = os.urandom) -> AuditEntry:
    return AuditEntry(audit_id(rand), action, caller.client_id, ticket, data_type, caller.context_id, error is None,
                      error.reason if error else "", caller.method)


class Ues:
    def __init__(self, ring: KeyRing, registry: Registry, tx: Tx, temp: TempStore, cache: PlainCache, limits: Limits,
                 direct: Vault | None = None):
        """`tx` runs work in a transaction; `direct` (adapters.DirectVault), when given, runs the
        one-statement steps of the request path (record insert without an idempotency key, record
        reads, audit batches) as single autocommitted statements: one round trip each."""
        self.ring, self.registry, self.tx, self.temp, self.cache, self.limits = ring, registry, tx, temp, cache, limits
        self.direct = direct
        # group commit: concurrent reads share one audit transaction (servers/ues/audit.py)
        self.audit = AuditBatcher(self._insert_audit, limits.audit_batch_max, limits.audit_linger_ms / 1000)

    async def _insert_audit(self, rows: list[AuditEntry]) -> None:
        if self.direct is not None:
            return await self.direct.insert_audit(rows)
        return await self.tx(lambda v: v.insert_audit(rows))

    # ------------------------------------------------------------ sealing
    def seal(self, caller: Caller, item: SaveItem, prefix: str = "", rand: crypto.Random = os.urandom) -> tuple[Record, int]:
        """Validates and encrypts one value (no I/O); returns the record and, if temporary, its TTL.
        `rand`: a batch's crypto.RandomPool (default os.urandom)."""
        dt = self.registry.data_type(item.data_type, f"{prefix}data_type")
        self.registry.check(caller, dt.name, Permission.ENCRYPT)
        kind = item.type or (TicketType.TEMPORARY if dt.temporary_only else TicketType.PERSISTENT)
        if dt.temporary_only and kind != TicketType.TEMPORARY:
            raise errors.temporary_only(f"{prefix}type", dt.name)
        if kind == TicketType.PERSISTENT_WITH_DIGEST and not dt.digest_allowed:
            raise errors.digest_not_allowed(dt.name)
        if not item.plain or not dt.matches(item.plain):
            raise errors.value_mismatch(f"{prefix}plain_data", dt.name)
        ttl = self._ttl(dt, item, prefix) if kind == TicketType.TEMPORARY else 0
        if kind != TicketType.TEMPORARY and (item.ttl_seconds or item.single_use):
            raise errors.not_allowed_here(f"{prefix}ttl_seconds", "only temporary tickets have a TTL or are single-use")
        ticket = new_ticket(kind, rand)
        record_key, record_key_id = crypto.new_record_key(rand)
        compressed = kind == TicketType.LARGE or len(item.plain) > COMPRESS_ABOVE_CHARS
        ciphertext = crypto.seal(record_key, crypto.encode_value(item.plain, compressed),
                                 crypto.record_aad(ticket, dt.name, record_key_id, compressed), rand)
        try:
            key_id, wrapper = self.ring.active_wrapper(self.limits.wrap_purpose)
        except UnknownKey as exc:
            raise errors.invalid_cert(exc.key_id, False) from None
        wrapped = wrapper.wrap(record_key, crypto.wrap_aad(ticket, dt.name, record_key_id, key_id), rand)
        digest = digest_key_id = ""
        if kind == TicketType.PERSISTENT_WITH_DIGEST:
            digest_key_id, digest_key = self.ring.digest_keys()[0]
            digest = crypto.digest(digest_key, normalize(item.plain, dt.normalization))
        record = Record(ticket, kind, dt.name, item.summary, ciphertext, record_key_id, wrapped, key_id, digest, digest_key_id,
                        kind == TicketType.TEMPORARY and (dt.always_single_use or item.single_use), compressed, len(item.plain),
                        caller.client_id, caller.context_id)
        return record, ttl

    def _ttl(self, dt: DataType, item: SaveItem, prefix: str) -> int:
        cap = min(dt.max_ttl_seconds or self.limits.temp_ttl_max_seconds, self.limits.temp_ttl_max_seconds)
        ttl = item.ttl_seconds or dt.default_ttl_seconds or self.limits.temp_ttl_seconds
        if ttl > cap:
            raise InvalidArgument([FieldViolation(f"{prefix}ttl_seconds", f"must be at most {cap} for dataType {dt.name}")],
                                  reason="TTL_TOO_LONG")
        return min(ttl, cap)

    async def save(self, caller: Caller, items: list[SaveItem], vault: Vault | None = None, cache: bool = False,
                   batch: bool = False) -> list[Record | PaymeshError]:
        """Seals every item; each fails on its own. Persistent records go in one insert (on
        `vault`, the caller's transaction, when given), temporary ones to Redis."""
        results: list[Record | PaymeshError] = []
        sealed: list[tuple[Record, int]] = []
        per_item = RANDOM_PER_SEAL + (crypto.NONCE if cache else 0)  # + the cache entry's nonce
        rand = crypto.RandomPool(per_item * len(items)) if len(items) > 1 else os.urandom
        for i, item in enumerate(items):
            try:
                if batch and item.type == TicketType.LARGE:
                    raise errors.not_allowed_here(f"items[{i}].type", "TICKET_TYPE_LARGE is not allowed in batches")
                record, ttl = self.seal(caller, item, f"items[{i}]." if batch else "", rand)
            except PaymeshError as exc:
                results.append(exc)
                continue
            results.append(record)
            sealed.append((record, ttl))
        persistent = [r for r, _ in sealed if r.type != TicketType.TEMPORARY]
        if persistent:
            if vault is not None:
                await vault.insert_records(persistent)
            elif self.direct is not None:  # one statement: atomic and durable on its own
                await self.direct.insert_records(persistent)
            else:
                await self.tx(lambda v: v.insert_records(persistent))
        await self.temp.put_many([(r, ttl) for r, ttl in sealed if r.type == TicketType.TEMPORARY])
        if cache:
            entries = [(r.ticket, r.key_id, r.data_type, item.plain) for item, r in zip(items, results)
                       if isinstance(r, Record) and r.type != TicketType.TEMPORARY]
            await self.cache.put_many(entries, rand)
        return results

    # ------------------------------------------------------------ reading
    def unseal(self, record: Record) -> str:
        try:
            wrapper = self.ring.usable(record.key_id)
        except UnknownKey as exc:
            raise errors.invalid_cert(exc.key_id, exc.retired) from None
        dt = self.registry.types.get(record.data_type)
        try:
            record_key = wrapper.unwrap(record.wrapped_key, crypto.wrap_aad(record.ticket, record.data_type, record.record_key_id,
                                                                             record.key_id))
            raw = crypto.open_sealed(record_key, record.ciphertext,
                                     crypto.record_aad(record.ticket, record.data_type, record.record_key_id, record.compressed))
            return crypto.decode_value(raw, record.compressed, dt.max_length_chars if dt else MAX_CHARS)
        except crypto.TamperedError:
            raise errors.tampered() from None
        except crypto.TooLargeError:
            raise errors.too_large() from None

    async def fetch(self, tickets: list[str]) -> dict[str, Record]:
        temps = [t for t in tickets if t.startswith("C")]
        persistent = [t for t in tickets if t.startswith("P")]
        found = await self.temp.get_many(temps) if temps else {}
        if persistent:
            found.update(await self.direct.get_records(persistent) if self.direct is not None
                         else await self.tx(lambda v: v.get_records(persistent)))
        return found

    async def read(self, caller: Caller, tickets: list[str], use_cache: bool = False) -> ReadResult:
        """Plaintexts of the tickets the caller may decrypt; every ticket asked for is audited
        (allowed or not) before any plaintext is returned."""
        wanted = list(dict.fromkeys(tickets))
        result = ReadResult({}, {}, {})
        trail: list[AuditEntry] = []
        per_ticket = RANDOM_PER_AUDIT + (crypto.NONCE if use_cache else 0)
        rand = crypto.RandomPool(per_ticket * len(wanted)) if len(wanted) > 1 else os.urandom

        def fail(ticket: str, data_type: str, exc: PaymeshError) -> None:
            result.errors[ticket] = exc
            trail.append(audit(caller, AUDIT_DECRYPT, ticket, data_type, exc, rand))

        valid = [t for t in wanted if is_ticket(t)]
        for t in wanted:
            if not is_ticket(t):
                fail(t[:256], "", errors.ticket_not_found())
        hits = await self.cache.get_many([t for t in valid if t.startswith("P")]) if use_cache else {}
        for ticket, (data_type, plain) in hits.items():
            if self.registry.may(caller, data_type, Permission.DECRYPT):
                result.plain[ticket] = plain
                trail.append(audit(caller, AUDIT_DECRYPT, ticket, data_type, rand=rand))
            else:
                fail(ticket, data_type, errors.permission_denied(caller.client_id, "decrypt", data_type))
        rest = [t for t in valid if t not in hits]
        records = await self.fetch(rest) if rest else {}
        permitted: list[Record] = []
        for ticket in rest:
            record = records.get(ticket)
            if record is None:
                fail(ticket, "", errors.ticket_not_found())
            elif not self.registry.may(caller, record.data_type, Permission.DECRYPT):
                fail(ticket, record.data_type, errors.permission_denied(caller.client_id, "decrypt", record.data_type))
            else:
                permitted.append(record)
        single = [r.ticket for r in permitted if r.single_use]
        won = await self.temp.consume(single) if single else set()
        fill: list[tuple[str, str, str, str]] = []
        for record in permitted:
            if record.single_use and record.ticket not in won:
                fail(record.ticket, record.data_type, errors.ticket_not_found())
                continue
            try:
                plain = self.unseal(record)
            except PaymeshError as exc:
                fail(record.ticket, record.data_type, exc)
                continue
            result.plain[record.ticket] = plain
            result.records[record.ticket] = record
            trail.append(audit(caller, AUDIT_DECRYPT, record.ticket, record.data_type, rand=rand))
            if use_cache and record.type != TicketType.TEMPORARY:
                fill.append((record.ticket, record.key_id, record.data_type, plain))
        await self.audit.write(trail)
        await self.cache.put_many(fill, rand)
        return result

    async def read_one(self, caller: Caller, ticket: str, use_cache: bool = False) -> tuple[str, Record | None]:
        result = await self.read(caller, [ticket], use_cache)
        if ticket in result.errors:
            raise result.errors[ticket]
        return result.plain[ticket], result.records.get(ticket)

    # ------------------------------------------------------------ lookup, conversion, masking
    async def query_ticket(self, caller: Caller, plain: str, data_type: str) -> Record:
        dt = self.registry.data_type(data_type)
        error: PaymeshError | None = None
        record = None
        try:
            self.registry.check(caller, dt.name, Permission.QUERY_TICKET)
            if not dt.digest_allowed:
                raise errors.digest_not_allowed(dt.name)
            normalized = normalize(plain, dt.normalization)
            digests = [crypto.digest(key, normalized) for _, key in self.ring.digest_keys()]
            record = await self.tx(lambda v: v.find_by_digest(dt.name, digests)) if digests else None
            if record is None:
                raise errors.ticket_not_found()
        except PaymeshError as exc:
            error = exc
        await self.audit.write([audit(caller, AUDIT_QUERY_TICKET, record.ticket if record else "", dt.name, error)])
        if error is not None:
            raise error
        assert record is not None
        return record

    async def convert(self, caller: Caller, vault: Vault, ticket: str, data_type: str, kind: TicketType, summary: str) -> Record:
        """Temporary → persistent (optionally under another data type). Runs in the caller's
        transaction; a single-use source is consumed last, so a lost race rolls everything back."""
        if not ticket.startswith("C") or not is_ticket(ticket):
            raise errors.not_temporary() if is_ticket(ticket) else errors.ticket_not_found()
        source = (await self.temp.get_many([ticket])).get(ticket)
        if source is None:
            raise errors.ticket_not_found()
        target = data_type or source.data_type
        self.registry.check(caller, source.data_type, Permission.CONVERT)
        self.registry.check(caller, target, Permission.CONVERT)
        if kind == TicketType.TEMPORARY:
            raise errors.not_allowed_here("type", "must be a persistent kind")
        plain = self.unseal(source)
        [result] = await self.save(caller, [SaveItem(plain, target, summary or source.summary, kind or TicketType.PERSISTENT)],
                                   vault=vault)
        if isinstance(result, PaymeshError):
            raise result
        if source.single_use and ticket not in await self.temp.consume([ticket]):
            raise errors.ticket_not_found()
        await vault.insert_audit([audit(caller, AUDIT_CONVERT, ticket, source.data_type)])
        return result

    async def masked(self, caller: Caller, ticket: str) -> tuple[str, Record]:
        record = (await self.fetch([ticket])).get(ticket) if is_ticket(ticket) else None
        error: PaymeshError | None = None
        value = ""
        try:
            if record is None:
                raise errors.ticket_not_found()
            if not (self.registry.may(caller, record.data_type, Permission.MASKED_READ)
                    or self.registry.may(caller, record.data_type, Permission.DECRYPT)):
                raise errors.permission_denied(caller.client_id, "read masked", record.data_type)
            dt = self.registry.types.get(record.data_type)
            value = mask(self.unseal(record), dt.mask_style if dt else MaskStyle.FULL)
        except PaymeshError as exc:
            error = exc
        await self.audit.write([audit(caller, AUDIT_MASKED_READ, ticket[:256], record.data_type if record else "", error)])
        if error is not None:
            raise error
        assert record is not None
        return value, record

    async def ticket(self, ticket: str) -> Record:
        record = (await self.fetch([ticket])).get(ticket) if is_ticket(ticket) else None
        if record is None:
            raise errors.ticket_not_found()
        return replace(record, ciphertext=b"", wrapped_key=b"")
