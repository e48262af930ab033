"""Starts, stops and probes the parts of a plan. PIDs live in <home>/run/<part>.pid, logs in
<home>/logs/<part>.log, so `down` and `status` work from any shell."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Callable

from servers.stack.components import PG_USER, Part, Plan, _pg_bin


def _pid_file(home: Path, name: str) -> Path:
    return home / "run" / f"{name}.pid"


def running_pid(home: Path, name: str) -> int | None:
    path = _pid_file(home, name)
    try:
        pid = int(path.read_text())
    except (FileNotFoundError, ValueError):
        return None
    return pid if _alive(pid) else None


def probe(part: Part, timeout_s: float = 1.0) -> bool:
    kind = part.health[0]
    try:
        if kind in ("tcp", "postgres"):
            with socket.create_connection(("127.0.0.1", int(part.health[1])), timeout=timeout_s):
                pass
            if kind == "postgres":
                return subprocess.run([str(_pg_bin() / "pg_isready"), "-h", "127.0.0.1", "-p", str(part.health[1]), "-U", PG_USER],
                                      capture_output=True, timeout=timeout_s + 2).returncode == 0
            return True
        if kind == "http":
            with urllib.request.urlopen(part.health[1], timeout=timeout_s) as response:
                return response.status == 200
        if kind == "grpc":
            return _grpc_serving(int(part.health[1]), part.health[2], timeout_s)
    except (OSError, subprocess.SubprocessError):
        return False
    return False


def _grpc_serving(port: int, service: str, timeout_s: float) -> bool:
    import grpc
    from grpc_health.v1 import health_pb2, health_pb2_grpc

    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        try:
            reply = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(service=service), timeout=timeout_s)
        except grpc.RpcError:
            return False
        return reply.status == health_pb2.HealthCheckResponse.SERVING


def start(plan: Plan, part: Part) -> int:
    """Starts a part unless it is already running; returns its pid."""
    existing = running_pid(plan.home, part.name)
    if existing:
        return existing
    if probe(part, timeout_s=0.3):  # someone else answers on our port: never adopt a foreign stack
        raise RuntimeError(f"{part.name}: {part.endpoint} is already served by a process this stack did not start "
                           f"(another stack? `paymesh down` there, or set PAYMESH_PORT_BASE)")
    if part.prepare:
        part.prepare()
    (plan.home / "logs").mkdir(parents=True, exist_ok=True)
    (plan.home / "run").mkdir(parents=True, exist_ok=True)
    log = plan.home / "logs" / f"{part.name}.log"
    log.touch()
    if part.user:
        import pwd

        entry = pwd.getpwnam(part.user)
        os.chown(log, entry.pw_uid, entry.pw_gid)
    # Detach through a shell that exits at once: the part is re-parented to init before it
    # starts, so it outlives `paymesh up` (Envoy stops when its parent dies otherwise).
    launcher = subprocess.run(["/bin/sh", "-c", '"$@" </dev/null >>"$0" 2>&1 & echo $!', str(log), *part.argv],
                              capture_output=True, text=True, cwd=str(plan.home), env={**plan.env, **part.env},
                              start_new_session=True, user=part.user, check=True)
    pid = int(launcher.stdout.strip())
    _pid_file(plan.home, part.name).write_text(str(pid))
    return pid


def wait_healthy(plan: Plan, part: Part, timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if running_pid(plan.home, part.name) is None:
            raise RuntimeError(f"{part.name} exited; see {plan.home / 'logs' / (part.name + '.log')}\n{tail(plan, part.name)}")
        if probe(part):
            return
        time.sleep(0.1)
    raise RuntimeError(f"{part.name} not healthy after {timeout_s:.0f}s; see {plan.home / 'logs' / (part.name + '.log')}\n{tail(plan, part.name)}")


def tail(plan: Plan, name: str, lines: int = 15) -> str:
    try:
        return "\n".join((plan.home / "logs" / f"{name}.log").read_text(errors="replace").splitlines()[-lines:])
    except FileNotFoundError:
        return ""


def up(plan: Plan, say: Callable[[str], None] = print, timeout_s: float = 90.0) -> None:
    """Starts every part in order, waiting for each stage to be healthy: infrastructure first,
    then the database, then services in parallel, then Envoy."""
    infra = [p for p in plan.parts if p.name in ("postgres", "redis", "s3", "otlp")]
    services = [p for p in plan.parts if p.name not in ("postgres", "redis", "s3", "otlp", "envoy")]  # + the simulator
    edge = [p for p in plan.parts if p.name == "envoy"]
    for stage in (infra, services, edge):
        for part in stage:
            start(plan, part)
        for part in stage:
            t0 = time.monotonic()
            wait_healthy(plan, part, timeout_s)
            if part.name == "postgres":
                ensure_database(part.health[1])
            say(f"  ✓ {part.name:<9} {part.endpoint:<45} ({time.monotonic() - t0:.1f}s)")


def ensure_database(pg_port: int) -> None:
    out = subprocess.run([str(_pg_bin() / "psql"), "-h", "127.0.0.1", "-p", str(pg_port), "-U", PG_USER, "-d", "postgres", "-tAc",
                          "SELECT 1 FROM pg_database WHERE datname = 'paymesh'"], capture_output=True, text=True, check=True)
    if out.stdout.strip() != "1":
        subprocess.run([str(_pg_bin() / "createdb"), "-h", "127.0.0.1", "-p", str(pg_port), "-U", PG_USER, "paymesh"], check=True)


def down(plan: Plan, say: Callable[[str], None] = print, timeout_s: float = 20.0) -> None:
    """Stops parts in reverse order: SIGTERM (SIGINT for PostgreSQL's fast shutdown), then SIGKILL."""
    for part in reversed(plan.parts):
        pid = running_pid(plan.home, part.name)
        if pid is None:
            continue
        try:
            os.kill(pid, part.stop_signal)
        except ProcessLookupError:
            pass
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline and _alive(pid):
            time.sleep(0.05)
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)
        _pid_file(plan.home, part.name).unlink(missing_ok=True)
        say(f"  ✓ stopped {part.name}")


def _alive(pid: int) -> bool:
    try:
        waited, _status = os.waitpid(pid, os.WNOHANG)
        if waited == pid:
            return False
    except ChildProcessError:
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie that is not our child counts as gone
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split()[2] != "Z"
    except OSError:
        return False


def status(plan: Plan) -> list[tuple[str, int | None, bool, str]]:
    return [(p.name, running_pid(plan.home, p.name), probe(p), p.endpoint) for p in plan.parts]
