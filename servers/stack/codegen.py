"""The one generator: protos/ → generated/ (Python, gRPC stubs, type stubs) and Envoy's
descriptor set, and the public OpenAPI document envoy/openapi.json.
Run `python -m servers.stack.codegen`; `--check` fails if anything is stale.

google/api and google/rpc are compiled against the vendored copies but never emitted:
their Python modules come from the googleapis-common-protos wheel at run time. The vendored
subset of Envoy's ext_authz API (third_party/envoy) is emitted: the gateway serves it.
"""
from __future__ import annotations

import argparse
import filecmp
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROTOS = ROOT / "protos"
THIRD_PARTY = PROTOS / "third_party"
GENERATED = ROOT / "generated"
DESCRIPTOR_SET = ROOT / "envoy" / "paymesh.pb"


def _paymesh_protos() -> list[str]:
    return sorted(str(p.relative_to(PROTOS)) for p in (PROTOS / "paymesh").rglob("*.proto"))


def _envoy_protos() -> list[str]:
    return sorted(str(p.relative_to(THIRD_PARTY)) for p in (THIRD_PARTY / "envoy").rglob("*.proto"))


def _protoc(args: list[str]) -> None:
    import grpc_tools
    from grpc_tools import protoc

    wkt = str(Path(grpc_tools.__file__).parent / "_proto")
    argv = ["protoc", f"-I{PROTOS}", f"-I{THIRD_PARTY}", f"-I{wkt}", *args]
    if protoc.main(argv) != 0:
        raise SystemExit(f"protoc failed: {' '.join(args[:3])} ...")


def generate(out_dir: Path, descriptor_out: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    protos = _paymesh_protos()
    _protoc([f"--python_out={out_dir}", f"--pyi_out={out_dir}", f"--grpc_python_out={out_dir}", *protos, *_envoy_protos()])
    descriptor_out.parent.mkdir(parents=True, exist_ok=True)
    _protoc([
        "--include_imports", "--include_source_info", f"--descriptor_set_out={descriptor_out}",
        *protos, "google/rpc/error_details.proto",
    ])


def _tree(root: Path) -> dict[str, Path]:
    return {str(p.relative_to(root)): p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts}


def check() -> list[str]:
    """Regenerates into a temporary directory and lists what differs from the committed output."""
    with tempfile.TemporaryDirectory() as tmp:
        tmp_gen, tmp_desc = Path(tmp) / "generated", Path(tmp) / "paymesh.pb"
        generate(tmp_gen, tmp_desc)
        fresh, current = _tree(tmp_gen), _tree(GENERATED)
        stale = sorted(set(fresh) ^ set(current))
        stale += [name for name in sorted(set(fresh) & set(current)) if not filecmp.cmp(fresh[name], current[name], shallow=False)]
        if not DESCRIPTOR_SET.exists() or not filecmp.cmp(tmp_desc, DESCRIPTOR_SET, shallow=False):
            stale.append(str(DESCRIPTOR_SET.relative_to(ROOT)))
        stale += _openapi_stale(tmp_desc)
        return stale


# --- The public OpenAPI document (servers/stack/openapi.py) from the descriptor set ---------

def _openapi_write(descriptor: Path) -> None:
    from servers.stack import openapi

    openapi.OPENAPI.write_text(openapi.render(descriptor))


def _openapi_stale(descriptor: Path) -> list[str]:
    from servers.stack import openapi

    current = openapi.OPENAPI.read_text() if openapi.OPENAPI.exists() else ""
    return [] if current == openapi.render(descriptor) else [str(openapi.OPENAPI.relative_to(ROOT))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail if generated/ or the descriptor set is stale")
    args = parser.parse_args(argv)
    if args.check:
        stale = check()
        for name in stale:
            print(f"stale: {name}")
        return 1 if stale else 0
    if GENERATED.exists():
        shutil.rmtree(GENERATED)
    generate(GENERATED, DESCRIPTOR_SET)
    _openapi_write(DESCRIPTOR_SET)
    print(f"generated {len(_paymesh_protos())} protos into {GENERATED.relative_to(ROOT)}/ and {DESCRIPTOR_SET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
