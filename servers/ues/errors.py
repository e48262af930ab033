"""UES errors: stable UPPER_SNAKE reasons on the kernel's error tree. Messages never carry a
plaintext; the reference's messages are kept where the reference has one."""
from servers.kernel.errors import FailedPrecondition, FieldViolation, InvalidArgument, NotFound, PermissionDenied

TICKET_NOT_FOUND_MESSAGE = "ticket not exist in database."
INVALID_CERT_MESSAGE = "Invalid certification certSerialNo"


def ticket_not_found() -> NotFound:
    return NotFound("TICKET_NOT_FOUND", TICKET_NOT_FOUND_MESSAGE)


def invalid_cert(key_id: str, retired: bool) -> FailedPrecondition:
    return FailedPrecondition("KEY_RETIRED" if retired else "KEY_UNKNOWN", INVALID_CERT_MESSAGE, {"key_id": key_id})


def unknown_data_type(field: str, name: str) -> InvalidArgument:
    return InvalidArgument([FieldViolation(field, f"dataType {name} is not registered")], reason="UNKNOWN_DATA_TYPE")


def value_mismatch(field: str, name: str) -> InvalidArgument:
    return InvalidArgument([FieldViolation(field, f"plainData does not match dataType {name}")], reason="VALUE_MISMATCH")


def temporary_only(field: str, name: str) -> InvalidArgument:
    return InvalidArgument([FieldViolation(field, f"dataType {name} may only be stored as a temporary ticket")],
                           reason="TEMPORARY_ONLY")


def digest_not_allowed(name: str) -> FailedPrecondition:
    return FailedPrecondition("DIGEST_NOT_ALLOWED", f"dataType {name} allows no digest", {"data_type": name})


def not_allowed_here(field: str, description: str) -> InvalidArgument:
    return InvalidArgument([FieldViolation(field, description)], reason="TICKET_TYPE_NOT_ALLOWED")


def permission_denied(client_id: str, permission: str, data_type: str) -> PermissionDenied:
    return PermissionDenied("PERMISSION_DENIED", f"client {client_id} may not {permission} dataType {data_type}",
                            {"client_id": client_id, "data_type": data_type})


def tampered() -> FailedPrecondition:
    return FailedPrecondition("DATA_CORRUPTED", "stored value failed authentication")


def too_large() -> FailedPrecondition:
    return FailedPrecondition("VALUE_TOO_LARGE", "stored value inflates beyond its cap")


def not_temporary() -> InvalidArgument:
    return InvalidArgument([FieldViolation("ticket", "must be a temporary (C) ticket")], reason="NOT_TEMPORARY")


def key_not_found(key_id: str) -> NotFound:
    return NotFound("KEY_NOT_FOUND", f"key {key_id} is not provisioned in the key source", {"key_id": key_id})


def key_exists(key_id: str) -> FailedPrecondition:
    return FailedPrecondition("KEY_ALREADY_USED", f"key {key_id} is already registered", {"key_id": key_id})


def key_active(key_id: str) -> FailedPrecondition:
    return FailedPrecondition("KEY_ACTIVE", f"key {key_id} is the active version and cannot be retired", {"key_id": key_id})


def job_not_found(job_id: str) -> NotFound:
    return NotFound("REWRAP_JOB_NOT_FOUND", f"rewrap job {job_id} does not exist", {"job_id": job_id})


def job_running(purpose: str) -> FailedPrecondition:
    return FailedPrecondition("REWRAP_JOB_RUNNING", f"a rewrap job for {purpose} is unfinished", {"purpose": purpose})


def job_not_paused(job_id: str) -> FailedPrecondition:
    return FailedPrecondition("REWRAP_JOB_NOT_PAUSED", f"rewrap job {job_id} is not paused", {"job_id": job_id})


def data_type_not_found(name: str) -> NotFound:
    return NotFound("DATA_TYPE_NOT_FOUND", f"dataType {name} is not registered", {"data_type": name})
