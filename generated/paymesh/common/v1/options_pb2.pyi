from google.protobuf import descriptor_pb2 as _descriptor_pb2
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Optional as _Optional

DESCRIPTOR: _descriptor.FileDescriptor
RULES_FIELD_NUMBER: _ClassVar[int]
rules: _descriptor.FieldDescriptor
SENSITIVE_FIELD_NUMBER: _ClassVar[int]
sensitive: _descriptor.FieldDescriptor
EXPOSURE_FIELD_NUMBER: _ClassVar[int]
exposure: _descriptor.FieldDescriptor

class FieldRules(_message.Message):
    __slots__ = ("required", "min_len", "max_len", "pattern", "min_int", "max_int", "gt_zero", "defined_only", "max_items")
    REQUIRED_FIELD_NUMBER: _ClassVar[int]
    MIN_LEN_FIELD_NUMBER: _ClassVar[int]
    MAX_LEN_FIELD_NUMBER: _ClassVar[int]
    PATTERN_FIELD_NUMBER: _ClassVar[int]
    MIN_INT_FIELD_NUMBER: _ClassVar[int]
    MAX_INT_FIELD_NUMBER: _ClassVar[int]
    GT_ZERO_FIELD_NUMBER: _ClassVar[int]
    DEFINED_ONLY_FIELD_NUMBER: _ClassVar[int]
    MAX_ITEMS_FIELD_NUMBER: _ClassVar[int]
    required: bool
    min_len: int
    max_len: int
    pattern: str
    min_int: int
    max_int: int
    gt_zero: bool
    defined_only: bool
    max_items: int
    def __init__(self, required: _Optional[bool] = ..., min_len: _Optional[int] = ..., max_len: _Optional[int] = ..., pattern: _Optional[str] = ..., min_int: _Optional[int] = ..., max_int: _Optional[int] = ..., gt_zero: _Optional[bool] = ..., defined_only: _Optional[bool] = ..., max_items: _Optional[int] = ...) -> None: ...

class Sensitive(_message.Message):
    __slots__ = ("data_type", "temporary")
    DATA_TYPE_FIELD_NUMBER: _ClassVar[int]
    TEMPORARY_FIELD_NUMBER: _ClassVar[int]
    data_type: str
    temporary: bool
    def __init__(self, data_type: _Optional[str] = ..., temporary: _Optional[bool] = ...) -> None: ...

class Exposure(_message.Message):
    __slots__ = ("public", "scope")
    PUBLIC_FIELD_NUMBER: _ClassVar[int]
    SCOPE_FIELD_NUMBER: _ClassVar[int]
    public: bool
    scope: str
    def __init__(self, public: _Optional[bool] = ..., scope: _Optional[str] = ...) -> None: ...
