import datetime

from google.api import annotations_pb2 as _annotations_pb2
from google.api import httpbody_pb2 as _httpbody_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from paymesh.common.v1 import options_pb2 as _options_pb2
from paymesh.ufs.v1 import ufs_pb2 as _ufs_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class UploadFileRequest(_message.Message):
    __slots__ = ("oss_path", "body", "request_id")
    OSS_PATH_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    oss_path: str
    body: _httpbody_pb2.HttpBody
    request_id: str
    def __init__(self, oss_path: _Optional[str] = ..., body: _Optional[_Union[_httpbody_pb2.HttpBody, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class UploadFileResponse(_message.Message):
    __slots__ = ("file",)
    FILE_FIELD_NUMBER: _ClassVar[int]
    file: _ufs_pb2.FileObject
    def __init__(self, file: _Optional[_Union[_ufs_pb2.FileObject, _Mapping]] = ...) -> None: ...

class DownloadFileRequest(_message.Message):
    __slots__ = ("oss_path",)
    OSS_PATH_FIELD_NUMBER: _ClassVar[int]
    oss_path: str
    def __init__(self, oss_path: _Optional[str] = ...) -> None: ...

class GetFileUrlRequest(_message.Message):
    __slots__ = ("oss_path",)
    OSS_PATH_FIELD_NUMBER: _ClassVar[int]
    oss_path: str
    def __init__(self, oss_path: _Optional[str] = ...) -> None: ...

class GetFileUrlResponse(_message.Message):
    __slots__ = ("url", "sts_token")
    URL_FIELD_NUMBER: _ClassVar[int]
    STS_TOKEN_FIELD_NUMBER: _ClassVar[int]
    url: str
    sts_token: str
    def __init__(self, url: _Optional[str] = ..., sts_token: _Optional[str] = ...) -> None: ...

class CopyFileRequest(_message.Message):
    __slots__ = ("request_id",)
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    def __init__(self, request_id: _Optional[str] = ...) -> None: ...

class CopyFileResponse(_message.Message):
    __slots__ = ("oss_path", "bucket_alias")
    OSS_PATH_FIELD_NUMBER: _ClassVar[int]
    BUCKET_ALIAS_FIELD_NUMBER: _ClassVar[int]
    oss_path: str
    bucket_alias: str
    def __init__(self, oss_path: _Optional[str] = ..., bucket_alias: _Optional[str] = ...) -> None: ...

class CopyShareFileRequest(_message.Message):
    __slots__ = ("request_id",)
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    def __init__(self, request_id: _Optional[str] = ...) -> None: ...

class CopyShareFileResponse(_message.Message):
    __slots__ = ("oss_path",)
    OSS_PATH_FIELD_NUMBER: _ClassVar[int]
    oss_path: str
    def __init__(self, oss_path: _Optional[str] = ...) -> None: ...

class ListFilesRequest(_message.Message):
    __slots__ = ("prefix", "page_size", "page_token")
    PREFIX_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    prefix: str
    page_size: int
    page_token: str
    def __init__(self, prefix: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListFilesResponse(_message.Message):
    __slots__ = ("files", "next_page_token")
    FILES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    files: _containers.RepeatedCompositeFieldContainer[_ufs_pb2.FileObject]
    next_page_token: str
    def __init__(self, files: _Optional[_Iterable[_Union[_ufs_pb2.FileObject, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class DeleteFileRequest(_message.Message):
    __slots__ = ("oss_path", "request_id")
    OSS_PATH_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    oss_path: str
    request_id: str
    def __init__(self, oss_path: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class DeleteFileResponse(_message.Message):
    __slots__ = ("deleted",)
    DELETED_FIELD_NUMBER: _ClassVar[int]
    deleted: bool
    def __init__(self, deleted: _Optional[bool] = ...) -> None: ...

class UploadShareFileRequest(_message.Message):
    __slots__ = ("body", "request_id")
    BODY_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    body: _httpbody_pb2.HttpBody
    request_id: str
    def __init__(self, body: _Optional[_Union[_httpbody_pb2.HttpBody, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class UploadShareFileResponse(_message.Message):
    __slots__ = ("file_tag",)
    FILE_TAG_FIELD_NUMBER: _ClassVar[int]
    file_tag: str
    def __init__(self, file_tag: _Optional[str] = ...) -> None: ...

class DownloadShareFileRequest(_message.Message):
    __slots__ = ("file_tag",)
    FILE_TAG_FIELD_NUMBER: _ClassVar[int]
    file_tag: str
    def __init__(self, file_tag: _Optional[str] = ...) -> None: ...

class GetShareFileMetaRequest(_message.Message):
    __slots__ = ("file_tag",)
    FILE_TAG_FIELD_NUMBER: _ClassVar[int]
    file_tag: str
    def __init__(self, file_tag: _Optional[str] = ...) -> None: ...

class GetShareFileMetaResponse(_message.Message):
    __slots__ = ("file",)
    FILE_FIELD_NUMBER: _ClassVar[int]
    file: _ufs_pb2.SharedFile
    def __init__(self, file: _Optional[_Union[_ufs_pb2.SharedFile, _Mapping]] = ...) -> None: ...

class AdoptShareFileRequest(_message.Message):
    __slots__ = ("file_tag", "request_id")
    FILE_TAG_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    file_tag: str
    request_id: str
    def __init__(self, file_tag: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class AdoptShareFileResponse(_message.Message):
    __slots__ = ("file",)
    FILE_FIELD_NUMBER: _ClassVar[int]
    file: _ufs_pb2.SharedFile
    def __init__(self, file: _Optional[_Union[_ufs_pb2.SharedFile, _Mapping]] = ...) -> None: ...

class GetShareFileUrlRequest(_message.Message):
    __slots__ = ("file_tag",)
    FILE_TAG_FIELD_NUMBER: _ClassVar[int]
    file_tag: str
    def __init__(self, file_tag: _Optional[str] = ...) -> None: ...

class GetShareFileUrlResponse(_message.Message):
    __slots__ = ("url", "sts_token")
    URL_FIELD_NUMBER: _ClassVar[int]
    STS_TOKEN_FIELD_NUMBER: _ClassVar[int]
    url: str
    sts_token: str
    def __init__(self, url: _Optional[str] = ..., sts_token: _Optional[str] = ...) -> None: ...

class DownloadStsFileRequest(_message.Message):
    __slots__ = ("sts_token",)
    STS_TOKEN_FIELD_NUMBER: _ClassVar[int]
    sts_token: str
    def __init__(self, sts_token: _Optional[str] = ...) -> None: ...

class CreateClientRequest(_message.Message):
    __slots__ = ("client_id", "display_name", "password", "request_id", "auth_user")
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    PASSWORD_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    AUTH_USER_FIELD_NUMBER: _ClassVar[int]
    client_id: str
    display_name: str
    password: str
    request_id: str
    auth_user: str
    def __init__(self, client_id: _Optional[str] = ..., display_name: _Optional[str] = ..., password: _Optional[str] = ..., request_id: _Optional[str] = ..., auth_user: _Optional[str] = ...) -> None: ...

class CreateClientResponse(_message.Message):
    __slots__ = ("client", "generated_password")
    CLIENT_FIELD_NUMBER: _ClassVar[int]
    GENERATED_PASSWORD_FIELD_NUMBER: _ClassVar[int]
    client: _ufs_pb2.UfsClient
    generated_password: str
    def __init__(self, client: _Optional[_Union[_ufs_pb2.UfsClient, _Mapping]] = ..., generated_password: _Optional[str] = ...) -> None: ...

class GetClientRequest(_message.Message):
    __slots__ = ("client_id",)
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    client_id: str
    def __init__(self, client_id: _Optional[str] = ...) -> None: ...

class GetClientResponse(_message.Message):
    __slots__ = ("client",)
    CLIENT_FIELD_NUMBER: _ClassVar[int]
    client: _ufs_pb2.UfsClient
    def __init__(self, client: _Optional[_Union[_ufs_pb2.UfsClient, _Mapping]] = ...) -> None: ...

class ListClientsRequest(_message.Message):
    __slots__ = ("state", "page_size", "page_token")
    STATE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    state: _ufs_pb2.ClientState
    page_size: int
    page_token: str
    def __init__(self, state: _Optional[_Union[_ufs_pb2.ClientState, str]] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListClientsResponse(_message.Message):
    __slots__ = ("clients", "next_page_token")
    CLIENTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    clients: _containers.RepeatedCompositeFieldContainer[_ufs_pb2.UfsClient]
    next_page_token: str
    def __init__(self, clients: _Optional[_Iterable[_Union[_ufs_pb2.UfsClient, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class SetClientPasswordRequest(_message.Message):
    __slots__ = ("client_id", "password", "request_id")
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    PASSWORD_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    client_id: str
    password: str
    request_id: str
    def __init__(self, client_id: _Optional[str] = ..., password: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class SetClientPasswordResponse(_message.Message):
    __slots__ = ("client",)
    CLIENT_FIELD_NUMBER: _ClassVar[int]
    client: _ufs_pb2.UfsClient
    def __init__(self, client: _Optional[_Union[_ufs_pb2.UfsClient, _Mapping]] = ...) -> None: ...

class RotateClientPasswordRequest(_message.Message):
    __slots__ = ("client_id", "request_id")
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    client_id: str
    request_id: str
    def __init__(self, client_id: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class RotateClientPasswordResponse(_message.Message):
    __slots__ = ("client", "new_password")
    CLIENT_FIELD_NUMBER: _ClassVar[int]
    NEW_PASSWORD_FIELD_NUMBER: _ClassVar[int]
    client: _ufs_pb2.UfsClient
    new_password: str
    def __init__(self, client: _Optional[_Union[_ufs_pb2.UfsClient, _Mapping]] = ..., new_password: _Optional[str] = ...) -> None: ...

class BindBucketAliasRequest(_message.Message):
    __slots__ = ("client_id", "bucket_alias", "bucket_name", "request_id")
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    BUCKET_ALIAS_FIELD_NUMBER: _ClassVar[int]
    BUCKET_NAME_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    client_id: str
    bucket_alias: str
    bucket_name: str
    request_id: str
    def __init__(self, client_id: _Optional[str] = ..., bucket_alias: _Optional[str] = ..., bucket_name: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class BindBucketAliasResponse(_message.Message):
    __slots__ = ("client",)
    CLIENT_FIELD_NUMBER: _ClassVar[int]
    client: _ufs_pb2.UfsClient
    def __init__(self, client: _Optional[_Union[_ufs_pb2.UfsClient, _Mapping]] = ...) -> None: ...

class UnbindBucketAliasRequest(_message.Message):
    __slots__ = ("client_id", "bucket_alias", "request_id")
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    BUCKET_ALIAS_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    client_id: str
    bucket_alias: str
    request_id: str
    def __init__(self, client_id: _Optional[str] = ..., bucket_alias: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class UnbindBucketAliasResponse(_message.Message):
    __slots__ = ("client",)
    CLIENT_FIELD_NUMBER: _ClassVar[int]
    client: _ufs_pb2.UfsClient
    def __init__(self, client: _Optional[_Union[_ufs_pb2.UfsClient, _Mapping]] = ...) -> None: ...

class SetDefaultBucketRequest(_message.Message):
    __slots__ = ("client_id", "bucket_alias", "request_id")
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    BUCKET_ALIAS_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    client_id: str
    bucket_alias: str
    request_id: str
    def __init__(self, client_id: _Optional[str] = ..., bucket_alias: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class SetDefaultBucketResponse(_message.Message):
    __slots__ = ("client",)
    CLIENT_FIELD_NUMBER: _ClassVar[int]
    client: _ufs_pb2.UfsClient
    def __init__(self, client: _Optional[_Union[_ufs_pb2.UfsClient, _Mapping]] = ...) -> None: ...

class DisableClientRequest(_message.Message):
    __slots__ = ("client_id", "reason", "request_id")
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    client_id: str
    reason: str
    request_id: str
    def __init__(self, client_id: _Optional[str] = ..., reason: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class DisableClientResponse(_message.Message):
    __slots__ = ("client",)
    CLIENT_FIELD_NUMBER: _ClassVar[int]
    client: _ufs_pb2.UfsClient
    def __init__(self, client: _Optional[_Union[_ufs_pb2.UfsClient, _Mapping]] = ...) -> None: ...

class EnableClientRequest(_message.Message):
    __slots__ = ("client_id", "request_id")
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    client_id: str
    request_id: str
    def __init__(self, client_id: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class EnableClientResponse(_message.Message):
    __slots__ = ("client",)
    CLIENT_FIELD_NUMBER: _ClassVar[int]
    client: _ufs_pb2.UfsClient
    def __init__(self, client: _Optional[_Union[_ufs_pb2.UfsClient, _Mapping]] = ...) -> None: ...

class RevokeStsTokenRequest(_message.Message):
    __slots__ = ("sts_token", "request_id")
    STS_TOKEN_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    sts_token: str
    request_id: str
    def __init__(self, sts_token: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class RevokeStsTokenResponse(_message.Message):
    __slots__ = ("sts_token",)
    STS_TOKEN_FIELD_NUMBER: _ClassVar[int]
    sts_token: _ufs_pb2.StsToken
    def __init__(self, sts_token: _Optional[_Union[_ufs_pb2.StsToken, _Mapping]] = ...) -> None: ...

class ReapExpiredFilesRequest(_message.Message):
    __slots__ = ("max_files", "dry_run", "expired_before_time", "request_id")
    MAX_FILES_FIELD_NUMBER: _ClassVar[int]
    DRY_RUN_FIELD_NUMBER: _ClassVar[int]
    EXPIRED_BEFORE_TIME_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    max_files: int
    dry_run: bool
    expired_before_time: _timestamp_pb2.Timestamp
    request_id: str
    def __init__(self, max_files: _Optional[int] = ..., dry_run: _Optional[bool] = ..., expired_before_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class ReapExpiredFilesResponse(_message.Message):
    __slots__ = ("reaped_count", "failed_count", "more_remaining")
    REAPED_COUNT_FIELD_NUMBER: _ClassVar[int]
    FAILED_COUNT_FIELD_NUMBER: _ClassVar[int]
    MORE_REMAINING_FIELD_NUMBER: _ClassVar[int]
    reaped_count: int
    failed_count: int
    more_remaining: bool
    def __init__(self, reaped_count: _Optional[int] = ..., failed_count: _Optional[int] = ..., more_remaining: _Optional[bool] = ...) -> None: ...
