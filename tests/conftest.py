"""Test tiers by folder: tests/unit (fakes, milliseconds), tests/integration (real PostgreSQL,
Redis and S3 started here from the same pip binaries as `paymesh up`), tests/e2e (the whole
mesh through Envoy). Each tier gets its marker from its folder, so `pytest -m unit` is fast.

Stacks started by tests live under .paymesh-test/<tier> with their own port base, so they
run beside a developer's `paymesh up` (base 8000)."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TIER_PORT_BASE = {"integration": 23000, "e2e": 24000}
# Several checkouts (or helpers) can run suites side by side: PAYMESH_TEST_PORT_SHIFT=1000
# moves every test port (and the stack homes) out of the way.
PORT_SHIFT = int(os.environ.get("PAYMESH_TEST_PORT_SHIFT", "0"))


def pytest_collection_modifyitems(items):
    for item in items:
        tier = Path(str(item.fspath)).relative_to(ROOT / "tests").parts[0]
        if tier in ("unit", "integration", "e2e"):
            item.add_marker(getattr(pytest.mark, tier))


def stack_env(tier: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAYMESH_")}
    env.update({"PAYMESH_HOME": str(ROOT / ".paymesh-test" / f"{tier}-{TIER_PORT_BASE[tier] + PORT_SHIFT}"),
                "PAYMESH_PORT_BASE": str(TIER_PORT_BASE[tier] + PORT_SHIFT),
                "PAYMESH_PG_FAST": "1", "PAYMESH_LOG_LEVEL": "WARNING", "PAYMESH_TRADE_WEBHOOK_BACKOFF_SECONDS": "0.2,0.5,1"})
    return env


def start_stack(tier: str, only: set[str] | None = None):
    """Stops leftovers of an earlier run, wipes its data, starts the parts; returns (plan, env)."""
    from servers.stack import components, runner

    env = stack_env(tier)
    plan = components.plan(env, only)
    runner.down(plan, say=lambda _: None)
    shutil.rmtree(plan.home, ignore_errors=True)
    plan = components.plan(env, only)  # recreated home (S3 credentials)
    runner.up(plan, say=lambda _: None, timeout_s=120)
    return plan, plan.env


def stop_stack(plan) -> None:
    from servers.stack import runner

    runner.down(plan, say=lambda _: None)


@pytest.fixture(autouse=True)
def _restore_environment():
    saved = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(saved)
