"""risk settings (PAYMESH_RISK_* or PAYMESH_*)."""
from dataclasses import dataclass, field

from servers.kernel.settings import CommonSettings, Secret


@dataclass(frozen=True)
class Settings(CommonSettings):
    # HMAC key (base64) that signs risk tickets; empty: a local key file under PAYMESH_HOME.
    ticket_key: Secret = field(default_factory=lambda: Secret(""))
    ticket_ttl_seconds: int = 300
    challenge_ttl_seconds: int = 300
    challenge_attempts: int = 3
    member_lock_seconds: int = 900
    # One-time codes (otp.py): "file" = the local dev inbox PAYMESH_HOME/risk/otp-inbox.jsonl (the member's phone in
    # development); "none" = OTP unavailable. Production plugs an SMS/e-mail gateway adapter into otp.OtpSender.
    otp_sender: str = "file"
    otp_sends_max: int = 3
    otp_resend_seconds: int = 30
    review_score: int = 60
    reject_score: int = 100
    seed_default_rules: bool = True
    # How often Assess checks rule_set.version for edits made by another replica (this process's own edits apply at once).
    rule_poll_seconds: float = 1.0
    # Cached facts (Redis; PostgreSQL stays the record). Ratings are refreshed after every change in this mesh; the TTL
    # bounds how long a change whose cache refresh was lost (a crash right after its commit) can go unseen.
    rating_cache_seconds: int = 300
    seen_cache_seconds: int = 7 * 86400  # first-seen times never change: the TTL only bounds memory
    # Assess records (decision + idempotency key + challenge/ticket), group-committed: statements in flight at once,
    # records per statement, records waiting at most (beyond: UNAVAILABLE DECISIONS_BACKLOG).
    # "async": the Assess records commit without waiting for their WAL flush (PostgreSQL's per-session
    # synchronous_commit=off; a crash may lose the last ~0.6 s of records, never corrupt anything). Safe here because
    # losing one fails closed: its ticket no longer redeems, its challenge no longer verifies (the payer assesses
    # again), its idempotency key is gone (a retry is assessed anew), and Redeem/Verify commit durably, which
    # flushes every earlier record with them — a ticket that paid something is always on disk. "durable": wait.
    decision_commit: str = "async"
    record_inflight_max: int = 2
    record_group_max: int = 256
    record_queue_max: int = 4096
    redis_connections_max: int = 64
    redis_wait_seconds: float = 5.0
