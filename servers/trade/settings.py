"""Trade settings (PAYMESH_TRADE_* or PAYMESH_*)."""
from dataclasses import dataclass, field

from servers.kernel.settings import CommonSettings, Secret
from servers.trade.cashier import DEFAULT_METHOD_TABLE


@dataclass(frozen=True)
class Settings(CommonSettings):
    # Payment methods per product code: "PRODUCT=BALANCE,CARD_3DS;*=BALANCE".
    cashier_methods: str = DEFAULT_METHOD_TABLE
    # Seconds between sweeps of the worker that closes unpaid orders at expiry.
    expiry_sweep_seconds: float = 5.0
    # Local card vault keys (development stand-in for UES); set real secrets outside dev.
    vault_digest_key: Secret = field(default_factory=lambda: Secret("dev-only-vault-digest-key"))
    vault_encryption_key: Secret = field(default_factory=lambda: Secret("dev-only-vault-encryption-key"))
