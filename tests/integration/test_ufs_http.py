"""UFS's plain HTTP download endpoint (servicer_http) on real PostgreSQL and S3: the same
bytes, headers, ranges and error bodies as the transcoded gRPC path, keep-alive, the
authentication/isolation checks, and a client that goes away mid-stream stops the S3 read."""
from __future__ import annotations

import asyncio
import base64
import datetime as dt
import hashlib
import os
from pathlib import Path

import httpx
import pytest

from servers.kernel import db as kdb
from servers.kernel.interceptors import ErrorMapper
from servers.ufs import domain, handlers, handlers_share as share
from servers.ufs.adapters import SqlUnitOfWork
from servers.ufs.adapters_keys import LocalKeyService
from servers.ufs.adapters_s3 import MinioStore
from servers.ufs.bootstrap import REASON_ALIASES
from servers.ufs.domain import BucketBinding, Client, ClientState, StsTargetKind
from servers.ufs.handlers import Authenticator, Deps, Upload
from servers.ufs.servicer_http import FileHttpServer

MIGRATIONS = Path(__file__).resolve().parents[2] / "servers/ufs/migrations"
PASSWORD = "http-password-1"


async def _body(data: bytes):
    yield data


@pytest.fixture
async def served(infra, settings, unique):
    database = await kdb.connect(settings.database_url.reveal(), "ufs", MIGRATIONS)
    store = MinioStore(infra["PAYMESH_S3_ENDPOINT"], infra["PAYMESH_S3_ACCESS_KEY"], infra["PAYMESH_S3_SECRET_KEY"],
                       chunk_bytes=64 * 1024)
    share_bucket = unique("hs").replace("_", "-")
    await store.make_bucket(share_bucket)
    uow = SqlUnitOfWork(database)
    deps = Deps(uow, store, LocalKeyService(os.urandom(32)), share_bucket, "http://edge")
    clients = []
    for name in ("a", "b"):
        bucket = unique(f"h{name}").replace("_", "-")
        await store.make_bucket(bucket)
        client = Client(unique(f"c{name}"), "", ClientState.ACTIVE, domain.hash_password(PASSWORD), "main", (BucketBinding("main", bucket),))

        async def create(repo, client=client, bucket=bucket):
            await repo.insert_client(client)
            await repo.bind_bucket(client.client_id, BucketBinding("main", bucket))
            await repo.update_client(client)
        await uow(create)
        clients.append(client)
    server = FileHttpServer(deps, Authenticator(uow), ErrorMapper("ufs", REASON_ALIASES))
    port = await server.start("127.0.0.1", 0)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
        yield deps, clients, http
    await server.close()
    await store.close()
    await database.close()


def auth(client: Client) -> dict[str, str]:
    return {"x-ufs-client-id": client.client_id,
            "authorization": "Basic " + base64.b64encode(f"{client.client_id}:{PASSWORD}".encode()).decode()}


async def test_bytes_headers_ranges_and_keep_alive(served):
    deps, (a, _), http = served
    data = os.urandom(300_000)  # several 64 KiB chunks
    upload = Upload("application/x-demo", _body(data), {"check-sum": "abc"})
    await handlers.upload_file(deps, a, "", "docs/résumé bin.dat", upload, False)
    path = "/ufs2/standalone/file/docs/r%C3%A9sum%C3%A9%20bin.dat"
    full = await http.get(path, headers=auth(a))
    assert full.status_code == 200 and full.content == data
    assert full.headers["content-type"] == "application/x-demo" and full.headers["content-length"] == str(len(data))
    assert full.headers["x-ufs-meta-check-sum"] == "abc" and full.headers["accept-ranges"] == "bytes"
    assert full.headers["content-disposition"] == domain.content_disposition("résumé bin.dat")
    part = await http.get(path, headers={**auth(a), "range": "bytes=70000-200000"})
    assert part.status_code == 206 and part.content == data[70000:200001]
    assert part.headers["content-range"] == f"bytes 70000-200000/{len(data)}"


async def test_keep_alive_serves_requests_one_after_another(served):
    deps, (a, _), http = served
    await handlers.upload_file(deps, a, "", "k.txt", Upload("text/plain", _body(b"kept"), {}), False)
    port = http.base_url.port
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    head = "".join(f"{k}: {v}\r\n" for k, v in auth(a).items())
    for _ in range(2):  # one connection, two requests, two complete responses
        writer.write(f"GET /ufs2/standalone/file/k.txt HTTP/1.1\r\nhost: ufs\r\n{head}\r\n".encode())
        status = await reader.readuntil(b"\r\n\r\n")
        assert status.startswith(b"HTTP/1.1 200 ") and b"content-length: 4" in status
        assert await reader.readexactly(4) == b"kept"
    writer.close()


async def test_errors_are_the_transcoders_json(served):
    _, (a, b), http = served
    missing = await http.get("/ufs2/standalone/file/nope.txt", headers={**auth(a), "x-context-id": "ctx_http_1"})
    assert missing.status_code == 404
    assert missing.json() == {"code": 5, "message": "file nope.txt does not exist", "details": [
        {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "NOT_EXIST", "domain": "ufs.paymesh",
         "metadata": {"context_id": "ctx_http_1"}}]}
    bad_tag = await http.get("/ufs2/share/file/zz", headers={"x-ufs-client-id": a.client_id})
    assert bad_tag.status_code == 400
    assert bad_tag.json()["details"][1]["fieldViolations"] == [{"field": "file_tag", "description": "must match ^[0-9a-f]{32}$",
                                                                "reason": ""}]
    no_auth = await http.get("/ufs2/standalone/file/x.txt", headers={"x-ufs-client-id": a.client_id})
    assert no_auth.status_code == 401 and no_auth.json()["details"][0]["reason"] == "UNAUTHORIZED"
    wrong = await http.get("/ufs2/standalone/file/x.txt", headers={**auth(a), "authorization": auth(b)["authorization"]})
    assert wrong.status_code == 401
    traversal = await http.get("/ufs2/standalone/file/a/%2e%2e/b", headers=auth(a))  # Envoy refuses it first; UFS too
    assert traversal.status_code == 400 and traversal.json()["details"][0]["reason"] == "INVALID_PARAMETER"
    assert (await http.get("/ufs2/share/file/a/b")).status_code == 404  # not a route, as before
    assert (await http.head("/ufs2/standalone/file/x.txt", headers=auth(a))).status_code == 405


async def test_isolation_a_client_never_reads_another_bucket(served):
    deps, (a, b), http = served
    await handlers.upload_file(deps, b, "", "secret.txt", Upload("text/plain", _body(b"B"), {}), False)
    foreign = await http.get("/ufs2/standalone/file/secret.txt", headers={**auth(a), "x-ufs-bucket-alias": "main"})
    assert foreign.status_code == 404  # A's own "main" bucket has no such file
    unbound = await http.get("/ufs2/standalone/file/secret.txt", headers={**auth(a), "x-ufs-bucket-alias": "other"})
    assert unbound.status_code == 401
    as_b_with_a_password = await http.get("/ufs2/standalone/file/secret.txt", headers={**auth(b), "authorization": auth(a)["authorization"]})
    assert as_b_with_a_password.status_code == 401
    assert (await http.get("/ufs2/standalone/file/secret.txt", headers=auth(b))).content == b"B"


async def test_share_and_sts_downloads(served):
    deps, (a, _), http = served
    stored = await share.upload_share(deps, a, Upload("text/plain", _body(b"shared"), {}, encrypt=True), 60)
    got = await http.get(f"/ufs2/share/file/{stored.file_tag}", headers={"x-ufs-client-id": a.client_id})
    assert got.status_code == 200 and got.content == b"shared"
    assert (await http.get(f"/ufs2/share/file/{stored.file_tag}")).status_code == 401
    _, token = await handlers._grant(deps, a.client_id, StsTargetKind.SHARE_FILE, 60, file_tag=stored.file_tag)
    assert (await http.get(f"/ufs2/sts/file/{token}")).content == b"shared"
    _, short = await handlers._grant(deps, a.client_id, StsTargetKind.SHARE_FILE, 1, file_tag=stored.file_tag)
    await deps.uow(lambda repo: repo.revoke_grant(domain.sts_digest(token), dt.datetime.now(dt.timezone.utc)))
    assert (await http.get(f"/ufs2/sts/file/{token}")).status_code == 404
    await asyncio.sleep(1.2)
    expired = await http.get(f"/ufs2/sts/file/{short}")
    assert expired.status_code == 410 and expired.json()["details"][0]["reason"] == "EXPIRED"


async def test_client_going_away_mid_stream_frees_the_download(served):
    deps, (a, _), http = served
    size = 8 * 1024 * 1024
    await handlers.upload_file(deps, a, "", "big.bin", Upload("application/octet-stream", _body(os.urandom(size)), {}), False)
    async with http.stream("GET", "/ufs2/standalone/file/big.bin", headers=auth(a)) as down:
        async for _ in down.aiter_raw():
            break  # read one piece and hang up
    await asyncio.sleep(0.5)
    busy = [t for t in asyncio.all_tasks() if "_connection" in repr(t.get_coro())]
    assert busy == []  # the connection task ended; its S3 reader was stopped and released
    digest = hashlib.sha256()
    async with http.stream("GET", "/ufs2/standalone/file/big.bin", headers=auth(a)) as down:
        async for chunk in down.aiter_raw():
            digest.update(chunk)
    stored = await deps.uow(lambda repo: repo.get_file(a.bucket("").bucket_name, "big.bin"))
    assert digest.hexdigest() == stored.content.content_sha256


async def test_uploads_raw_chunked_and_multipart_answer_like_the_transcoder(served):
    deps, (a, _), http = served
    data = os.urandom(2 * 1024 * 1024 + 5)

    async def pieces():
        for i in range(0, len(data), 300_000):
            yield data[i:i + 300_000]
    raw = await http.put("/ufs2/standalone/file/up/raw.bin", content=data, headers={**auth(a), "content-type": "application/x-raw",
                                                                                     "x-ufs-meta-kind": "r"})
    assert raw.status_code == 200
    file = raw.json()["file"]
    assert list(file) == ["bucketAlias", "ossPath", "fileName", "contentType", "sizeBytes", "contentSha256", "metadata", "encrypted",
                          "createTime", "updateTime"]  # every field, in the contract's order, int64 as a string
    assert file["sizeBytes"] == str(len(data)) and file["contentSha256"] == hashlib.sha256(data).hexdigest()
    assert file["metadata"] == {"kind": "r"} and file["encrypted"] is False
    chunked = await http.put("/ufs2/standalone/file/up/chunked.bin", content=pieces(), headers={**auth(a), "x-ufs-encrypt": "true"})
    assert chunked.status_code == 200 and chunked.json()["file"]["encrypted"] is True
    assert (await http.get("/ufs2/standalone/file/up/chunked.bin", headers=auth(a))).content == data
    form = await http.put("/ufs2/standalone/file/up/form.txt", files={"file": ("hello.txt", b"hello world\n", "text/plain")}, headers=auth(a))
    assert form.status_code == 200 and form.json()["file"]["fileName"] == "form.txt" and form.json()["file"]["sizeBytes"] == "12"
    tag = (await http.put("/ufs2/share/file", files={"file": ("r.pdf", b"%PDF", "application/pdf")},
                          headers={"x-ufs-client-id": a.client_id, "x-ufs-expire-seconds": "60"})).json()
    assert list(tag) == ["fileTag"] and len(tag["fileTag"]) == 32
    assert (await http.get(f"/ufs2/share/file/{tag['fileTag']}", headers={"x-ufs-client-id": a.client_id})).content == b"%PDF"


async def test_upload_refusals_and_a_body_that_ends_early(served):
    deps, (a, _), http = served
    big = os.urandom(3 * 1024 * 1024)
    refused = await http.put("/ufs2/standalone/file/up/x.bin", content=big, headers={"x-ufs-client-id": a.client_id})
    assert refused.status_code == 401 and refused.headers["connection"] == "close"  # answered before the body: not reusable
    bad_meta = await http.put("/ufs2/standalone/file/up/x.bin", content=b"1", headers={**auth(a), "x-ufs-meta-Bad_1": "x"})
    assert bad_meta.status_code == 400 and bad_meta.json()["details"][0]["reason"] == "INVALID_PARAMETER"
    assert (await http.put("/ufs2/standalone/file/up/x.bin", content=b"1", headers=auth(a))).status_code == 200
    dup = await http.put("/ufs2/standalone/file/up/x.bin", content=b"2", headers={**auth(a), "x-ufs-forbid-overwrite": "true"})
    assert dup.status_code == 409 and dup.json()["details"][0]["reason"] == "CONFLICT"
    # a caller that announces 1 MiB and hangs up after 1 KiB leaves no file behind
    reader, writer = await asyncio.open_connection("127.0.0.1", http.base_url.port)
    head = "".join(f"{k}: {v}\r\n" for k, v in auth(a).items())
    writer.write(f"PUT /ufs2/standalone/file/up/cut.bin HTTP/1.1\r\nhost: ufs\r\ncontent-length: 1048576\r\n{head}\r\n".encode()
                 + b"x" * 1024)
    await writer.drain()
    writer.close()
    await asyncio.sleep(0.5)
    assert (await http.get("/ufs2/standalone/file/up/cut.bin", headers=auth(a))).status_code == 404


def _objects(deps: Deps, bucket: str) -> list[str]:
    return [o.object_name for o in deps.store.client.list_objects(bucket, recursive=True)]


async def test_request_id_makes_an_upload_happen_once(served):
    deps, (a, b), http = served
    bucket = a.bucket("").bucket_name
    url = "/ufs2/standalone/file/once/a.bin?request_id=up-1"
    first = await http.put(url, content=b"first bytes", headers={**auth(a), "x-ufs-meta-kind": "k"})
    again = await http.put(url, content=b"first bytes", headers={**auth(a), "x-ufs-meta-kind": "k"})
    assert first.status_code == again.status_code == 200 and first.json() == again.json()
    assert len(await asyncio.to_thread(_objects, deps, bucket)) == 1  # the retry stored nothing
    other = await http.put(url, content=b"other bytes", headers={**auth(a), "x-ufs-meta-kind": "k"})
    assert other.status_code == 409 and other.json()["details"][0]["reason"] == "CONFLICT"
    assert (await http.get("/ufs2/standalone/file/once/a.bin", headers=auth(a))).content == b"first bytes"
    # the key is the client's own: B may use the same request_id for its own upload
    mine = await http.put("/ufs2/standalone/file/once/a.bin?request_id=up-1", content=b"B", headers=auth(b))
    assert mine.status_code == 200 and mine.json()["file"]["sizeBytes"] == "1"


async def test_concurrent_duplicates_get_the_first_response_and_leave_one_object(served):
    deps, (a, _), http = served
    bucket = a.bucket("").bucket_name
    replies = await asyncio.gather(*[http.put("/ufs2/standalone/file/once/race.bin?request_id=race-1", content=b"same",
                                              headers={**auth(a), "x-ufs-forbid-overwrite": "true"}) for _ in range(6)])
    assert [r.status_code for r in replies] == [200] * 6
    assert len({r.text for r in replies}) == 1
    assert len([o for o in await asyncio.to_thread(_objects, deps, bucket) if o.startswith("once/race.bin")]) == 1
    tag = await http.put("/ufs2/share/file?request_id=s-1", content=b"t", headers={"x-ufs-client-id": a.client_id})
    again = await http.put("/ufs2/share/file?request_id=s-1", content=b"t", headers={"x-ufs-client-id": a.client_id})
    assert tag.status_code == 200 and tag.json() == again.json()
