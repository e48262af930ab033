"""Per-channel health: a sliding window of recent calls (success rate, latency percentiles)
and a circuit breaker with half-open probes. Pure and in-process: each replica judges the
channels from its own calls, like a client-side breaker (Hystrix / Envoy outlier detection).

    CLOSED --(failure rate >= threshold over >= min calls, or N consecutive failures)--> OPEN
    OPEN --(open_seconds elapsed)--> HALF_OPEN: at most probes_max calls in flight
    HALF_OPEN --(probe ok)--> CLOSED      HALF_OPEN --(probe failed)--> OPEN (timer restarts)

"Failure" is technical (timeout, unreachable, 5xx); a business decline is a healthy call that
lowers only the approval (success) rate used for ranking.
"""
from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass
from enum import IntEnum
from typing import Callable


class Circuit(IntEnum):
    CLOSED = 1
    OPEN = 2
    HALF_OPEN = 3


@dataclass(frozen=True)
class HealthPolicy:
    window_seconds: int = 60
    samples_max: int = 2000
    min_calls: int = 10
    failure_rate_bps_max: int = 5000
    consecutive_failures_max: int = 5
    open_seconds: float = 30.0
    probes_max: int = 1
    prior_success_bps: int = 9000  # assumed approval rate of a channel with too few samples


@dataclass(frozen=True)
class HealthSnapshot:
    circuit: Circuit
    retry_at: float | None
    call_count: int
    success_rate_bps: int
    latency_ms_p50: int
    latency_ms_p99: int


@dataclass
class _Sample:
    at: float
    ok: bool
    approved: bool
    latency_ms: int


class ChannelHealth:
    def __init__(self, policy: HealthPolicy, clock: Callable[[], float] = time.monotonic):
        self.policy, self.clock = policy, clock
        self.samples: deque[_Sample] = deque(maxlen=policy.samples_max)
        self.circuit = Circuit.CLOSED
        self.opened_at = 0.0
        self.consecutive_failures = 0
        self.probes_in_flight = 0

    def _trim(self) -> None:
        horizon = self.clock() - self.policy.window_seconds
        while self.samples and self.samples[0].at < horizon:
            self.samples.popleft()

    def state(self) -> Circuit:
        if self.circuit == Circuit.OPEN and self.clock() - self.opened_at >= self.policy.open_seconds:
            self.circuit, self.probes_in_flight = Circuit.HALF_OPEN, 0
        return self.circuit

    def allow(self) -> bool:
        """Whether a call may go now; a HALF_OPEN pass takes a probe slot (give it back via record)."""
        state = self.state()
        if state == Circuit.CLOSED:
            return True
        if state == Circuit.HALF_OPEN and self.probes_in_flight < self.policy.probes_max:
            self.probes_in_flight += 1
            return True
        return False

    def record(self, ok: bool, approved: bool, latency_ms: int) -> None:
        now = self.clock()
        self.samples.append(_Sample(now, ok, approved, max(0, latency_ms)))
        self._trim()
        state = self.state()
        if state == Circuit.HALF_OPEN:
            self.probes_in_flight = max(0, self.probes_in_flight - 1)
            if ok:
                self._close()
            else:
                self._open(now)
            return
        self.consecutive_failures = 0 if ok else self.consecutive_failures + 1
        if state == Circuit.CLOSED and not ok and self._should_trip():
            self._open(now)

    def _should_trip(self) -> bool:
        if self.consecutive_failures >= self.policy.consecutive_failures_max:
            return True
        calls = len(self.samples)
        failures = sum(1 for s in self.samples if not s.ok)
        return calls >= self.policy.min_calls and failures * 10_000 >= self.policy.failure_rate_bps_max * calls

    def _open(self, now: float) -> None:
        self.circuit, self.opened_at, self.probes_in_flight = Circuit.OPEN, now, 0

    def _close(self) -> None:
        self.circuit, self.consecutive_failures = Circuit.CLOSED, 0
        self.samples.clear()  # a fresh start: old failures must not re-trip at once

    def snapshot(self) -> HealthSnapshot:
        self._trim()
        state = self.state()
        calls = len(self.samples)
        if calls < self.policy.min_calls:
            rate = self.policy.prior_success_bps
        else:
            rate = sum(1 for s in self.samples if s.approved) * 10_000 // calls
        latencies = sorted(s.latency_ms for s in self.samples)
        retry_at = self.opened_at + self.policy.open_seconds if state == Circuit.OPEN else None
        return HealthSnapshot(state, retry_at, calls, rate, _pct(latencies, 50), _pct(latencies, 99))


def _pct(sorted_values: list[int], pct: int) -> int:
    if not sorted_values:
        return 0
    return sorted_values[min(len(sorted_values) - 1, (len(sorted_values) * pct + 99) // 100 - 1)]


class HealthBoard:
    """All channels' health in this replica."""

    def __init__(self, policy: HealthPolicy | None = None, clock: Callable[[], float] = time.monotonic):
        self.policy, self.clock = policy or HealthPolicy(), clock
        self.channels: dict[str, ChannelHealth] = {}

    def of(self, channel_id: str) -> ChannelHealth:
        if channel_id not in self.channels:
            self.channels[channel_id] = ChannelHealth(self.policy, self.clock)
        return self.channels[channel_id]

    def snapshot(self, channel_id: str) -> HealthSnapshot:
        return self.of(channel_id).snapshot()
