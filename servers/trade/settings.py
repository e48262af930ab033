"""Trade settings (PAYMESH_TRADE_* or PAYMESH_*)."""
from dataclasses import dataclass, field

from servers.kernel.settings import CommonSettings, Secret
from servers.trade.cashier import DEFAULT_METHOD_TABLE
from servers.trade.webhooks import DEFAULT_BACKOFF


@dataclass(frozen=True)
class Settings(CommonSettings):
    # Payment methods per product code: "PRODUCT=BALANCE,CARD_3DS;*=BALANCE".
    cashier_methods: str = DEFAULT_METHOD_TABLE
    # Seconds between sweeps of the worker that closes unpaid orders at expiry.
    expiry_sweep_seconds: float = 5.0
    # Card vault: "ues" (UES over gRPC) or "local" (LocalCardVault); empty: "ues" when a UES address is configured.
    card_vault: str = ""
    # Local card vault keys (development stand-in for UES); set real secrets outside dev.
    # Base64 keys; empty: key files under PAYMESH_HOME/keys, created once with mode 600.
    vault_digest_key: Secret = field(default_factory=lambda: Secret(""))
    vault_encryption_key: Secret = field(default_factory=lambda: Secret(""))
    # Merchant webhooks. Master key of the per-merchant signing secrets; empty: <home>/keys/trade-webhook.key (mode 600).
    webhook_master_key: Secret = field(default_factory=lambda: Secret(""))
    webhooks_enabled: bool = True
    # Seconds to wait after the 1st, 2nd, ... failed attempt (the last step repeats), e.g. "0.2,0.5,1" in tests.
    webhook_backoff_seconds: str = DEFAULT_BACKOFF
    webhook_max_attempts: int = 12
    webhook_max_age_seconds: float = 3 * 24 * 3600.0
    webhook_timeout_seconds: float = 10.0
    webhook_poll_seconds: float = 0.5

    def vault_kind(self) -> str:
        kind = self.card_vault or ("ues" if self.ues_addr else "local")
        if kind not in ("ues", "local") or (kind == "ues" and not self.ues_addr):
            raise ValueError(f"card_vault={kind!r}: use 'ues' (needs ues_addr) or 'local'")
        return kind
