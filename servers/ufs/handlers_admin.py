"""UFS operator use cases: clients, passwords, bucket aliases, STS revocation. Each runs in
the caller's transaction (the servicer wraps it with kernel idempotency)."""
from __future__ import annotations

import dataclasses

from servers.ufs import domain, errors
from servers.ufs.domain import BucketBinding, Client, ClientState, StsGrant, now
from servers.ufs.ports import Repository


async def _client(repo: Repository, client_id: str, lock: bool = True) -> Client:
    client = await repo.get_client(client_id, lock=lock)
    if client is None:
        raise errors.not_exist(f"client {client_id}")
    return client


async def create_client(repo: Repository, client_id: str, display_name: str, password_hash: str, auth_user: str = "") -> Client:
    if not await repo.insert_client(Client(client_id, display_name, ClientState.ACTIVE, password_hash, auth_user=auth_user or client_id)):
        raise errors.conflict(f"client {client_id} already exists")
    return await _client(repo, client_id, lock=False)


async def get_client(repo: Repository, client_id: str) -> Client:
    return await _client(repo, client_id, lock=False)


async def list_clients(repo: Repository, state: int, page_size: int, after: str) -> tuple[list[Client], str]:
    size = page_size or 50
    rows = await repo.list_clients(state, after, size + 1)
    return rows[:size], (rows[size - 1].client_id if len(rows) > size else "")


async def set_password_hash(repo: Repository, client_id: str, password_hash: str) -> Client:
    client = await _client(repo, client_id)
    await repo.update_client(dataclasses.replace(client, password_hash=password_hash, password_update_time=now()))
    return await _client(repo, client_id, lock=False)


async def bind_bucket(repo: Repository, client_id: str, alias: str, bucket_name: str) -> Client:
    client = await _client(repo, client_id)
    for binding in client.buckets:
        if binding.bucket_alias == alias:
            if binding.bucket_name == bucket_name:
                return client  # already so
            raise errors.conflict(f"alias {alias} is bound to another bucket")
    owner = await repo.bucket_owner(bucket_name)
    if owner is not None:
        raise errors.conflict(f"bucket {bucket_name} is bound to {'this' if owner == client_id else 'another'} client")
    if not await repo.bind_bucket(client_id, BucketBinding(alias, bucket_name)):
        raise errors.conflict(f"bucket {bucket_name} is already bound")
    if not client.default_bucket_alias:
        await repo.update_client(dataclasses.replace(client, default_bucket_alias=alias))
    return await _client(repo, client_id, lock=False)


async def unbind_bucket(repo: Repository, client_id: str, alias: str) -> Client:
    client = await _client(repo, client_id)
    if all(b.bucket_alias != alias for b in client.buckets):
        raise errors.not_exist(f"bucket alias {alias}")
    if alias == client.default_bucket_alias:
        if len(client.buckets) > 1:
            raise errors.conflict("choose another default bucket before unbinding the default one")
        await repo.update_client(dataclasses.replace(client, default_bucket_alias=""))
    await repo.unbind_bucket(client_id, alias)
    return await _client(repo, client_id, lock=False)


async def set_default_bucket(repo: Repository, client_id: str, alias: str) -> Client:
    client = await _client(repo, client_id)
    if all(b.bucket_alias != alias for b in client.buckets):
        raise errors.not_exist(f"bucket alias {alias}")
    await repo.update_client(dataclasses.replace(client, default_bucket_alias=alias))
    return await _client(repo, client_id, lock=False)


async def set_state(repo: Repository, client_id: str, state: ClientState) -> Client:
    client = await _client(repo, client_id)
    if client.state != state:
        await repo.update_client(dataclasses.replace(client, state=state))
    return await _client(repo, client_id, lock=False)


async def revoke_sts(repo: Repository, token: str) -> StsGrant:
    grant = await repo.revoke_grant(domain.sts_digest(token), now())
    if grant is None:
        raise errors.not_exist("STS token")
    return grant
