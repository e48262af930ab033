import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from paymesh.common.v1 import money_pb2 as _money_pb2
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class OwnerType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    OWNER_TYPE_UNSPECIFIED: _ClassVar[OwnerType]
    OWNER_TYPE_MEMBER: _ClassVar[OwnerType]
    OWNER_TYPE_MERCHANT: _ClassVar[OwnerType]
    OWNER_TYPE_CHANNEL: _ClassVar[OwnerType]
    OWNER_TYPE_PLATFORM: _ClassVar[OwnerType]

class AccountType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ACCOUNT_TYPE_UNSPECIFIED: _ClassVar[AccountType]
    ACCOUNT_TYPE_MEMBER_WALLET: _ClassVar[AccountType]
    ACCOUNT_TYPE_MERCHANT_PENDING_SETTLEMENT: _ClassVar[AccountType]
    ACCOUNT_TYPE_MERCHANT_SETTLED: _ClassVar[AccountType]
    ACCOUNT_TYPE_CHANNEL_CLEARING: _ClassVar[AccountType]
    ACCOUNT_TYPE_FEE_INCOME: _ClassVar[AccountType]
    ACCOUNT_TYPE_SUSPENSE: _ClassVar[AccountType]
    ACCOUNT_TYPE_FUNDING: _ClassVar[AccountType]

class AccountState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ACCOUNT_STATE_UNSPECIFIED: _ClassVar[AccountState]
    ACCOUNT_STATE_ACTIVE: _ClassVar[AccountState]
    ACCOUNT_STATE_FROZEN: _ClassVar[AccountState]
    ACCOUNT_STATE_CLOSED: _ClassVar[AccountState]

class TransferState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TRANSFER_STATE_UNSPECIFIED: _ClassVar[TransferState]
    TRANSFER_STATE_PENDING: _ClassVar[TransferState]
    TRANSFER_STATE_POSTED: _ClassVar[TransferState]
    TRANSFER_STATE_VOIDED: _ClassVar[TransferState]
    TRANSFER_STATE_EXPIRED: _ClassVar[TransferState]
OWNER_TYPE_UNSPECIFIED: OwnerType
OWNER_TYPE_MEMBER: OwnerType
OWNER_TYPE_MERCHANT: OwnerType
OWNER_TYPE_CHANNEL: OwnerType
OWNER_TYPE_PLATFORM: OwnerType
ACCOUNT_TYPE_UNSPECIFIED: AccountType
ACCOUNT_TYPE_MEMBER_WALLET: AccountType
ACCOUNT_TYPE_MERCHANT_PENDING_SETTLEMENT: AccountType
ACCOUNT_TYPE_MERCHANT_SETTLED: AccountType
ACCOUNT_TYPE_CHANNEL_CLEARING: AccountType
ACCOUNT_TYPE_FEE_INCOME: AccountType
ACCOUNT_TYPE_SUSPENSE: AccountType
ACCOUNT_TYPE_FUNDING: AccountType
ACCOUNT_STATE_UNSPECIFIED: AccountState
ACCOUNT_STATE_ACTIVE: AccountState
ACCOUNT_STATE_FROZEN: AccountState
ACCOUNT_STATE_CLOSED: AccountState
TRANSFER_STATE_UNSPECIFIED: TransferState
TRANSFER_STATE_PENDING: TransferState
TRANSFER_STATE_POSTED: TransferState
TRANSFER_STATE_VOIDED: TransferState
TRANSFER_STATE_EXPIRED: TransferState

class Account(_message.Message):
    __slots__ = ("account_id", "owner_type", "owner_id", "account_type", "currency_code", "debits_must_not_exceed_credits", "credits_must_not_exceed_debits", "state", "balance", "context_id", "create_time", "hot")
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    OWNER_TYPE_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_TYPE_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_CODE_FIELD_NUMBER: _ClassVar[int]
    DEBITS_MUST_NOT_EXCEED_CREDITS_FIELD_NUMBER: _ClassVar[int]
    CREDITS_MUST_NOT_EXCEED_DEBITS_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    BALANCE_FIELD_NUMBER: _ClassVar[int]
    CONTEXT_ID_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    HOT_FIELD_NUMBER: _ClassVar[int]
    account_id: str
    owner_type: OwnerType
    owner_id: str
    account_type: AccountType
    currency_code: str
    debits_must_not_exceed_credits: bool
    credits_must_not_exceed_debits: bool
    state: AccountState
    balance: Balance
    context_id: str
    create_time: _timestamp_pb2.Timestamp
    hot: bool
    def __init__(self, account_id: _Optional[str] = ..., owner_type: _Optional[_Union[OwnerType, str]] = ..., owner_id: _Optional[str] = ..., account_type: _Optional[_Union[AccountType, str]] = ..., currency_code: _Optional[str] = ..., debits_must_not_exceed_credits: _Optional[bool] = ..., credits_must_not_exceed_debits: _Optional[bool] = ..., state: _Optional[_Union[AccountState, str]] = ..., balance: _Optional[_Union[Balance, _Mapping]] = ..., context_id: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., hot: _Optional[bool] = ...) -> None: ...

class Balance(_message.Message):
    __slots__ = ("debits_posted_minor", "credits_posted_minor", "debits_pending_minor", "credits_pending_minor", "available")
    DEBITS_POSTED_MINOR_FIELD_NUMBER: _ClassVar[int]
    CREDITS_POSTED_MINOR_FIELD_NUMBER: _ClassVar[int]
    DEBITS_PENDING_MINOR_FIELD_NUMBER: _ClassVar[int]
    CREDITS_PENDING_MINOR_FIELD_NUMBER: _ClassVar[int]
    AVAILABLE_FIELD_NUMBER: _ClassVar[int]
    debits_posted_minor: int
    credits_posted_minor: int
    debits_pending_minor: int
    credits_pending_minor: int
    available: _money_pb2.Money
    def __init__(self, debits_posted_minor: _Optional[int] = ..., credits_posted_minor: _Optional[int] = ..., debits_pending_minor: _Optional[int] = ..., credits_pending_minor: _Optional[int] = ..., available: _Optional[_Union[_money_pb2.Money, _Mapping]] = ...) -> None: ...

class Transfer(_message.Message):
    __slots__ = ("transfer_id", "request_id", "debit_account_id", "credit_account_id", "amount", "state", "business_code", "ref", "context_id", "create_time", "reverses_transfer_id", "pending", "posted_amount", "timeout_time", "resolve_time")
    TRANSFER_ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    DEBIT_ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    CREDIT_ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    BUSINESS_CODE_FIELD_NUMBER: _ClassVar[int]
    REF_FIELD_NUMBER: _ClassVar[int]
    CONTEXT_ID_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    REVERSES_TRANSFER_ID_FIELD_NUMBER: _ClassVar[int]
    PENDING_FIELD_NUMBER: _ClassVar[int]
    POSTED_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    TIMEOUT_TIME_FIELD_NUMBER: _ClassVar[int]
    RESOLVE_TIME_FIELD_NUMBER: _ClassVar[int]
    transfer_id: str
    request_id: str
    debit_account_id: str
    credit_account_id: str
    amount: _money_pb2.Money
    state: TransferState
    business_code: str
    ref: _money_pb2.BusinessRef
    context_id: str
    create_time: _timestamp_pb2.Timestamp
    reverses_transfer_id: str
    pending: bool
    posted_amount: _money_pb2.Money
    timeout_time: _timestamp_pb2.Timestamp
    resolve_time: _timestamp_pb2.Timestamp
    def __init__(self, transfer_id: _Optional[str] = ..., request_id: _Optional[str] = ..., debit_account_id: _Optional[str] = ..., credit_account_id: _Optional[str] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., state: _Optional[_Union[TransferState, str]] = ..., business_code: _Optional[str] = ..., ref: _Optional[_Union[_money_pb2.BusinessRef, _Mapping]] = ..., context_id: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., reverses_transfer_id: _Optional[str] = ..., pending: _Optional[bool] = ..., posted_amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., timeout_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., resolve_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class Entry(_message.Message):
    __slots__ = ("entry_id", "account_id", "transfer_id", "debit_minor", "credit_minor", "create_time", "context_id")
    ENTRY_ID_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    TRANSFER_ID_FIELD_NUMBER: _ClassVar[int]
    DEBIT_MINOR_FIELD_NUMBER: _ClassVar[int]
    CREDIT_MINOR_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    CONTEXT_ID_FIELD_NUMBER: _ClassVar[int]
    entry_id: str
    account_id: str
    transfer_id: str
    debit_minor: int
    credit_minor: int
    create_time: _timestamp_pb2.Timestamp
    context_id: str
    def __init__(self, entry_id: _Optional[str] = ..., account_id: _Optional[str] = ..., transfer_id: _Optional[str] = ..., debit_minor: _Optional[int] = ..., credit_minor: _Optional[int] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., context_id: _Optional[str] = ...) -> None: ...
