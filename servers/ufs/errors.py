"""UFS errors: the reference's return codes (§3.8) as reasons on the kernel's error tree.

    INVALID_PARAMETER 400 · UNAUTHORIZED 401 · NOT_EXIST 404 · CONFLICT 409 · EXPIRED 410 ·
    SYSTEM_ERROR anything else (500)
The kernel's own reasons (request validation, unexpected errors) are renamed to these by the
reason aliases UFS registers (bootstrap.REASON_ALIASES)."""
from __future__ import annotations

from servers.kernel.errors import AlreadyExists, Expired, FieldViolation, InvalidArgument, NotFound, PaymeshError, Unauthenticated

INVALID_PARAMETER, UNAUTHORIZED, NOT_EXIST, CONFLICT, EXPIRED, SYSTEM_ERROR = (
    "INVALID_PARAMETER", "UNAUTHORIZED", "NOT_EXIST", "CONFLICT", "EXPIRED", "SYSTEM_ERROR")


def invalid(field: str, description: str) -> InvalidArgument:
    return InvalidArgument([FieldViolation(field, description)], reason=INVALID_PARAMETER)


def unauthorized(message: str = "unauthorized") -> Unauthenticated:
    return Unauthenticated(UNAUTHORIZED, message)


def not_exist(what: str) -> NotFound:
    return NotFound(NOT_EXIST, f"{what} does not exist")


def conflict(message: str) -> AlreadyExists:
    return AlreadyExists(CONFLICT, message)


def expired(what: str) -> Expired:
    return Expired(EXPIRED, f"{what} has expired")


def system_error(message: str) -> PaymeshError:
    return PaymeshError(SYSTEM_ERROR, message)  # INTERNAL → 500
