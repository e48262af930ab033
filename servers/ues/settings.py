"""ues settings (PAYMESH_UES_* or PAYMESH_*).

Master keys: `master_keys` (a Secret JSON document, e.g. injected from a KMS/Vault agent) wins;
otherwise `key_file` (default $PAYMESH_HOME/ues/keys.json, created with mode 600 on first
start). Never in the database.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from servers.kernel.settings import CommonSettings, Secret

# The reference's example data type (§4.8.1) plus room for more, as configuration.
EXTRA_DATA_TYPES_DEFAULT = '[{"name": "USER_INFO", "pattern": "^.{1,1000}$", "description": "User information (reference example)"}]'
# Baseline policy when no runtime policy matches: "client:data_type:perm,perm;...". The local
# stack lets every client use every type; production sets this to "" (deny by default) and
# grants per client through UpsertAccessPolicy.
ACCESS_POLICIES_DEFAULT = "*:*:encrypt,decrypt,masked_read,query_ticket,convert"


@dataclass(frozen=True)
class Settings(CommonSettings):
    key_file: str = ""                        # default: $PAYMESH_HOME/ues/keys.json
    master_keys: Secret = field(default_factory=lambda: Secret(""))
    wrap_purpose: str = "aes"                 # "aes" (KEK AES-256-GCM wrap) or "rsa" (certSerialNo, RSA-OAEP-SHA256)
    extra_data_types: str = EXTRA_DATA_TYPES_DEFAULT
    access_policies: str = ACCESS_POLICIES_DEFAULT
    temp_ttl_seconds: int = 300               # default TTL of temporary tickets
    temp_ttl_max_seconds: int = 3600
    cache_ttl_seconds: int = 300              # WithCache plaintext entries (bounded)
    cache_ttl_max_seconds: int = 3600
    registry_refresh_seconds: float = 2.0     # data types, policies and key states from the database
    rewrap_batch_size: int = 500
    audit_batch_max: int = 5000               # group commit: audit rows per transaction at most
    audit_linger_ms: float = 0.0              # group commit: wait this long for company (0: flush when idle)
    db_schema: str = "ues"
