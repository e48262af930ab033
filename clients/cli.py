"""`paymesh` — run the local mesh and poke at it.

    paymesh up | down | status             the whole local stack
    paymesh trace <context-id>             span tree of one flow
    paymesh ledger ...                     see clients/cli_<service>.py
    paymesh settlement ...                 settlement batches, configs, disputes (clients/cli_settlement.py)
    paymesh integrity                      cross-service integrity monitor (clients/integrity.py)
    paymesh gateway keys|limits|usage      merchant API keys, rate limits, metering (clients/cli_gateway.py)
"""
from __future__ import annotations

import argparse
import os
import sys
import time


def _plan():
    from servers.stack.components import plan

    return plan()


def cmd_up(args) -> int:
    from servers.stack import runner

    p = _plan()
    print(f"paymesh: starting the mesh (data in {p.home})")
    t0 = time.monotonic()
    try:
        runner.up(p)
    except RuntimeError as exc:
        print(f"paymesh: failed: {exc}", file=sys.stderr)
        return 1
    ends = p.endpoints()
    print(f"\npaymesh is up in {time.monotonic() - t0:.1f}s.")
    if "envoy" in ends:
        print(f"  REST + gRPC : {ends['envoy']}   (e.g. curl {ends['envoy']}/v1/orders/ord_x)")
    print("  traces      : paymesh trace <context-id>")
    print("  stop        : paymesh down")
    return 0


def cmd_down(args) -> int:
    from servers.stack import runner

    runner.down(_plan())
    return 0


def cmd_status(args) -> int:
    from servers.stack import runner

    rows = runner.status(_plan())
    for name, pid, healthy, endpoint in rows:
        state = "healthy" if healthy else ("running" if pid else "stopped")
        print(f"  {name:<9} {state:<8} pid={pid or '-':<8} {endpoint}")
    return 0 if all(healthy for _, _, healthy, _ in rows) else 1


def cmd_trace(args) -> int:
    from pathlib import Path

    from servers.stack import traces
    from servers.stack.components import home_dir

    spans = traces.flow(traces.load_spans(Path(home_dir(os.environ)) / "traces"), args.context_id)
    if not spans:
        print(f"no spans for context id {args.context_id}", file=sys.stderr)
        return 1
    print(traces.render_tree(spans))
    return 0


def _plugins():
    """Each service may add its own subcommands in clients/cli_<service>.py with register(subparsers)."""
    import importlib
    import pkgutil

    import clients

    return [importlib.import_module(f"clients.{m.name}") for m in pkgutil.iter_modules(clients.__path__) if m.name.startswith("cli_")]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="paymesh", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("up", help="start the whole local mesh").set_defaults(func=cmd_up)
    sub.add_parser("down", help="stop everything `up` started").set_defaults(func=cmd_down)
    sub.add_parser("status", help="health of every part").set_defaults(func=cmd_status)
    trace = sub.add_parser("trace", help="span tree of one flow")
    trace.add_argument("context_id")
    trace.set_defaults(func=cmd_trace)
    for module in _plugins():
        module.register(sub)
    from clients import integrity

    integrity.register(sub)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
