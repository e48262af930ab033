"""Trade errors: stable UPPER_SNAKE reasons on the kernel's error tree."""
from servers.kernel.errors import (AlreadyExists, Conflict, Expired, FailedPrecondition, InvalidArgument, NotFound, PermissionDenied,
                                   ResourceExhausted, Unauthenticated, invalid)


def order_not_found(order_id: str) -> NotFound:
    return NotFound("ORDER_NOT_FOUND", f"order {order_id} does not exist", {"order_id": order_id})


def out_trade_no_reused(merchant_id: str, out_trade_no: str, order_id: str) -> AlreadyExists:
    return AlreadyExists("OUT_TRADE_NO_REUSED",
                         f"out_trade_no {out_trade_no!r} of merchant {merchant_id} already names order {order_id} with different terms",
                         {"merchant_id": merchant_id, "out_trade_no": out_trade_no, "order_id": order_id})


def illegal_transition(order_id: str, current: str, target: str) -> FailedPrecondition:
    return FailedPrecondition("ILLEGAL_ORDER_TRANSITION", f"order {order_id} cannot go from {current} to {target}",
                              {"order_id": order_id, "from": current, "to": target})


def order_not_payable(order_id: str, state: str) -> FailedPrecondition:
    return FailedPrecondition("ORDER_NOT_PAYABLE", f"order {order_id} is {state}", {"order_id": order_id, "state": state})


def order_expired(order_id: str) -> Expired:
    return Expired("ORDER_EXPIRED", f"order {order_id} expired unpaid", {"order_id": order_id})


def page_token_invalid() -> InvalidArgument:
    return invalid("page_token", "not a token of this query", "PAGE_TOKEN_INVALID")


def cashier_token_unknown() -> NotFound:
    return NotFound("CASHIER_TOKEN_UNKNOWN", "no such cashier token")


def cashier_token_expired() -> Expired:
    return Expired("CASHIER_TOKEN_EXPIRED", "the cashier token expired; ask the merchant for a new one")


def cashier_token_used(order_id: str, state: str) -> FailedPrecondition:
    return FailedPrecondition("CASHIER_TOKEN_USED", f"the cashier token was used: order {order_id} is {state}",
                              {"order_id": order_id, "state": state})


def member_not_found(member_id: str) -> NotFound:
    return NotFound("MEMBER_NOT_FOUND", f"member {member_id} does not exist", {"member_id": member_id})


def card_not_found(card_id: str) -> NotFound:
    return NotFound("CARD_NOT_FOUND", f"card {card_id} does not exist", {"card_id": card_id})


def card_already_saved(card_id: str) -> AlreadyExists:
    return AlreadyExists("CARD_ALREADY_SAVED", f"this card is already saved as {card_id}", {"card_id": card_id})


def card_no_invalid() -> InvalidArgument:
    return invalid("card_no", "not a valid card number", "CARD_NO_INVALID")


def password_mismatch() -> Unauthenticated:
    return Unauthenticated("PAYMENT_PASSWORD_MISMATCH", "the current payment password is wrong")


def password_locked(member_id: str) -> ResourceExhausted:
    return ResourceExhausted("PASSWORD_LOCKED", f"too many wrong payment passwords for member {member_id}; try later",
                             {"member_id": member_id})


def risk_challenge_required(decision_id: str, challenge_id: str, types: str) -> FailedPrecondition:
    return FailedPrecondition("RISK_CHALLENGE_REQUIRED", f"risk requires verification ({types}); pass challenge {challenge_id}",
                              {"decision_id": decision_id, "challenge_id": challenge_id, "challenge_types": types})


def risk_rejected(decision_id: str) -> PermissionDenied:
    return PermissionDenied("RISK_REJECTED", "risk control refused this payment", {"decision_id": decision_id})


def risk_review(decision_id: str) -> FailedPrecondition:
    return FailedPrecondition("RISK_REVIEW_PENDING", "the payment is held for risk review", {"decision_id": decision_id})


def order_not_refundable(order_id: str, state: str) -> FailedPrecondition:
    return FailedPrecondition("ORDER_NOT_REFUNDABLE", f"order {order_id} is {state}", {"order_id": order_id, "state": state})


def order_changed(order_id: str) -> Conflict:
    return Conflict("ORDER_CHANGED", f"order {order_id} changed concurrently; retry", {"order_id": order_id})
