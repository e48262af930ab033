"""Periodic settlement (T+N with a cutoff) and the sweep that retries failed auto batches.

A PERIODIC merchant has a cutoff time of day in a time zone and a delay N. Once the cutoff of
local day D has passed, the payments created up to the cutoff of day D − N are settled in one
batch, request `periodic:<merchant>:<YYYY-MM-DD of D − N>` — so a batch is idempotent per
(merchant, cutoff), and a worker that was down for days settles everything due in one batch.
The clock is injected (`now`), so tests never wait for a cutoff.

The sweep: an AUTO merchant with SUCCEEDED payments in no batch (its event-driven batch failed,
e.g. LOCK_BUSY, or the ledger was down) gets a batch `sweep:<merchant>:<oldest payment id>`.
"""
from __future__ import annotations

import datetime as dt
import logging
from typing import Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from servers.kernel.errors import FieldViolation, InvalidArgument
from servers.payment import settlement
from servers.payment.settlement import Config, Locks, SettlementLedger, SettlementUnitOfWork

log = logging.getLogger("paymesh.payment.settlement")
Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name or "UTC")


def _time_of_day(text: str) -> dt.time:
    parts = [int(x) for x in text.split(":")]
    if len(parts) not in (2, 3):
        raise ValueError(text)
    return dt.time(*parts)  # ValueError when out of range


def check_schedule(config: Config) -> None:
    violations = []
    try:
        _time_of_day(config.cutoff_local_time)
    except ValueError:
        violations.append(FieldViolation("schedule.cutoff_local_time", "a PERIODIC schedule needs a cutoff time \"HH:MM[:SS]\""))
    try:
        _zone(config.time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        violations.append(FieldViolation("schedule.time_zone", f"unknown time zone {config.time_zone!r}"))
    if not 0 <= config.delay_days <= 30:
        violations.append(FieldViolation("schedule.delay_days", "between 0 and 30"))
    if violations:
        raise InvalidArgument(violations)


def cutoff_at(config: Config, day: dt.date) -> dt.datetime:
    """The cutoff instant (UTC) of local day `day`."""
    local = dt.datetime.combine(day, _time_of_day(config.cutoff_local_time), tzinfo=_zone(config.time_zone))
    return local.astimezone(dt.timezone.utc)


def due(config: Config, now: dt.datetime) -> tuple[dt.date, dt.datetime]:
    """(cutoff date, cutoff instant) to settle at `now`: that of day D − N, D the latest local day whose cutoff has passed."""
    today = now.astimezone(_zone(config.time_zone)).date()
    day = today if cutoff_at(config, today) <= now else today - dt.timedelta(days=1)
    settle_day = day - dt.timedelta(days=config.delay_days)
    return settle_day, cutoff_at(config, settle_day)


def periodic_request_id(merchant_id: str, day: dt.date) -> str:
    return f"periodic:{merchant_id}:{day.isoformat()}"


async def settle_periodic(uow: SettlementUnitOfWork, locks: Locks, ledger: SettlementLedger, config: Config,
                          now: Clock = utc_now) -> settlement.Batch | None:
    """The batch due now for one PERIODIC merchant (None: nothing to settle up to its cutoff)."""
    day, cutoff = due(config, now())
    return await settlement.settle_as(uow, locks, ledger, periodic_request_id(config.merchant_id, day), config.merchant_id, cutoff, now)


async def run_round(uow: SettlementUnitOfWork, locks: Locks, ledger: SettlementLedger, now: Clock = utc_now,
                    grace: dt.timedelta = dt.timedelta(seconds=5)) -> list[settlement.Batch]:
    """One pass: every PERIODIC merchant's due batch, then the AUTO sweep (payments older than `grace`,
    so the event-driven batch goes first). A merchant's failure is logged and retried next round."""
    done: list[settlement.Batch] = []
    configs = await uow(lambda s: s.periodic_configs())
    stale = await uow(lambda s: s.unsettled_auto(now() - grace, 100))
    jobs = [(c.merchant_id, lambda c=c: settle_periodic(uow, locks, ledger, c, now)) for c in configs]
    jobs += [(m, lambda m=m, first=first: settlement.settle_as(uow, locks, ledger, f"sweep:{m}:{first}", m, None, now))
             for m, first in stale]
    for merchant_id, job in jobs:
        try:
            batch = await job()
        except Exception:  # noqa: BLE001 - one merchant never stops the others; retried next round
            log.exception("settlement round failed", extra={"merchant_id": merchant_id})
            continue
        if batch is not None:
            done.append(batch)
    return done
