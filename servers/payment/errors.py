"""Payment errors: stable UPPER_SNAKE reasons on the kernel's error tree."""
from servers.kernel.errors import AlreadyExists, FailedPrecondition, NotFound, Unavailable


def payment_not_found(payment_id: str) -> NotFound:
    return NotFound("PAYMENT_NOT_FOUND", f"payment {payment_id} does not exist", {"payment_id": payment_id})


def request_id_reused(request_id: str) -> AlreadyExists:
    return AlreadyExists("REQUEST_ID_REUSED", f"request_id {request_id!r} was already used for a different payment",
                         {"request_id": request_id})


def method_not_supported(method: str) -> FailedPrecondition:
    return FailedPrecondition("METHOD_NOT_SUPPORTED", f"payment method {method} is not available yet", {"method": method})


def ledger_unavailable() -> Unavailable:
    return Unavailable("LEDGER_UNAVAILABLE", "the ledger did not answer; retry with the same request_id")


class LedgerDeclined(Exception):
    """The ledger refused the booking for a business reason (e.g. INSUFFICIENT_FUNDS)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason
