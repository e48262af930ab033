"""UES on real PostgreSQL and Redis, served in-process over gRPC: key rotation, the rewrap job
(only wrapped keys change), retirement (blocks decryption, drops cache entries), audit, and
a scan of every stored row, Redis value and log line for known plaintexts."""
from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import re

import asyncpg
import grpc
import pytest

from clients.channel import error_reason, open_channel
from paymesh.ues.v1 import ues_pb2 as pb, ues_service_pb2 as api, ues_service_pb2_grpc as rpc
from servers.kernel.server import serve
from servers.ues.bootstrap import build
from servers.ues.keys import Purpose, provision
from servers.ues.settings import Settings

CARDS = [f"41111111111{i:05d}" for i in range(30)]


@contextlib.asynccontextmanager
async def running(infra, unique, tmp_path, **overrides):
    overrides.setdefault("db_schema", unique("ues"))
    settings = dataclasses.replace(Settings.from_env("ues", infra), port=0, key_file=str(tmp_path / "keys.json"),
                                   registry_refresh_seconds=0.3, log_level="INFO", otlp_endpoint="", **overrides)
    ready, stop = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(serve(settings, build, ready, stop))
    waiter = asyncio.create_task(ready.wait())
    await asyncio.wait([waiter, task], timeout=60, return_when=asyncio.FIRST_COMPLETED)
    if task.done():
        task.result()  # raises the start-up error
    channel = open_channel(f"127.0.0.1:{ready.port}", traced=False)
    try:
        yield rpc.UesServiceStub(channel), rpc.UesAdminServiceStub(channel), settings, tmp_path / "keys.json"
    finally:
        await channel.close()
        stop.set()
        await task


@pytest.fixture
async def ues(infra, unique, tmp_path):
    async with running(infra, unique, tmp_path) as parts:
        yield parts


async def test_rsa_cert_serial_no_model(infra, unique, tmp_path):
    async with running(infra, unique, tmp_path, wrap_purpose="rsa") as (svc, admin, settings, key_file):
        ticket = (await svc.Encrypt(api.EncryptRequest(plain_data="4111111111111111", data_type="card_no"))).data.string_value
        meta = (await svc.GetTicket(api.GetTicketRequest(ticket=ticket))).ticket
        assert meta.key_id == "cert-0001"
        keys = {k.key_id: k for k in (await admin.ListKeyVersions(api.ListKeyVersionsRequest())).key_versions}
        assert keys["cert-0001"].algorithm == "RSA-3072-OAEP-SHA256" and "BEGIN PUBLIC KEY" in keys["cert-0001"].public_key_pem
        assert (await svc.Decrypt(api.DecryptRequest(ticket=ticket))).data.string_value == "4111111111111111"
        provision(key_file, Purpose.RSA, "cert-0002")
        await admin.RotateKey(api.RotateKeyRequest(purpose=pb.KEY_PURPOSE_RSA, key_id="cert-0002", request_id=unique("r")))
        await admin.RetireKeyVersion(api.RetireKeyVersionRequest(key_id="cert-0001", request_id=unique("x")))
        reply = await svc.Decrypt(api.DecryptRequest(ticket=ticket))
        assert (reply.success, reply.message.string_value) == (False, "Invalid certification certSerialNo")


async def pg(settings):
    conn = await asyncpg.connect(settings.database_url.reveal().replace("+asyncpg", ""))
    await conn.execute(f'SET search_path TO "{settings.db_schema}"')
    return conn


async def until(check, timeout_s=20.0):
    for _ in range(int(timeout_s / 0.1)):
        result = await check()
        if result:
            return result
        await asyncio.sleep(0.1)
    raise AssertionError("condition not reached")


async def test_rotation_rewrap_and_retire(ues, unique):
    svc, admin, settings, key_file = ues
    items = [pb.EncryptItem(plain_data=c, data_type="card_no") for c in CARDS]
    old = [v.string_value for v in (await svc.BatchEncrypt(api.BatchEncryptRequest(items=items))).data.values]
    db = await pg(settings)
    before = {r["ticket"]: (bytes(r["ciphertext"]), bytes(r["wrapped_key"])) for r in await db.fetch("SELECT * FROM tickets")}
    assert {r["key_id"] for r in await db.fetch("SELECT key_id FROM tickets")} == {"kek-v1"}

    with pytest.raises(grpc.aio.AioRpcError) as missing:
        await admin.RotateKey(api.RotateKeyRequest(purpose=pb.KEY_PURPOSE_RECORD_WRAPPING, key_id="kek-v2", request_id=unique("r")))
    assert missing.value.code() == grpc.StatusCode.NOT_FOUND
    provision(key_file, Purpose.RECORD_WRAPPING, "kek-v2")
    rotated = await admin.RotateKey(api.RotateKeyRequest(purpose=pb.KEY_PURPOSE_RECORD_WRAPPING, key_id="kek-v2", request_id=unique("r")))
    assert (rotated.key_version.version, rotated.key_version.state) == (2, pb.KEY_STATE_ACTIVE)
    assert rotated.previous_key_version.state == pb.KEY_STATE_DECRYPT_ONLY

    new = (await svc.SaveData(api.SaveDataRequest(plain_data="5500000000000004", data_type="card_no", request_id=unique("s")))).ticket
    assert new.key_id == "kek-v2"
    decrypted = await svc.BatchDecrypt(api.BatchDecryptRequest(tickets=old + [new.ticket]))
    assert dict(decrypted.data) == {**dict(zip(old, CARDS)), new.ticket: "5500000000000004"}

    job = (await admin.StartRewrapJob(api.StartRewrapJobRequest(purpose=pb.KEY_PURPOSE_RECORD_WRAPPING, batch_size=7,
                                                                request_id=unique("j")))).job
    assert (job.total_records, job.target_key_id, list(job.from_key_ids)) == (30, "kek-v2", ["kek-v1"])

    async def finished():
        got = (await admin.GetRewrapJob(api.GetRewrapJobRequest(job_id=job.job_id))).job
        return got if got.state == pb.REWRAP_JOB_STATE_SUCCEEDED else None
    done = await until(finished)
    assert (done.done_records, done.failed_records) == (30, 0)
    after = {r["ticket"]: (bytes(r["ciphertext"]), bytes(r["wrapped_key"]), r["key_id"]) for r in await db.fetch("SELECT * FROM tickets")}
    for ticket in old:  # only the wrapped key moved
        assert after[ticket][0] == before[ticket][0] and after[ticket][1] != before[ticket][1] and after[ticket][2] == "kek-v2"

    await admin.RetireKeyVersion(api.RetireKeyVersionRequest(key_id="kek-v1", request_id=unique("x")))
    assert dict((await svc.BatchDecrypt(api.BatchDecryptRequest(tickets=old))).data) == dict(zip(old, CARDS))

    # A version retired without rewrap: its tickets (and their cache entries) stop decrypting.
    provision(key_file, Purpose.RECORD_WRAPPING, "kek-v3")
    await admin.RotateKey(api.RotateKeyRequest(purpose=pb.KEY_PURPOSE_RECORD_WRAPPING, key_id="kek-v3", request_id=unique("r")))
    assert (await svc.DecryptWithCache(api.DecryptWithCacheRequest(ticket=old[0]))).success
    with pytest.raises(grpc.aio.AioRpcError) as active:
        await admin.RetireKeyVersion(api.RetireKeyVersionRequest(key_id="kek-v3", request_id=unique("x")))
    assert error_reason(active.value) == "KEY_ACTIVE"
    import redis.asyncio as aioredis
    client = aioredis.Redis.from_url(settings.redis_url.reveal())
    cached = f"{settings.db_schema}:pc:{old[0]}"
    assert await client.exists(cached) and await client.sismember(f"{settings.db_schema}:pcidx:kek-v2", old[0])
    await admin.RetireKeyVersion(api.RetireKeyVersionRequest(key_id="kek-v2", request_id=unique("x")))
    assert not await client.exists(cached)  # dropped by the retirement itself, not just unreadable
    await client.aclose()
    for call in (svc.Decrypt(api.DecryptRequest(ticket=old[0])), svc.DecryptWithCache(api.DecryptWithCacheRequest(ticket=old[0]))):
        reply = await call
        assert (reply.success, reply.message.string_value) == (False, "Invalid certification certSerialNo")
    keys = {k.key_id: k.state for k in (await admin.ListKeyVersions(api.ListKeyVersionsRequest())).key_versions}
    assert keys["kek-v1"] == keys["kek-v2"] == pb.KEY_STATE_RETIRED and keys["kek-v3"] == pb.KEY_STATE_ACTIVE
    await db.close()


async def test_rewrap_reports_progress_pauses_on_error_and_resumes_from_its_checkpoint(infra, unique, tmp_path, monkeypatch):
    """A failing batch pauses the job with its progress and checkpoint; ResumeRewrapJob continues
    from there. A job interrupted by a shutdown is picked up again by the next start."""
    from servers.ues.adapters import SqlVault

    schema = unique("ues")
    real_save = SqlVault.save_rewrapped
    calls = {"n": 0}
    hold = asyncio.Event()

    async def third_batch_fails(self, old_key_ids, records):
        calls["n"] += 1
        if calls["n"] == 3:
            raise ConnectionError("database went away")
        return await real_save(self, old_key_ids, records)

    monkeypatch.setattr(SqlVault, "save_rewrapped", third_batch_fails)
    async with running(infra, unique, tmp_path, db_schema=schema) as (svc, admin, settings, key_file):
        items = [pb.EncryptItem(plain_data=c, data_type="card_no") for c in CARDS]
        tickets = [v.string_value for v in (await svc.BatchEncrypt(api.BatchEncryptRequest(items=items))).data.values]
        provision(key_file, Purpose.RECORD_WRAPPING, "kek-v2")
        await admin.RotateKey(api.RotateKeyRequest(purpose=pb.KEY_PURPOSE_RECORD_WRAPPING, key_id="kek-v2", request_id=unique("r")))
        job = (await admin.StartRewrapJob(api.StartRewrapJobRequest(purpose=pb.KEY_PURPOSE_RECORD_WRAPPING, batch_size=7,
                                                                    request_id=unique("j")))).job

        async def state(wanted):
            got = (await admin.GetRewrapJob(api.GetRewrapJobRequest(job_id=job.job_id))).job
            return got if got.state == wanted else None
        paused = await until(lambda: state(pb.REWRAP_JOB_STATE_PAUSED))
        assert (paused.total_records, paused.done_records, paused.error_message) == (30, 14, "ConnectionError")
        assert paused.checkpoint == sorted(tickets)[13]
        db = await pg(settings)
        keys = [r["key_id"] for r in await db.fetch("SELECT key_id FROM tickets ORDER BY ticket")]
        assert keys == ["kek-v2"] * 14 + ["kek-v1"] * 16
        assert dict((await svc.BatchDecrypt(api.BatchDecryptRequest(tickets=tickets))).data) == dict(zip(tickets, CARDS))

        async def fifth_batch_hangs(self, old_key_ids, records):  # until a shutdown interrupts the job
            calls["n"] += 1
            if calls["n"] == 5:
                await hold.wait()
            return await real_save(self, old_key_ids, records)

        monkeypatch.setattr(SqlVault, "save_rewrapped", fifth_batch_hangs)
        await admin.ResumeRewrapJob(api.ResumeRewrapJobRequest(job_id=job.job_id, request_id=unique("q")))
        await until(lambda: db.fetchval("SELECT done_records = 21 FROM rewrap_jobs"))
        with pytest.raises(grpc.aio.AioRpcError) as running_job:
            await admin.ResumeRewrapJob(api.ResumeRewrapJobRequest(job_id=job.job_id, request_id=unique("q")))
        assert error_reason(running_job.value) == "REWRAP_JOB_NOT_PAUSED", (running_job.value.code(), running_job.value.details())
    monkeypatch.setattr(SqlVault, "save_rewrapped", real_save)
    async with running(infra, unique, tmp_path, db_schema=schema) as (svc, admin, settings, key_file):
        done = await until(lambda: state(pb.REWRAP_JOB_STATE_SUCCEEDED))
        assert (done.done_records, done.failed_records) == (30, 0)
        assert {r["key_id"] for r in await db.fetch("SELECT key_id FROM tickets")} == {"kek-v2"}
        assert dict((await svc.BatchDecrypt(api.BatchDecryptRequest(tickets=tickets))).data) == dict(zip(tickets, CARDS))
    await db.close()


async def test_audit_and_no_plaintext_at_rest(ues, unique, caplog, infra):
    svc, admin, settings, _ = ues
    caplog.set_level(logging.DEBUG)
    secrets = {"card": "4929000000006781", "mobile": "+8613912345678", "email": "zelda.secret@example.org", "cvv": "739",
               "iban": "GB33BUKB20201555555555", "name": "Quetzalcoatl Xylophone"}
    md = (("x-ues-client-id", "trade"), ("x-context-id", "ctx_scan_1"))
    digest = await svc.SaveData(api.SaveDataRequest(plain_data=secrets["card"], data_type="card_no",
                                                   type=pb.TICKET_TYPE_PERSISTENT_WITH_DIGEST, request_id=unique("s")), metadata=md)
    cached = await svc.EncryptWithCache(api.EncryptWithCacheRequest(plain_data=secrets["mobile"], data_type="mobile_no",
                                                                    request_id=unique("e")), metadata=md)
    temp = await svc.SaveData(api.SaveDataRequest(plain_data=secrets["email"], data_type="email", type=pb.TICKET_TYPE_TEMPORARY,
                                                 ttl_seconds=60, request_id=unique("s")), metadata=md)
    cvv = await svc.Encrypt(api.EncryptRequest(plain_data=secrets["cvv"], data_type="cvv2"), metadata=md)
    batch = await svc.SaveDatas(api.SaveDatasRequest(items=[
        api.SaveDataItem(plain_data=secrets["iban"], data_type="iban"), api.SaveDataItem(plain_data=secrets["name"], data_type="name"),
        api.SaveDataItem(plain_data="not-an-iban!"[:3], data_type="iban")], request_id=unique("b")), metadata=md)
    assert cvv.data.string_value.startswith("C") and batch.results[2].error.code == 3
    found = await svc.QueryTicket(api.QueryTicketRequest(plain_data="4929 0000 0000 6781", data_type="card_no"), metadata=md)
    assert found.ticket.ticket == digest.ticket.ticket
    assert (await svc.DecryptWithCache(api.DecryptWithCacheRequest(ticket=cached.data.string_value), metadata=md)).success
    assert (await svc.GetData(api.GetDataRequest(ticket=temp.ticket.ticket), metadata=md)).plain_data == secrets["email"]
    masked = await svc.GetMaskedData(api.GetMaskedDataRequest(ticket=digest.ticket.ticket), metadata=md)
    assert masked.masked_data == "492900******6781"
    assert (await svc.Decrypt(api.DecryptRequest(ticket=cvv.data.string_value), metadata=md)).data.string_value == "739"
    assert (await svc.Decrypt(api.DecryptRequest(ticket=cvv.data.string_value), metadata=md)).message.string_value == \
        "ticket not exist in database."

    audit = (await admin.ListAuditRecords(api.ListAuditRecordsRequest(context_id="ctx_scan_1"))).records
    decrypts = [a for a in audit if a.action == pb.AUDIT_ACTION_DECRYPT]
    assert len(decrypts) == 4 and all(a.client_id == "trade" for a in decrypts)
    assert [a.allowed for a in decrypts if a.ticket == cvv.data.string_value] == [False, True]

    db = await pg(settings)
    dump = []
    for table in ("tickets", "audit_records", "idempotency_keys", "key_versions", "rewrap_jobs", "outbox"):
        dump += [str(dict(r)) for r in await db.fetch(f"SELECT * FROM {table}")]
    await db.close()
    import redis.asyncio as aioredis
    client = aioredis.Redis.from_url(settings.redis_url.reveal())
    async for key in client.scan_iter(f"{settings.db_schema}:*"):
        if (await client.type(key)) == b"string":
            dump.append(repr(await client.get(key)))
    await client.aclose()
    dump += [r.getMessage() + repr(r.__dict__) for r in caplog.records]
    haystack = "\n".join(dump)
    assert len(dump) > 10
    for name, value in secrets.items():
        for form in {value, value.replace(" ", ""), value.lower()}:
            # Bounded by non-number characters too: a 3-digit CVV must not "match" inside 12.739 ms or :7391.
            assert not re.search(rf"(?<![0-9A-Za-z.:\-]){re.escape(form)}(?![0-9A-Za-z.])", haystack), f"{name} found at rest"


async def test_kernel_tokenization_against_real_ues(ues):
    from paymesh.trade.v1 import trade_service_pb2 as trade
    from servers.kernel.errors import InvalidArgument
    from servers.kernel.tokenization import tokenize

    svc, admin, _, _ = ues
    request = trade.AddCardRequest(member_id="m1", request_id="r1", card_no="4111111111111111", holder_name="Ada Lovelace", cvv2="123")
    assert await tokenize(svc, "trade", request) == 3
    assert request.card_no.startswith("P") and request.holder_name.startswith("P") and request.cvv2.startswith("C")
    plain = await svc.GetDatas(api.GetDatasRequest(tickets=[request.card_no, request.holder_name, request.cvv2]),
                               metadata=(("x-ues-client-id", "channel"),))
    assert dict(plain.plain_data_by_ticket) == {request.card_no: "4111111111111111", request.holder_name: "Ada Lovelace",
                                                request.cvv2: "123"}
    bad = trade.AddCardRequest(member_id="m1", request_id="r2", card_no="4", cvv2="123456789")
    with pytest.raises(InvalidArgument) as err:
        await tokenize(svc, "trade", bad)
    assert {v.field for v in err.value.violations} == {"card_no", "cvv2"}
    assert all("123456789" not in v.description for v in err.value.violations)


async def test_group_commit_audits_every_concurrent_decrypt(infra, unique, tmp_path):
    """Concurrent decrypts share audit transactions (servers/ues/audit.py) on real PostgreSQL:
    every read has its committed row when it answers, and a single-use ticket still has one winner."""
    async with running(infra, unique, tmp_path) as (svc, _admin, settings, _):
        ctx = unique("ctx")
        md = (("x-ues-client-id", "trade"), ("x-context-id", ctx))
        items = [pb.EncryptItem(plain_data=c, data_type="card_no") for c in CARDS]
        tickets = [v.string_value for v in (await svc.BatchEncrypt(api.BatchEncryptRequest(items=items), metadata=md)).data.values]
        replies = await asyncio.gather(*(svc.Decrypt(api.DecryptRequest(ticket=t), metadata=md) for t in tickets * 2))
        assert [r.data.string_value for r in replies] == CARDS * 2
        cvv = (await svc.Encrypt(api.EncryptRequest(plain_data="123", data_type="cvv2"), metadata=md)).data.string_value
        cvv_replies = await asyncio.gather(*(svc.Decrypt(api.DecryptRequest(ticket=cvv), metadata=md) for _ in range(20)))
        assert sum(r.success for r in cvv_replies) == 1
        conn = await pg(settings)
        try:
            rows = await conn.fetch("SELECT ticket, allowed FROM audit_records WHERE context_id = $1 AND action = 1", ctx)
        finally:
            await conn.close()
        assert sorted(r["ticket"] for r in rows if r["ticket"] != cvv) == sorted(tickets * 2)
        assert [r["allowed"] for r in rows if r["ticket"] == cvv].count(True) == 1 and len([r for r in rows if r["ticket"] == cvv]) == 20
