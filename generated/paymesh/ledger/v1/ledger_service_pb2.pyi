import datetime

from google.api import annotations_pb2 as _annotations_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from paymesh.common.v1 import money_pb2 as _money_pb2
from paymesh.common.v1 import options_pb2 as _options_pb2
from paymesh.ledger.v1 import ledger_pb2 as _ledger_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class OpenAccountRequest(_message.Message):
    __slots__ = ("request_id", "owner_type", "owner_id", "account_type", "currency_code", "hot")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    OWNER_TYPE_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_TYPE_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_CODE_FIELD_NUMBER: _ClassVar[int]
    HOT_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    owner_type: _ledger_pb2.OwnerType
    owner_id: str
    account_type: _ledger_pb2.AccountType
    currency_code: str
    hot: bool
    def __init__(self, request_id: _Optional[str] = ..., owner_type: _Optional[_Union[_ledger_pb2.OwnerType, str]] = ..., owner_id: _Optional[str] = ..., account_type: _Optional[_Union[_ledger_pb2.AccountType, str]] = ..., currency_code: _Optional[str] = ..., hot: _Optional[bool] = ...) -> None: ...

class OpenAccountResponse(_message.Message):
    __slots__ = ("account",)
    ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    account: _ledger_pb2.Account
    def __init__(self, account: _Optional[_Union[_ledger_pb2.Account, _Mapping]] = ...) -> None: ...

class GetAccountRequest(_message.Message):
    __slots__ = ("account_id",)
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    account_id: str
    def __init__(self, account_id: _Optional[str] = ...) -> None: ...

class GetAccountResponse(_message.Message):
    __slots__ = ("account",)
    ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    account: _ledger_pb2.Account
    def __init__(self, account: _Optional[_Union[_ledger_pb2.Account, _Mapping]] = ...) -> None: ...

class ListAccountsRequest(_message.Message):
    __slots__ = ("owner_type", "owner_id", "page_size", "page_token")
    OWNER_TYPE_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    owner_type: _ledger_pb2.OwnerType
    owner_id: str
    page_size: int
    page_token: str
    def __init__(self, owner_type: _Optional[_Union[_ledger_pb2.OwnerType, str]] = ..., owner_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListAccountsResponse(_message.Message):
    __slots__ = ("accounts", "next_page_token")
    ACCOUNTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    accounts: _containers.RepeatedCompositeFieldContainer[_ledger_pb2.Account]
    next_page_token: str
    def __init__(self, accounts: _Optional[_Iterable[_Union[_ledger_pb2.Account, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class FreezeAccountRequest(_message.Message):
    __slots__ = ("account_id", "reason")
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    account_id: str
    reason: str
    def __init__(self, account_id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class FreezeAccountResponse(_message.Message):
    __slots__ = ("account",)
    ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    account: _ledger_pb2.Account
    def __init__(self, account: _Optional[_Union[_ledger_pb2.Account, _Mapping]] = ...) -> None: ...

class UnfreezeAccountRequest(_message.Message):
    __slots__ = ("account_id",)
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    account_id: str
    def __init__(self, account_id: _Optional[str] = ...) -> None: ...

class UnfreezeAccountResponse(_message.Message):
    __slots__ = ("account",)
    ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    account: _ledger_pb2.Account
    def __init__(self, account: _Optional[_Union[_ledger_pb2.Account, _Mapping]] = ...) -> None: ...

class CloseAccountRequest(_message.Message):
    __slots__ = ("account_id",)
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    account_id: str
    def __init__(self, account_id: _Optional[str] = ...) -> None: ...

class CloseAccountResponse(_message.Message):
    __slots__ = ("account",)
    ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    account: _ledger_pb2.Account
    def __init__(self, account: _Optional[_Union[_ledger_pb2.Account, _Mapping]] = ...) -> None: ...

class TransferLeg(_message.Message):
    __slots__ = ("debit_account_id", "credit_account_id", "amount", "pending", "timeout_seconds", "business_code", "ref")
    DEBIT_ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    CREDIT_ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    PENDING_FIELD_NUMBER: _ClassVar[int]
    TIMEOUT_SECONDS_FIELD_NUMBER: _ClassVar[int]
    BUSINESS_CODE_FIELD_NUMBER: _ClassVar[int]
    REF_FIELD_NUMBER: _ClassVar[int]
    debit_account_id: str
    credit_account_id: str
    amount: _money_pb2.Money
    pending: bool
    timeout_seconds: int
    business_code: str
    ref: _money_pb2.BusinessRef
    def __init__(self, debit_account_id: _Optional[str] = ..., credit_account_id: _Optional[str] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., pending: _Optional[bool] = ..., timeout_seconds: _Optional[int] = ..., business_code: _Optional[str] = ..., ref: _Optional[_Union[_money_pb2.BusinessRef, _Mapping]] = ...) -> None: ...

class CreateTransfersRequest(_message.Message):
    __slots__ = ("request_id", "legs")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    LEGS_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    legs: _containers.RepeatedCompositeFieldContainer[TransferLeg]
    def __init__(self, request_id: _Optional[str] = ..., legs: _Optional[_Iterable[_Union[TransferLeg, _Mapping]]] = ...) -> None: ...

class CreateTransfersResponse(_message.Message):
    __slots__ = ("transfers",)
    TRANSFERS_FIELD_NUMBER: _ClassVar[int]
    transfers: _containers.RepeatedCompositeFieldContainer[_ledger_pb2.Transfer]
    def __init__(self, transfers: _Optional[_Iterable[_Union[_ledger_pb2.Transfer, _Mapping]]] = ...) -> None: ...

class GetTransferRequest(_message.Message):
    __slots__ = ("transfer_id",)
    TRANSFER_ID_FIELD_NUMBER: _ClassVar[int]
    transfer_id: str
    def __init__(self, transfer_id: _Optional[str] = ...) -> None: ...

class GetTransferResponse(_message.Message):
    __slots__ = ("transfer",)
    TRANSFER_FIELD_NUMBER: _ClassVar[int]
    transfer: _ledger_pb2.Transfer
    def __init__(self, transfer: _Optional[_Union[_ledger_pb2.Transfer, _Mapping]] = ...) -> None: ...

class ListTransfersRequest(_message.Message):
    __slots__ = ("context_id", "order_id", "payment_id", "account_id", "page_size", "page_token", "refund_id", "settlement_batch_id")
    CONTEXT_ID_FIELD_NUMBER: _ClassVar[int]
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    PAYMENT_ID_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    REFUND_ID_FIELD_NUMBER: _ClassVar[int]
    SETTLEMENT_BATCH_ID_FIELD_NUMBER: _ClassVar[int]
    context_id: str
    order_id: str
    payment_id: str
    account_id: str
    page_size: int
    page_token: str
    refund_id: str
    settlement_batch_id: str
    def __init__(self, context_id: _Optional[str] = ..., order_id: _Optional[str] = ..., payment_id: _Optional[str] = ..., account_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., refund_id: _Optional[str] = ..., settlement_batch_id: _Optional[str] = ...) -> None: ...

class ListTransfersResponse(_message.Message):
    __slots__ = ("transfers", "next_page_token")
    TRANSFERS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    transfers: _containers.RepeatedCompositeFieldContainer[_ledger_pb2.Transfer]
    next_page_token: str
    def __init__(self, transfers: _Optional[_Iterable[_Union[_ledger_pb2.Transfer, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class PostPendingTransferRequest(_message.Message):
    __slots__ = ("transfer_id", "request_id", "amount")
    TRANSFER_ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    transfer_id: str
    request_id: str
    amount: _money_pb2.Money
    def __init__(self, transfer_id: _Optional[str] = ..., request_id: _Optional[str] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ...) -> None: ...

class PostPendingTransferResponse(_message.Message):
    __slots__ = ("transfer",)
    TRANSFER_FIELD_NUMBER: _ClassVar[int]
    transfer: _ledger_pb2.Transfer
    def __init__(self, transfer: _Optional[_Union[_ledger_pb2.Transfer, _Mapping]] = ...) -> None: ...

class VoidPendingTransferRequest(_message.Message):
    __slots__ = ("transfer_id", "request_id")
    TRANSFER_ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    transfer_id: str
    request_id: str
    def __init__(self, transfer_id: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class VoidPendingTransferResponse(_message.Message):
    __slots__ = ("transfer",)
    TRANSFER_FIELD_NUMBER: _ClassVar[int]
    transfer: _ledger_pb2.Transfer
    def __init__(self, transfer: _Optional[_Union[_ledger_pb2.Transfer, _Mapping]] = ...) -> None: ...

class ReverseTransferRequest(_message.Message):
    __slots__ = ("transfer_id", "request_id", "amount")
    TRANSFER_ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    transfer_id: str
    request_id: str
    amount: _money_pb2.Money
    def __init__(self, transfer_id: _Optional[str] = ..., request_id: _Optional[str] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ...) -> None: ...

class ReverseTransferResponse(_message.Message):
    __slots__ = ("transfer",)
    TRANSFER_FIELD_NUMBER: _ClassVar[int]
    transfer: _ledger_pb2.Transfer
    def __init__(self, transfer: _Optional[_Union[_ledger_pb2.Transfer, _Mapping]] = ...) -> None: ...

class GetBalanceRequest(_message.Message):
    __slots__ = ("account_id", "at_time")
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    AT_TIME_FIELD_NUMBER: _ClassVar[int]
    account_id: str
    at_time: _timestamp_pb2.Timestamp
    def __init__(self, account_id: _Optional[str] = ..., at_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class GetBalanceResponse(_message.Message):
    __slots__ = ("balance",)
    BALANCE_FIELD_NUMBER: _ClassVar[int]
    balance: _ledger_pb2.Balance
    def __init__(self, balance: _Optional[_Union[_ledger_pb2.Balance, _Mapping]] = ...) -> None: ...

class ListEntriesRequest(_message.Message):
    __slots__ = ("account_id", "page_size", "page_token")
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    account_id: str
    page_size: int
    page_token: str
    def __init__(self, account_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListEntriesResponse(_message.Message):
    __slots__ = ("entries", "next_page_token")
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    entries: _containers.RepeatedCompositeFieldContainer[_ledger_pb2.Entry]
    next_page_token: str
    def __init__(self, entries: _Optional[_Iterable[_Union[_ledger_pb2.Entry, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class VerifyLedgerRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class VerifyLedgerResponse(_message.Message):
    __slots__ = ("ok", "report_lines")
    OK_FIELD_NUMBER: _ClassVar[int]
    REPORT_LINES_FIELD_NUMBER: _ClassVar[int]
    ok: bool
    report_lines: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, ok: _Optional[bool] = ..., report_lines: _Optional[_Iterable[str]] = ...) -> None: ...

class TopUpWalletRequest(_message.Message):
    __slots__ = ("request_id", "member_id", "amount")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    MEMBER_ID_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    member_id: str
    amount: _money_pb2.Money
    def __init__(self, request_id: _Optional[str] = ..., member_id: _Optional[str] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ...) -> None: ...

class TopUpWalletResponse(_message.Message):
    __slots__ = ("transfer", "wallet")
    TRANSFER_FIELD_NUMBER: _ClassVar[int]
    WALLET_FIELD_NUMBER: _ClassVar[int]
    transfer: _ledger_pb2.Transfer
    wallet: _ledger_pb2.Account
    def __init__(self, transfer: _Optional[_Union[_ledger_pb2.Transfer, _Mapping]] = ..., wallet: _Optional[_Union[_ledger_pb2.Account, _Mapping]] = ...) -> None: ...
