"""Ledger errors: stable UPPER_SNAKE reasons on the kernel's error tree."""
from servers.kernel.errors import Expired, FailedPrecondition, FieldViolation, InvalidArgument, NotFound


def account_not_found(account_id: str) -> NotFound:
    return NotFound("ACCOUNT_NOT_FOUND", f"account {account_id} does not exist", {"account_id": account_id})


def transfer_not_found(transfer_id: str) -> NotFound:
    return NotFound("TRANSFER_NOT_FOUND", f"transfer {transfer_id} does not exist", {"transfer_id": transfer_id})


def insufficient_funds(account_id: str) -> FailedPrecondition:
    return FailedPrecondition("INSUFFICIENT_FUNDS", f"account {account_id} has insufficient available balance",
                              {"account_id": account_id})


def credit_limit(account_id: str) -> FailedPrecondition:
    return FailedPrecondition("CREDITS_EXCEED_DEBITS", f"account {account_id} may not have credits above debits",
                              {"account_id": account_id})


def account_not_active(account_id: str, state: str) -> FailedPrecondition:
    return FailedPrecondition("ACCOUNT_NOT_ACTIVE", f"account {account_id} is {state}", {"account_id": account_id})


def currency_mismatch(field: str, expected: str) -> InvalidArgument:
    return InvalidArgument([FieldViolation(field, f"must be {expected}, the accounts' currency")], reason="CURRENCY_MISMATCH")


def same_account(field: str) -> InvalidArgument:
    return InvalidArgument([FieldViolation(field, "must differ from debit_account_id")], reason="SAME_ACCOUNT")


def filter_required() -> InvalidArgument:
    return InvalidArgument([FieldViolation("context_id", "one of context_id, order_id, payment_id, account_id is required")],
                           reason="FILTER_REQUIRED")


def transfer_not_pending(transfer_id: str, state: str) -> FailedPrecondition:
    return FailedPrecondition("TRANSFER_NOT_PENDING", f"transfer {transfer_id} is {state}: a hold resolves at most once",
                              {"transfer_id": transfer_id, "state": state})


def hold_expired(transfer_id: str) -> Expired:
    return Expired("HOLD_EXPIRED", f"hold {transfer_id} passed its timeout", {"transfer_id": transfer_id})


def hold_not_expired(transfer_id: str) -> FailedPrecondition:
    return FailedPrecondition("HOLD_NOT_EXPIRED", f"hold {transfer_id} has not reached its timeout", {"transfer_id": transfer_id})


def amount_exceeds(field: str, limit: int) -> InvalidArgument:
    return InvalidArgument([FieldViolation(field, f"must be between 1 and {limit}")], reason="AMOUNT_EXCEEDS_LIMIT")


def transfer_not_posted(transfer_id: str, state: str) -> FailedPrecondition:
    return FailedPrecondition("TRANSFER_NOT_POSTED", f"transfer {transfer_id} is {state}; only posted transfers are reversed",
                              {"transfer_id": transfer_id, "state": state})


def reversal_of_reversal(transfer_id: str) -> FailedPrecondition:
    return FailedPrecondition("REVERSAL_NOT_REVERSIBLE", f"transfer {transfer_id} is a reversal; book a new transfer instead",
                              {"transfer_id": transfer_id})


def account_not_empty(account_id: str) -> FailedPrecondition:
    return FailedPrecondition("ACCOUNT_NOT_EMPTY", f"account {account_id} has a balance or pending holds",
                              {"account_id": account_id})


def bad_page_token() -> InvalidArgument:
    return InvalidArgument([FieldViolation("page_token", "is not a token of this listing")], reason="INVALID_PAGE_TOKEN")
