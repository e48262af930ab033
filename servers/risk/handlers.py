"""Risk use cases: Assess (rules × counters × lists × ratings → recorded decision), the
cashier's verification requirements, Verify (challenge → ticket), and ticket redemption.

Tickets are `rt1.<ticket id>.<HMAC>` where the HMAC covers id, order, amount, member and
expiry, and the ticket row is single-use (CAS ISSUED → REDEEMED). Counters are Redis, counted
once per request id (a Lua marker), and taken back out when the decision is REJECT.
"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import ipaddress
from dataclasses import dataclass
from pathlib import Path


from paymesh.risk.v1 import risk_pb2 as pb, risk_service_pb2 as api
from servers.kernel import idempotency
from servers.kernel.context import current_context_id
from servers.kernel.db import Database
from servers.kernel.ids import new_id
from servers.kernel.keyfiles import load_or_create_key
from servers.risk import domain, errors
from servers.risk.adapters import GrpcPasswords, RedisCounters
from servers.risk.settings import Settings
from servers.risk.store import RiskStore
from servers.kernel.timestamps import to_timestamp as _ts


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
        return True
    except ValueError:
        return False


@dataclass
class RuleCache:
    version: int = 0
    rules: list[domain.ActiveRule] | None = None
    list_dims: dict[str, int] | None = None


class Risk:
    def __init__(self, db: Database, counters: RedisCounters, passwords: GrpcPasswords, settings: Settings):
        self.db, self.counters, self.passwords, self.s = db, counters, passwords, settings
        self.key = load_or_create_key(settings.ticket_key.reveal(), Path(settings.home) / "risk" / "ticket.key")
        self.cache = RuleCache()

    async def _rules(self, store: RiskStore) -> tuple[int, list[domain.ActiveRule], dict[str, int]]:
        """Active rules, reloaded only when the rule-set version moved (no restart needed)."""
        version = await store.rule_set_version()
        if version != self.cache.version or self.cache.rules is None:
            rules = await store.active_rules()
            dims = await store.list_dimensions([r.spec.list_match.list_id for r in rules if r.kind == "list_match"])
            self.cache = RuleCache(version, rules, dims)
        return self.cache.version, self.cache.rules or [], self.cache.list_dims or {}

    async def _facts(self, store: RiskStore, p: pb.PaymentContext, method: int, rules, dims, now: dt.datetime,
                     request_id: str | None) -> tuple[domain.Facts, list[tuple[str, int]]]:
        facts = domain.Facts(now=now)
        lookups = [(r.spec.list_match.list_id, domain.dimension_value(p, dims.get(r.spec.list_match.list_id, 0)))
                   for r in rules if r.kind == "list_match" and domain.in_scope(r.spec, p, method)]
        facts.list_hits = await store.list_hits([(lid, v, dims.get(lid) == pb.DIMENSION_IP and _is_ip(v)) for lid, v in lookups if v], now)
        facts.member_first_seen = (p.member_create_time.ToDatetime(dt.timezone.utc) if p.HasField("member_create_time")
                                   else await store.first_seen("member", p.member_id))
        facts.card_first_seen = (p.card_bind_time.ToDatetime(dt.timezone.utc) if p.HasField("card_bind_time")
                                 else await store.first_seen("card", p.card_digest))
        if p.member_id:
            facts.member_rating = (await store.rating(pb.SUBJECT_TYPE_MEMBER, p.member_id)).level
        facts.merchant_rating = (await store.rating(pb.SUBJECT_TYPE_MERCHANT, p.merchant_id)).level
        counting = [(r, domain.counter_key(r, p, now)) for r in rules if domain.in_scope(r.spec, p, method)]
        counting = [(r, k) for r, k in counting if k is not None]
        keys = [k for _, k in counting]
        if request_id is not None:  # Assess counts; the cashier's query only peeks
            values = await self.counters.count(request_id, keys, p.amount.amount_minor, int(now.timestamp() * 1000))
        else:
            values = await self.counters.count(f"peek:{new_id('pk')}", keys, 0, int(now.timestamp() * 1000))
            values = [(c, s + p.amount.amount_minor) for c, s in values]
        facts.counters = {r.rule_id: v for (r, _), v in zip(counting, values)}
        return facts, keys

    # Assess ----------------------------------------------------------------------------------
    async def assess(self, request: api.AssessRequest) -> api.AssessResponse:
        async def work(conn) -> api.AssessResponse:
            store, now, p = RiskStore(conn), _now(), request.payment
            version, rules, dims = await self._rules(store)
            facts, keys = await self._facts(store, p, p.payment_method, rules, dims, now, request.request_id)
            v = domain.evaluate(rules, p, p.payment_method, facts, self.s.review_score, self.s.reject_score)
            if v.decision == pb.DECISION_REJECT:
                await self.counters.uncount(request.request_id, keys, p.amount.amount_minor)
            d = pb.RiskDecision(decision_id=new_id("rdc"), payment=p, decision=v.decision, score=v.score, matched_rules=v.matched,
                                rule_set_version=version, member_rating=facts.member_rating, merchant_rating=facts.merchant_rating,
                                context_id=current_context_id(), create_time=_ts(now))
            if v.decision == pb.DECISION_CHALLENGE:
                d.challenge.CopyFrom(pb.Challenge(challenge_id=new_id("chl"), allowed_types=v.challenge_types,
                                                  state=pb.CHALLENGE_STATE_PENDING, attempts_remaining=self.s.challenge_attempts,
                                                  expire_time=_ts(now + dt.timedelta(seconds=self.s.challenge_ttl_seconds))))
            await store.insert_decision(request.request_id, d)
            reply = api.AssessResponse(decision=d)
            if d.challenge.challenge_id:
                await store.insert_challenge(d.challenge, d.decision_id)
            if v.decision == pb.DECISION_ACCEPT:
                reply.risk_ticket.CopyFrom(await self._issue(store, d, pb.CHALLENGE_TYPE_UNSPECIFIED, now))
            return reply
        return await idempotency.run_once(self.db, "risk.Assess", request.request_id, request, api.AssessResponse, work)

    async def requirements(self, request: api.GetVerificationRequirementsRequest) -> api.GetVerificationRequirementsResponse:
        async with self.db.transaction() as conn:
            store, now, out = RiskStore(conn), _now(), api.GetVerificationRequirementsResponse()
            _, rules, dims = await self._rules(store)
            for method in request.payment_methods:
                facts, _ = await self._facts(store, request.payment, method, rules, dims, now, None)
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
        ticket_id, p = new_id("rtk"), d.payment
        expire = (now + dt.timedelta(seconds=self.s.ticket_ttl_seconds)).replace(microsecond=0)
        sig = self._sign(ticket_id, p.order_id, p.amount.amount_minor, p.amount.currency_code, p.member_id, expire)
        t = pb.RiskTicket(ticket=f"rt1.{ticket_id}.{sig}", order_id=p.order_id, member_id=p.member_id, merchant_id=p.merchant_id,
                          amount=p.amount, verification=verification, decision_id=d.decision_id, state=pb.RISK_TICKET_STATE_ISSUED,
                          issue_time=_ts(now), expire_time=_ts(expire))
        await store.insert_ticket(t, ticket_id)
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

    # Verify ----------------------------------------------------------------------------------
    async def verify(self, request: api.VerifyRequest) -> api.VerifyResponse:
        kind = request.WhichOneof("credential")
        wanted = {"password": pb.CHALLENGE_TYPE_PASSWORD, "otp_code": pb.CHALLENGE_TYPE_OTP, "three_ds": pb.CHALLENGE_TYPE_THREE_DS}.get(kind or "")
        async with self.db.transaction() as conn:  # read-only look first: the password check is slow and remote
            store = RiskStore(conn)
            ch = await store.challenge(request.challenge_id)
            if ch is None:
                raise errors.not_found("challenge", request.challenge_id)
            d = await store.decision(ch.decision_id)
            assert d is not None
            if ch.state == pb.CHALLENGE_STATE_PASSED and ch.verify_request_id == request.request_id:
                return await self._replay(store, ch.ticket_id, d)
        member = d.payment.member_id
        if ch.state != pb.CHALLENGE_STATE_PENDING:
            raise errors.challenge_closed(pb.ChallengeState.Name(ch.state))
        if _now() >= ch.expire_time:
            raise errors.challenge_expired()
        if await self.counters.locked(member):
            raise errors.member_locked(member)
        if wanted is None or wanted not in ch.allowed_types:
            raise errors.credential_type_not_allowed()
        if wanted == pb.CHALLENGE_TYPE_OTP:
            raise errors.otp_unavailable()
        ok = request.three_ds.redirect_supported if wanted == pb.CHALLENGE_TYPE_THREE_DS else await self.passwords.check(member, request.password)
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
                return api.VerifyResponse(risk_ticket=t)
        raise failure  # after the commit: the used attempt stays counted

    async def _replay(self, store: RiskStore, ticket_id: str, d: pb.RiskDecision) -> api.VerifyResponse:
        row = await store.ticket(ticket_id)
        sig = self._sign(row.ticket_id, row.order_id, row.amount_minor, row.currency_code, row.member_id, row.expire_time)
        return api.VerifyResponse(risk_ticket=pb.RiskTicket(
            ticket=f"rt1.{row.ticket_id}.{sig}", order_id=row.order_id, member_id=row.member_id, merchant_id=row.merchant_id,
            amount=d.payment.amount, verification=row.verification, decision_id=row.decision_id, state=row.state,
            issue_time=_ts(row.issue_time), expire_time=_ts(row.expire_time)))
