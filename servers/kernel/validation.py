"""Request validation from the contracts: reads `(paymesh.common.v1.rules)` field options and
checks a message, returning one FieldViolation per broken rule. Rules are compiled once per
message type; the interceptor runs this before any handler."""
from __future__ import annotations

import functools
import re
from typing import Callable

from google.protobuf.descriptor import Descriptor, FieldDescriptor
from google.protobuf.message import Message

from paymesh.common.v1 import options_pb2
from servers.kernel.errors import FieldViolation

Check = Callable[[Message, str, list[FieldViolation]], None]
_MONEY = "paymesh.common.v1.Money"
_MAX_DEPTH = 8


def validate(message: Message) -> list[FieldViolation]:
    violations: list[FieldViolation] = []
    _checks(message.DESCRIPTOR)(message, "", violations)
    return violations


@functools.cache
def _checks(descriptor: Descriptor, depth: int = 0) -> Check:
    checks: list[Check] = []
    for fd in descriptor.fields:
        opts = fd.GetOptions()
        rules = opts.Extensions[options_pb2.rules] if opts.HasExtension(options_pb2.rules) else None
        if rules is not None:
            checks.append(_field_check(fd, rules))
        if fd.type == FieldDescriptor.TYPE_MESSAGE and depth < _MAX_DEPTH and not fd.message_type.GetOptions().map_entry:
            checks.append(_nested_check(fd, depth))

    def run(msg: Message, prefix: str, out: list[FieldViolation]) -> None:
        for check in checks:
            check(msg, prefix, out)

    return run


def _nested_check(fd: FieldDescriptor, depth: int) -> Check:
    def run(msg: Message, prefix: str, out: list[FieldViolation]) -> None:
        inner = _checks(fd.message_type, depth + 1)
        if _is_repeated(fd):
            for i, item in enumerate(getattr(msg, fd.name)):
                inner(item, f"{prefix}{fd.name}[{i}].", out)
        elif msg.HasField(fd.name):
            inner(getattr(msg, fd.name), f"{prefix}{fd.name}.", out)

    return run


def _is_repeated(fd: FieldDescriptor) -> bool:
    return fd.is_repeated


def _field_check(fd: FieldDescriptor, rules: options_pb2.FieldRules) -> Check:
    name = fd.name
    pattern = re.compile(rules.pattern) if rules.pattern else None
    min_int = rules.min_int if rules.HasField("min_int") else None
    max_int = rules.max_int if rules.HasField("max_int") else None
    defined = {v.number for v in fd.enum_type.values} if fd.type == FieldDescriptor.TYPE_ENUM else set()

    def run(msg: Message, prefix: str, out: list[FieldViolation]) -> None:
        path = prefix + name
        value = getattr(msg, name)
        if _is_repeated(fd):
            if rules.required and len(value) == 0:
                out.append(FieldViolation(path, "is required"))
            if rules.max_items and len(value) > rules.max_items:
                out.append(FieldViolation(path, f"must have at most {rules.max_items} items"))
            return
        if fd.type == FieldDescriptor.TYPE_MESSAGE:
            present = msg.HasField(name)
            if rules.required and not present:
                out.append(FieldViolation(path, "is required"))
            if present and rules.gt_zero and fd.message_type.full_name == _MONEY and value.amount_minor <= 0:
                out.append(FieldViolation(path + ".amount_minor", "must be greater than 0"))
            return
        if fd.type == FieldDescriptor.TYPE_STRING:
            if rules.required and not value:
                out.append(FieldViolation(path, "is required"))
                return
            if value and rules.min_len and len(value) < rules.min_len:
                out.append(FieldViolation(path, f"must be at least {rules.min_len} characters"))
            if rules.max_len and len(value) > rules.max_len:
                out.append(FieldViolation(path, f"must be at most {rules.max_len} characters"))
            elif value and pattern is not None and not pattern.fullmatch(value):
                out.append(FieldViolation(path, f"must match {rules.pattern}"))
            return
        if fd.type == FieldDescriptor.TYPE_ENUM:
            if rules.defined_only and value not in defined:
                out.append(FieldViolation(path, "is not a defined value"))
            elif rules.required and value == 0:
                out.append(FieldViolation(path, "is required"))
            return
        if fd.type == FieldDescriptor.TYPE_BOOL:
            return
        if rules.required and not value:
            out.append(FieldViolation(path, "is required"))
        if rules.gt_zero and value <= 0:
            out.append(FieldViolation(path, "must be greater than 0"))
        if min_int is not None and value < min_int:
            out.append(FieldViolation(path, f"must be at least {min_int}"))
        if max_int is not None and value > max_int:
            out.append(FieldViolation(path, f"must be at most {max_int}"))

    return run
