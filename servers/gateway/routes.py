"""The public surface, derived once from the contracts: RPCs with `(paymesh.common.v1.exposure)
= {public: true}` and their google.api.http bindings. Used by the gateway (REST path → method
and scope) and by the Envoy config (public routes)."""
from __future__ import annotations

import importlib
import re
from pathlib import Path

from servers.gateway.domain import Route

_VAR = re.compile(r"\{([^}=]+)(?:=([^}]*))?\}")


def public_methods() -> list[tuple[str, str, list[tuple[str, str]]]]:
    """(full method "/pkg.Svc/Method", scope, [(HTTP verb, path template), ...]) of every public RPC."""
    from google.api import annotations_pb2

    import paymesh
    from paymesh.common.v1 import options_pb2

    found = []
    for root in paymesh.__path__:
        for path in sorted(Path(root).glob("*/v1/*_service_pb2.py")):
            module = importlib.import_module(f"paymesh.{path.parent.parent.name}.v1.{path.stem}")
            for svc in module.DESCRIPTOR.services_by_name.values():
                for m in svc.methods:
                    opts = m.GetOptions()
                    exposure = opts.Extensions[options_pb2.exposure]
                    if not exposure.public:
                        continue
                    rule = opts.Extensions[annotations_pb2.http]
                    bindings = [_binding(r) for r in (rule, *rule.additional_bindings)]
                    found.append((f"/{svc.full_name}/{m.name}", exposure.scope or "*", [b for b in bindings if b]))
    return found


def _binding(rule) -> tuple[str, str] | None:
    kind = rule.WhichOneof("pattern")
    if kind in (None, "custom"):
        return None
    return kind.upper(), getattr(rule, kind)


def template_regex(template: str) -> str:
    out, pos = [], 0
    for m in _VAR.finditer(template):
        out.append(re.escape(template[pos:m.start()]))
        out.append(".+" if m.group(2) == "**" else "[^/:]+")
        pos = m.end()
    out.append(re.escape(template[pos:]))
    return "^" + "".join(out) + "$"


class RouteTable:
    def __init__(self, methods: list[tuple[str, str, list[tuple[str, str]]]]):
        self.routes: list[tuple[str, re.Pattern[str], Route]] = []
        for method, scope, bindings in methods:
            for verb, template in bindings:
                self.routes.append((verb, re.compile(template_regex(template)), Route(method, scope, verb, template)))
        # Literal templates before variable ones ("/v1/orders" before "/v1/orders/{id}").
        self.routes.sort(key=lambda r: r[2].pattern.count("{"))
        self.by_verb: dict[str, list[tuple[re.Pattern[str], Route]]] = {}
        for verb, regex, route in self.routes:
            self.by_verb.setdefault(verb, []).append((regex, route))

    def match(self, http_method: str, path: str) -> Route | None:
        path = path.split("?", 1)[0]
        for regex, route in self.by_verb.get(http_method.upper(), ()):
            if regex.match(path):
                return route
        return None
