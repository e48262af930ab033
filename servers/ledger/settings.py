"""Ledger settings (PAYMESH_LEDGER_* or PAYMESH_*)."""
from dataclasses import dataclass

from servers.kernel.settings import CommonSettings


@dataclass(frozen=True)
class Settings(CommonSettings):
    pass
