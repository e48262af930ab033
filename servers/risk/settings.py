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
    review_score: int = 60
    reject_score: int = 100
    seed_default_rules: bool = True
    # How often Assess checks rule_set.version for edits made by another replica (this process's own edits apply at once).
    rule_poll_seconds: float = 1.0
