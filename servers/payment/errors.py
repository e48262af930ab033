"""Payment errors: stable UPPER_SNAKE reasons on the kernel's error tree."""
from servers.kernel.errors import AlreadyExists, FailedPrecondition, FieldViolation, InvalidArgument, NotFound, Unavailable


def payment_not_found(payment_id: str) -> NotFound:
    return NotFound("PAYMENT_NOT_FOUND", f"payment {payment_id} does not exist", {"payment_id": payment_id})


def request_id_reused(request_id: str) -> AlreadyExists:
    return AlreadyExists("REQUEST_ID_REUSED", f"request_id {request_id!r} was already used for a different payment",
                         {"request_id": request_id})


def method_not_supported(method: str) -> FailedPrecondition:
    return FailedPrecondition("METHOD_NOT_SUPPORTED", f"payment method {method} is not available yet", {"method": method})


def ledger_unavailable() -> Unavailable:
    return Unavailable("LEDGER_UNAVAILABLE", "the ledger did not answer; retry with the same request_id")


def parts_do_not_add_up() -> InvalidArgument:
    return InvalidArgument([FieldViolation("parts", "amounts must add up to amount, in its currency")], reason="PARTS_DO_NOT_ADD_UP")


def not_refundable(payment_id: str, state: str) -> FailedPrecondition:
    return FailedPrecondition("PAYMENT_NOT_REFUNDABLE", f"payment {payment_id} is {state}", {"payment_id": payment_id, "state": state})


def refund_exceeds_paid(payment_id: str, refundable_minor: int) -> FailedPrecondition:
    return FailedPrecondition("REFUND_EXCEEDS_PAID", f"payment {payment_id} has only {refundable_minor} minor units left to refund",
                              {"payment_id": payment_id, "refundable_minor": str(refundable_minor)})


def fee_plan_not_found(merchant_id: str) -> NotFound:
    return NotFound("FEE_PLAN_NOT_FOUND", f"merchant {merchant_id} has no such fee plan", {"merchant_id": merchant_id})


def filter_required() -> InvalidArgument:
    return InvalidArgument([FieldViolation("order_id", "one of order_id, merchant_id, context_id is required")], reason="FILTER_REQUIRED")


class Declined(Exception):
    """A payment tool refused an instruction for a business reason (e.g. INSUFFICIENT_FUNDS)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason



class Pending(Exception):
    """An asynchronous tool accepted an instruction; its verdict arrives later as an event."""

    def __init__(self, inst_order_id: str, channel_id: str = "", redirect_url: str = "", hold_ids: tuple[str, ...] = ()):
        super().__init__(inst_order_id)
        self.inst_order_id, self.channel_id, self.redirect_url = inst_order_id, channel_id, redirect_url
        self.hold_ids = hold_ids  # ledger holds taken for the instruction: posted on SUCCESS, voided on FAIL


def card_required() -> InvalidArgument:
    return InvalidArgument([FieldViolation("card", "is required for card payments")], reason="CARD_REQUIRED")


def channel_unavailable() -> Unavailable:
    return Unavailable("CHANNEL_UNAVAILABLE", "the channel service did not answer; retry with the same request_id")


def topup_not_refundable(payment_id: str) -> FailedPrecondition:
    return FailedPrecondition("TOPUP_NOT_REFUNDABLE", f"top-up {payment_id} cannot be refunded to the card; the member withdraws the balance"
                              " instead (CreateWithdrawal)", {"payment_id": payment_id})
