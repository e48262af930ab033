"""Ledger settings (PAYMESH_LEDGER_* or PAYMESH_*)."""
from dataclasses import dataclass

from servers.kernel.settings import CommonSettings


@dataclass(frozen=True)
class Settings(CommonSettings):
    hold_expiry_interval_ms: int = 1000
    roll_up_interval_ms: int = 500
    group_commit_inflight: int = 2  # concurrent CreateTransfers groups; 0 = one transaction per request
