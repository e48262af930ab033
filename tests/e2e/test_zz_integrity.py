"""Runs last in tests/e2e (file order): the integrity monitor (clients/integrity.py) over
everything the suite created, through Envoy, RPCs only. Events settle asynchronously, so a FAIL
is re-checked for a few seconds before the suite fails on it."""
from __future__ import annotations

import asyncio


async def test_integrity_monitor_finds_nothing_wrong_after_the_suite(via_envoy):
    from clients import integrity

    report = await integrity.check(via_envoy)
    for _ in range(10):
        if report.ok:
            break
        await asyncio.sleep(1.0)
        report = await integrity.check(via_envoy)
    print(report.render(limit=50))
    assert report.ok, report.render(limit=50)
    assert report.checks[0].checked > 0 or report.checks[3].checked > 0


def test_the_cli_runs_the_monitor_and_the_settlement_commands(edge, capsys):
    import uuid

    from clients import cli

    assert cli.main(["integrity", "--via", edge, "--limit", "5"]) == 0
    assert capsys.readouterr().out.strip().endswith("integrity OK")
    merchant = f"mch_{uuid.uuid4().hex[:12]}"
    assert cli.main(["settlement", "--via", edge, "config", merchant, "periodic", "--cutoff", "18:00", "--tz", "Europe/Paris",
                     "--delay-days", "2"]) == 0
    assert cli.main(["settlement", "--via", edge, "config", merchant]) == 0
    assert cli.main(["settlement", "--via", edge, "list", merchant]) == 0
    assert cli.main(["settlement", "--via", edge, "run", merchant]) == 1  # NOTHING_TO_SETTLE, said on stderr
    out = capsys.readouterr()
    assert out.out.splitlines() == [f"{merchant}  PERIODIC  cutoff 18:00 Europe/Paris  T+2"] * 2 and "NOTHING_TO_SETTLE" in out.err
