"""UES cryptography and domain rules: tamper cases, RSA model, gzip cap, regexes,
normalization, masking, tickets."""
from __future__ import annotations

import gzip
from dataclasses import replace

import pytest

from servers.ues import crypto
from servers.ues.domain import BUILTIN_TYPES, MaskStyle, Normalization, Record, TicketType, configured_types, is_ticket, mask, \
    new_ticket, normalize

TYPES = {t.name: t for t in BUILTIN_TYPES}
KEK = crypto.AesKek("kek-v1", b"k" * 32)


def sealed(ticket: str, plain: str, data_type: str = "card_no", kek=KEK) -> Record:
    key, rk = crypto.new_record_key()
    ct = crypto.seal(key, plain.encode(), crypto.record_aad(ticket, data_type, rk, False))
    wrapped = kek.wrap(key, crypto.wrap_aad(ticket, data_type, rk, kek.key_id))
    return Record(ticket, TicketType.PERSISTENT, data_type, "", ct, rk, wrapped, kek.key_id)


def unseal(r: Record, kek=KEK) -> str:
    key = kek.unwrap(r.wrapped_key, crypto.wrap_aad(r.ticket, r.data_type, r.record_key_id, r.key_id))
    return crypto.open_sealed(key, r.ciphertext, crypto.record_aad(r.ticket, r.data_type, r.record_key_id, r.compressed)).decode()


def flip(data: bytes, index: int) -> bytes:
    return data[:index] + bytes([data[index] ^ 0x01]) + data[index + 1:]


def test_round_trip_and_fresh_key_per_record():
    a, b = sealed(new_ticket(TicketType.PERSISTENT), "4111111111111111"), sealed(new_ticket(TicketType.PERSISTENT), "4111111111111111")
    assert unseal(a) == unseal(b) == "4111111111111111"
    assert a.ciphertext != b.ciphertext and a.wrapped_key != b.wrapped_key and a.record_key_id != b.record_key_id


@pytest.mark.parametrize("where", [0, 5, 12, 20, -1])
def test_bit_flip_in_ciphertext_is_rejected(where):
    r = sealed(new_ticket(TicketType.PERSISTENT), "4111111111111111")
    with pytest.raises(crypto.TamperedError):
        unseal(replace(r, ciphertext=flip(r.ciphertext, where % len(r.ciphertext))))


def test_bit_flip_in_wrapped_key_is_rejected():
    r = sealed(new_ticket(TicketType.PERSISTENT), "4111111111111111")
    with pytest.raises(crypto.TamperedError):
        unseal(replace(r, wrapped_key=flip(r.wrapped_key, 20)))


def test_swapped_ciphertexts_between_tickets_are_rejected():
    a, b = sealed(new_ticket(TicketType.PERSISTENT), "4111111111111111"), sealed(new_ticket(TicketType.PERSISTENT), "5500000000000004")
    for forged in (replace(a, ciphertext=b.ciphertext), replace(a, ciphertext=b.ciphertext, wrapped_key=b.wrapped_key,
                                                                record_key_id=b.record_key_id)):
        with pytest.raises(crypto.TamperedError):
            unseal(forged)


@pytest.mark.parametrize("change", [{"data_type": "mobile_no"}, {"record_key_id": "0" * 24}, {"key_id": "kek-v2"},
                                    {"compressed": True}])
def test_wrong_aad_is_rejected(change):
    r = sealed(new_ticket(TicketType.PERSISTENT), "4111111111111111")
    with pytest.raises(crypto.TamperedError):
        unseal(replace(r, **change))


def test_wrong_kek_is_rejected():
    r = sealed(new_ticket(TicketType.PERSISTENT), "4111111111111111")
    with pytest.raises(crypto.TamperedError):
        unseal(r, crypto.AesKek("kek-v1", b"x" * 32))


def test_rsa_model_oaep_sha256_3072_and_public_only_cannot_decrypt():
    pem = crypto.generate_rsa_pem()
    holder = crypto.RsaKek("cert-0001", private_pem=pem)
    producer = crypto.RsaKek("cert-0001", public_pem=holder.public_pem.encode())
    assert holder.algorithm == "RSA-3072-OAEP-SHA256"
    r = sealed(new_ticket(TicketType.PERSISTENT), "4111111111111111", kek=producer)
    assert unseal(r, holder) == "4111111111111111"
    with pytest.raises(crypto.TamperedError):
        unseal(r, producer)
    with pytest.raises(crypto.TamperedError):  # the OAEP label binds the ticket
        unseal(replace(r, ticket=new_ticket(TicketType.PERSISTENT)), holder)
    with pytest.raises(ValueError):
        crypto.RsaKek("weak", private_pem=crypto.generate_rsa_pem(2048))


def test_gzip_values_are_capped():
    big = "a" * 200_000
    assert crypto.decode_value(crypto.encode_value(big, True), True, 200_000) == big
    bomb = gzip.compress(b"\0" * 5_000_000)
    with pytest.raises(crypto.TooLargeError):
        crypto.decode_value(bomb, True, 1000)


def test_digest_is_keyed():
    assert crypto.digest(b"k1" * 16, "4111") != crypto.digest(b"k2" * 16, "4111")
    import hashlib
    assert crypto.digest(b"k1" * 16, "4111") != hashlib.sha256(b"4111").hexdigest()


def test_cache_cipher_binds_ticket_and_is_per_process():
    cipher = crypto.CacheCipher()
    blob = cipher.seal("P" + "a" * 32, "kek-v1", "card_no", "4111111111111111")
    assert b"4111" not in blob
    assert cipher.open("P" + "a" * 32, blob) == ("kek-v1", "card_no", "4111111111111111")
    assert cipher.open("P" + "b" * 32, blob) is None
    assert crypto.CacheCipher().open("P" + "a" * 32, blob) is None
    assert cipher.open("P" + "a" * 32, blob.replace(b"kek-v1", b"kek-v2")) is None


@pytest.mark.parametrize("data_type,good,bad", [
    ("name", ["J", "x" * 100], ["", "x" * 101]),
    ("password", ["ab"], ["a", "x" * 101]),
    ("mobile_no", ["+8613800138000", "138-0013-8000"], ["1", "+86 138", "abc"]),
    ("email", ["alice@example.com"], ["a@b.c", "no-at-sign-here"]),
    ("card_no", ["4111111111111111", "41"], ["4", "x" * 51]),
    ("cvv2", ["123"], ["", "123456789"]),
    ("iban", ["DE89 3704 0044 0532 0130 00"], ["DE89", "x" * 41]),
    ("address", ["1 Main St"], ["", "x" * 501]),
    ("passport", ["E12345678"], [""]),
    ("id", ["110101199003070000"], [""]),
])
def test_reference_regexes(data_type, good, bad):
    t = TYPES[data_type]
    assert all(t.matches(v) for v in good)
    assert not any(t.matches(v) for v in bad)


def test_extra_types_from_configuration():
    types = configured_types('[{"name": "USER_INFO", "pattern": "^.{1,10}$", "mask_style": "LAST4"}]')
    assert types["USER_INFO"].matches("abc") and not types["USER_INFO"].matches("x" * 11)
    assert types["USER_INFO"].mask_style == MaskStyle.LAST4 and "card_no" in types


def test_normalization():
    assert normalize("4111 1111-1111 1111", Normalization.PAN_DIGITS) == "4111111111111111"
    assert normalize("+86 138-0013-8000", Normalization.E164_PHONE) == "+8613800138000"
    assert normalize("0086 13800138000", Normalization.E164_PHONE) == "+8613800138000"
    assert normalize(" Alice@Example.COM ", Normalization.LOWER_EMAIL) == "alice@example.com"
    assert normalize("de89 3704 0044 0532 0130 00", Normalization.IBAN_COMPACT) == "DE89370400440532013000"


def test_masking():
    assert mask("4111 1111 1111 1111", MaskStyle.CARD_FIRST6_LAST4) == "411111******1111"
    assert mask("13800138000", MaskStyle.LAST4) == "*******8000"
    assert mask("alice@example.com", MaskStyle.EMAIL) == "a***@example.com"
    assert mask("Alice", MaskStyle.FIRST_CHAR) == "A***"
    assert "4111" not in mask("4111111111111111", MaskStyle.FULL)


def test_tickets_are_random_and_typed():
    t = {new_ticket(TicketType.PERSISTENT) for _ in range(1000)}
    assert len(t) == 1000 and all(x.startswith("P") and is_ticket(x) for x in t)
    assert new_ticket(TicketType.TEMPORARY).startswith("C")
    assert not is_ticket("P4111111111111111") and not is_ticket("ticket-string")
