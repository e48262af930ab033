"""UES use cases on in-memory fakes of its ports: ticket kinds, CVV2 rules, policies, audit,
single-use, rotation in the ring, nothing stored on bad input."""
from __future__ import annotations

import json

import pytest

from servers.kernel.errors import InvalidArgument, NotFound, PermissionDenied, FailedPrecondition
from servers.ues.domain import DataType, Permission, Policy, Record, TicketType
from servers.ues.handlers import Limits, SaveItem, Ues
from servers.ues.keys import KeyRing, KeySource, KeyState, Purpose, first_versions, new_entry
from servers.ues.registry import Caller, Registry
from servers.ues.settings import ACCESS_POLICIES_DEFAULT, EXTRA_DATA_TYPES_DEFAULT

CALLER = Caller("trade", "ctx_1", "/paymesh.ues.v1.UesService/Test")


class FakeVault:
    def __init__(self):
        self.records: dict[str, Record] = {}
        self.audit: list = []

    async def insert_records(self, records):
        self.records.update({r.ticket: r for r in records})

    async def get_records(self, tickets):
        return {t: self.records[t] for t in tickets if t in self.records}

    async def find_by_digest(self, data_type, digests):
        return next((r for r in self.records.values() if r.data_type == data_type and r.digest in digests), None)

    async def insert_audit(self, entries):
        self.audit.extend(entries)


class FakeTemp:
    def __init__(self):
        self.items: dict[str, Record] = {}

    async def put_many(self, records):
        self.items.update({r.ticket: r for r, _ in records})

    async def get_many(self, tickets):
        return {t: self.items[t] for t in tickets if t in self.items}

    async def consume(self, tickets):
        return {t for t in tickets if self.items.pop(t, None) is not None}


class FakeCache:
    def __init__(self):
        self.items: dict[str, tuple[str, str]] = {}

    async def get_many(self, tickets):
        return {t: self.items[t] for t in tickets if t in self.items}

    async def put_many(self, entries, rand=None):
        self.items.update({t: (dt, p) for t, _k, dt, p in entries})

    async def drop_key(self, key_id):
        return 0


@pytest.fixture
def ues():
    doc = {"keys": [new_entry(Purpose.RECORD_WRAPPING, "kek-v1"), new_entry(Purpose.DIGEST, "dig-v1"),
                    new_entry(Purpose.RECORD_WRAPPING, "kek-v2")]}
    ring = KeyRing(KeySource(None, json.dumps(doc)), [])
    ring.set_versions([v for v in first_versions(ring)])
    vault = FakeVault()

    async def tx(work):
        return await work(vault)

    service = Ues(ring, Registry(EXTRA_DATA_TYPES_DEFAULT, ACCESS_POLICIES_DEFAULT), tx, FakeTemp(), FakeCache(), Limits())
    service.vault = vault  # type: ignore[attr-defined]
    return service


async def test_persistent_round_trip_is_audited(ues):
    [record] = await ues.save(CALLER, [SaveItem("4111111111111111", "card_no")])
    assert record.ticket.startswith("P") and record.ticket in ues.vault.records
    plain, _ = await ues.read_one(CALLER, record.ticket)
    assert plain == "4111111111111111"
    [entry] = ues.vault.audit
    assert (entry.client_id, entry.ticket, entry.context_id, entry.allowed) == ("trade", record.ticket, "ctx_1", True)
    assert "4111111111111111" not in repr(ues.vault.audit)


async def test_cvv2_is_temporary_and_single_use_only(ues):
    [record] = await ues.save(CALLER, [SaveItem("123", "cvv2")])
    assert record.ticket.startswith("C") and record.single_use
    assert (await ues.read_one(CALLER, record.ticket))[0] == "123"
    with pytest.raises(NotFound):
        await ues.read_one(CALLER, record.ticket)
    [error] = await ues.save(CALLER, [SaveItem("123", "cvv2", type=TicketType.PERSISTENT)])
    assert isinstance(error, InvalidArgument) and error.reason == "TEMPORARY_ONLY"
    with pytest.raises(InvalidArgument):
        ues.seal(CALLER, SaveItem("123", "cvv2", ttl_seconds=3600))


async def test_bad_input_stores_nothing_and_never_echoes_the_value(ues):
    results = await ues.save(CALLER, [SaveItem("not-an-email", "email"), SaveItem("x", "NOPE"), SaveItem("4111111111111111", "card_no")],
                             batch=True)
    assert [type(r).__name__ for r in results] == ["InvalidArgument", "InvalidArgument", "Record"]
    assert results[0].reason == "VALUE_MISMATCH" and "not-an-email" not in results[0].message
    assert results[0].violations[0].field == "items[0].plain_data"
    assert len(ues.vault.records) == 1


async def test_batch_read_returns_only_valid_tickets(ues):
    a, b = await ues.save(CALLER, [SaveItem("4111111111111111", "card_no"), SaveItem("+8613800138000", "mobile_no")])
    result = await ues.read(CALLER, [a.ticket, b.ticket, "P" + "0" * 32, "garbage"])
    assert result.plain == {a.ticket: "4111111111111111", b.ticket: "+8613800138000"}
    assert set(result.errors) == {"P" + "0" * 32, "garbage"}
    assert len(ues.vault.audit) == 4 and sum(not e.allowed for e in ues.vault.audit) == 2


async def test_policies_per_client_and_masked_read(ues):
    [record] = await ues.save(CALLER, [SaveItem("4111111111111111", "card_no")])
    ues.registry.set_policies([Policy("risk", "card_no", frozenset({Permission.MASKED_READ}))])
    risk = Caller("risk", "ctx_2", "m")
    with pytest.raises(PermissionDenied):
        await ues.read_one(risk, record.ticket)
    assert (await ues.masked(risk, record.ticket))[0] == "411111******1111"
    ues.registry.set_policies([Policy("risk", "*", frozenset())])
    with pytest.raises(PermissionDenied):
        await ues.masked(risk, record.ticket)
    assert [e.allowed for e in ues.vault.audit] == [False, True, False]


async def test_digest_lookup_normalizes(ues):
    [record] = await ues.save(CALLER, [SaveItem("4111 1111 1111 1111", "card_no", type=TicketType.PERSISTENT_WITH_DIGEST)])
    assert record.digest and record.digest_key_id == "dig-v1"
    found = await ues.query_ticket(CALLER, "4111-1111-1111-1111", "card_no")
    assert found.ticket == record.ticket
    with pytest.raises(FailedPrecondition):
        await ues.query_ticket(CALLER, "secret", "password")


async def test_rotation_keeps_old_tickets_and_retire_blocks_them(ues):
    [old] = await ues.save(CALLER, [SaveItem("4111111111111111", "card_no")])
    versions = list(ues.ring.versions.values())
    v1 = ues.ring.versions["kek-v1"]
    from dataclasses import replace
    ues.ring.set_versions([replace(v1, state=KeyState.DECRYPT_ONLY)] + [v for v in versions if v.key_id != "kek-v1"]
                          + [replace(v1, key_id="kek-v2", version=2, state=KeyState.ACTIVE)])
    [new] = await ues.save(CALLER, [SaveItem("5500000000000004", "card_no")])
    assert (old.key_id, new.key_id) == ("kek-v1", "kek-v2")
    assert (await ues.read(CALLER, [old.ticket, new.ticket])).plain == {old.ticket: "4111111111111111", new.ticket: "5500000000000004"}
    ues.ring.set_versions([replace(v, state=KeyState.RETIRED) if v.key_id == "kek-v1" else v for v in ues.ring.versions.values()])
    result = await ues.read(CALLER, [old.ticket, new.ticket])
    assert list(result.plain) == [new.ticket]
    assert result.errors[old.ticket].message == "Invalid certification certSerialNo"


async def test_convert_temporary_to_persistent_with_new_type(ues):
    [temp] = await ues.save(CALLER, [SaveItem("4111111111111111", "USER_INFO", type=TicketType.TEMPORARY, single_use=True)])
    converted = await ues.convert(CALLER, ues.vault, temp.ticket, "card_no", TicketType.PERSISTENT_WITH_DIGEST, "")
    assert converted.ticket.startswith("P") and converted.data_type == "card_no" and converted.digest
    assert (await ues.read_one(CALLER, converted.ticket))[0] == "4111111111111111"
    with pytest.raises(NotFound):
        await ues.read_one(CALLER, temp.ticket)


async def test_large_values_are_compressed(ues):
    value = "x" * 4_000_000
    ues.registry.types["bigdoc"] = DataType("bigdoc", r"^.+$", max_length_chars=5_000_000)
    [record] = await ues.save(CALLER, [SaveItem(value, "bigdoc", type=TicketType.LARGE)])
    assert record.compressed and len(record.ciphertext) < 100_000
    assert (await ues.read_one(CALLER, record.ticket))[0] == value


async def test_cached_reads_still_check_policy_and_audit(ues):
    [record] = await ues.save(CALLER, [SaveItem("4111111111111111", "card_no")], cache=True)
    assert (await ues.read_one(CALLER, record.ticket, use_cache=True))[0] == "4111111111111111"
    ues.registry.set_policies([Policy("trade", "card_no", frozenset())])
    with pytest.raises(PermissionDenied):
        await ues.read_one(CALLER, record.ticket, use_cache=True)
    assert [e.allowed for e in ues.vault.audit] == [True, False]
