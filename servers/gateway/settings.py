"""gateway settings (PAYMESH_GATEWAY_* or PAYMESH_*).

The KEK that seals API-key secrets: `kek` (base64, e.g. from a KMS/Vault agent) wins; otherwise
`key_file` (default $PAYMESH_HOME/gateway/kek.key, created with mode 600 on first start)."""
from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from typing import Mapping

from servers.kernel.settings import CommonSettings, Secret, port


@dataclass(frozen=True)
class Settings(CommonSettings):
    kek: Secret = field(default_factory=lambda: Secret(""))
    key_file: str = ""
    timestamp_window_seconds: int = 300      # ± around the gateway clock; nonces live twice as long
    key_cache_seconds: float = 1.0           # verified keys in process (revocation on other replicas within this)
    limit_cache_seconds: float = 1.0         # rate limits in process (changes apply within this)
    rotate_overlap_seconds: int = 86400      # default overlap of a rotated key
    usage_ttl_days: int = 40                 # metering counters in Redis
    usage_flush_seconds: float = 30.0        # copies of the counters into PostgreSQL (usage_daily)
    redis_timeout_seconds: float = 1.0       # the Check script's reply (then the connection is reset, Envoy answers 503)
    max_body_bytes: int = 65536              # bodies Envoy hands to ext_authz (with_request_body)
    check_port: int = 0                      # ext_authz Check's own server; from_env: the port plan's gateway_check
    db_schema: str = "gateway"

    @classmethod
    def from_env(cls, service: str = "gateway", env: Mapping[str, str] | None = None) -> "Settings":
        env = os.environ if env is None else env
        settings = super().from_env(service, env)
        if "PAYMESH_GATEWAY_CHECK_PORT" not in env:
            settings = dataclasses.replace(settings, check_port=port("gateway_check", env))
        return settings
