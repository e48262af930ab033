"""In-memory snapshot of what the database says about data types, access policies and key
versions; a worker refreshes it every few seconds (and admin changes apply at once locally),
so the hot path never queries them. Retirement is also checked in the read query itself."""
from __future__ import annotations

from dataclasses import dataclass, replace

from servers.ues import errors
from servers.ues.domain import DataType, Permission, Policy, allowed, configured_types, parse_policies


@dataclass(frozen=True)
class Caller:
    client_id: str
    context_id: str
    method: str


class Registry:
    def __init__(self, extra_types_json: str, baseline_policies: str):
        self.configured = configured_types(extra_types_json)
        self.types: dict[str, DataType] = dict(self.configured)
        self.baseline = parse_policies(baseline_policies)
        self.runtime: dict[tuple[str, str], Policy] = {}
        self._may: dict[tuple[str, str, Permission], bool] = {}  # memo of may(); cleared with every policy change

    def set_types(self, stored: list[DataType]) -> None:
        """Runtime types override configured ones of the same name (built-ins may be tightened)."""
        types = dict(self.configured)
        for t in stored:
            types[t.name] = replace(t, builtin=t.name in self.configured)
        self.types = types

    def set_policies(self, stored: list[Policy]) -> None:
        self.runtime = {(p.client_id, p.data_type): p for p in stored}
        self._may = {}

    def data_type(self, name: str, field: str = "data_type") -> DataType:
        found = self.types.get(name)
        if found is None:
            raise errors.unknown_data_type(field, name)
        return found

    def may(self, caller: Caller, data_type: str, permission: Permission) -> bool:
        key = (caller.client_id, data_type, permission)
        found = self._may.get(key)
        if found is None:
            if len(self._may) > 10_000:
                self._may = {}
            found = self._may[key] = allowed(self.runtime, self.baseline, caller.client_id, data_type, permission)
        return found

    def check(self, caller: Caller, data_type: str, permission: Permission) -> None:
        if not self.may(caller, data_type, permission):
            raise errors.permission_denied(caller.client_id, permission.name.lower(), data_type)
