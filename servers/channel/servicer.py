"""gRPC ↔ channel handlers. Translation only: errors are mapped by the kernel interceptor."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import text

from paymesh.channel.v1 import channel_pb2 as pb, channel_service_pb2 as api, channel_service_pb2_grpc as rpc
from servers.channel import admin, convert
from servers.channel.adapters import SqlCatalog, order_from_row, _COLS
from servers.channel.domain import OrderType
from servers.channel.handlers import Front, Submission
from servers.channel.routing import RouteContext, remaining_quota
from servers.kernel.context import current_context_id
from servers.kernel.db import Database
from servers.kernel.idempotency import request_hash, run_once
from servers.kernel.money import Money


def _route_ctx(c: pb.RoutingContext) -> RouteContext:
    return RouteContext(c.operation, c.method, Money.from_proto(c.amount), c.verification_method, c.card_org, c.card_bin,
                        c.merchant_id, c.member_id, c.channel_id, frozenset(c.exclude_channel_ids))


def _content_hash(request) -> bytes:
    copy = type(request)()
    copy.CopyFrom(request)
    copy.request_id = ""  # the instruction is the natural key: a retry with a new request_id is the same instruction
    return request_hash(copy)


class ChannelServicer(rpc.ChannelServiceServicer):
    def __init__(self, front: Front, db: Database):
        self.front, self.db = front, db

    async def SubmitPayment(self, request, context):
        card, bank = request.card, request.bank_account
        is_card = request.WhichOneof("instrument") == "card"
        method = 1 if is_card else 3  # card, else direct debit of the account
        route = RouteContext(1, method, Money.from_proto(request.amount), request.verification_method, card.card_org if is_card else 0,
                             card.card_bin if is_card else "", request.merchant_id, request.member_id, request.channel_id)
        sent = {"return_url": request.return_url, "description": request.description}
        if is_card:
            sent.update(card_bin=card.card_bin, card_last4=card.card_last4, card_org=card.card_org, card_no_ticket=card.card_no_ticket)
        else:
            sent.update(bank_code=bank.bank_code, country_code=bank.country_code, iban_ticket=bank.iban_ticket)
        order = await self.front.submit(Submission(request.instruction_id, _content_hash(request), OrderType.PAY, sent, route,
                                                   request.max_attempts or 3, request.ref.order_id, request.ref.payment_id,
                                                   context_id=current_context_id()))
        return api.SubmitPaymentResponse(inst_order=convert.inst_order_pb(order))

    async def SubmitPayout(self, request, context):
        b = request.bank_account
        route = RouteContext(3, 2, Money.from_proto(request.amount), member_id=request.member_id, channel_id=request.channel_id)
        sent = {"description": request.description, "bank_code": b.bank_code, "country_code": b.country_code, "iban_ticket": b.iban_ticket}
        order = await self.front.submit(Submission(request.instruction_id, _content_hash(request), OrderType.PAYOUT, sent, route, 3,
                                                   request.ref.order_id, request.ref.payment_id, context_id=current_context_id()))
        return api.SubmitPayoutResponse(inst_order=convert.inst_order_pb(order))

    async def SubmitRefund(self, request, context):
        route = RouteContext(2, 0, Money.from_proto(request.amount))
        order = await self.front.submit(Submission(request.instruction_id, _content_hash(request), OrderType.REFUND,
                                                   {"description": request.reason}, route, 1, request.ref.order_id,
                                                   request.ref.payment_id, request.ref.refund_id, request.original_inst_order_id,
                                                   current_context_id()))
        return api.SubmitRefundResponse(inst_order=convert.inst_order_pb(order))

    async def GetInstOrder(self, request, context):
        order = await self.front.query_store(request.inst_order_id)
        return api.GetInstOrderResponse(inst_order=convert.inst_order_pb(order))

    async def ListInstOrders(self, request, context):
        size, where, params = request.page_size or 50, ["TRUE"], {}
        for field_name in ("instruction_id", "channel_id", "context_id"):
            if getattr(request, field_name):
                where.append(f"{field_name} = :{field_name}")
                params[field_name] = getattr(request, field_name)
        for field_name in ("payment_id", "order_id"):
            if getattr(request, field_name):
                where.append(f"{field_name} = :{field_name}")
                params[field_name] = getattr(request, field_name)
        if request.state:
            where.append("state = :state")
            params["state"] = int(request.state)
        if request.HasField("start_time"):
            where.append("create_time >= :t0")
            params["t0"] = request.start_time.ToDatetime(dt.timezone.utc)
        if request.HasField("end_time"):
            where.append("create_time < :t1")
            params["t1"] = request.end_time.ToDatetime(dt.timezone.utc)
        if request.page_token:
            where.append("inst_order_id < :after")
            params["after"] = request.page_token
        async with self.db.transaction() as conn:
            rows = (await conn.execute(text(f"SELECT {_COLS} FROM inst_orders WHERE {' AND '.join(where)}"
                                            f" ORDER BY inst_order_id DESC LIMIT {size + 1}"), params)).all()
        orders = [convert.inst_order_pb(order_from_row(r)) for r in rows[:size]]
        return api.ListInstOrdersResponse(inst_orders=orders, next_page_token=orders[-1].inst_order_id if len(rows) > size else "")

    async def QueryInstOrder(self, request, context):
        return api.QueryInstOrderResponse(inst_order=convert.inst_order_pb(await self.front.query(request.inst_order_id)))

    async def HandleNotification(self, request, context):
        headers = {k: v for k, v in context.invocation_metadata() if isinstance(v, str)}
        result, order = await self.front.notify(request.channel_id, request.body.data, headers)
        return api.HandleNotificationResponse(result=int(result), inst_order_id=order.inst_order_id, state=int(order.state))


class RoutingServicer(rpc.RoutingServiceServicer):
    def __init__(self, front: Front, db: Database, catalog: SqlCatalog):
        self.front, self.db, self.catalog = front, db, catalog

    async def Route(self, request, context):
        from servers.channel import errors

        decision = self.front.explain(_route_ctx(request.context)).decision
        if decision is None:
            raise errors.no_route()
        return api.RouteResponse(decision=convert.decision_pb(decision))

    async def ExplainRoute(self, request, context):
        decision, rules, cands = convert.explanation_parts(self.front.explain(_route_ctx(request.context)))
        return api.ExplainRouteResponse(decision=decision, matched_rule_ids=rules, candidates=cands)

    async def _mutate(self, method, request, response_type, work):
        reply = await run_once(self.db, method, request.request_id, request, response_type, work)
        await self.catalog.refresh()
        return reply

    async def CreateRoutingRule(self, request, context):
        admin.check_rule_spec(request.spec, set(self.catalog.channels) | await admin.known_channels(self.db))
        return await self._mutate("CreateRoutingRule", request, api.CreateRoutingRuleResponse,
                                  lambda conn: _wrap(api.CreateRoutingRuleResponse, "rule", admin.create_rule(conn, request.spec)))

    async def UpdateRoutingRule(self, request, context):
        spec = request.spec if request.HasField("spec") else None
        if spec is not None:
            admin.check_rule_spec(spec, await admin.known_channels(self.db))
        return await self._mutate("UpdateRoutingRule", request, api.UpdateRoutingRuleResponse, lambda conn: _wrap(
            api.UpdateRoutingRuleResponse, "rule", admin.update_rule(conn, request.rule_id, request.expected_version, spec, request.state)))

    async def GetRoutingRule(self, request, context):
        async with self.db.transaction() as conn:
            return api.GetRoutingRuleResponse(rule=await admin.get_rule(conn, request.rule_id))

    async def ListRoutingRules(self, request, context):
        async with self.db.transaction() as conn:
            rules, token = await admin.list_rules(conn, request)
        return api.ListRoutingRulesResponse(rules=rules, next_page_token=token)

    async def DeleteRoutingRule(self, request, context):
        async with self.db.transaction() as conn:
            deleted = await admin.delete_rule(conn, request.rule_id)
        await self.catalog.refresh()
        return api.DeleteRoutingRuleResponse(deleted=deleted)


async def _wrap(response_type, field_name, coro):
    return response_type(**{field_name: await coro})


class ChannelAdminServicer(rpc.ChannelAdminServiceServicer):
    def __init__(self, front: Front, db: Database, catalog: SqlCatalog, key_refs: set[str]):
        self.front, self.db, self.catalog, self.key_refs = front, db, catalog, key_refs

    async def _mutate(self, method, request, response_type, field_name, work):
        reply = await run_once(self.db, method, request.request_id, request, response_type,
                               lambda conn: _wrap(response_type, field_name, work(conn)))
        await self.catalog.refresh()
        return reply

    async def CreateChannel(self, request, context):
        admin.check_channel_spec(request.spec, self.key_refs)
        return await self._mutate("CreateChannel", request, api.CreateChannelResponse, "channel",
                                  lambda conn: admin.create_channel(conn, request.channel_id, request.spec))

    async def UpdateChannel(self, request, context):
        admin.check_channel_spec(request.spec, self.key_refs)
        return await self._mutate("UpdateChannel", request, api.UpdateChannelResponse, "channel",
                                  lambda conn: admin.update_channel(conn, request.channel_id, request.expected_version, request.spec))

    async def SetChannelState(self, request, context):
        return await self._mutate("SetChannelState", request, api.SetChannelStateResponse, "channel",
                                  lambda conn: admin.set_channel_state(conn, request.channel_id, request.state))

    async def GetChannel(self, request, context):
        async with self.db.transaction() as conn:
            return api.GetChannelResponse(channel=await admin.get_channel(conn, request.channel_id))

    async def ListChannels(self, request, context):
        async with self.db.transaction() as conn:
            channels, token = await admin.list_channels(conn, request)
        return api.ListChannelsResponse(channels=channels, next_page_token=token)

    async def GetChannelHealth(self, request, context):
        async with self.db.transaction() as conn:
            await admin.get_channel(conn, request.channel_id)
        snap = self.front.health.snapshot(request.channel_id)
        channel = self.catalog.channels.get(request.channel_id)
        usage = []
        for cur, terms in (channel.currencies.items() if channel else ()):
            left = remaining_quota(channel, cur, self.catalog.used)
            if left is not None:
                quota = Money(cur, terms.daily_quota_minor or 0)
                usage.append(pb.QuotaUsage(daily_quota=quota.to_proto(), used=(quota - left).to_proto(), remaining=left.to_proto()))
        retry = None
        if snap.retry_at is not None:
            import time
            retry = convert.ts(dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=max(0.0, snap.retry_at - time.monotonic())))
        return api.GetChannelHealthResponse(health=pb.ChannelHealth(
            channel_id=request.channel_id, circuit_state=int(snap.circuit), circuit_retry_time=retry,
            window_seconds=self.front.health.policy.window_seconds, call_count=snap.call_count, success_rate_bps=snap.success_rate_bps,
            latency_ms_p50=snap.latency_ms_p50, latency_ms_p99=snap.latency_ms_p99, quota_usage=usage,
            update_time=convert.ts(dt.datetime.now(dt.timezone.utc))))

    async def UpsertErrorCodeMapping(self, request, context):
        return await self._mutate("UpsertErrorCodeMapping", request, api.UpsertErrorCodeMappingResponse, "mapping",
                                  lambda conn: admin.upsert_mapping(conn, request.mapping))

    async def ListErrorCodeMappings(self, request, context):
        async with self.db.transaction() as conn:
            mappings, token = await admin.list_mappings(conn, request)
        return api.ListErrorCodeMappingsResponse(mappings=mappings, next_page_token=token)

    async def DeleteErrorCodeMapping(self, request, context):
        async with self.db.transaction() as conn:
            deleted = await admin.delete_mapping(conn, request.channel_id, request.channel_code)
        await self.catalog.refresh()
        return api.DeleteErrorCodeMappingResponse(deleted=deleted)
