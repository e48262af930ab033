"""Renders envoy/envoy.yaml.tmpl for a port plan: one cluster per service with gRPC health
checks, routes on the post-transcoding path, tracing to the OTLP receiver."""
from __future__ import annotations

from pathlib import Path
from string import Template
from typing import Mapping

from servers.kernel.settings import SERVICES, port

ROOT = Path(__file__).resolve().parents[2]
ENVOY = ROOT / "envoy"


def service_names() -> dict[str, list[str]]:
    """Full gRPC service names per paymesh service, read from the descriptor set."""
    from google.protobuf import descriptor_pb2

    fds = descriptor_pb2.FileDescriptorSet.FromString((ENVOY / "paymesh.pb").read_bytes())
    names: dict[str, list[str]] = {svc: [] for svc in SERVICES}
    for f in fds.file:
        parts = f.package.split(".")
        if len(parts) == 3 and parts[0] == "paymesh" and parts[1] in names:
            names[parts[1]] += [f"{f.package}.{s.name}" for s in f.service]
    return names


INTERNAL_ONLY = ("/paymesh.ufs.v1.UfsAdminService/", "/paymesh.ues.v1.UesAdminService/",
                 "/paymesh.trade.v1.WebhookService/GetWebhookSecret", "/paymesh.trade.v1.WebhookService/RotateWebhookSecret",
                 "/paymesh.gateway.v1.ApiKeyService/")  # create/rotate return API-key secrets
FORBIDDEN = "INTERNAL_ONLY: an internal operation; call it over native gRPC"


def _addr(value: str) -> tuple[str, int]:
    host, _, p = value.rpartition(":")
    return host or "127.0.0.1", int(p)


DISABLE_AUTHZ = ('typed_per_filter_config: {envoy.filters.http.ext_authz: {"@type": '
                 'type.googleapis.com/envoy.extensions.filters.http.ext_authz.v3.ExtAuthzPerRoute, disabled: true}}')


def render_public(env: Mapping[str, str], lua: str, sample_percent: float) -> str:
    """The public listener: routes for the RPCs marked public in the contracts, the OpenAPI
    document (envoy/openapi.json, when generated) without authentication, 404 for the rest."""
    from servers.gateway.domain import CHECK_HEADERS, TRUSTED_HEADERS
    from servers.gateway.routes import public_methods

    methods = public_methods()
    routes = []
    openapi = ENVOY / "openapi.json"
    if openapi.exists():
        routes.append(f'              - match: {{path: "/openapi.json"}}\n'
                      f'                direct_response: {{status: 200, body: {{filename: "{openapi}"}}}}\n'
                      f'                response_headers_to_add: [{{header: {{key: content-type, value: application/json}}}}]\n'
                      f'                {DISABLE_AUTHZ}')
    for method, _scope, _bindings in methods:  # post-transcoding paths; gRPC callers (no x-paymesh-rest) never match
        svc = method.split(".")[1]
        routes.append(f'              - match: {{path: "{method}", headers: [{{name: x-paymesh-rest, present_match: true}}]}}\n'
                      f'                route: {{cluster: {svc}, timeout: 60s}}')
    services = sorted({m.strip("/").split("/")[0] for m, _, _ in methods})
    strip = ", ".join(f"{{remove: {h}}}" for h in TRUSTED_HEADERS)
    return Template((ENVOY / "public_listener.tmpl").read_text()).substitute(
        public_port=port("envoy_public", env), public_routes="\n".join(routes), lua=lua, strip_headers=strip,
        max_body_bytes=int(env.get("PAYMESH_GATEWAY_MAX_BODY_BYTES", "65536")), descriptor=str(ENVOY / "paymesh.pb"),
        public_services=", ".join(services), sample_percent=sample_percent,
        check_headers=", ".join(f"{{exact: {h}}}" for h in CHECK_HEADERS))


# REST calls that carry file bytes go to UFS's plain HTTP endpoint (servers/ufs/servicer_http.py),
# not through the transcoder: streamed HttpBody over gRPC + transcoding cost several times the CPU
# per byte. Only these methods and paths (HEAD and the rest keep their old answers); the patterns
# are the contract's HTTP rules.
UFS_HTTP_ROUTES = (("GET", "/ufs2/standalone/file/.*"), ("GET", "/ufs2/share/file/[^/]+"), ("GET", "/ufs2/sts/file/[^/]+"),
                   ("PUT", "/ufs2/standalone/file/.*"), ("PUT", "/ufs2/share/file"))
NO_TRANSCODING = ('typed_per_filter_config: {envoy.filters.http.grpc_json_transcoder: {"@type": '
                  'type.googleapis.com/envoy.config.route.v3.FilterConfig, disabled: true}}')


def _ufs_http(env: Mapping[str, str]) -> tuple[list[str], str]:
    from servers.ufs.settings import HTTP_PORT_SHIFT

    host, grpc_port = _addr(env.get("PAYMESH_UFS_ADDR", f"127.0.0.1:{port('ufs', env)}"))
    http_port = int(env.get("PAYMESH_UFS_HTTP_PORT", "-1"))
    http_port = http_port if http_port > 0 else grpc_port + HTTP_PORT_SHIFT
    routes = [f'              - match: {{safe_regex: {{regex: "{regex}"}}, headers: [{{name: ":method", string_match: {{exact: {method}}}}}]}}\n'
              f'                route: {{cluster: ufs_http, timeout: 0s, idle_timeout: 300s}}\n'
              f'                {NO_TRANSCODING}' for method, regex in UFS_HTTP_ROUTES]
    cluster = f"""  - name: ufs_http
    type: STATIC
    connect_timeout: 1s
    per_connection_buffer_limit_bytes: 1048576
    circuit_breakers: {{thresholds: [{{max_connections: 1024, max_pending_requests: 1024, max_requests: 4096, max_retries: 3}}]}}
    load_assignment:
      cluster_name: ufs_http
      endpoints: [{{lb_endpoints: [{{endpoint: {{address: {{socket_address: {{address: {host}, port_value: {http_port}}}}}}}}}]}}]"""
    return routes, cluster


def _cluster(name: str, host: str, cluster_port: int, health_service: str) -> str:
    return f"""  - name: {name}
    type: STATIC
    connect_timeout: 1s
    per_connection_buffer_limit_bytes: 1048576
    circuit_breakers: {{thresholds: [{{max_connections: 1024, max_pending_requests: 1024, max_requests: 4096, max_retries: 3}}]}}
    typed_extension_protocol_options:
      envoy.extensions.upstreams.http.v3.HttpProtocolOptions:
        "@type": type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions
        explicit_http_config: {{http2_protocol_options: {{max_concurrent_streams: 1024}}}}
    health_checks:
    - timeout: 1s
      interval: 2s
      no_traffic_interval: 2s
      unhealthy_threshold: 2
      healthy_threshold: 1
      grpc_health_check: {{service_name: "{health_service}"}}
    load_assignment:
      cluster_name: {name}
      endpoints: [{{lb_endpoints: [{{endpoint: {{address: {{socket_address: {{address: {host}, port_value: {cluster_port}}}}}}}}}]}}]"""


def render(env: Mapping[str, str]) -> str:
    names = service_names()
    routes, health_routes, clusters = [], [], []
    # Operations that reveal or set credentials are internal: native gRPC only (operator CLI,
    # services). REST callers get 403 until the edge gateway authenticates operators.
    for prefix in INTERNAL_ONLY:  # the JSON body comes from local_reply_config, like Envoy's other errors
        routes.append(f'              - match: {{prefix: "{prefix}", headers: [{{name: x-paymesh-rest, present_match: true}}]}}\n'
                      f'                direct_response: {{status: 403, body: {{inline_string: "{FORBIDDEN}"}}}}')
    ufs_routes, ufs_cluster = _ufs_http(env)
    routes += ufs_routes
    clusters.append(ufs_cluster)
    for svc in SERVICES:
        # UFS streams files of any size: no overall deadline, the stream idle timeout guards it.
        timeout = "0s, idle_timeout: 300s" if svc == "ufs" else "60s"
        routes.append(f'              - match: {{prefix: "/paymesh.{svc}."}}\n'
                      f'                route: {{cluster: {svc}, timeout: {timeout}}}')
        health_routes.append(f'              - match: {{prefix: "/grpc.health.", headers: [{{name: x-paymesh-service, string_match: {{exact: {svc}}}}}]}}\n'
                             f'                route: {{cluster: {svc}, timeout: 5s}}')
        host, svc_port = _addr(env.get(f"PAYMESH_{svc.upper()}_ADDR", f"127.0.0.1:{port(svc, env)}"))
        clusters.append(_cluster(svc, host, svc_port, names[svc][0] if names[svc] else ""))
    # The gateway's ext_authz Check listens on a lean server of its own (servers/gateway/servicer.py serve_check).
    host, check_port = _addr(env.get("PAYMESH_GATEWAY_CHECK_ADDR", f"127.0.0.1:{port('gateway_check', env)}"))
    clusters.append(_cluster("gateway_check", host, check_port, "envoy.service.auth.v3.Authorization"))
    otlp_host, otlp_port = _addr(env.get("PAYMESH_OTLP_ENDPOINT", f"127.0.0.1:{port('otlp', env)}").removeprefix("http://"))
    lua = "\n".join("                  " + line for line in (ENVOY / "edge.lua").read_text().splitlines())
    sample = float(env.get("PAYMESH_EDGE_SAMPLE_PERCENT", "100"))
    return Template((ENVOY / "envoy.yaml.tmpl").read_text()).substitute(
        admin_port=port("envoy_admin", env), listen_port=port("envoy", env), sample_percent=sample,
        min_flush_spans=int(env.get("PAYMESH_EDGE_MIN_FLUSH_SPANS", "5")),
        routes="\n".join(routes), health_routes="\n".join(health_routes), clusters="\n".join(clusters), lua=lua,
        descriptor=str(ENVOY / "paymesh.pb"), services=", ".join(n for svc in SERVICES for n in names[svc]),
        otlp_host=otlp_host, otlp_port=otlp_port, public_listener=render_public(env, lua, sample),
    )
