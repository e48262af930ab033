import asyncio
import uuid

import httpx
import pytest

from tests.conftest import start_stack, stop_stack


@pytest.fixture(scope="session")
def stack():
    plan, env = start_stack("e2e")
    yield plan, env
    stop_stack(plan)


@pytest.fixture(scope="session")
def env(stack):
    return stack[1]


@pytest.fixture(scope="session")
def edge(stack) -> str:
    return stack[0].endpoints()["envoy"].removeprefix("http://")


@pytest.fixture
def rest(edge):
    with httpx.Client(base_url=f"http://{edge}", timeout=10) as client:
        yield client


@pytest.fixture
async def via_envoy(edge):
    """gRPC stubs for every service, all through Envoy's one listener."""
    from clients.services import HOSTS, Mesh

    mesh = Mesh({host: edge for host in set(HOSTS.values())}, traced=False)
    yield mesh
    await mesh.close()


@pytest.fixture
def ids():
    return lambda prefix: f"{prefix}_{uuid.uuid4().hex[:16]}"


@pytest.fixture
async def pg(env):
    import asyncpg

    from servers.kernel.settings import local_defaults

    url = local_defaults(env)["database_url"].reveal().replace("+asyncpg", "")
    conn = await asyncpg.connect(url)
    yield conn
    await conn.close()


async def eventually(check, timeout_s: float = 10.0, interval_s: float = 0.1):
    deadline = asyncio.get_running_loop().time() + timeout_s
    while True:
        result = await check()
        if result or asyncio.get_running_loop().time() > deadline:
            return result
        await asyncio.sleep(interval_s)
