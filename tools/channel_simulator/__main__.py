"""python -m tools.channel_simulator --port P --notify-url http://127.0.0.1:8080/v1/channels/{channel}/notifications

The signing key is read (created on first use) from <PAYMESH_HOME>/channel/signing-keys.json,
the same file the channel service reads, under --key-ref (default "sim")."""
from __future__ import annotations

import argparse
import os
from pathlib import Path

from servers.channel.connector import load_keys
from tools.channel_simulator.server import Simulator, serve


def main() -> None:
    parser = argparse.ArgumentParser(prog="channel_simulator")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PAYMESH_PORT_BASE", "8000")) + 110)
    parser.add_argument("--notify-url", default="")
    parser.add_argument("--keys-file", default="")
    parser.add_argument("--key-ref", default="sim")
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args()
    home = os.environ.get("PAYMESH_HOME") or str(Path(__file__).resolve().parents[2] / ".paymesh")
    keys = load_keys(Path(args.keys_file or Path(home) / "channel" / "signing-keys.json"))
    envoy = int(os.environ.get("PAYMESH_PORT_BASE", "8000")) + 80
    notify = args.notify_url or f"http://127.0.0.1:{envoy}/v1/channels/{{channel}}/notifications"
    sim = Simulator(keys[args.key_ref], notify, f"http://{args.host}:{args.port}", args.seed)
    server = serve(args.host, args.port, sim)
    print(f"channel simulator on http://{args.host}:{args.port}, notifying {notify}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
