"""Member use cases: profile, payment password (scrypt, salted, slow) and saved cards.

Card numbers and holder names go only to the CardVault port (UES, or the local stand-in); the
member keeps tickets, a keyed digest (dedupe), the masked number, the BIN and the expiry. The
Luhn check, the mask and the BIN are computed here from the plaintext received. CVV is never
stored: it is checked for shape only and dropped.
"""
from __future__ import annotations

import asyncio
import base64
import datetime as dt
import hashlib
import hmac
import os
from dataclasses import replace

from servers.kernel.errors import invalid
from servers.kernel.ids import new_id
from servers.trade import errors
from servers.trade.domain import Member, SavedCard, card_org, luhn_ok, mask_card_no
from servers.trade.ports import CardVault, MemberRepository, MemberUnitOfWork, TokenStore

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
PASSWORD_FAILS_MAX = 5
PASSWORD_LOCK_SECONDS = 15 * 60
PAGE_SIZE_DEFAULT = 50


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode(), salt=salt, n=n, r=r, p=p, maxmem=64 * 1024 * 1024, dklen=32)


async def hash_password(password: str) -> str:
    salt = os.urandom(16)
    digest = await asyncio.to_thread(_scrypt, password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    b64 = base64.b64encode
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${b64(salt).decode()}${b64(digest).decode()}"


async def password_matches(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    actual = await asyncio.to_thread(_scrypt, password, base64.b64decode(salt), int(n), int(r), int(p))
    return hmac.compare_digest(actual, base64.b64decode(digest))


async def create_member(uow: MemberUnitOfWork, vault: CardVault, request_id: str, display_name: str, mobile: str) -> Member:
    mobile_ticket = await vault.protect("mobile_no", mobile) if mobile else ""
    member = Member(new_id("mem"), display_name, mobile_ticket, False)
    return await uow(lambda repo: repo.insert_member(member, request_id))


async def get_member(uow: MemberUnitOfWork, member_id: str) -> Member:
    async def work(repo: MemberRepository) -> Member:
        member = await repo.get_member(member_id)
        if member is None:
            raise errors.member_not_found(member_id)
        return member
    return await uow(work)


async def _check_password(tokens: TokenStore, member_id: str, password: str, stored: str) -> tuple[bool, int]:
    """(matches, attempts remaining); refuses while the member is locked out."""
    key = f"pwfail:{member_id}"
    fails = int(await tokens.get(key) or 0)
    if fails >= PASSWORD_FAILS_MAX:
        raise errors.password_locked(member_id)
    if stored and await password_matches(password, stored):
        await tokens.delete(key)
        return True, PASSWORD_FAILS_MAX
    fails = await tokens.incr(key, PASSWORD_LOCK_SECONDS)
    return False, max(PASSWORD_FAILS_MAX - fails, 0)


async def set_payment_password(uow: MemberUnitOfWork, tokens: TokenStore, member_id: str, password: str, current: str) -> Member:
    member = await get_member(uow, member_id)
    if member.has_payment_password:
        stored = await uow(lambda repo: repo.password_hash(member_id))
        ok, _ = await _check_password(tokens, member_id, current, stored)
        if not ok:
            raise errors.password_mismatch()
    new_hash = await hash_password(password)
    await uow(lambda repo: repo.set_password_hash(member_id, new_hash))
    return replace(member, has_payment_password=True)


async def verify_payment_password(uow: MemberUnitOfWork, tokens: TokenStore, member_id: str, password: str) -> tuple[bool, int]:
    await get_member(uow, member_id)
    stored = await uow(lambda repo: repo.password_hash(member_id))
    return await _check_password(tokens, member_id, password, stored)


def check_expiry(month: int, year: int, today: dt.date | None = None) -> None:
    """Both or neither (0 = not given; such a card cannot pay); a card that expired before this month is refused."""
    if not month and not year:
        return
    if not 1 <= month <= 12:
        raise invalid("expiry_month", "must be 1-12 when the expiry is given", "CARD_EXPIRY_INVALID")
    if not 2000 <= year <= 2100:
        raise invalid("expiry_year", "must be a four-digit year when the expiry is given", "CARD_EXPIRY_INVALID")
    today = today or dt.datetime.now(dt.timezone.utc).date()
    if (year, month) < (today.year, today.month):
        raise invalid("expiry_year", "the card has expired", "CARD_EXPIRED")


async def add_card(uow: MemberUnitOfWork, vault: CardVault, member_id: str, request_id: str, card_no: str, holder_name: str,
                   cvv2: str, expiry_month: int = 0, expiry_year: int = 0) -> SavedCard:
    card_no = card_no.replace(" ", "").replace("-", "")
    if not luhn_ok(card_no):
        raise errors.card_no_invalid()
    if cvv2 and not (cvv2.isdigit() and 3 <= len(cvv2) <= 4):
        raise invalid("cvv2", "must be 3 or 4 digits", "CVV_INVALID")
    check_expiry(expiry_month, expiry_year)
    await get_member(uow, member_id)
    protected = await vault.protect_card(card_no, holder_name)
    # Masked number and BIN come from the plaintext trade received, before it is tokenized; only they are kept.
    card = SavedCard(new_id("crd"), member_id, protected.card_no_ticket, protected.holder_ticket, protected.digest,
                     mask_card_no(card_no), card_no[:6], card_org(card_no), expiry_month=expiry_month, expiry_year=expiry_year)
    return await uow(lambda repo: repo.insert_card(card, request_id))


async def list_cards(uow: MemberUnitOfWork, member_id: str, page_size: int, page_token: str) -> tuple[list[SavedCard], str]:
    limit = page_size or PAGE_SIZE_DEFAULT
    if page_token and not page_token.startswith("crd_"):
        raise errors.page_token_invalid()
    cards = await uow(lambda repo: repo.list_cards(member_id, page_token, limit + 1))
    if len(cards) > limit:
        return cards[:limit], cards[limit - 1].card_id
    return cards, ""


async def find_card(uow: MemberUnitOfWork, member_id: str, card_id: str) -> SavedCard:
    card = await uow(lambda repo: repo.get_card(member_id, card_id))
    if card is None:
        raise errors.card_not_found(card_id)
    return card


async def remove_card(uow: MemberUnitOfWork, member_id: str, card_id: str) -> None:
    if not await uow(lambda repo: repo.remove_card(member_id, card_id)):
        raise errors.card_not_found(card_id)
