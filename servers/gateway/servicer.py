"""gRPC adapters: the admin services and Envoy's ext_authz Authorization/Check."""
from __future__ import annotations

import datetime as dt

from google.protobuf import timestamp_pb2
from google.rpc import code_pb2, status_pb2

from paymesh.gateway.v1 import gateway_pb2 as pb, gateway_service_pb2 as api, gateway_service_pb2_grpc as rpc
from servers.gateway.adapters import KeyRow
from servers.gateway.admin import Admin
from servers.gateway.domain import Decision, Limit
from servers.gateway.envoy_api import base_pb2, external_auth_pb2 as authz, external_auth_pb2_grpc as authz_rpc, http_status_pb2
from servers.gateway.handlers import Authorizer
from servers.kernel import context as ctx

_GRPC_CODE = {401: code_pb2.UNAUTHENTICATED, 403: code_pb2.PERMISSION_DENIED, 404: code_pb2.NOT_FOUND, 429: code_pb2.RESOURCE_EXHAUSTED}
_OVERWRITE = base_pb2.HeaderValueOption.OVERWRITE_IF_EXISTS_OR_ADD


def _ts(value: dt.datetime | None) -> timestamp_pb2.Timestamp | None:
    if value is None:
        return None
    stamp = timestamp_pb2.Timestamp()
    stamp.FromDatetime(value)
    return stamp


def key_pb(row: KeyRow | None) -> pb.ApiKey | None:
    if row is None:
        return None
    return pb.ApiKey(key_id=row.key_id, merchant_id=row.merchant_id, scopes=row.scopes, state=row.effective_state(dt.datetime.now(dt.timezone.utc)),
                     fingerprint=row.fingerprint, description=row.description, create_time=_ts(row.create_time),
                     expire_time=_ts(row.expire_time), revoke_time=_ts(row.revoke_time), rotated_from=row.rotated_from)


class ApiKeyServicer(rpc.ApiKeyServiceServicer):
    def __init__(self, admin: Admin):
        self.admin = admin

    async def CreateApiKey(self, request, context):
        row, secret = await self.admin.create(request.merchant_id, list(request.scopes), request.description, request.request_id)
        return api.CreateApiKeyResponse(api_key=key_pb(row), secret=secret)

    async def RotateApiKey(self, request, context):
        row, secret, previous = await self.admin.rotate(request.key_id, request.overlap_seconds, request.request_id)
        return api.RotateApiKeyResponse(api_key=key_pb(row), secret=secret, previous=key_pb(previous))

    async def RevokeApiKey(self, request, context):
        return api.RevokeApiKeyResponse(api_key=key_pb(await self.admin.revoke(request.key_id)))

    async def ListApiKeys(self, request, context):
        rows, token = await self.admin.list_keys(request.merchant_id, request.page_size, request.page_token)
        return api.ListApiKeysResponse(api_keys=[key_pb(r) for r in rows], next_page_token=token)


def limit_pb(limit: Limit, stamp: dt.datetime | None) -> pb.RateLimit:
    return pb.RateLimit(merchant_id=limit.merchant_id, route=limit.route, requests_per_second=limit.rps, burst=limit.burst,
                        update_time=_ts(stamp))


class RateLimitServicer(rpc.RateLimitServiceServicer):
    def __init__(self, admin: Admin):
        self.admin = admin

    async def SetRateLimit(self, request, context):
        m = request.limit
        limit = Limit(m.merchant_id, m.route, m.requests_per_second, max(1, m.burst))
        return api.SetRateLimitResponse(limit=limit_pb(limit, await self.admin.set_limit(limit)))

    async def ListRateLimits(self, request, context):
        return api.ListRateLimitsResponse(limits=[limit_pb(lim, stamp) for lim, stamp in await self.admin.limits.rows(request.merchant_id)])


class MeteringServicer(rpc.MeteringServiceServicer):
    def __init__(self, admin: Admin):
        self.admin = admin

    async def GetUsage(self, request, context):
        today = dt.datetime.now(dt.timezone.utc).date()
        start = request.start_time.ToDatetime().date() if request.HasField("start_time") else today
        end = request.end_time.ToDatetime().date() if request.HasField("end_time") else start
        rows = await self.admin.usage(request.merchant_id, start, end)
        return api.GetUsageResponse(rows=[pb.UsageRow(merchant_id=m, api=a, day=d, calls=c, throttled=t) for m, a, d, c, t in rows])


def _header(name: str, value: str) -> base_pb2.HeaderValueOption:
    return base_pb2.HeaderValueOption(header=base_pb2.HeaderValue(key=name, value=value), append_action=_OVERWRITE)


def check_response(decision: Decision, context_id: str) -> authz.CheckResponse:
    if decision.allowed:
        return authz.CheckResponse(status=status_pb2.Status(code=code_pb2.OK), ok_response=authz.OkHttpResponse(
            headers=[_header(k, v) for k, v in decision.headers.items()]))
    headers = [_header("content-type", "application/json"), *(_header(k, v) for k, v in decision.headers.items())]
    return authz.CheckResponse(
        status=status_pb2.Status(code=_GRPC_CODE.get(decision.status, code_pb2.PERMISSION_DENIED), message=decision.reason),
        denied_response=authz.DeniedHttpResponse(status=http_status_pb2.HttpStatus(code=decision.status), headers=headers,
                                                 body=decision.body(context_id)))


class AuthorizationServicer(authz_rpc.AuthorizationServicer):
    """Envoy's ext_authz: the request's method, path (with query), headers and raw body."""

    def __init__(self, authorizer: Authorizer):
        self.authorizer = authorizer

    async def Check(self, request, context):
        http = request.attributes.request.http
        headers = dict(http.headers)
        body = http.raw_body or http.body.encode()
        decision = await self.authorizer.check(http.method, http.path, headers, body)
        return check_response(decision, ctx.normalize(headers.get(ctx.HEADER)) or "")
