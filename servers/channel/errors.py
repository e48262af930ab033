"""Channel errors: stable UPPER_SNAKE reasons on the kernel's error tree."""
from servers.kernel.errors import AlreadyExists, Conflict, FailedPrecondition, NotFound, Unauthenticated, Unavailable, invalid


def no_route(detail: str = "") -> FailedPrecondition:
    return FailedPrecondition("NO_ROUTE", "no eligible channel for the request" + (f": {detail}" if detail else ""))


def channel_not_found(channel_id: str) -> NotFound:
    return NotFound("CHANNEL_NOT_FOUND", f"channel {channel_id} does not exist", {"channel_id": channel_id})


def channel_exists(channel_id: str) -> AlreadyExists:
    return AlreadyExists("CHANNEL_EXISTS", f"channel {channel_id} already exists", {"channel_id": channel_id})


def rule_not_found(rule_id: str) -> NotFound:
    return NotFound("ROUTING_RULE_NOT_FOUND", f"routing rule {rule_id} does not exist", {"rule_id": rule_id})


def rule_name_taken(name: str) -> AlreadyExists:
    return AlreadyExists("ROUTING_RULE_NAME_TAKEN", f"a routing rule named {name!r} exists", {"name": name})


def unknown_channel_in_rule(channel_id: str):
    return invalid("spec.channel_ids", f"unknown channel {channel_id}", reason="UNKNOWN_CHANNEL")


def version_moved(kind: str, ident: str, expected: int, current: int) -> Conflict:
    return Conflict("VERSION_MISMATCH", f"{kind} {ident} is at version {current}, not {expected}",
                    {"expected_version": str(expected), "current_version": str(current)})


def order_not_found(inst_order_id: str) -> NotFound:
    return NotFound("INST_ORDER_NOT_FOUND", f"institution order {inst_order_id} does not exist", {"inst_order_id": inst_order_id})


def instruction_reused(instruction_id: str) -> AlreadyExists:
    return AlreadyExists("INSTRUCTION_REUSED", f"instruction {instruction_id} was already submitted with a different request",
                         {"instruction_id": instruction_id})


def refund_not_allowed(message: str, inst_order_id: str) -> FailedPrecondition:
    return FailedPrecondition("REFUND_NOT_ALLOWED", message, {"original_inst_order_id": inst_order_id})


def bad_signature(channel_id: str) -> Unauthenticated:
    return Unauthenticated("BAD_NOTIFICATION_SIGNATURE", f"notification for channel {channel_id} has a bad, missing or stale signature",
                           {"channel_id": channel_id})


def bad_notification(description: str):
    return invalid("body", description, reason="BAD_NOTIFICATION")


def channel_unreachable(channel_id: str) -> Unavailable:
    return Unavailable("CHANNEL_UNREACHABLE", f"channel {channel_id} did not answer; the order is queried again later",
                       {"channel_id": channel_id})
