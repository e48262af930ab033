"""channel settings (PAYMESH_CHANNEL_* or PAYMESH_*)."""
from dataclasses import dataclass

from servers.kernel.settings import CommonSettings


@dataclass(frozen=True)
class Settings(CommonSettings):
    pass
