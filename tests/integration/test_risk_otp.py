"""One-time codes on real Redis + PostgreSQL: SendOtp delivers a code through the sender (the dev
inbox here), only its keyed hash is stored, Verify takes it once, wrong codes use up attempts, and
resends are idempotent per request id, spaced and limited."""
from __future__ import annotations

import pytest

from paymesh.risk.v1 import risk_pb2 as pb, risk_service_pb2 as api
from servers.kernel.errors import FailedPrecondition, ResourceExhausted, Unauthenticated
from servers.risk.otp import FileOtpSender, Otps, read_inbox
from tests.integration.test_risk_postgres import payment, rule  # noqa: F401 — `parts` is a fixture
from tests.integration.test_risk_postgres import parts  # noqa: F401

EUR = {"currency_code": "EUR", "amount_minor": 9_000}


@pytest.fixture
def otp_risk(parts, tmp_path):  # noqa: F811
    parts.risk.otps, parts.risk.otp_sender = Otps(parts.redis, parts.risk.key), FileOtpSender(tmp_path / "inbox.jsonl")
    return parts, tmp_path / "inbox.jsonl"


async def _challenge(parts, unique) -> pb.Challenge:
    merchant = unique("mch")
    await rule(parts, unique, action=pb.RULE_ACTION_CHALLENGE, challenge_type=pb.CHALLENGE_TYPE_OTP,
               single_transaction_limit={"max_amount": {"currency_code": "EUR", "amount_minor": 5_000}},
               scope={"merchant_ids": [merchant]})
    reply = await parts.risk.assess(api.AssessRequest(payment=payment(unique("ord"), 9_000, merchant=merchant), request_id=unique("as")))
    assert reply.decision.decision == pb.DECISION_CHALLENGE
    assert pb.CHALLENGE_TYPE_OTP in reply.decision.challenge.allowed_types
    return reply.decision.challenge


async def test_a_sent_code_passes_the_challenge_once_and_is_never_stored_in_clear(otp_risk, unique):
    parts, inbox = otp_risk
    ch = await _challenge(parts, unique)
    with pytest.raises(FailedPrecondition) as err:  # nothing sent yet
        await parts.risk.verify(api.VerifyRequest(challenge_id=ch.challenge_id, otp_code="123456", request_id=unique("v")))
    assert err.value.reason == "OTP_NOT_SENT"
    sent = await parts.risk.send_otp(api.SendOtpRequest(challenge_id=ch.challenge_id, request_id=unique("s")))
    assert sent.sends_remaining == parts.risk.s.otp_sends_max - 1
    code = read_inbox(inbox, ch.challenge_id)
    assert code and len(code) == 6 and code.isdigit() and oct(inbox.stat().st_mode & 0o777) == "0o600"
    stored = await parts.redis.client.hgetall(parts.redis.key("otp", ch.challenge_id))
    assert code.encode() not in b"".join(k + v for k, v in stored.items())  # only its keyed hash
    wrong = "000000" if code != "000000" else "111111"
    with pytest.raises(Unauthenticated) as bad:
        await parts.risk.verify(api.VerifyRequest(challenge_id=ch.challenge_id, otp_code=wrong, request_id=unique("v")))
    assert bad.value.metadata["attempts_remaining"] == str(parts.risk.s.challenge_attempts - 1)
    passed = await parts.risk.verify(api.VerifyRequest(challenge_id=ch.challenge_id, otp_code=code, request_id=unique("v")))
    assert passed.risk_ticket.ticket and passed.risk_ticket.verification == pb.CHALLENGE_TYPE_OTP
    with pytest.raises(FailedPrecondition):  # the challenge is passed: the code is spent
        await parts.risk.verify(api.VerifyRequest(challenge_id=ch.challenge_id, otp_code=code, request_id=unique("v")))


async def test_resends_are_idempotent_spaced_and_limited(otp_risk, unique, monkeypatch):
    parts, inbox = otp_risk
    ch = await _challenge(parts, unique)
    first = unique("s")
    await parts.risk.send_otp(api.SendOtpRequest(challenge_id=ch.challenge_id, request_id=first))
    code = read_inbox(inbox, ch.challenge_id)
    again = await parts.risk.send_otp(api.SendOtpRequest(challenge_id=ch.challenge_id, request_id=first))
    assert again.sends_remaining == parts.risk.s.otp_sends_max - 1 and len(inbox.read_text().splitlines()) == 1  # nothing new
    with pytest.raises(ResourceExhausted) as soon:
        await parts.risk.send_otp(api.SendOtpRequest(challenge_id=ch.challenge_id, request_id=unique("s")))
    assert soon.value.reason == "OTP_RESEND_TOO_SOON" and 0 < int(soon.value.metadata["retry_after_seconds"]) <= 30
    monkeypatch.setattr(parts.risk, "s", parts.risk.s.__class__(**{**vars(parts.risk.s), "otp_resend_seconds": 0}))
    await parts.risk.send_otp(api.SendOtpRequest(challenge_id=ch.challenge_id, request_id=unique("s")))
    newer = read_inbox(inbox, ch.challenge_id)
    await parts.risk.send_otp(api.SendOtpRequest(challenge_id=ch.challenge_id, request_id=unique("s")))
    with pytest.raises(ResourceExhausted) as limit:
        await parts.risk.send_otp(api.SendOtpRequest(challenge_id=ch.challenge_id, request_id=unique("s")))
    assert limit.value.reason == "OTP_SEND_LIMIT"
    latest = read_inbox(inbox, ch.challenge_id)
    if code not in (newer, latest):  # a replaced code no longer works (unless the dice repeated it)
        with pytest.raises(Unauthenticated):
            await parts.risk.verify(api.VerifyRequest(challenge_id=ch.challenge_id, otp_code=code, request_id=unique("v")))
    assert (await parts.risk.verify(api.VerifyRequest(challenge_id=ch.challenge_id, otp_code=latest, request_id=unique("v")))).risk_ticket.ticket
