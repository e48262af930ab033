"""`buf breaking` against main, offline. Skipped (with a note) when there is no main branch
with protos to compare against, e.g. the very first commit."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main() -> int:
    buf = shutil.which("buf", path=str(Path(sys.executable).parent)) or "buf"
    for ref in ("main", "origin/main"):
        has = subprocess.run(["git", "-C", str(ROOT), "ls-tree", "-r", "--name-only", ref, "--", "protos/paymesh"],
                             capture_output=True, text=True)
        if has.returncode == 0 and has.stdout.strip():
            against = f".git#{'branch=main' if ref == 'main' else 'ref=refs/remotes/origin/main'}"
            result = subprocess.run([buf, "breaking", "--against", against], cwd=ROOT)
            if result.returncode == 0:
                print(f"buf breaking: no breaking change against {ref}")
            return result.returncode
    print("buf breaking: no main branch with protos to compare against; skipped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
