"""The cashier: a short-lived token bound to an order (Redis, TTL), and what the payer sees.

The token is 192 random bits given to the payer once; Redis holds only its SHA-256, so a
Redis dump cannot be replayed. The binding outlives the token's TTL by a grace period so an
expired token is told apart from one that never existed; a token whose order was paid is "used".
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from dataclasses import dataclass

from servers.trade import errors, handlers, members
from servers.trade.domain import Order, OrderState, SavedCard
from servers.trade.ports import MemberUnitOfWork, RiskPort, TokenStore, UnitOfWork

TOKEN_TTL_DEFAULT = 15 * 60
GRACE_SECONDS = 24 * 3600
PAY_METHODS = {"BALANCE": 1, "CARD_3DS": 2, "CARD_NON_3DS": 3, "BANK_TRANSFER": 4}
DEFAULT_METHOD_TABLE = "DIGITAL_GOODS=BALANCE,CARD_3DS,CARD_NON_3DS;QUICK_PAY=BALANCE,CARD_3DS,BANK_TRANSFER;*=BALANCE"


def parse_method_table(spec: str) -> dict[str, list[int]]:
    """`PRODUCT=M1,M2;*=M1` → {product: [PayMethod numbers]}; `*` is the fallback."""
    table: dict[str, list[int]] = {}
    for entry in filter(None, (e.strip() for e in spec.split(";"))):
        product, _, methods = entry.partition("=")
        table[product.strip()] = [PAY_METHODS[m.strip()] for m in methods.split(",") if m.strip()]
    return table


@dataclass(frozen=True)
class CashierView:
    order: Order
    methods: list[int]
    cards: list[SavedCard]
    required_verification: str
    verifications: list[tuple[int, str, tuple[str, ...]]]


def _key(token: str) -> str:
    return "cashier:" + hashlib.sha256(token.encode()).hexdigest()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


async def create_token(uow: UnitOfWork, tokens: TokenStore, order_id: str, ttl_seconds: int) -> tuple[str, dt.datetime]:
    order = await handlers.get_order(uow, order_id)
    if order.state != OrderState.WAIT_PAY:
        raise errors.order_not_payable(order_id, order.state.name)
    if order.is_expired(_now()):
        raise errors.order_expired(order_id)
    ttl = ttl_seconds or TOKEN_TTL_DEFAULT
    expire = min(_now() + dt.timedelta(seconds=ttl), order.expire_time)
    token = secrets.token_urlsafe(24)
    await tokens.put(_key(token), json.dumps({"order_id": order_id, "exp": expire.timestamp()}), ttl + GRACE_SECONDS)
    return token, expire


async def resolve(uow: UnitOfWork, tokens: TokenStore, token: str) -> Order:
    raw = await tokens.get(_key(token))
    if raw is None:
        raise errors.cashier_token_unknown()
    binding = json.loads(raw)
    order = await handlers.get_order(uow, binding["order_id"])
    if order.state in (OrderState.PAID, OrderState.PARTIALLY_REFUNDED, OrderState.REFUNDED):
        raise errors.cashier_token_used(order.order_id, order.state.name)
    if _now().timestamp() >= binding["exp"]:
        raise errors.cashier_token_expired()
    if order.state == OrderState.CLOSED or order.is_expired(_now()):
        raise errors.order_expired(order.order_id) if _now() >= order.expire_time else errors.order_not_payable(order.order_id, "CLOSED")
    return order


async def get_cashier(uow: UnitOfWork, member_uow: MemberUnitOfWork, tokens: TokenStore, risk: RiskPort,
                      table: dict[str, list[int]], token: str) -> CashierView:
    order = await resolve(uow, tokens, token)
    offered = table.get(order.product_code) or table.get("*") or [PAY_METHODS["BALANCE"]]
    member = await member_uow(lambda repo: repo.get_member(order.payer_member_id))
    cards: list[SavedCard] = []
    if member is not None:
        cards, _ = await members.list_cards(member_uow, member.member_id, 20, "")
    verdicts = await risk.requirements(order, offered, member.create_time if member else None)
    allowed = [v for v in verdicts if v[1] != "DECISION_REJECT"]
    required = allowed[0][2][0] if allowed and allowed[0][2] else ""
    if not any(m in (2, 3) for m, _, _ in allowed):
        cards = []  # no card method to use them with
    return CashierView(order, [m for m, _, _ in allowed], cards, required, allowed)
