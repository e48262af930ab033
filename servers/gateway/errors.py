"""Gateway errors of the admin RPCs (ext_authz answers are domain.Decision, not errors)."""
from servers.kernel.errors import FieldViolation, InvalidArgument, NotFound


def key_not_found(key_id: str) -> NotFound:
    return NotFound("API_KEY_NOT_FOUND", f"API key {key_id} does not exist", {"key_id": key_id})


def bad_scope(scope: str) -> InvalidArgument:
    return InvalidArgument([FieldViolation("scopes", f"unknown scope {scope!r}")], reason="UNKNOWN_SCOPE")


def bad_limit(description: str) -> InvalidArgument:
    return InvalidArgument([FieldViolation("limit", description)], reason="INVALID_LIMIT")
