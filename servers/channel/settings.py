"""Channel settings (PAYMESH_CHANNEL_* or PAYMESH_*)."""
from dataclasses import dataclass

from servers.kernel.settings import CommonSettings


@dataclass(frozen=True)
class Settings(CommonSettings):
    # Signing keys by reference (JSON {"ref": "hex key"}, mode 600); empty = <PAYMESH_HOME>/channel/signing-keys.json.
    signing_keys_file: str = ""
    home: str = ""
    send_concurrency_max: int = 64       # channel calls in flight per replica
    dispatch_batch_max: int = 50
    dispatch_poll_millis: int = 500      # fallback poll when no in-process wake-up
    query_poll_millis: int = 1000        # active query loop
    catalog_refresh_millis: int = 500    # how soon other replicas see a configuration change
    health_window_seconds: int = 60
    circuit_open_seconds: float = 30.0
    challenge_window_seconds: int = 900  # a 3DS challenge not completed in time fails (query loop)
    ufs_client_id: str = "paymesh-channel"  # the UFS client statements are downloaded as (STATEMENT_SOURCE_UFS_FILE)
    statement_download_seconds: int = 600   # a large statement's UFS download
