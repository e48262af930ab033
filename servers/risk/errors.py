"""Risk errors: stable UPPER_SNAKE reasons on the kernel's error tree."""
from servers.kernel.errors import (AlreadyExists, Conflict, Expired, FailedPrecondition, FieldViolation, InvalidArgument, NotFound,
                                   ResourceExhausted, Unauthenticated, Unavailable, invalid)


def not_found(kind: str, ident: str) -> NotFound:
    return NotFound(f"{kind.upper()}_NOT_FOUND", f"{kind} {ident} does not exist", {"id": ident})


def name_taken(kind: str, name: str) -> AlreadyExists:
    return AlreadyExists(f"{kind.upper()}_NAME_TAKEN", f"a {kind} named {name!r} exists", {"name": name})


def version_moved(rule_id: str, current: int) -> Conflict:
    return Conflict("RULE_VERSION_MOVED", f"rule {rule_id} is at version {current}", {"rule_id": rule_id, "version": str(current)})


def bad_spec(problems: list[tuple[str, str]]) -> InvalidArgument:
    return InvalidArgument([FieldViolation(f, d) for f, d in problems], reason="RULE_SPEC_INVALID")


def ticket_invalid() -> InvalidArgument:
    return invalid("ticket", "not a valid risk ticket", "RISK_TICKET_INVALID")


def ticket_expired() -> Expired:
    return Expired("RISK_TICKET_EXPIRED", "the risk ticket expired")


def ticket_redeemed() -> FailedPrecondition:
    return FailedPrecondition("RISK_TICKET_REDEEMED", "the risk ticket was already used")


def ticket_mismatch(what: str) -> FailedPrecondition:
    return FailedPrecondition("RISK_TICKET_MISMATCH", f"the risk ticket is bound to another {what}", {"field": what})


def challenge_closed(state: str) -> FailedPrecondition:
    return FailedPrecondition("CHALLENGE_CLOSED", f"the challenge is {state}", {"state": state})


def challenge_expired() -> Expired:
    return Expired("CHALLENGE_EXPIRED", "the challenge expired")


def credential_type_not_allowed() -> InvalidArgument:
    return invalid("credential", "this challenge does not accept that credential", "CREDENTIAL_TYPE_NOT_ALLOWED")


def wrong_credential(remaining: int) -> Unauthenticated:
    return Unauthenticated("WRONG_CREDENTIAL", f"wrong credential; {remaining} attempts left", {"attempts_remaining": str(remaining)})


def member_locked(member_id: str) -> ResourceExhausted:
    return ResourceExhausted("MEMBER_LOCKED", "too many failed verifications; try later", {"member_id": member_id})


def otp_unavailable() -> FailedPrecondition:
    return FailedPrecondition("OTP_UNAVAILABLE", "OTP delivery is not configured; use another verification")


def otp_not_sent() -> FailedPrecondition:
    return FailedPrecondition("OTP_NOT_SENT", "no one-time code was sent for this challenge (or it expired); call SendOtp")


def otp_send_limit(sends_max: int) -> ResourceExhausted:
    return ResourceExhausted("OTP_SEND_LIMIT", f"at most {sends_max} codes per challenge", {"sends_max": str(sends_max)})


def otp_resend_too_soon(seconds: int) -> ResourceExhausted:
    return ResourceExhausted("OTP_RESEND_TOO_SOON", f"wait {seconds} s before another code", {"retry_after_seconds": str(seconds)})


def otp_send_failed() -> Unavailable:
    return Unavailable("OTP_SEND_FAILED", "the code could not be delivered; retry later")


def not_pending_review(decision_id: str) -> FailedPrecondition:
    return FailedPrecondition("NOT_PENDING_REVIEW", f"decision {decision_id} is not a pending review", {"decision_id": decision_id})


def page_token_invalid() -> InvalidArgument:
    return invalid("page_token", "not a token of this query", "PAGE_TOKEN_INVALID")


def list_value_invalid(index: int, why: str) -> InvalidArgument:
    return InvalidArgument([FieldViolation(f"entries[{index}].value", why)], reason="LIST_VALUE_INVALID")
