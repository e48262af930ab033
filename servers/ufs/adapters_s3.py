"""The object store on any S3 through the minio SDK (SeaweedFS locally). The SDK is
blocking: it runs on a dedicated thread pool; an upload pulls its body from the event loop a
part at a time, a download is read ahead on a worker thread into a bounded queue, so memory
stays bounded by the part size and the read-ahead whatever the file size."""
from __future__ import annotations

import asyncio
import collections
import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import AsyncIterator

import urllib3
from minio import Minio
from minio.commonconfig import ComposeSource, CopySource
from minio.error import S3Error

from servers.ufs import errors
from servers.ufs.domain import content_disposition

COPY_MAX = 5 * 1024 ** 3  # S3 CopyObject limit; larger objects are copied part by part
READ_DEFAULT = 1024 * 1024


class _Reader:
    """A blocking file-like view of an async chunk iterator, read from a worker thread. One hop
    to the event loop gathers a whole `read(size)` (the SDK asks for a part at a time), so small
    request messages cost neither a thread hop each nor the SDK's quadratic `part += data`."""

    def __init__(self, chunks: AsyncIterator[bytes], loop: asyncio.AbstractEventLoop):
        self.chunks, self.loop, self.buf, self.eof = chunks.__aiter__(), loop, b"", False

    async def _take(self, size: int) -> list[bytes]:
        pieces, have = [], 0
        while have < size:
            try:
                chunk = await self.chunks.__anext__()
            except StopAsyncIteration:
                self.eof = True
                break
            pieces.append(chunk)
            have += len(chunk)
        return pieces

    def read(self, size: int = -1) -> bytes:
        want = size if size > 0 else READ_DEFAULT
        if len(self.buf) < want and not self.eof:
            pieces = asyncio.run_coroutine_threadsafe(self._take(want - len(self.buf)), self.loop).result()
            self.buf = b"".join([self.buf, *pieces]) if self.buf else b"".join(pieces)
        if size < 0 or size >= len(self.buf):
            out, self.buf = self.buf, b""
        else:
            out, self.buf = self.buf[:size], self.buf[size:]
        return out


_DONE = object()


class _Prefetch:
    """Reads an S3 response on one worker thread ahead of the consumer: at most `depth` chunks
    wait (a semaphore the consumer releases), so S3 reads overlap sending and memory stays
    ≤ (depth + 1) chunks. Each chunk crosses to the event loop with one call_soon_threadsafe:
    no task, queue or chained future per chunk (that bookkeeping cost more than the bytes)."""

    def __init__(self, response, chunk_bytes: int, depth: int, pool: ThreadPoolExecutor, first: bytes = b"", more: bool = True):
        self.response, self.chunk_bytes, self.pool = response, chunk_bytes, pool
        self.first, self.more = first, more  # the chunk read with the request; whether anything follows it
        self.room = threading.Semaphore(depth)
        self.ready: collections.deque = collections.deque()
        self.waiter: asyncio.Future | None = None
        self.future: asyncio.Future | None = None
        self.stop = False

    def _arrive(self, item) -> None:  # on the event loop
        self.ready.append(item)
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_result(None)

    def _produce(self) -> None:  # on a worker thread
        try:
            while True:
                self.room.acquire()
                if self.stop:
                    return
                chunk = self.response.read(self.chunk_bytes)
                self.loop.call_soon_threadsafe(self._arrive, chunk or _DONE)
                if not chunk:
                    return
        except BaseException as exc:  # noqa: BLE001 — re-raised on the consumer side
            if not self.stop:
                self.loop.call_soon_threadsafe(self._arrive, exc)

    async def chunks(self) -> AsyncIterator[bytes]:
        # started on the first read, so a stream that is never iterated leaves no thread behind
        self.loop = asyncio.get_running_loop()
        try:
            if self.more:  # read ahead while the first chunk is being sent
                self.future = self.loop.run_in_executor(self.pool, self._produce)
            if self.first:
                first, self.first = self.first, b""
                yield first
            while self.future is not None:
                while not self.ready:
                    self.waiter = self.loop.create_future()
                    await self.waiter
                item = self.ready.popleft()
                if item is _DONE:
                    return
                if isinstance(item, BaseException):
                    raise item
                self.room.release()
                yield item
        finally:
            self.stop = True
            self.room.release()  # a producer waiting for room wakes up and sees stop
            if self.future is not None:
                await asyncio.wait([self.future])
            self.response.close()
            self.response.release_conn()


class MinioStore:
    def __init__(self, endpoint: str, access_key: str, secret_key: str, secure: bool = False, region: str = "us-east-1",
                 part_size: int = 8 * 1024 * 1024, chunk_bytes: int = 1024 * 1024, threads: int = 64, parallel_parts: int = 1,
                 prefetch_chunks: int = 4):
        http = urllib3.PoolManager(maxsize=threads, timeout=urllib3.Timeout(connect=5, read=300),
                                   retries=urllib3.Retry(total=3, backoff_factor=0.2, status_forcelist=[500, 502, 503, 504]))
        self.client = Minio(endpoint, access_key=access_key, secret_key=secret_key, secure=secure, region=region, http_client=http)
        self.part_size, self.chunk_bytes, self.parallel_parts = part_size, chunk_bytes, parallel_parts
        self.prefetch_chunks = prefetch_chunks
        self.pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="s3")

    async def _run(self, fn, *args, **kwargs):
        return await asyncio.get_running_loop().run_in_executor(self.pool, lambda: fn(*args, **kwargs))

    async def bucket_exists(self, bucket: str) -> bool:
        return await self._run(self.client.bucket_exists, bucket)

    async def make_bucket(self, bucket: str) -> None:
        try:
            await self._run(self.client.make_bucket, bucket)
        except S3Error as exc:
            if exc.code not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
                raise

    async def put(self, bucket: str, key: str, chunks: AsyncIterator[bytes], content_type: str) -> None:
        reader = _Reader(chunks, asyncio.get_running_loop())
        await self._run(self.client.put_object, bucket, key, reader, -1, content_type=content_type, part_size=self.part_size,
                        num_parallel_uploads=self.parallel_parts)

    async def open(self, bucket: str, key: str, offset: int = 0, length: int = 0) -> AsyncIterator[bytes]:
        def request() -> tuple[object, bytes]:  # the request and the first chunk in one thread hop
            response = self.client.get_object(bucket, key, offset=offset, length=length)
            try:
                return response, response.read(self.chunk_bytes)
            except BaseException:
                response.close()
                response.release_conn()
                raise
        try:
            response, first = await self._run(request)
        except S3Error as exc:
            if exc.code in ("NoSuchKey", "NoSuchBucket"):
                raise errors.not_exist("file content") from None
            raise
        more = not length or len(first) < length and len(first) == self.chunk_bytes  # a known length tells when it is all here
        return _Prefetch(response, self.chunk_bytes, self.prefetch_chunks, self.pool, first, more).chunks()

    async def copy(self, bucket: str, key: str, to_bucket: str, to_key: str, size: int) -> None:
        if size <= COPY_MAX:
            await self._run(self.client.copy_object, to_bucket, to_key, CopySource(bucket, key))
        else:
            await self._run(self.client.compose_object, to_bucket, to_key, [ComposeSource(bucket, key)])

    async def delete(self, bucket: str, key: str) -> None:
        try:
            await self._run(self.client.remove_object, bucket, key)
        except S3Error as exc:
            if exc.code not in ("NoSuchKey", "NoSuchBucket"):
                raise

    async def presign(self, bucket: str, key: str, expires_s: int, file_name: str, content_type: str) -> str:
        headers = {"response-content-disposition": content_disposition(file_name), "response-content-type": content_type}
        return await self._run(self.client.presigned_get_object, bucket, key, expires=dt.timedelta(seconds=expires_s),
                               response_headers=headers)

    async def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)
