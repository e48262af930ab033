"""Payment settings (PAYMESH_PAYMENT_* or PAYMESH_*)."""
import json
from dataclasses import dataclass

from servers.kernel.settings import CommonSettings
from servers.payment.domain import DEFAULT_TOOLS, TOPUP_MERCHANT_ID


@dataclass(frozen=True)
class Settings(CommonSettings):
    # Which payment tool runs each method, as JSON: {"BALANCE": "balance", "CARD_3DS": "channel", ...}.
    payment_tools: str = json.dumps(DEFAULT_TOOLS)
    janitor_interval_seconds: float = 5.0
    # The platform merchant id top-ups are routed as (channel routing rules match merchant ids).
    topup_merchant_id: str = TOPUP_MERCHANT_ID

    @property
    def tool_rules(self) -> dict[str, str]:
        return json.loads(self.payment_tools)
