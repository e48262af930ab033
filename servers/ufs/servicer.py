"""gRPC ↔ UFS file handlers. Request headers arrive as gRPC metadata (Envoy forwards every
HTTP header); response headers go out as initial metadata, which Envoy turns into HTTP
headers. Errors are mapped by the kernel interceptor; every check runs before the first
byte of a download, so a REST caller always gets a proper status and JSON body."""
from __future__ import annotations

import datetime as dt
from typing import AsyncIterator, Awaitable, Callable

from google.api import httpbody_pb2
from google.protobuf.timestamp_pb2 import Timestamp

from paymesh.ufs.v1 import ufs_pb2 as pb, ufs_service_pb2 as api, ufs_service_pb2_grpc as rpc
from servers.ufs import domain, errors, handlers, handlers_share as share
from servers.ufs.domain import Content, ShareFile, StoredFile
from servers.ufs.handlers import Authenticator, Deps, Download, Upload


def headers(context) -> dict[str, str]:
    return {k.lower(): v for k, v in (context.invocation_metadata() or ()) if isinstance(v, str)}


def ts(value: dt.datetime | None) -> Timestamp | None:
    if value is None:
        return None
    out = Timestamp()
    out.FromDatetime(value)
    return out


def _content_fields(c: Content) -> dict:
    return {"file_name": c.file_name, "content_type": c.content_type, "size_bytes": c.size_bytes,
            "content_sha256": c.content_sha256, "metadata": c.metadata, "encrypted": c.encrypted}


def file_pb(f: StoredFile, alias: str) -> pb.FileObject:
    return pb.FileObject(bucket_alias=alias, oss_path=f.oss_path, create_time=ts(f.create_time), update_time=ts(f.update_time),
                         **_content_fields(f.content))


def share_pb(s: ShareFile) -> pb.SharedFile:
    return pb.SharedFile(file_tag=s.file_tag, owner_client_id=s.owner_client_id, expire_time=ts(s.expire_time), adopted=s.adopted,
                         adopter_client_id=s.adopter_client_id, adopt_time=ts(s.adopt_time), create_time=ts(s.create_time),
                         **_content_fields(s.content))


def meta_headers(metadata: dict[str, str]) -> list[tuple[str, str]]:
    return [(domain.META_PREFIX + k, v) for k, v in sorted(metadata.items())]


async def _upload(requests: AsyncIterator, hdrs: dict[str, str]) -> tuple[object, Upload]:
    """Splits a client stream into its first message (path parameters) and the body bytes."""
    stream = requests.__aiter__()
    try:
        first = await stream.__anext__()
    except StopAsyncIteration:
        raise errors.invalid("body", "the upload stream is empty") from None

    async def chunks() -> AsyncIterator[bytes]:
        if first.body.data:
            yield first.body.data
        async for message in stream:
            if message.body.data:
                yield message.body.data

    return first, body_upload(hdrs, first.body.content_type, chunks(), first.request_id)


def body_upload(hdrs: dict[str, str], content_type: str, chunks: AsyncIterator[bytes], request_id: str = "") -> Upload:
    return Upload(content_type or hdrs.get("x-ufs-content-type", ""), chunks, domain.parse_metadata(hdrs),
                  domain.parse_bool(hdrs, "x-ufs-encrypt"), request_id)


# Uploads, shared by the gRPC methods and the plain HTTP endpoint (servicer_http): `read_body`
# is awaited only after authentication, and returns the object path and the body.
ReadBody = Callable[[], Awaitable[tuple[str, Upload]]]


async def put_standalone(deps: Deps, auth: Authenticator, hdrs: dict[str, str], read_body: ReadBody) -> api.UploadFileResponse:
    client = await auth.standalone(hdrs)  # before reading a byte of the body
    alias = hdrs.get("x-ufs-bucket-alias", "")
    oss_path, upload = await read_body()
    stored = await handlers.upload_file(deps, client, alias, oss_path, upload, domain.parse_bool(hdrs, "x-ufs-forbid-overwrite"))
    return api.UploadFileResponse(file=file_pb(stored, client.bucket(alias).bucket_alias))


async def put_share(deps: Deps, auth: Authenticator, hdrs: dict[str, str], read_body: ReadBody) -> api.UploadShareFileResponse:
    client = await auth.client(hdrs)
    expire = domain.parse_seconds(hdrs, "x-ufs-expire-seconds", None, domain.SHARE_EXPIRE_MAX)
    _, upload = await read_body()
    stored = await share.upload_share(deps, client, upload, expire)
    return api.UploadShareFileResponse(file_tag=stored.file_tag)


def download_headers(download: Download) -> list[tuple[str, str]]:
    """The response headers of a download besides its content type (gRPC initial metadata or HTTP)."""
    md = [("content-disposition", domain.content_disposition(download.file_name)), ("accept-ranges", "bytes"),
          *meta_headers(download.metadata)]
    if download.range is not None:
        start, end = download.range
        md.append(("content-range", f"bytes {start}-{end}/{download.size_bytes}"))
    return md


# Authenticate and open a download; shared by the gRPC methods and the plain HTTP endpoint
# (servicer_http), so both make exactly the same checks.
async def open_standalone(deps: Deps, auth: Authenticator, hdrs: dict[str, str], request) -> Download:
    return await handlers.authenticated_download(deps, auth, hdrs, hdrs.get("x-ufs-bucket-alias", ""), request.oss_path,
                                                 hdrs.get("range"))


async def open_share(deps: Deps, auth: Authenticator, hdrs: dict[str, str], request) -> Download:
    await auth.client(hdrs)
    return await share.download_share(deps, request.file_tag, hdrs.get("range"))


async def open_sts(deps: Deps, hdrs: dict[str, str], request) -> Download:
    return await share.download_sts(deps, request.sts_token, hdrs.get("range"))


async def _send(context, download: Download) -> AsyncIterator[httpbody_pb2.HttpBody]:
    md = download_headers(download)
    if download.range is not None:
        md.append(("x-http-status", "206"))
    await context.send_initial_metadata(md)
    content_type, sent = download.content_type, False
    async for chunk in download.chunks:
        yield httpbody_pb2.HttpBody(content_type=content_type, data=chunk)
        content_type, sent = "", True
    if not sent:
        yield httpbody_pb2.HttpBody(content_type=content_type)


def _url_options(hdrs: dict[str, str]) -> tuple[int, bool]:
    expire = domain.parse_seconds(hdrs, "x-ufs-expire-seconds", domain.URL_EXPIRE_DEFAULT, domain.URL_EXPIRE_MAX)
    return int(expire or domain.URL_EXPIRE_DEFAULT), domain.parse_bool(hdrs, "x-ufs-public-access")


class StandaloneServicer(rpc.UfsStandaloneServiceServicer):
    def __init__(self, deps: Deps, auth: Authenticator):
        self.deps, self.auth = deps, auth

    async def UploadFile(self, request_iterator, context):
        hdrs = headers(context)

        async def read_body() -> tuple[str, Upload]:
            first, upload = await _upload(request_iterator, hdrs)
            return first.oss_path, upload
        return await put_standalone(self.deps, self.auth, hdrs, read_body)

    async def DownloadFile(self, request, context):
        download = await open_standalone(self.deps, self.auth, headers(context), request)
        async for message in _send(context, download):
            yield message

    async def GetFileUrl(self, request, context):
        hdrs = headers(context)
        client = await self.auth.standalone(hdrs)
        expire, public = _url_options(hdrs)
        url, token = await handlers.file_url(self.deps, client, hdrs.get("x-ufs-bucket-alias", ""), request.oss_path, expire, public)
        return api.GetFileUrlResponse(url=url, sts_token=token)

    async def CopyFile(self, request, context):
        hdrs = headers(context)
        client = await self.auth.standalone(hdrs)
        stored, alias = await handlers.copy_file(self.deps, client, hdrs)
        return api.CopyFileResponse(oss_path=stored.oss_path, bucket_alias=alias)

    async def CopyShareFile(self, request, context):
        hdrs = headers(context)
        client = await self.auth.standalone(hdrs)
        stored = await share.copy_share_file(self.deps, client, hdrs)
        return api.CopyShareFileResponse(oss_path=stored.oss_path)

    async def ListFiles(self, request, context):
        hdrs = headers(context)
        client = await self.auth.standalone(hdrs)
        alias = client.bucket(hdrs.get("x-ufs-bucket-alias", "")).bucket_alias
        files, token = await handlers.list_files(self.deps, client, alias, request.prefix, request.page_size, request.page_token)
        return api.ListFilesResponse(files=[file_pb(f, alias) for f in files], next_page_token=token)

    async def DeleteFile(self, request, context):
        hdrs = headers(context)
        client = await self.auth.standalone(hdrs)
        deleted = await handlers.delete_file(self.deps, client, hdrs.get("x-ufs-bucket-alias", ""), request.oss_path)
        return api.DeleteFileResponse(deleted=deleted)


class ShareServicer(rpc.UfsShareServiceServicer):
    def __init__(self, deps: Deps, auth: Authenticator):
        self.deps, self.auth = deps, auth

    async def UploadShareFile(self, request_iterator, context):
        hdrs = headers(context)

        async def read_body() -> tuple[str, Upload]:
            _, upload = await _upload(request_iterator, hdrs)
            return "", upload
        return await put_share(self.deps, self.auth, hdrs, read_body)

    async def DownloadShareFile(self, request, context):
        download = await open_share(self.deps, self.auth, headers(context), request)
        async for message in _send(context, download):
            yield message

    async def GetShareFileMeta(self, request, context):
        await self.auth.client(headers(context))
        found = await share.live_share(self.deps, request.file_tag)
        await context.send_initial_metadata([("content-disposition", domain.content_disposition(found.content.file_name)),
                                             *meta_headers(found.content.metadata)])
        return api.GetShareFileMetaResponse(file=share_pb(found))

    async def AdoptShareFile(self, request, context):
        client = await self.auth.client(headers(context))
        return api.AdoptShareFileResponse(file=share_pb(await share.adopt_share(self.deps, client, request.file_tag)))

    async def GetShareFileUrl(self, request, context):
        hdrs = headers(context)
        client = await self.auth.client(hdrs)
        expire, public = _url_options(hdrs)
        url, token = await share.share_url(self.deps, client, request.file_tag, expire, public)
        return api.GetShareFileUrlResponse(url=url, sts_token=token)


class StsServicer(rpc.UfsStsServiceServicer):
    def __init__(self, deps: Deps):
        self.deps = deps

    async def DownloadStsFile(self, request, context):
        download = await open_sts(self.deps, headers(context), request)
        async for message in _send(context, download):
            yield message
