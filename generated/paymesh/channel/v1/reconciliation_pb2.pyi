import datetime

from google.api import annotations_pb2 as _annotations_pb2
from google.api import httpbody_pb2 as _httpbody_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from paymesh.common.v1 import money_pb2 as _money_pb2
from paymesh.common.v1 import options_pb2 as _options_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class DifferenceKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DIFFERENCE_KIND_UNSPECIFIED: _ClassVar[DifferenceKind]
    DIFFERENCE_KIND_LOCAL_MISSING: _ClassVar[DifferenceKind]
    DIFFERENCE_KIND_CHANNEL_MISSING: _ClassVar[DifferenceKind]
    DIFFERENCE_KIND_AMOUNT_MISMATCH: _ClassVar[DifferenceKind]
    DIFFERENCE_KIND_STATUS_MISMATCH: _ClassVar[DifferenceKind]
    DIFFERENCE_KIND_FEE_MISMATCH: _ClassVar[DifferenceKind]

class CaseState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CASE_STATE_UNSPECIFIED: _ClassVar[CaseState]
    CASE_STATE_OPEN: _ClassVar[CaseState]
    CASE_STATE_AUTO_RESOLVED: _ClassVar[CaseState]
    CASE_STATE_ADJUSTED: _ClassVar[CaseState]
    CASE_STATE_WRITTEN_OFF: _ClassVar[CaseState]

class RunState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    RUN_STATE_UNSPECIFIED: _ClassVar[RunState]
    RUN_STATE_RUNNING: _ClassVar[RunState]
    RUN_STATE_COMPLETED: _ClassVar[RunState]
    RUN_STATE_FAILED: _ClassVar[RunState]
DIFFERENCE_KIND_UNSPECIFIED: DifferenceKind
DIFFERENCE_KIND_LOCAL_MISSING: DifferenceKind
DIFFERENCE_KIND_CHANNEL_MISSING: DifferenceKind
DIFFERENCE_KIND_AMOUNT_MISMATCH: DifferenceKind
DIFFERENCE_KIND_STATUS_MISMATCH: DifferenceKind
DIFFERENCE_KIND_FEE_MISMATCH: DifferenceKind
CASE_STATE_UNSPECIFIED: CaseState
CASE_STATE_OPEN: CaseState
CASE_STATE_AUTO_RESOLVED: CaseState
CASE_STATE_ADJUSTED: CaseState
CASE_STATE_WRITTEN_OFF: CaseState
RUN_STATE_UNSPECIFIED: RunState
RUN_STATE_RUNNING: RunState
RUN_STATE_COMPLETED: RunState
RUN_STATE_FAILED: RunState

class ClassTotal(_message.Message):
    __slots__ = ("class_name", "count", "amounts")
    CLASS_NAME_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    AMOUNTS_FIELD_NUMBER: _ClassVar[int]
    class_name: str
    count: int
    amounts: _containers.RepeatedCompositeFieldContainer[_money_pb2.Money]
    def __init__(self, class_name: _Optional[str] = ..., count: _Optional[int] = ..., amounts: _Optional[_Iterable[_Union[_money_pb2.Money, _Mapping]]] = ...) -> None: ...

class ReconciliationRun(_message.Message):
    __slots__ = ("run_id", "channel_id", "statement_date", "statement_id", "state", "line_count", "totals", "cases_opened", "cases_settled", "error_message", "create_time", "finish_time")
    RUN_ID_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    STATEMENT_DATE_FIELD_NUMBER: _ClassVar[int]
    STATEMENT_ID_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    LINE_COUNT_FIELD_NUMBER: _ClassVar[int]
    TOTALS_FIELD_NUMBER: _ClassVar[int]
    CASES_OPENED_FIELD_NUMBER: _ClassVar[int]
    CASES_SETTLED_FIELD_NUMBER: _ClassVar[int]
    ERROR_MESSAGE_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    FINISH_TIME_FIELD_NUMBER: _ClassVar[int]
    run_id: str
    channel_id: str
    statement_date: str
    statement_id: str
    state: RunState
    line_count: int
    totals: _containers.RepeatedCompositeFieldContainer[ClassTotal]
    cases_opened: int
    cases_settled: int
    error_message: str
    create_time: _timestamp_pb2.Timestamp
    finish_time: _timestamp_pb2.Timestamp
    def __init__(self, run_id: _Optional[str] = ..., channel_id: _Optional[str] = ..., statement_date: _Optional[str] = ..., statement_id: _Optional[str] = ..., state: _Optional[_Union[RunState, str]] = ..., line_count: _Optional[int] = ..., totals: _Optional[_Iterable[_Union[ClassTotal, _Mapping]]] = ..., cases_opened: _Optional[int] = ..., cases_settled: _Optional[int] = ..., error_message: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., finish_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class Adjustment(_message.Message):
    __slots__ = ("amount_minor", "currency_code", "note", "proposed_by", "approved_by", "ledger_transfer_ids")
    AMOUNT_MINOR_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_CODE_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    PROPOSED_BY_FIELD_NUMBER: _ClassVar[int]
    APPROVED_BY_FIELD_NUMBER: _ClassVar[int]
    LEDGER_TRANSFER_IDS_FIELD_NUMBER: _ClassVar[int]
    amount_minor: int
    currency_code: str
    note: str
    proposed_by: str
    approved_by: str
    ledger_transfer_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, amount_minor: _Optional[int] = ..., currency_code: _Optional[str] = ..., note: _Optional[str] = ..., proposed_by: _Optional[str] = ..., approved_by: _Optional[str] = ..., ledger_transfer_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class ReconciliationCase(_message.Message):
    __slots__ = ("case_id", "kind", "state", "channel_id", "statement_date", "run_id", "inst_order_id", "channel_reference", "line_number", "local_amount", "channel_amount", "local_fee", "channel_fee", "local_state", "channel_state", "resolution", "note", "ledger_transfer_ids", "adjustment", "age_seconds", "sla_seconds", "sla_breached", "context_id", "create_time", "update_time")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    STATEMENT_DATE_FIELD_NUMBER: _ClassVar[int]
    RUN_ID_FIELD_NUMBER: _ClassVar[int]
    INST_ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_REFERENCE_FIELD_NUMBER: _ClassVar[int]
    LINE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    LOCAL_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    LOCAL_FEE_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FEE_FIELD_NUMBER: _ClassVar[int]
    LOCAL_STATE_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_STATE_FIELD_NUMBER: _ClassVar[int]
    RESOLUTION_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    LEDGER_TRANSFER_IDS_FIELD_NUMBER: _ClassVar[int]
    ADJUSTMENT_FIELD_NUMBER: _ClassVar[int]
    AGE_SECONDS_FIELD_NUMBER: _ClassVar[int]
    SLA_SECONDS_FIELD_NUMBER: _ClassVar[int]
    SLA_BREACHED_FIELD_NUMBER: _ClassVar[int]
    CONTEXT_ID_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    kind: DifferenceKind
    state: CaseState
    channel_id: str
    statement_date: str
    run_id: str
    inst_order_id: str
    channel_reference: str
    line_number: int
    local_amount: _money_pb2.Money
    channel_amount: _money_pb2.Money
    local_fee: _money_pb2.Money
    channel_fee: _money_pb2.Money
    local_state: str
    channel_state: str
    resolution: str
    note: str
    ledger_transfer_ids: _containers.RepeatedScalarFieldContainer[str]
    adjustment: Adjustment
    age_seconds: int
    sla_seconds: int
    sla_breached: bool
    context_id: str
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, case_id: _Optional[str] = ..., kind: _Optional[_Union[DifferenceKind, str]] = ..., state: _Optional[_Union[CaseState, str]] = ..., channel_id: _Optional[str] = ..., statement_date: _Optional[str] = ..., run_id: _Optional[str] = ..., inst_order_id: _Optional[str] = ..., channel_reference: _Optional[str] = ..., line_number: _Optional[int] = ..., local_amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., channel_amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., local_fee: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., channel_fee: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., local_state: _Optional[str] = ..., channel_state: _Optional[str] = ..., resolution: _Optional[str] = ..., note: _Optional[str] = ..., ledger_transfer_ids: _Optional[_Iterable[str]] = ..., adjustment: _Optional[_Union[Adjustment, _Mapping]] = ..., age_seconds: _Optional[int] = ..., sla_seconds: _Optional[int] = ..., sla_breached: _Optional[bool] = ..., context_id: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class RunReconciliationRequest(_message.Message):
    __slots__ = ("channel_id", "statement_date", "rerun", "request_id")
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    STATEMENT_DATE_FIELD_NUMBER: _ClassVar[int]
    RERUN_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    channel_id: str
    statement_date: str
    rerun: bool
    request_id: str
    def __init__(self, channel_id: _Optional[str] = ..., statement_date: _Optional[str] = ..., rerun: _Optional[bool] = ..., request_id: _Optional[str] = ...) -> None: ...

class RunReconciliationResponse(_message.Message):
    __slots__ = ("run",)
    RUN_FIELD_NUMBER: _ClassVar[int]
    run: ReconciliationRun
    def __init__(self, run: _Optional[_Union[ReconciliationRun, _Mapping]] = ...) -> None: ...

class GetReconciliationRunRequest(_message.Message):
    __slots__ = ("run_id",)
    RUN_ID_FIELD_NUMBER: _ClassVar[int]
    run_id: str
    def __init__(self, run_id: _Optional[str] = ...) -> None: ...

class GetReconciliationRunResponse(_message.Message):
    __slots__ = ("run",)
    RUN_FIELD_NUMBER: _ClassVar[int]
    run: ReconciliationRun
    def __init__(self, run: _Optional[_Union[ReconciliationRun, _Mapping]] = ...) -> None: ...

class ListReconciliationRunsRequest(_message.Message):
    __slots__ = ("channel_id", "page_size")
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    channel_id: str
    page_size: int
    def __init__(self, channel_id: _Optional[str] = ..., page_size: _Optional[int] = ...) -> None: ...

class ListReconciliationRunsResponse(_message.Message):
    __slots__ = ("runs",)
    RUNS_FIELD_NUMBER: _ClassVar[int]
    runs: _containers.RepeatedCompositeFieldContainer[ReconciliationRun]
    def __init__(self, runs: _Optional[_Iterable[_Union[ReconciliationRun, _Mapping]]] = ...) -> None: ...

class GetReconciliationCaseRequest(_message.Message):
    __slots__ = ("case_id",)
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    def __init__(self, case_id: _Optional[str] = ...) -> None: ...

class GetReconciliationCaseResponse(_message.Message):
    __slots__ = ("case",)
    CASE_FIELD_NUMBER: _ClassVar[int]
    case: ReconciliationCase
    def __init__(self, case: _Optional[_Union[ReconciliationCase, _Mapping]] = ...) -> None: ...

class ListReconciliationCasesRequest(_message.Message):
    __slots__ = ("channel_id", "statement_date", "kind", "state", "run_id", "page_size", "page_token")
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    STATEMENT_DATE_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    RUN_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    channel_id: str
    statement_date: str
    kind: DifferenceKind
    state: CaseState
    run_id: str
    page_size: int
    page_token: str
    def __init__(self, channel_id: _Optional[str] = ..., statement_date: _Optional[str] = ..., kind: _Optional[_Union[DifferenceKind, str]] = ..., state: _Optional[_Union[CaseState, str]] = ..., run_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListReconciliationCasesResponse(_message.Message):
    __slots__ = ("cases", "next_page_token")
    CASES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    cases: _containers.RepeatedCompositeFieldContainer[ReconciliationCase]
    next_page_token: str
    def __init__(self, cases: _Optional[_Iterable[_Union[ReconciliationCase, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ProposeAdjustmentRequest(_message.Message):
    __slots__ = ("case_id", "amount_minor", "note", "operator_id", "request_id")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_MINOR_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    OPERATOR_ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    amount_minor: int
    note: str
    operator_id: str
    request_id: str
    def __init__(self, case_id: _Optional[str] = ..., amount_minor: _Optional[int] = ..., note: _Optional[str] = ..., operator_id: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class ProposeAdjustmentResponse(_message.Message):
    __slots__ = ("case",)
    CASE_FIELD_NUMBER: _ClassVar[int]
    case: ReconciliationCase
    def __init__(self, case: _Optional[_Union[ReconciliationCase, _Mapping]] = ...) -> None: ...

class ApproveAdjustmentRequest(_message.Message):
    __slots__ = ("case_id", "operator_id", "request_id")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    OPERATOR_ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    operator_id: str
    request_id: str
    def __init__(self, case_id: _Optional[str] = ..., operator_id: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class ApproveAdjustmentResponse(_message.Message):
    __slots__ = ("case",)
    CASE_FIELD_NUMBER: _ClassVar[int]
    case: ReconciliationCase
    def __init__(self, case: _Optional[_Union[ReconciliationCase, _Mapping]] = ...) -> None: ...

class WriteOffCaseRequest(_message.Message):
    __slots__ = ("case_id", "note", "operator_id", "request_id")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    OPERATOR_ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    note: str
    operator_id: str
    request_id: str
    def __init__(self, case_id: _Optional[str] = ..., note: _Optional[str] = ..., operator_id: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class WriteOffCaseResponse(_message.Message):
    __slots__ = ("case",)
    CASE_FIELD_NUMBER: _ClassVar[int]
    case: ReconciliationCase
    def __init__(self, case: _Optional[_Union[ReconciliationCase, _Mapping]] = ...) -> None: ...

class SetReconciliationConfigRequest(_message.Message):
    __slots__ = ("channel_id", "amount_tolerance_minor", "fee_tolerance_minor")
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_TOLERANCE_MINOR_FIELD_NUMBER: _ClassVar[int]
    FEE_TOLERANCE_MINOR_FIELD_NUMBER: _ClassVar[int]
    channel_id: str
    amount_tolerance_minor: int
    fee_tolerance_minor: int
    def __init__(self, channel_id: _Optional[str] = ..., amount_tolerance_minor: _Optional[int] = ..., fee_tolerance_minor: _Optional[int] = ...) -> None: ...

class SetReconciliationConfigResponse(_message.Message):
    __slots__ = ("channel_id", "amount_tolerance_minor", "fee_tolerance_minor")
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_TOLERANCE_MINOR_FIELD_NUMBER: _ClassVar[int]
    FEE_TOLERANCE_MINOR_FIELD_NUMBER: _ClassVar[int]
    channel_id: str
    amount_tolerance_minor: int
    fee_tolerance_minor: int
    def __init__(self, channel_id: _Optional[str] = ..., amount_tolerance_minor: _Optional[int] = ..., fee_tolerance_minor: _Optional[int] = ...) -> None: ...

class GetReconciliationSummaryRequest(_message.Message):
    __slots__ = ("channel_id", "statement_date")
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    STATEMENT_DATE_FIELD_NUMBER: _ClassVar[int]
    channel_id: str
    statement_date: str
    def __init__(self, channel_id: _Optional[str] = ..., statement_date: _Optional[str] = ...) -> None: ...

class GetReconciliationReportRequest(_message.Message):
    __slots__ = ("channel_id", "statement_date")
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    STATEMENT_DATE_FIELD_NUMBER: _ClassVar[int]
    channel_id: str
    statement_date: str
    def __init__(self, channel_id: _Optional[str] = ..., statement_date: _Optional[str] = ...) -> None: ...

class GetReconciliationSummaryResponse(_message.Message):
    __slots__ = ("run", "open_cases", "closed_cases")
    RUN_FIELD_NUMBER: _ClassVar[int]
    OPEN_CASES_FIELD_NUMBER: _ClassVar[int]
    CLOSED_CASES_FIELD_NUMBER: _ClassVar[int]
    run: ReconciliationRun
    open_cases: int
    closed_cases: int
    def __init__(self, run: _Optional[_Union[ReconciliationRun, _Mapping]] = ..., open_cases: _Optional[int] = ..., closed_cases: _Optional[int] = ...) -> None: ...
