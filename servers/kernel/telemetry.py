"""OpenTelemetry for a service: OTLP export, sampling that follows the edge's decision,
the context id on every span, and the gRPC client interceptors (they skip health and reflection).
The server span is started by the kernel's own interceptor (interceptors.KernelInterceptor)."""
from __future__ import annotations

from opentelemetry import trace
from opentelemetry.instrumentation.grpc import aio_client_interceptors, filters
from opentelemetry.processor.baggage import BaggageSpanProcessor
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.sdk.trace.sampling import ALWAYS_OFF, ParentBased, TraceIdRatioBased

from servers.kernel.context import BAGGAGE_KEY

_UNTRACED = filters.negate(filters.any_of(filters.service_prefix("grpc.health"), filters.service_prefix("grpc.reflection")))


def setup_tracing(service: str, otlp_endpoint: str, sample_ratio: float) -> TracerProvider:
    """Sampling is decided at the edge (Envoy): a sampled parent is always followed.
    sample_ratio only applies to requests that arrive without a trace. With no exporter
    (PAYMESH_OTLP_ENDPOINT empty) nothing is recorded: spans would go nowhere, and recording
    them costs every RPC CPU. Trace ids still pass through to the next hop."""
    provider = TracerProvider(
        resource=Resource.create({"service.name": f"paymesh-{service}"}),
        sampler=ParentBased(TraceIdRatioBased(sample_ratio)) if otlp_endpoint else ALWAYS_OFF,
    )
    provider.add_span_processor(BaggageSpanProcessor(lambda key: key == BAGGAGE_KEY))
    if otlp_endpoint:
        from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter

        exporter = OTLPSpanExporter(endpoint=otlp_endpoint, insecure=True, timeout=5)
        provider.add_span_processor(BatchSpanProcessor(exporter, schedule_delay_millis=500, max_queue_size=8192))
    trace.set_tracer_provider(provider)
    return provider


def client_interceptors(provider: TracerProvider | None = None) -> list:
    return list(aio_client_interceptors(tracer_provider=provider or trace.get_tracer_provider(), filter_=_UNTRACED))
