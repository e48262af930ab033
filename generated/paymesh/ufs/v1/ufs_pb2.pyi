import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ClientState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CLIENT_STATE_UNSPECIFIED: _ClassVar[ClientState]
    CLIENT_STATE_ACTIVE: _ClassVar[ClientState]
    CLIENT_STATE_DISABLED: _ClassVar[ClientState]

class StsTargetKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    STS_TARGET_KIND_UNSPECIFIED: _ClassVar[StsTargetKind]
    STS_TARGET_KIND_STANDALONE_FILE: _ClassVar[StsTargetKind]
    STS_TARGET_KIND_SHARE_FILE: _ClassVar[StsTargetKind]
CLIENT_STATE_UNSPECIFIED: ClientState
CLIENT_STATE_ACTIVE: ClientState
CLIENT_STATE_DISABLED: ClientState
STS_TARGET_KIND_UNSPECIFIED: StsTargetKind
STS_TARGET_KIND_STANDALONE_FILE: StsTargetKind
STS_TARGET_KIND_SHARE_FILE: StsTargetKind

class UfsClient(_message.Message):
    __slots__ = ("client_id", "display_name", "state", "buckets", "default_bucket_alias", "password_update_time", "create_time", "update_time", "auth_user")
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    BUCKETS_FIELD_NUMBER: _ClassVar[int]
    DEFAULT_BUCKET_ALIAS_FIELD_NUMBER: _ClassVar[int]
    PASSWORD_UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    AUTH_USER_FIELD_NUMBER: _ClassVar[int]
    client_id: str
    display_name: str
    state: ClientState
    buckets: _containers.RepeatedCompositeFieldContainer[BucketBinding]
    default_bucket_alias: str
    password_update_time: _timestamp_pb2.Timestamp
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    auth_user: str
    def __init__(self, client_id: _Optional[str] = ..., display_name: _Optional[str] = ..., state: _Optional[_Union[ClientState, str]] = ..., buckets: _Optional[_Iterable[_Union[BucketBinding, _Mapping]]] = ..., default_bucket_alias: _Optional[str] = ..., password_update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., auth_user: _Optional[str] = ...) -> None: ...

class BucketBinding(_message.Message):
    __slots__ = ("bucket_alias", "bucket_name", "bind_time")
    BUCKET_ALIAS_FIELD_NUMBER: _ClassVar[int]
    BUCKET_NAME_FIELD_NUMBER: _ClassVar[int]
    BIND_TIME_FIELD_NUMBER: _ClassVar[int]
    bucket_alias: str
    bucket_name: str
    bind_time: _timestamp_pb2.Timestamp
    def __init__(self, bucket_alias: _Optional[str] = ..., bucket_name: _Optional[str] = ..., bind_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class FileObject(_message.Message):
    __slots__ = ("bucket_alias", "oss_path", "file_name", "content_type", "size_bytes", "content_sha256", "metadata", "encrypted", "create_time", "update_time")
    class MetadataEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    BUCKET_ALIAS_FIELD_NUMBER: _ClassVar[int]
    OSS_PATH_FIELD_NUMBER: _ClassVar[int]
    FILE_NAME_FIELD_NUMBER: _ClassVar[int]
    CONTENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    SIZE_BYTES_FIELD_NUMBER: _ClassVar[int]
    CONTENT_SHA256_FIELD_NUMBER: _ClassVar[int]
    METADATA_FIELD_NUMBER: _ClassVar[int]
    ENCRYPTED_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    bucket_alias: str
    oss_path: str
    file_name: str
    content_type: str
    size_bytes: int
    content_sha256: str
    metadata: _containers.ScalarMap[str, str]
    encrypted: bool
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, bucket_alias: _Optional[str] = ..., oss_path: _Optional[str] = ..., file_name: _Optional[str] = ..., content_type: _Optional[str] = ..., size_bytes: _Optional[int] = ..., content_sha256: _Optional[str] = ..., metadata: _Optional[_Mapping[str, str]] = ..., encrypted: _Optional[bool] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class SharedFile(_message.Message):
    __slots__ = ("file_tag", "owner_client_id", "file_name", "content_type", "size_bytes", "content_sha256", "metadata", "encrypted", "expire_time", "adopted", "adopter_client_id", "adopt_time", "create_time")
    class MetadataEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    FILE_TAG_FIELD_NUMBER: _ClassVar[int]
    OWNER_CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    FILE_NAME_FIELD_NUMBER: _ClassVar[int]
    CONTENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    SIZE_BYTES_FIELD_NUMBER: _ClassVar[int]
    CONTENT_SHA256_FIELD_NUMBER: _ClassVar[int]
    METADATA_FIELD_NUMBER: _ClassVar[int]
    ENCRYPTED_FIELD_NUMBER: _ClassVar[int]
    EXPIRE_TIME_FIELD_NUMBER: _ClassVar[int]
    ADOPTED_FIELD_NUMBER: _ClassVar[int]
    ADOPTER_CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    ADOPT_TIME_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    file_tag: str
    owner_client_id: str
    file_name: str
    content_type: str
    size_bytes: int
    content_sha256: str
    metadata: _containers.ScalarMap[str, str]
    encrypted: bool
    expire_time: _timestamp_pb2.Timestamp
    adopted: bool
    adopter_client_id: str
    adopt_time: _timestamp_pb2.Timestamp
    create_time: _timestamp_pb2.Timestamp
    def __init__(self, file_tag: _Optional[str] = ..., owner_client_id: _Optional[str] = ..., file_name: _Optional[str] = ..., content_type: _Optional[str] = ..., size_bytes: _Optional[int] = ..., content_sha256: _Optional[str] = ..., metadata: _Optional[_Mapping[str, str]] = ..., encrypted: _Optional[bool] = ..., expire_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., adopted: _Optional[bool] = ..., adopter_client_id: _Optional[str] = ..., adopt_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class StsToken(_message.Message):
    __slots__ = ("sts_token", "client_id", "target_kind", "bucket_alias", "oss_path", "file_tag", "create_time", "expire_time", "revoke_time")
    STS_TOKEN_FIELD_NUMBER: _ClassVar[int]
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    TARGET_KIND_FIELD_NUMBER: _ClassVar[int]
    BUCKET_ALIAS_FIELD_NUMBER: _ClassVar[int]
    OSS_PATH_FIELD_NUMBER: _ClassVar[int]
    FILE_TAG_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    EXPIRE_TIME_FIELD_NUMBER: _ClassVar[int]
    REVOKE_TIME_FIELD_NUMBER: _ClassVar[int]
    sts_token: str
    client_id: str
    target_kind: StsTargetKind
    bucket_alias: str
    oss_path: str
    file_tag: str
    create_time: _timestamp_pb2.Timestamp
    expire_time: _timestamp_pb2.Timestamp
    revoke_time: _timestamp_pb2.Timestamp
    def __init__(self, sts_token: _Optional[str] = ..., client_id: _Optional[str] = ..., target_kind: _Optional[_Union[StsTargetKind, str]] = ..., bucket_alias: _Optional[str] = ..., oss_path: _Optional[str] = ..., file_tag: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., expire_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., revoke_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...
