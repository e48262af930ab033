import uuid

import pytest

from tests.conftest import start_stack, stop_stack


@pytest.fixture(scope="session")
def infra():
    plan, env = start_stack("integration", {"postgres", "redis", "s3"})
    yield env
    stop_stack(plan)


@pytest.fixture(scope="session")
def settings(infra):
    from servers.kernel.settings import CommonSettings

    return CommonSettings.from_env("itest", infra)


@pytest.fixture
def unique():
    return lambda prefix="t": f"{prefix}_{uuid.uuid4().hex[:12]}"


@pytest.fixture
async def ledger_db(settings, unique):
    """The ledger's schema (migrated) in a fresh, test-private schema name."""
    from pathlib import Path

    from servers.kernel import db as kdb

    migrations = Path(__file__).resolve().parents[2] / "servers" / "ledger" / "migrations"
    database = await kdb.connect(settings.database_url.reveal(), unique("ledger"), migrations, pool_size=20)
    yield database
    await database.close()
