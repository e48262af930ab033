"""Trade errors: stable UPPER_SNAKE reasons on the kernel's error tree."""
from servers.kernel.errors import AlreadyExists, Expired, FailedPrecondition, NotFound


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
