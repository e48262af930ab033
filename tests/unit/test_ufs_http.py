"""UFS's plain HTTP download endpoint, pure parts: path parameters decoded exactly like the
gRPC-JSON transcoder decodes them, request heads, the routes it serves, and the Envoy routes
that send REST downloads there (GET only, transcoder disabled, nothing else diverted)."""
from __future__ import annotations

import pytest

from servers.kernel.errors import InvalidArgument
from servers.stack import envoy_config
from servers.ufs import servicer_http as http
from servers.ufs.settings import Settings


@pytest.mark.parametrize("raw, expected", [
    ("docs/r%C3%A9sum%C3%A9.bin", "docs/résumé.bin"),
    ("a%20b%3Ac%2523.txt", "a b%3Ac%23.txt"),  # reserved (':') stays escaped, '%25' decodes once
    ("x%2Fy%3F%23%5B%40", "x%2Fy%3F%23%5B%40"),
    ("plain/path.txt", "plain/path.txt"),
    ("%2e%2E/x", "../x"),  # not reserved: decoded, then refused by the path check
])
def test_path_parameters_decode_like_the_transcoder(raw, expected):
    assert http.unescape(raw) == expected


def test_a_parameter_that_is_not_utf8_is_invalid():
    with pytest.raises(InvalidArgument):
        http.unescape("a%FFb")


def test_request_head():
    method, target, hdrs = http.parse_head(b"GET /ufs2/sts/file/t?x=1 HTTP/1.1\r\nHost: e\r\nX-UFS-Client-Id:  app \r\nRange: bytes=1-2\r\n"
                                           b"range: bytes=3-4\r\n\r\n")
    assert (method, target) == ("GET", "/ufs2/sts/file/t?x=1")
    assert hdrs == {"host": "e", "x-ufs-client-id": "app", "range": "bytes=3-4"}  # last value wins, as in gRPC metadata
    for bad in (b"GET /x\r\n\r\n", b"GET /x HTTP/1.1\r\nno-colon\r\n\r\n", b"GET /x HTTP/1.1\r\n bad: folded\r\n\r\n"):
        with pytest.raises(ValueError):
            http.parse_head(bad)


@pytest.mark.parametrize("method, path, rpc", [
    ("GET", "/ufs2/standalone/file/a/b/c.txt", "DownloadFile"),
    ("GET", "/ufs2/share/file/0123", "DownloadShareFile"),
    ("GET", "/ufs2/sts/file/tok", "DownloadStsFile"),
    ("PUT", "/ufs2/standalone/file/a/b/c.txt", "UploadFile"),
    ("PUT", "/ufs2/share/file", "UploadShareFile"),
    ("GET", "/ufs2/share/file/a/b", None),
    ("GET", "/ufs2/share/fileMeta/x", None),
    ("GET", "/ufs2/standalone/fileUrl/a", None),
    ("PUT", "/ufs2/share/file/x", None),
    ("GET", "/ufs2/share/file", None),
])
def test_routes_are_the_contracts_file_transfer_rules(method, path, rpc):
    found = next((r for verb, pattern, r, _ in http.ROUTES if verb == method and pattern.fullmatch(path)), None)
    assert (found.rsplit("/", 1)[1] if found else None) == rpc


def test_envoy_sends_only_rest_file_transfers_to_the_http_port():
    env = {"PAYMESH_PORT_BASE": "30000"}
    rendered = envoy_config.render(env)
    ufs_port = int(Settings.from_env("ufs", env).port)
    assert Settings.from_env("ufs", env).http_bind_port() == ufs_port + 100
    assert f"port_value: {ufs_port + 100}" in rendered.split("name: ufs_http", 1)[1].split("- name:", 1)[0]
    routes = [line for line in rendered.splitlines() if "cluster: ufs_http" in line]
    assert len(routes) == 5
    for method, regex in envoy_config.UFS_HTTP_ROUTES:
        match = f'safe_regex: {{regex: "{regex}"}}, headers: [{{name: ":method", string_match: {{exact: {method}}}}}]}}'
        block = rendered.split(match, 1)[1].split("- match:", 1)[0]
        assert "cluster: ufs_http" in block and "grpc_json_transcoder" in block and "disabled: true" in block
