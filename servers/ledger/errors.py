"""Ledger errors: stable UPPER_SNAKE reasons on the kernel's error tree."""
from servers.kernel.errors import FailedPrecondition, InvalidArgument, NotFound, FieldViolation


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
