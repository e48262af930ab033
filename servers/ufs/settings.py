"""ufs settings (PAYMESH_UFS_* or PAYMESH_*). The stack passes PAYMESH_S3_ENDPOINT,
PAYMESH_S3_ACCESS_KEY and PAYMESH_S3_SECRET_KEY; the rest have working local defaults."""
from __future__ import annotations

from dataclasses import dataclass, field

from servers.kernel.settings import CommonSettings, Secret

HTTP_PORT_SHIFT = 100  # REST downloads over plain HTTP: the gRPC port + 100 (base + 206 in the port plan)


@dataclass(frozen=True)
class Settings(CommonSettings):
    s3_endpoint: str = ""  # host:port; empty = the local stack's SeaweedFS from the port plan
    s3_access_key: Secret = field(default_factory=lambda: Secret(""))
    s3_secret_key: Secret = field(default_factory=lambda: Secret(""))
    s3_secure: bool = False
    s3_region: str = "us-east-1"
    share_bucket: str = "ufs-share"
    auto_create_buckets: bool = True  # local stack: BindBucketAlias creates a missing bucket
    public_url: str = ""  # base of STS URLs (…/ufs2/sts/file/{token}); empty = the local Envoy
    master_key: Secret = field(default_factory=lambda: Secret(""))  # base64 32 bytes; else the key file
    master_key_file: str = ""  # default $PAYMESH_HOME/ufs/master.key (created with mode 600)
    part_size_mb: int = 8  # S3 multipart part size: bounds memory per upload
    # Parts in flight to S3 while the next one is read from the caller: 2 overlaps receiving with
    # sending (1 alternates them); memory per upload ≈ (parts + 1) × part size.
    parallel_parts: int = 2
    chunk_bytes: int = 1024 * 1024  # download message size
    http_port: int = -1  # plain HTTP downloads (servicer_http); -1 = gRPC port + HTTP_PORT_SHIFT, 0 = any free port
    gc_grace_seconds: int = 900  # replaced objects stay this long for downloads in flight
    upload_lease_seconds: int = 86400  # an unfinished upload's object is collected after this
    reap_interval_seconds: float = 30.0
    reap_batch: int = 500

    def http_bind_port(self) -> int:
        if self.http_port >= 0:
            return self.http_port
        return self.port + HTTP_PORT_SHIFT if self.port else 0
