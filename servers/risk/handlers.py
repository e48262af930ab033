"""Risk use cases: Assess (rules × counters × lists × ratings → recorded decision), the
cashier's verification requirements, Verify (challenge → ticket), and ticket redemption.

Tickets are `rt1.<ticket id>.<HMAC>` where the HMAC covers id, order, amount, member and
expiry, and the ticket row is single-use (CAS ISSUED → REDEEMED). Counters are Redis, counted
once per request id (a Lua marker), and taken back out when the decision is REJECT.
"""
from __future__ import annotations

import asyncio
import base64
import datetime as dt
import hashlib
import hmac
import ipaddress
from pathlib import Path


from paymesh.risk.v1 import risk_pb2 as pb, risk_service_pb2 as api
from servers.kernel import idempotency
from servers.kernel.context import current_context_id
from servers.kernel.db import Database
from servers.kernel.ids import new_id
from servers.kernel.keyfiles import load_or_create_key
from servers.risk import domain, errors, otp
from servers.risk.adapters import GrpcPasswords, RedisCounters
from servers.risk.hotpath import AssessStore, DecisionWriter
from servers.risk.otp import Otps, OtpSender
from servers.risk.settings import Settings
from servers.risk.snapshot import RuleSnapshot
from servers.risk.store import RiskStore
from servers.kernel.timestamps import to_timestamp as _ts


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


_EPOCH, _US = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc), dt.timedelta(microseconds=1)


def _us(t: dt.datetime) -> int:
    return (t - _EPOCH) // _US


def _from_us(us: str) -> dt.datetime:
    return _EPOCH + int(us) * _US


def rating_cached(level: int, update_time: dt.datetime | None) -> tuple[int, str]:
    """A rating as cached: versioned by its row's update time (0 and level 0 when the subject has no row)."""
    return (_us(update_time) if update_time else 0), str(level)


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
        return True
    except ValueError:
        return False


async def _challenge(store: RiskStore, challenge_id: str):
    """A challenge with its decision; NOT_FOUND when there is no such challenge."""
    ch = await store.challenge(challenge_id)
    if ch is None:
        raise errors.not_found("challenge", challenge_id)
    d = await store.decision(ch.decision_id)
    assert d is not None, "a challenge without its decision"
    return ch, d


class Risk:
    def __init__(self, db: Database, counters: RedisCounters, passwords: GrpcPasswords, settings: Settings,
                 snapshot: RuleSnapshot | None = None, records=None, otps: Otps | None = None, otp_sender: OtpSender | None = None):
        self.db, self.counters, self.passwords, self.s = db, counters, passwords, settings
        self.key = load_or_create_key(settings.ticket_key.reveal(), Path(settings.home) / "risk" / "ticket.key")
        self.otps, self.otp_sender = otps, otp_sender
        self.snapshot = snapshot or RuleSnapshot(db)
        self.hot = AssessStore(db, records)
        self.writer = DecisionWriter(self.hot, settings.record_inflight_max, settings.record_group_max, settings.record_queue_max)

    async def _facts(self, p: pb.PaymentContext, methods: list[int], rules, dims, now: dt.datetime,
                     request_id: str | None) -> tuple[list[domain.Facts], list[tuple[str, int]]]:
        """The payment's facts for each payment method: one Redis script counts the payment and reads the cached
        first-seen times and ratings. PostgreSQL is read only for list lookups (concurrently) and cache misses."""
        scoped = [r for r in rules if any(domain.in_scope(r.spec, p, m) for m in methods)]
        lookups = {(r.spec.list_match.list_id, domain.dimension_value(p, dims.get(r.spec.list_match.list_id, 0)))
                   for r in scoped if r.kind == "list_match"}
        seen = [(kind, value) for kind, value, given in (("member", p.member_id, p.HasField("member_create_time")),
                                                          ("card", p.card_digest, p.HasField("card_bind_time"))) if value and not given]
        rated = ([(pb.SUBJECT_TYPE_MEMBER, p.member_id)] if p.member_id else []) + [(pb.SUBJECT_TYPE_MERCHANT, p.merchant_id)]
        counting = {r.rule_id: k for r, k in ((r, domain.counter_key(r, p, now)) for r in scoped) if k is not None}
        keys = list(dict.fromkeys(counting.values()))
        fact_keys = [self.counters.fact_key("seen", k, v) for k, v in seen] + [self.counters.fact_key("rating", str(t), s) for t, s in rated]
        counted = self.counters.lookup(request_id, keys, p.amount.amount_minor, int(now.timestamp() * 1000), fact_keys)
        listed = [(lid, v, dims.get(lid) == pb.DIMENSION_IP and _is_ip(v)) for lid, v in sorted(lookups) if v]
        if listed:
            (values, cached), (_, _, hits) = await asyncio.gather(counted, self.hot.facts([], [], listed, now))
        else:
            (values, cached), hits = await counted, {}
        first = {kind: _from_us(c[1]) for (kind, _), c in zip(seen, cached) if c}
        levels = {t: int(c[1]) for (t, _), c in zip(rated, cached[len(seen):]) if c}
        missed_seen = [s for s, c in zip(seen, cached) if not c]
        missed_rated = [r for r, c in zip(rated, cached[len(seen):]) if not c]
        if missed_seen or missed_rated:  # first sight of a subject (recorded now) or an expired cache entry
            got_first, got_levels, _ = await self.hot.facts(missed_seen, missed_rated, [], now)
            fill = {self.counters.fact_key("rating", str(t), s): (*rating_cached(*got_levels.get(t, (0, None))), self.s.rating_cache_seconds)
                    for t, s in missed_rated}
            for kind, value in missed_seen:
                if got_first.get(kind) is not None:
                    first[kind] = got_first[kind]
                    us = _us(got_first[kind])
                    fill[self.counters.fact_key("seen", kind, value)] = (us, str(us), self.s.seen_cache_seconds)
            await self.counters.fill(fill)
            levels.update({t: level for t, (level, _) in got_levels.items()})
        by_key = dict(zip(keys, values))
        facts = domain.Facts(now=now, counters={rule_id: by_key[k] for rule_id, k in counting.items()}, list_hits=hits)
        facts.member_first_seen = p.member_create_time.ToDatetime(dt.timezone.utc) if p.HasField("member_create_time") else first.get("member")
        facts.card_first_seen = p.card_bind_time.ToDatetime(dt.timezone.utc) if p.HasField("card_bind_time") else first.get("card")
        if p.member_id:
            facts.member_rating = levels.get(pb.SUBJECT_TYPE_MEMBER) or pb.RATING_LEVEL_MEDIUM
        facts.merchant_rating = levels.get(pb.SUBJECT_TYPE_MERCHANT) or pb.RATING_LEVEL_MEDIUM
        return [facts for _ in methods], keys  # rules check their own scope: facts of rules out of a method's scope are unused

    async def refresh_ratings(self, subjects: list[tuple[int, str]]) -> None:
        """Puts the committed levels of the subjects into the cache Assess reads (a newer cached version stays)."""
        async with self.db.transaction() as conn:
            got = await RiskStore(conn).rating_levels(subjects)
        await self.counters.fill({self.counters.fact_key("rating", str(t), s): (*rating_cached(*got.get((t, s), (0, None))),
                                                                                self.s.rating_cache_seconds) for t, s in subjects})

    # Assess ----------------------------------------------------------------------------------
    async def assess(self, request: api.AssessRequest) -> api.AssessResponse:
        """Rules from the in-process snapshot; facts in one SQL read + one Redis script; the decision, its
        challenge or ticket and the idempotency key written in one statement (see hotpath)."""
        now, p = _now(), request.payment
        version, rules, dims = await self.snapshot.get()
        (facts,), keys = await self._facts(p, [p.payment_method], rules, dims, now, request.request_id)
        v = domain.evaluate(rules, p, p.payment_method, facts, self.s.review_score, self.s.reject_score)
        d = pb.RiskDecision(decision_id=new_id("rdc"), payment=p, decision=v.decision, score=v.score, matched_rules=v.matched,
                            rule_set_version=version, member_rating=facts.member_rating, merchant_rating=facts.merchant_rating,
                            context_id=current_context_id(), create_time=_ts(now))
        if v.decision == pb.DECISION_CHALLENGE:
            d.challenge.CopyFrom(pb.Challenge(challenge_id=new_id("chl"), allowed_types=v.challenge_types,
                                              state=pb.CHALLENGE_STATE_PENDING, attempts_remaining=self.s.challenge_attempts,
                                              expire_time=_ts(now + dt.timedelta(seconds=self.s.challenge_ttl_seconds))))
        reply = api.AssessResponse(decision=d)
        if v.decision == pb.DECISION_ACCEPT:
            reply.risk_ticket.CopyFrom(self._ticket(d, pb.CHALLENGE_TYPE_UNSPECIFIED, now))
        first = await self.writer.record(request.request_id, idempotency.request_hash(request), reply, current_context_id())
        reply = first or reply
        if reply.decision.decision == pb.DECISION_REJECT:  # after the commit (a replay too: the uncount marker makes it once)
            await self.counters.uncount(request.request_id, keys, p.amount.amount_minor)
        return reply

    async def requirements(self, request: api.GetVerificationRequirementsRequest) -> api.GetVerificationRequirementsResponse:
        now, out = _now(), api.GetVerificationRequirementsResponse()
        _, rules, dims = await self.snapshot.get()
        methods = list(request.payment_methods)
        all_facts, _ = await self._facts(request.payment, methods, rules, dims, now, None)
        for method, facts in zip(methods, all_facts):
            v = domain.evaluate(rules, request.payment, method, facts, self.s.review_score, self.s.reject_score)
            types = v.challenge_types or ([pb.CHALLENGE_TYPE_THREE_DS] if method == pb.PAYMENT_METHOD_CARD and
                                          v.decision == pb.DECISION_CHALLENGE else [])
            out.requirements.add(payment_method=method, decision=v.decision, challenge_types=types)
        return out

    async def resolve_review(self, request: api.ResolveReviewRequest) -> api.ResolveReviewResponse:
        """An operator approves (a ticket is issued) or rejects a pending REVIEW decision, once."""
        async def work(conn) -> api.ResolveReviewResponse:
            store, now = RiskStore(conn), _now()
            d = await store.decision_for_update(request.decision_id)
            if d is None:
                raise errors.not_found("decision", request.decision_id)
            if d.decision != pb.DECISION_REVIEW or d.review_resolution:
                raise errors.not_pending_review(d.decision_id)
            d.review_resolution = request.resolution
            await store.save_decision(d)
            reply = api.ResolveReviewResponse(decision=d)
            if request.resolution == pb.REVIEW_RESOLUTION_APPROVE:
                reply.risk_ticket.CopyFrom(await self._issue(store, d, pb.CHALLENGE_TYPE_UNSPECIFIED, now))
            return reply
        return await idempotency.run_once(self.db, "risk.ResolveReview", request.request_id, request, api.ResolveReviewResponse, work)

    # tickets ---------------------------------------------------------------------------------
    def _sign(self, ticket_id: str, order_id: str, amount: int, currency: str, member_id: str, expire: dt.datetime) -> str:
        msg = f"{ticket_id}|{order_id}|{currency}|{amount}|{member_id}|{int(expire.timestamp())}".encode()
        return base64.urlsafe_b64encode(hmac.new(self.key, msg, hashlib.sha256).digest()).decode().rstrip("=")

    async def _issue(self, store: RiskStore, d: pb.RiskDecision, verification: int, now: dt.datetime) -> pb.RiskTicket:
        t = self._ticket(d, verification, now)
        await store.insert_ticket(t, t.ticket.split(".")[1])
        return t

    def _ticket(self, d: pb.RiskDecision, verification: int, now: dt.datetime) -> pb.RiskTicket:
        ticket_id, p = new_id("rtk"), d.payment
        expire = (now + dt.timedelta(seconds=self.s.ticket_ttl_seconds)).replace(microsecond=0)
        sig = self._sign(ticket_id, p.order_id, p.amount.amount_minor, p.amount.currency_code, p.member_id, expire)
        t = pb.RiskTicket(ticket=f"rt1.{ticket_id}.{sig}", order_id=p.order_id, member_id=p.member_id, merchant_id=p.merchant_id,
                          amount=p.amount, verification=verification, decision_id=d.decision_id, state=pb.RISK_TICKET_STATE_ISSUED,
                          issue_time=_ts(now), expire_time=_ts(expire))
        return t

    async def redeem(self, request: api.RedeemRiskTicketRequest) -> api.RedeemRiskTicketResponse:
        parts = request.ticket.split(".")
        if len(parts) != 3 or parts[0] != "rt1":
            raise errors.ticket_invalid()
        async with self.db.transaction() as conn:
            store, now = RiskStore(conn), _now()
            row = await store.ticket(parts[1])
            if row is None or not hmac.compare_digest(parts[2], self._sign(row.ticket_id, row.order_id, row.amount_minor, row.currency_code,
                                                                            row.member_id, row.expire_time)):
                raise errors.ticket_invalid()
            if row.state == pb.RISK_TICKET_STATE_REDEEMED:
                if row.redeem_request_id != request.request_id:
                    raise errors.ticket_redeemed()
            else:
                for what, ours, theirs in (("order", row.order_id, request.order_id), ("member", row.member_id, request.member_id),
                                           ("amount", (row.currency_code, row.amount_minor),
                                            (request.amount.currency_code, request.amount.amount_minor))):
                    if ours != theirs:
                        raise errors.ticket_mismatch(what)
                if now >= row.expire_time:
                    raise errors.ticket_expired()
                if not await store.redeem_ticket(row.ticket_id, request.request_id, request.payment_id, now):
                    raise errors.ticket_redeemed()
                row = await store.ticket(parts[1])
            t = pb.RiskTicket(ticket=request.ticket, order_id=row.order_id, member_id=row.member_id, merchant_id=row.merchant_id,
                              amount={"currency_code": row.currency_code, "amount_minor": row.amount_minor}, verification=row.verification,
                              decision_id=row.decision_id, state=row.state, issue_time=_ts(row.issue_time), expire_time=_ts(row.expire_time),
                              redeem_time=_ts(row.redeem_time))
            return api.RedeemRiskTicketResponse(risk_ticket=t)

    # One-time codes ---------------------------------------------------------------------------
    async def send_otp(self, request: api.SendOtpRequest) -> api.SendOtpResponse:
        """Stores a fresh code's keyed hash (atomically limited and idempotent, otp.py), then delivers it."""
        if self.otps is None or self.otp_sender is None:
            raise errors.otp_unavailable()
        async with self.db.transaction() as conn:
            ch, d = await _challenge(RiskStore(conn), request.challenge_id)
        member, now = await self._usable(ch, d, pb.CHALLENGE_TYPE_OTP), _now()
        status, sends, when, code = await self.otps.issue(ch.challenge_id, request.request_id, now, ch.expire_time,
                                                          self.s.otp_sends_max, self.s.otp_resend_seconds)
        if status == otp.TOO_MANY:
            raise errors.otp_send_limit(self.s.otp_sends_max)
        if status == otp.TOO_SOON:
            raise errors.otp_resend_too_soon(max(1, int((when - now).total_seconds() + 0.999)))
        if status == otp.STORED:
            try:
                await self.otp_sender.send(member, ch.challenge_id, code, ch.expire_time)
            except Exception as exc:  # noqa: BLE001 — the stored code is useless; a resend (after the gap) retries
                raise errors.otp_send_failed() from exc
        return api.SendOtpResponse(challenge_id=ch.challenge_id, expire_time=_ts(ch.expire_time),
                                   sends_remaining=max(0, self.s.otp_sends_max - sends))

    async def _usable(self, ch, d: pb.RiskDecision, wanted: int | None) -> str:
        """The member, once the challenge can take a credential of type `wanted` now (Verify, SendOtp)."""
        member = d.payment.member_id
        if ch.state != pb.CHALLENGE_STATE_PENDING:
            raise errors.challenge_closed(pb.ChallengeState.Name(ch.state))
        if _now() >= ch.expire_time:
            raise errors.challenge_expired()
        if await self.counters.locked(member):
            raise errors.member_locked(member)
        if wanted is None or wanted not in ch.allowed_types:
            raise errors.credential_type_not_allowed()
        return member

    async def _check_otp(self, challenge_id: str, code: str) -> bool:
        if self.otps is None:
            raise errors.otp_unavailable()
        ok = await self.otps.check(challenge_id, code)
        if ok is None:
            raise errors.otp_not_sent()
        return ok

    # Verify ----------------------------------------------------------------------------------
    async def verify(self, request: api.VerifyRequest) -> api.VerifyResponse:
        kind = request.WhichOneof("credential")
        wanted = {"password": pb.CHALLENGE_TYPE_PASSWORD, "otp_code": pb.CHALLENGE_TYPE_OTP, "three_ds": pb.CHALLENGE_TYPE_THREE_DS}.get(kind or "")
        async with self.db.transaction() as conn:  # read-only look first: the password check is slow and remote
            store = RiskStore(conn)
            ch, d = await _challenge(store, request.challenge_id)
            if ch.state == pb.CHALLENGE_STATE_PASSED and ch.verify_request_id == request.request_id:
                return await self._replay(store, ch.ticket_id, d)
        member = await self._usable(ch, d, wanted)
        if wanted == pb.CHALLENGE_TYPE_OTP:
            ok = await self._check_otp(ch.challenge_id, request.otp_code)
        elif wanted == pb.CHALLENGE_TYPE_THREE_DS:
            ok = request.three_ds.redirect_supported
        else:
            ok = await self.passwords.check(member, request.password)
        async with self.db.transaction() as conn:
            store, now = RiskStore(conn), _now()
            ch = await store.challenge(request.challenge_id)
            if ch.state != pb.CHALLENGE_STATE_PENDING:  # a concurrent Verify won
                raise errors.challenge_closed(pb.ChallengeState.Name(ch.state))
            if not ok:
                remaining = ch.attempts_remaining - 1
                await store.update_challenge(ch.challenge_id, attempts_remaining=remaining,
                                             state=pb.CHALLENGE_STATE_FAILED if remaining <= 0 else pb.CHALLENGE_STATE_PENDING)
                if remaining <= 0:
                    await self.counters.lock(member, self.s.member_lock_seconds)
                failure = errors.wrong_credential(max(remaining, 0))
            else:
                t = await self._issue(store, d, wanted, now)
                await store.update_challenge(ch.challenge_id, state=pb.CHALLENGE_STATE_PASSED, ticket_id=t.ticket.split(".")[1],
                                             verify_request_id=request.request_id)
        if ok:
            if wanted == pb.CHALLENGE_TYPE_OTP:
                await self.otps.drop(request.challenge_id)  # single use (the challenge is PASSED anyway)
            return api.VerifyResponse(risk_ticket=t)
        raise failure  # after the commit: the used attempt stays counted

    async def _replay(self, store: RiskStore, ticket_id: str, d: pb.RiskDecision) -> api.VerifyResponse:
        row = await store.ticket(ticket_id)
        sig = self._sign(row.ticket_id, row.order_id, row.amount_minor, row.currency_code, row.member_id, row.expire_time)
        return api.VerifyResponse(risk_ticket=pb.RiskTicket(
            ticket=f"rt1.{row.ticket_id}.{sig}", order_id=row.order_id, member_id=row.member_id, merchant_id=row.merchant_id,
            amount=d.payment.amount, verification=row.verification, decision_id=row.decision_id, state=row.state,
            issue_time=_ts(row.issue_time), expire_time=_ts(row.expire_time)))
