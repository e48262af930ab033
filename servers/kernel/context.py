"""The context id: one business identifier that follows a payment across every hop.

It lives in OpenTelemetry baggage (key `paymesh.context_id`), so it crosses process
boundaries with the W3C `baggage` header and stamps every span via BaggageSpanProcessor.
It is also sent as plain `x-context-id` gRPC metadata so tools that don't speak baggage
(Envoy's access log, grpcurl users) see it.
"""
from __future__ import annotations

import contextlib
import contextvars
import re
from typing import Iterator

from opentelemetry import baggage, context as otel_context

from servers.kernel.ids import new_id

BAGGAGE_KEY = "paymesh.context_id"
HEADER = "x-context-id"
_VALID = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")


def current_context_id() -> str:
    value = baggage.get_baggage(BAGGAGE_KEY)
    return str(value) if value else ""


def new_context_id() -> str:
    return new_id("ctx")


def normalize(value: str | None) -> str | None:
    """A caller-supplied id is kept only if it is short and safe to log and store."""
    if value and _VALID.match(value):
        return value
    return None


@contextlib.contextmanager
def context_scope(context_id: str) -> Iterator[str]:
    token = otel_context.attach(baggage.set_baggage(BAGGAGE_KEY, context_id))
    try:
        yield context_id
    finally:
        otel_context.detach(token)


def bind(context_id: str) -> object:
    """Attach for the rest of the current task (the grpc.aio handler task); returns the token."""
    return otel_context.attach(baggage.set_baggage(BAGGAGE_KEY, context_id))


# The merchant the edge gateway verified (API-key signature) for a public call. Envoy strips
# any client-sent copy of this header on the public listener and sets it after ext_authz.
MERCHANT_HEADER = "x-paymesh-merchant-id"
_TRUSTED_MERCHANT: contextvars.ContextVar[str] = contextvars.ContextVar("paymesh_trusted_merchant", default="")


def trusted_merchant() -> str:
    """The verified merchant of the current public call; "" for internal callers."""
    return _TRUSTED_MERCHANT.get()


def bind_trusted_merchant(merchant_id: str) -> None:
    _TRUSTED_MERCHANT.set(merchant_id)
