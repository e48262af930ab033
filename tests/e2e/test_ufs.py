"""UFS through Envoy: the reference's curl commands (host changed), every return code of
§3.8 over REST and gRPC, the forbid-overwrite race, expiry, adoption, STS URLs, streaming,
ranges, encryption, path safety and the isolation matrix."""
from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import os
import subprocess
import uuid

import grpc
import httpx
import pytest
from google.rpc import error_details_pb2, status_pb2

from paymesh.ufs.v1 import ufs_service_pb2 as api

PASSWORD = "s3cret-password-1"


def basic(client_id: str, password: str = PASSWORD) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{password}".encode()).decode()


async def provision(via_envoy, buckets: int = 1, prefix: str = "b"):
    client_id = f"app_{uuid.uuid4().hex[:10]}"
    await via_envoy.ufs_admin.CreateClient(api.CreateClientRequest(client_id=client_id, password=PASSWORD, request_id=f"c-{client_id}"))
    aliases = []
    for i in range(buckets):
        alias, bucket = f"{prefix}{i}", f"{client_id.replace('_', '-')}-b{i}-test"
        await via_envoy.ufs_admin.BindBucketAlias(api.BindBucketAliasRequest(
            client_id=client_id, bucket_alias=alias, bucket_name=bucket, request_id=f"bind-{client_id}-{i}"))
        aliases.append(alias)
    return client_id, {"x-ufs-client-id": client_id, "authorization": basic(client_id)}, aliases


def reason(response: httpx.Response) -> str:
    body = response.json()
    return next(d["reason"] for d in body["details"] if "reason" in d)


def curl(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["curl", "-sS", "-i", *args], capture_output=True, text=True, timeout=60)


async def test_reference_curls(via_envoy, edge, tmp_path):
    client_id, _, _ = await provision(via_envoy)
    auth = basic(client_id)
    url = f"http://{edge}/ufs2"
    (tmp_path / "hello.txt").write_text("hello world\n")
    os.chdir(tmp_path)
    put = curl("--request", "PUT", f"{url}/standalone/file/demo/helloworld.txt", "--header", f"x-ufs-client-id: {client_id}",
               "--header", f"Authorization: {auth}", "--form", "file=@./hello.txt")
    assert "HTTP/1.1 200" in put.stdout, put.stdout
    get = curl("--request", "GET", f"{url}/standalone/file/demo/helloworld.txt", "--header", f"x-ufs-client-id: {client_id}",
               "--header", f"Authorization: {auth}")
    assert "HTTP/1.1 200" in get.stdout and get.stdout.endswith("hello world\n"), get.stdout
    assert 'content-disposition: attachment; filename="helloworld.txt"' in get.stdout.lower()  # named by its ossPath
    assert "content-type: text/plain" in get.stdout.lower()
    sts = curl("--request", "GET", f"{url}/standalone/fileUrl/demo/helloworld.txt", "--header", f"x-ufs-client-id: {client_id}",
               "--header", f"Authorization: {auth}")
    body = json.loads(sts.stdout.split("\n\n", 1)[1])
    assert body["url"].endswith(f"/ufs2/sts/file/{body['stsToken']}")
    assert httpx.get(body["url"].replace(body["url"].split("/ufs2")[0], f"http://{edge}")).content == b"hello world\n"

    share = curl("--request", "PUT", f"{url}/share/file", "--header", f"x-ufs-client-id: {client_id}", "--form", "file=@./hello.txt")
    tag = json.loads(share.stdout.split("\n\n", 1)[1])["fileTag"]
    assert len(tag) == 32 and int(tag, 16) >= 0
    got = curl("--request", "GET", f"{url}/share/file/{tag}", "--header", f"x-ufs-client-id: {client_id}")
    assert "HTTP/1.1 200" in got.stdout and got.stdout.endswith("hello world\n")
    adopt = curl("--request", "PATCH", f"{url}/share/adopt/{tag}", "--header", f"x-ufs-client-id: {client_id}")
    assert "HTTP/1.1 200" in adopt.stdout
    copied = curl("--request", "POST", f"{url}/standalone/copyShareFile/", "--header", f"x-ufs-client-id: {client_id}",
                  "--header", f"Authorization: {auth}", "--header", f"x-ufs-from-file-tag: {tag}",
                  "--header", f"x-ufs-to-oss-path: demo/{tag}", "--header", "x-ufs-copy-suffix: true")
    assert json.loads(copied.stdout.split("\n\n", 1)[1]) == {"ossPath": f"demo/{tag}.txt"}, copied.stdout


async def test_metadata_ranges_encryption_and_names(via_envoy, rest):
    _, hdrs, _ = await provision(via_envoy)
    data = os.urandom(300_000)
    name = "résumé.bin"
    files = {"file": (name, data, "application/x-demo")}
    r = rest.put("/ufs2/standalone/file/docs/r%C3%A9sum%C3%A9.bin", files=files, headers={**hdrs, "x-ufs-encrypt": "true", "x-ufs-meta-check-sum": "abc"})
    assert r.status_code == 200, r.text
    assert r.json()["file"]["encrypted"] is True and r.json()["file"]["contentSha256"] == hashlib.sha256(data).hexdigest()
    g = rest.get("/ufs2/standalone/file/docs/r%C3%A9sum%C3%A9.bin", headers=hdrs)
    assert g.status_code == 200 and g.content == data
    assert g.headers["x-ufs-meta-check-sum"] == "abc" and g.headers["content-type"] == "application/x-demo"
    cd = g.headers["content-disposition"]
    assert cd == "attachment; filename=\"r_sum_.bin\"; filename*=UTF-8''r%C3%A9sum%C3%A9.bin"
    part = rest.get("/ufs2/standalone/file/docs/r%C3%A9sum%C3%A9.bin", headers={**hdrs, "range": "bytes=70000-200000"})
    assert part.status_code == 206 and part.content == data[70000:200001]
    assert part.headers["content-range"] == f"bytes 70000-200000/{len(data)}"
    raw = rest.put("/ufs2/standalone/file/docs/raw.json", content=b'{"a":1}', headers={**hdrs, "content-type": "application/json"})
    assert raw.status_code == 200
    assert rest.get("/ufs2/standalone/file/docs/raw.json", headers=hdrs).content == b'{"a":1}'


@pytest.mark.parametrize("path", ["demo/../x.txt", "demo/%2e%2E/x.txt", "demo/./x.txt", "../../v1/ufs/clients", "demo/%00x.txt",
                                  "demo/a%5c..%5cb.txt", "a" * 1100, "demo/" + "b" * 300])
async def test_path_traversal_is_400(via_envoy, edge, path):
    client_id, _, _ = await provision(via_envoy)
    out = curl("--path-as-is", "--request", "PUT", f"http://{edge}/ufs2/standalone/file/{path}", "--header", f"x-ufs-client-id: {client_id}",
               "--header", f"Authorization: {basic(client_id)}", "--data-binary", "x")
    assert "HTTP/1.1 400" in out.stdout, out.stdout
    if "%5c" in path:  # an escaped (back)slash is refused by Envoy's codec before any filter
        return
    assert json.loads(out.stdout.split("\n\n", 1)[1])["details"][0]["reason"] == "INVALID_PARAMETER"


async def test_every_return_code_rest_and_grpc(via_envoy, rest):
    client_id, hdrs, _ = await provision(via_envoy)
    assert rest.put("/ufs2/standalone/file/a.txt", content=b"1", headers={**hdrs, "x-ufs-meta-Bad_1": "x"}).status_code == 400
    bad = rest.get("/ufs2/standalone/file/a.txt", headers={**hdrs, "authorization": basic(client_id, "wrong-password-x")})
    assert bad.status_code == 401 and reason(bad) == "UNAUTHORIZED"
    missing = rest.get("/ufs2/standalone/file/nope.txt", headers=hdrs)
    assert missing.status_code == 404 and reason(missing) == "NOT_EXIST"
    assert rest.put("/ufs2/standalone/file/a.txt", content=b"1", headers=hdrs).status_code == 200
    dup = rest.put("/ufs2/standalone/file/a.txt", content=b"2", headers={**hdrs, "x-ufs-forbid-overwrite": "true"})
    assert dup.status_code == 409 and reason(dup) == "CONFLICT"
    tag = rest.put("/ufs2/share/file", content=b"t", headers={"x-ufs-client-id": client_id, "x-ufs-expire-seconds": "1"}).json()["fileTag"]
    await asyncio.sleep(1.5)
    gone = rest.get(f"/ufs2/share/file/{tag}", headers={"x-ufs-client-id": client_id})
    assert gone.status_code == 410 and reason(gone) == "EXPIRED"
    assert rest.get(f"/ufs2/share/fileMeta/{tag}", headers={"x-ufs-client-id": client_id}).status_code == 410
    assert rest.patch(f"/ufs2/share/adopt/{tag}", headers={"x-ufs-client-id": client_id}).status_code == 410
    assert rest.get("/ufs2/share/fileMeta/zz", headers={"x-ufs-client-id": client_id}).status_code == 400
    md = tuple(hdrs.items())
    for call, req, code, why in [
        (via_envoy.ufs_standalone.GetFileUrl, api.GetFileUrlRequest(oss_path="nope"), grpc.StatusCode.NOT_FOUND, "NOT_EXIST"),
        (via_envoy.ufs_standalone.GetFileUrl, api.GetFileUrlRequest(oss_path=""), grpc.StatusCode.INVALID_ARGUMENT, "INVALID_PARAMETER"),
        (via_envoy.ufs_share.GetShareFileMeta, api.GetShareFileMetaRequest(file_tag=tag), grpc.StatusCode.FAILED_PRECONDITION, "EXPIRED"),
    ]:
        with pytest.raises(grpc.aio.AioRpcError) as err:
            await call(req, metadata=md)
        assert err.value.code() == code
        info = error_details_pb2.ErrorInfo()
        for detail in status_pb2.Status.FromString(dict(err.value.trailing_metadata())["grpc-status-details-bin"]).details:
            if detail.Is(info.DESCRIPTOR):
                detail.Unpack(info)
        assert info.reason == why
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await via_envoy.ufs_standalone.GetFileUrl(api.GetFileUrlRequest(oss_path="a.txt"), metadata=(("x-ufs-client-id", client_id),))
    assert err.value.code() == grpc.StatusCode.UNAUTHENTICATED


async def test_forbid_overwrite_race_exactly_one_wins(via_envoy, edge):
    _, hdrs, _ = await provision(via_envoy)
    async with httpx.AsyncClient(base_url=f"http://{edge}", timeout=60, limits=httpx.Limits(max_connections=50)) as http:
        replies = await asyncio.gather(*[http.put("/ufs2/standalone/file/race/one.txt", content=f"writer {i}".encode(),
                                                  headers={**hdrs, "x-ufs-forbid-overwrite": "true"}) for i in range(50)])
        codes = sorted(r.status_code for r in replies)
        assert codes.count(200) == 1 and codes.count(409) == 49, codes
        winner = next(r for r in replies if r.status_code == 200).json()["file"]["contentSha256"]
        body = (await http.get("/ufs2/standalone/file/race/one.txt", headers=hdrs)).content
        assert hashlib.sha256(body).hexdigest() == winner


async def test_share_adopt_urls_and_sts_revocation(via_envoy, rest):
    owner, hdrs, _ = await provision(via_envoy)
    other, other_hdrs, _ = await provision(via_envoy)
    tag = rest.put("/ufs2/share/file", files={"file": ("r.pdf", b"%PDF", "application/pdf")},
                   headers={"x-ufs-client-id": owner, "x-ufs-expire-seconds": "60", "x-ufs-meta-kind": "report"}).json()["fileTag"]
    meta = rest.get(f"/ufs2/share/fileMeta/{tag}", headers={"x-ufs-client-id": other})
    assert meta.status_code == 200 and meta.headers["x-ufs-meta-kind"] == "report" and meta.json()["file"]["fileName"] == "r.pdf"
    assert rest.get(f"/ufs2/share/fileUrl/{tag}", headers={"x-ufs-client-id": other, "x-ufs-public-access": "true"}).status_code == 401
    public = rest.get(f"/ufs2/share/fileUrl/{tag}", headers={"x-ufs-client-id": owner, "x-ufs-public-access": "true"}).json()
    assert public["stsToken"] == "" and httpx.get(public["url"]).content == b"%PDF"
    first = rest.patch(f"/ufs2/share/adopt/{tag}", headers={"x-ufs-client-id": other}).json()["file"]
    again = rest.patch(f"/ufs2/share/adopt/{tag}", headers={"x-ufs-client-id": owner}).json()["file"]
    assert first == again and first["adopted"] and first["adopterClientId"] == other and "expireTime" not in first
    assert rest.get(f"/ufs2/share/fileUrl/{tag}", headers={"x-ufs-client-id": other, "x-ufs-public-access": "true"}).status_code == 200
    sts = rest.get(f"/ufs2/share/fileUrl/{tag}", headers={"x-ufs-client-id": other, "x-ufs-expire-seconds": "60"}).json()
    assert rest.get(f"/ufs2/sts/file/{sts['stsToken']}").content == b"%PDF"
    await via_envoy.ufs_admin.RevokeStsToken(api.RevokeStsTokenRequest(sts_token=sts["stsToken"], request_id=f"rv-{tag}"))
    assert rest.get(f"/ufs2/sts/file/{sts['stsToken']}").status_code == 404
    short = rest.get(f"/ufs2/share/fileUrl/{tag}", headers={"x-ufs-client-id": owner, "x-ufs-expire-seconds": "1"}).json()
    await asyncio.sleep(1.5)
    assert rest.get(f"/ufs2/sts/file/{short['stsToken']}").status_code == 410


async def test_isolation_matrix(via_envoy, rest):
    """Client A can never read, list, copy from, copy into, overwrite, delete or share a file of
    B's bucket, whatever alias it names; B's file is untouched afterwards."""
    a, a_hdrs, _ = await provision(via_envoy)
    b, b_hdrs, _ = await provision(via_envoy, buckets=2, prefix="bb")
    assert rest.put("/ufs2/standalone/file/secret.txt", content=b"B", headers=b_hdrs).status_code == 200
    assert rest.put("/ufs2/standalone/file/mine.txt", content=b"A", headers=a_hdrs).status_code == 200
    for alias in ("bb0", "bb1"):
        foreign = {**a_hdrs, "x-ufs-bucket-alias": alias}
        attempts = [
            rest.get("/ufs2/standalone/file/secret.txt", headers=foreign),
            rest.get("/v1/ufs/standalone/files", headers=foreign),
            rest.get("/ufs2/standalone/fileUrl/secret.txt", headers=foreign),
            rest.put("/ufs2/standalone/file/secret.txt", content=b"A!", headers=foreign),
            rest.delete("/v1/ufs/standalone/files/secret.txt", headers=foreign),
            rest.post("/ufs2/standalone/copyFile", headers={**a_hdrs, "x-ufs-from-bucket-alias": alias, "x-ufs-from-oss-path": "secret.txt",
                                                             "x-ufs-to-oss-path": "stolen.txt"}),
            rest.post("/ufs2/standalone/copyFile", headers={**a_hdrs, "x-ufs-from-oss-path": "mine.txt", "x-ufs-to-bucket-alias": alias,
                                                             "x-ufs-to-oss-path": "secret.txt"}),
        ]
        assert [r.status_code for r in attempts] == [401] * len(attempts), [r.text for r in attempts]
    # B's credentials with A's client id, and A's password for B, are refused too.
    assert rest.get("/ufs2/standalone/file/secret.txt", headers={**b_hdrs, "x-ufs-client-id": a}).status_code == 401
    assert rest.get("/ufs2/standalone/file/secret.txt", headers={**a_hdrs, "authorization": basic(b, "wrong-password-x")}).status_code == 401
    assert rest.get("/ufs2/standalone/file/secret.txt", headers=b_hdrs).content == b"B"
    assert rest.get("/ufs2/standalone/file/secret.txt", headers=a_hdrs).status_code == 404


async def test_copy_between_own_buckets(via_envoy, rest):
    _, hdrs, _ = await provision(via_envoy, buckets=2)
    assert rest.put("/ufs2/standalone/file/x/src.txt", content=b"copy me", headers={**hdrs, "x-ufs-encrypt": "true"}).status_code == 200
    r = rest.post("/ufs2/standalone/copyFile", headers={**hdrs, "x-ufs-from-oss-path": "x/src.txt", "x-ufs-to-bucket-alias": "b1",
                                                        "x-ufs-to-oss-path": "y/dst.txt"})
    assert r.status_code == 200 and r.json() == {"ossPath": "y/dst.txt", "bucketAlias": "b1"}
    assert rest.get("/ufs2/standalone/file/y/dst.txt", headers={**hdrs, "x-ufs-bucket-alias": "b1"}).content == b"copy me"
    again = rest.post("/ufs2/standalone/copyFile", headers={**hdrs, "x-ufs-from-oss-path": "x/src.txt", "x-ufs-to-bucket-alias": "b1",
                                                            "x-ufs-to-oss-path": "y/dst.txt", "x-ufs-forbid-overwrite": "true"})
    assert again.status_code == 409


async def test_large_streaming_upload_and_download(via_envoy, edge):
    _, hdrs, _ = await provision(via_envoy)
    size = 24 * 1024 * 1024
    block = os.urandom(1024 * 1024)

    async def body():
        for _ in range(size // len(block)):
            yield block

    async with httpx.AsyncClient(base_url=f"http://{edge}", timeout=120) as http:
        r = await http.put("/ufs2/standalone/file/big/blob.bin", content=body(), headers={**hdrs, "content-type": "application/octet-stream"})
        assert r.status_code == 200, r.text
        digest, total = hashlib.sha256(), 0
        async with http.stream("GET", "/ufs2/standalone/file/big/blob.bin", headers=hdrs) as down:
            assert down.status_code == 200
            async for chunk in down.aiter_bytes():
                digest.update(chunk)
                total += len(chunk)
    assert total == size and digest.hexdigest() == r.json()["file"]["contentSha256"]


async def test_reference_curls_verbatim_with_credentials_allocated_per_application(via_envoy, edge, tmp_path):
    """§3.6 exactly: client id `demo`, Basic credentials of the application `ufs_unittest`."""
    await via_envoy.ufs_admin.CreateClient(api.CreateClientRequest(client_id="demo", auth_user="ufs_unittest", password="ufs_unittest",
                                                                   request_id="c-demo"))
    await via_envoy.ufs_admin.BindBucketAlias(api.BindBucketAliasRequest(client_id="demo", bucket_alias="main", bucket_name="demo-test",
                                                                         request_id="bind-demo"))
    await via_envoy.ufs_admin.SetDefaultBucket(api.SetDefaultBucketRequest(client_id="demo", bucket_alias="main", request_id="def-demo"))
    url = f"http://{edge}/ufs2"
    (tmp_path / "hello.txt").write_text("hello world\n")
    os.chdir(tmp_path)
    auth = "Authorization: Basic dWZzX3VuaXR0ZXN0OnVmc191bml0dGVzdA=="
    put = curl("--request", "PUT", f"{url}/standalone/file/demo/helloworld.txt", "--header", "x-ufs-client-id: demo",
               "--header", auth, "--form", "file=@./hello.txt")
    assert "HTTP/1.1 200" in put.stdout, put.stdout
    get = curl("--request", "GET", f"{url}/standalone/file/demo/helloworld.txt", "--header", "x-ufs-client-id: demo", "--header", auth)
    assert "HTTP/1.1 200" in get.stdout and get.stdout.endswith("hello world\n"), get.stdout
    assert 'filename="helloworld.txt"' in get.stdout
    wrong = curl("--request", "GET", f"{url}/standalone/file/demo/helloworld.txt", "--header", "x-ufs-client-id: demo",
                 "--header", "Authorization: Basic " + base64.b64encode(b"demo:ufs_unittest").decode())
    assert "HTTP/1.1 401" in wrong.stdout


async def test_rest_downloads_bypass_transcoding_and_match_grpc(via_envoy, edge):
    """REST GETs of file bytes are served by UFS's plain HTTP endpoint (Content-Length, no chunked
    HttpBody); gRPC callers still stream DownloadFile. Same bytes, same headers, same checks."""
    _, hdrs, _ = await provision(via_envoy)
    data = os.urandom(3 * 1024 * 1024 + 17)
    async with httpx.AsyncClient(base_url=f"http://{edge}", timeout=60) as http:
        put = await http.put("/ufs2/standalone/file/both/x.bin", content=data,
                             headers={**hdrs, "content-type": "application/x-both", "x-ufs-meta-kind": "k"})
        assert put.status_code == 200, put.text
        rest = await http.get("/ufs2/standalone/file/both/x.bin", headers=hdrs)
        assert rest.status_code == 200 and rest.content == data
        assert rest.headers["content-length"] == str(len(data)) and "transfer-encoding" not in rest.headers
        part = await http.get("/ufs2/standalone/file/both/x.bin", headers={**hdrs, "range": "bytes=-5"})
        assert part.status_code == 206 and part.content == data[-5:] and part.headers["content-range"].endswith(f"/{len(data)}")
    call = via_envoy.ufs_standalone.DownloadFile(api.DownloadFileRequest(oss_path="both/x.bin"), metadata=tuple(hdrs.items()))
    got, content_type = b"", ""
    async for message in call:
        got += message.data
        content_type = content_type or message.content_type
    initial = dict(await call.initial_metadata())
    assert got == data and content_type == rest.headers["content-type"] == "application/x-both"
    for name in ("content-disposition", "accept-ranges", "x-ufs-meta-kind"):
        assert initial[name] == rest.headers[name]


async def test_upload_request_id_once_over_grpc_and_rest(via_envoy, edge):
    """AIP-155 on uploads: a retried upload (same request_id, same bytes) returns the first
    result, over gRPC (client stream) and REST (?request_id=); other bytes are CONFLICT."""
    from google.api import httpbody_pb2

    _, hdrs, _ = await provision(via_envoy)

    def stream(data: bytes, request_id: str):
        async def messages():
            yield api.UploadFileRequest(oss_path="once/g.bin", request_id=request_id,
                                        body=httpbody_pb2.HttpBody(content_type="application/octet-stream", data=data[:5]))
            yield api.UploadFileRequest(body=httpbody_pb2.HttpBody(data=data[5:]))
        return messages()

    md = tuple(hdrs.items())
    first = await via_envoy.ufs_standalone.UploadFile(stream(b"grpc bytes", "g-1"), metadata=md)
    again = await via_envoy.ufs_standalone.UploadFile(stream(b"grpc bytes", "g-1"), metadata=md)
    assert first == again and first.file.size_bytes == 10
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await via_envoy.ufs_standalone.UploadFile(stream(b"other bytes", "g-1"), metadata=md)
    assert err.value.code() == grpc.StatusCode.ALREADY_EXISTS
    async with httpx.AsyncClient(base_url=f"http://{edge}", timeout=60) as http:
        one = await http.put("/ufs2/standalone/file/once/r.bin?request_id=r-1", content=b"rest", headers=hdrs)
        two = await http.put("/ufs2/standalone/file/once/r.bin?request_id=r-1", content=b"rest", headers=hdrs)
        assert one.status_code == two.status_code == 200 and one.json() == two.json()
        assert (await http.get("/ufs2/standalone/file/once/g.bin", headers=hdrs)).content == b"grpc bytes"
