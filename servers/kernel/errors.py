"""The one error tree. Domain code raises these; the kernel's error interceptor maps each to a
gRPC status with google.rpc.ErrorInfo (reason, domain = service, metadata) and, for bad input,
google.rpc.BadRequest field violations. REST callers get the mapped HTTP status and JSON.

    PaymeshError(reason, message, metadata)      category → gRPC code → HTTP
    ├── InvalidArgument  (+ violations)           INVALID_ARGUMENT     400
    ├── NotFound                                  NOT_FOUND            404
    ├── AlreadyExists                             ALREADY_EXISTS       409
    ├── Conflict                                  ABORTED              409
    ├── FailedPrecondition                        FAILED_PRECONDITION  400
    ├── Expired                                   FAILED_PRECONDITION  410 (x-http-status)
    ├── Unauthenticated                           UNAUTHENTICATED      401
    ├── PermissionDenied                          PERMISSION_DENIED    403
    ├── ResourceExhausted                         RESOURCE_EXHAUSTED   429
    └── Unavailable                               UNAVAILABLE          503
NotImplementedError (generated base servicers) is UNIMPLEMENTED → 501.
Anything else is INTERNAL with reason INTERNAL and the context id, never a stack trace.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldViolation:
    field: str
    description: str


class PaymeshError(Exception):
    code_name = "INTERNAL"
    http_status: int | None = None  # set only when no gRPC code maps to the right HTTP status

    def __init__(self, reason: str, message: str, metadata: dict[str, str] | None = None):
        super().__init__(message)
        if not reason.replace("_", "").isalnum() or reason.upper() != reason:
            raise ValueError(f"reason must be UPPER_SNAKE: {reason!r}")
        self.reason = reason
        self.message = message
        self.metadata = dict(metadata or {})


class InvalidArgument(PaymeshError):
    code_name = "INVALID_ARGUMENT"

    def __init__(self, violations: list[FieldViolation], reason: str = "INVALID_ARGUMENT", message: str = ""):
        text = message or "; ".join(f"{v.field}: {v.description}" for v in violations)
        super().__init__(reason, text)
        self.violations = list(violations)


class NotFound(PaymeshError):
    code_name = "NOT_FOUND"


class AlreadyExists(PaymeshError):
    code_name = "ALREADY_EXISTS"


class Conflict(PaymeshError):
    code_name = "ABORTED"


class FailedPrecondition(PaymeshError):
    code_name = "FAILED_PRECONDITION"


class Expired(PaymeshError):
    code_name = "FAILED_PRECONDITION"
    http_status = 410


class Unauthenticated(PaymeshError):
    code_name = "UNAUTHENTICATED"


class PermissionDenied(PaymeshError):
    code_name = "PERMISSION_DENIED"


class ResourceExhausted(PaymeshError):
    code_name = "RESOURCE_EXHAUSTED"


class Unavailable(PaymeshError):
    code_name = "UNAVAILABLE"


def invalid(field: str, description: str, reason: str = "INVALID_ARGUMENT") -> InvalidArgument:
    return InvalidArgument([FieldViolation(field, description)], reason=reason)
