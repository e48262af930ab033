"""The public REST surface as an OpenAPI 3.0 document, generated from the protos.

Reads the descriptor set (envoy/paymesh.pb, with source info for the comments), takes every
RPC marked `(paymesh.common.v1.exposure).public`, and follows what Envoy's gRPC-JSON
transcoder does with it:
- paths and verbs from `google.api.http`; `{field}` path parameters; for GET every other
  request field is a query parameter (proto field names, nested messages dotted); `body: "*"`
  takes the rest of the request as JSON;
- schemas in the proto3 JSON mapping: lowerCamelCase names, 64-bit integers as strings, enums
  as their names, Timestamp as an RFC 3339 date-time, google.api.HttpBody as the raw body;
- request schemas carry the `(paymesh.common.v1.rules)` validation (the kernel rejects the rest
  with 400); response schemas do not (`*Input` schemas are the request variants);
- errors: google.rpc.Status JSON from the transcoder, or Envoy's local-reply JSON
  ({code, reason, message, context_id}) for edge errors (401/403/404/413/429);
- security: the four x-paymesh-* signature headers (see clients/signing.py).

`python -m servers.stack.codegen` writes envoy/openapi.json; `--check` fails when it is stale.
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
OPENAPI = ROOT / "envoy" / "openapi.json"
TITLE = "paymesh public API"
VERSION = "v1"

_INT32 = {5: "int32", 13: "int64", 15: "int32", 17: "int32", 7: "int64"}  # int32 uint32 sfixed32 sint32 fixed32
_INT64 = {3: "int64", 4: "uint64", 16: "int64", 18: "int64", 6: "uint64"}  # int64 uint64 sfixed64 sint64 fixed64
_TYPE_DOUBLE, _TYPE_FLOAT, _TYPE_BOOL, _TYPE_STRING, _TYPE_BYTES = 1, 2, 8, 9, 12
_TYPE_MESSAGE, _TYPE_ENUM, _LABEL_REPEATED = 11, 14, 3
_WELL_KNOWN: dict[str, dict[str, Any]] = {
    "google.protobuf.Timestamp": {"type": "string", "format": "date-time"},
    "google.protobuf.Duration": {"type": "string", "pattern": r"^-?[0-9]+(\.[0-9]{1,9})?s$"},
    "google.protobuf.FieldMask": {"type": "string"},
    "google.protobuf.Struct": {"type": "object", "additionalProperties": True},
    "google.protobuf.Value": {},
    "google.protobuf.ListValue": {"type": "array", "items": {}},
    "google.protobuf.Empty": {"type": "object"},
    "google.protobuf.Any": {"type": "object", "properties": {"@type": {"type": "string"}}, "additionalProperties": True},
    "google.protobuf.StringValue": {"type": "string", "nullable": True},
    "google.protobuf.BoolValue": {"type": "boolean", "nullable": True},
    "google.protobuf.Int32Value": {"type": "integer", "format": "int32", "nullable": True},
    "google.protobuf.Int64Value": {"type": "string", "format": "int64", "nullable": True},
    "google.protobuf.DoubleValue": {"type": "number", "nullable": True},
}
_HTTP_BODY = "google.api.HttpBody"
_MONEY = "paymesh.common.v1.Money"
_HTTP_BODY_TYPE = "text/csv"  # the only HttpBody on the public surface: the settlement report
_VERBS = ("get", "put", "post", "delete", "patch")
# HTTP statuses the edge can answer with, and why (grpc-json-transcoding maps gRPC codes).
ERRORS = {
    "400": "Invalid request: a broken field rule (google.rpc.BadRequest lists the fields), a failed precondition, bad JSON or an unsafe path.",
    "401": "Missing, unknown or revoked API key, a bad signature, a stale timestamp or a replayed nonce.",
    "403": "The API key may not call this operation (scope), or the operation is not for this merchant.",
    "404": "No such resource or route.",
    "409": "Conflict: already exists, or a concurrent change (retry with the same request_id).",
    "413": "Request body too large.",
    "429": "Rate limit exceeded; retry after the Retry-After header.",
    "500": "Internal error; the message carries only the context id.",
    "503": "A service is unavailable; retry later.",
}
SIGNATURE_HEADERS = {
    "keyId": ("x-paymesh-key-id", "The API key id."),
    "timestamp": ("x-paymesh-timestamp", "Unix time of the request in seconds; must be within the replay window."),
    "nonce": ("x-paymesh-nonce", "A unique random string per request; a replayed nonce is refused."),
    "signature": ("x-paymesh-signature",
                  "Lower-case hex HMAC-SHA256 with the key secret over "
                  "METHOD\\nPATH_WITH_QUERY\\nTIMESTAMP\\nNONCE\\nhex(sha256(body))."),
}


def _lower_camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _load(descriptor_set: Path):
    """The descriptor set with our options parsed (needs generated/ on the path)."""
    generated = str(ROOT / "generated")
    if generated not in sys.path:
        sys.path.insert(0, generated)
    import importlib

    from google.protobuf import descriptor_pb2

    for module in ("google.api.annotations_pb2", "paymesh.common.v1.options_pb2"):
        importlib.import_module(module)  # registers google.api.http, rules and exposure before parsing
    return descriptor_pb2.FileDescriptorSet.FromString(descriptor_set.read_bytes())


class _Builder:
    def __init__(self, fds):
        from google.api import annotations_pb2
        from paymesh.common.v1 import options_pb2

        self.http_ext, self.rules_ext, self.exposure_ext = annotations_pb2.http, options_pb2.rules, options_pb2.exposure
        self.messages: dict[str, Any] = {}
        self.enums: dict[str, Any] = {}
        self.comments: dict[str, str] = {}  # full name (or name.field) → leading comment
        self.files = list(fds.file)
        for f in self.files:
            locs = {tuple(loc.path): loc.leading_comments for loc in f.source_code_info.location if loc.leading_comments}
            for i, msg in enumerate(f.message_type):
                self._index_message(f.package, msg, (4, i), locs)
            for i, enum in enumerate(f.enum_type):
                self._index_enum(f.package, enum, (5, i), locs)
            for si, svc in enumerate(f.service):
                for mi, method in enumerate(svc.method):
                    self._comment(f"{f.package}.{svc.name}.{method.name}", locs.get((6, si, 2, mi)))
        self.schemas: dict[str, Any] = {}

    def _comment(self, key: str, text: str | None) -> None:
        if text:
            self.comments[key] = " ".join(line.strip() for line in text.strip().splitlines())

    def _index_message(self, prefix: str, msg, path: tuple, locs) -> None:
        name = f"{prefix}.{msg.name}"
        self.messages[name] = msg
        self._comment(name, locs.get(path))
        for i, fd in enumerate(msg.field):
            self._comment(f"{name}.{fd.name}", locs.get((*path, 2, i)))
        for i, nested in enumerate(msg.nested_type):
            self._index_message(name, nested, (*path, 3, i), locs)
        for i, enum in enumerate(msg.enum_type):
            self._index_enum(name, enum, (*path, 4, i), locs)

    def _index_enum(self, prefix: str, enum, path: tuple, locs) -> None:
        name = f"{prefix}.{enum.name}"
        self.enums[name] = enum
        self._comment(name, locs.get(path))

    # --- schemas -------------------------------------------------------------------------

    def _rules(self, fd):
        return fd.options.Extensions[self.rules_ext] if fd.options.HasExtension(self.rules_ext) else None

    def ref(self, type_name: str, inp: bool) -> dict[str, Any]:
        type_name = type_name.lstrip(".")
        if type_name in _WELL_KNOWN:
            return dict(_WELL_KNOWN[type_name])
        key = type_name + ("Input" if inp else "")
        if key not in self.schemas:
            self.schemas[key] = {}  # recursion guard
            self.schemas[key] = self.message_schema(type_name, inp)
        return {"$ref": f"#/components/schemas/{key}"}

    def message_schema(self, type_name: str, inp: bool, skip: frozenset[str] = frozenset()) -> dict[str, Any]:
        msg = self.messages[type_name]
        props: dict[str, Any] = {}
        required: list[str] = []
        for fd in msg.field:
            if fd.name in skip:
                continue
            json_name = fd.json_name or _lower_camel(fd.name)
            schema, is_required = self.field_schema(fd, inp)
            text = self.comments.get(f"{type_name}.{fd.name}")
            if text and "$ref" not in schema:
                schema["description"] = text
            props[json_name] = schema
            if is_required:
                required.append(json_name)
        out: dict[str, Any] = {"type": "object", "properties": props}
        if required:
            out["required"] = required
        if type_name in self.comments:
            out["description"] = self.comments[type_name]
        return out

    def field_schema(self, fd, inp: bool) -> tuple[dict[str, Any], bool]:
        """Schema of one field in the proto3 JSON mapping, and whether a request must set it."""
        rules = self._rules(fd) if inp else None
        repeated = fd.label == _LABEL_REPEATED
        map_entry = None
        if fd.type == _TYPE_MESSAGE:
            entry = self.messages.get(fd.type_name.lstrip("."))
            if entry is not None and entry.options.map_entry:
                map_entry = entry
        if map_entry is not None:
            value_fd = next(f for f in map_entry.field if f.name == "value")
            value, _ = self.field_schema(value_fd, inp)
            return {"type": "object", "additionalProperties": value}, bool(rules and rules.required)
        item = self.scalar_schema(fd, inp, None if repeated else rules)
        if not repeated:
            if rules is not None and rules.gt_zero and fd.type_name.lstrip(".") == _MONEY:
                item = {"allOf": [item, {"properties": {"amountMinor": {"type": "string", "pattern": r"^[1-9][0-9]{0,17}$"}}}]}
            return item, bool(rules and rules.required)
        schema: dict[str, Any] = {"type": "array", "items": item}
        if rules is not None:
            if rules.required:
                schema["minItems"] = 1
            if rules.max_items:
                schema["maxItems"] = rules.max_items
        return schema, bool(rules and rules.required)

    def scalar_schema(self, fd, inp: bool, rules) -> dict[str, Any]:
        t = fd.type
        if t == _TYPE_MESSAGE:
            return self.ref(fd.type_name, inp)
        if t == _TYPE_ENUM:
            enum = self.enums[fd.type_name.lstrip(".")]
            values = [v.name for v in enum.value]
            if rules is not None and rules.required:
                values = [v.name for v in enum.value if v.number != 0]
            schema: dict[str, Any] = {"type": "string", "enum": values}
            text = self.comments.get(fd.type_name.lstrip("."))
            if text:
                schema["description"] = text
            return schema
        if t == _TYPE_STRING:
            return _string_rules({"type": "string"}, rules)
        if t == _TYPE_BYTES:
            return {"type": "string", "format": "byte"}
        if t == _TYPE_BOOL:
            return {"type": "boolean"}
        if t in (_TYPE_DOUBLE, _TYPE_FLOAT):
            return {"type": "number", "format": "double" if t == _TYPE_DOUBLE else "float"}
        if t in _INT32:
            schema = {"type": "integer", "format": _INT32[t]}
            if rules is not None:
                low = rules.min_int if rules.HasField("min_int") else None
                if rules.gt_zero:
                    low = max(1, low if low is not None else 1)
                if low is not None:
                    schema["minimum"] = low
                if rules.HasField("max_int"):
                    schema["maximum"] = rules.max_int
            return schema
        if t in _INT64:
            return _int64_rules({"type": "string", "format": _INT64[t]}, rules, inp)
        raise ValueError(f"unsupported field type {t} of {fd.name}")

    # --- operations ----------------------------------------------------------------------

    def public_methods(self):
        for f in self.files:
            for svc in f.service:
                for method in svc.method:
                    opts = method.options
                    if not opts.HasExtension(self.exposure_ext) or not opts.Extensions[self.exposure_ext].public:
                        continue
                    if not opts.HasExtension(self.http_ext) or method.client_streaming or method.server_streaming:
                        continue
                    yield f"{f.package}.{svc.name}", method

    def operation(self, service: str, method) -> tuple[str, str, dict[str, Any]]:
        rule = method.options.Extensions[self.http_ext]
        verb = next(v for v in _VERBS if getattr(rule, v))
        template = getattr(rule, verb)
        req_name = method.input_type.lstrip(".")
        path_fields = re.findall(r"\{([a-zA-Z0-9_.]+)(?:=[^}]*)?\}", template)
        path = re.sub(r"\{([a-zA-Z0-9_.]+)=[^}]*\}", r"{\1}", template)
        req = self.messages[req_name]
        fields = {fd.name: fd for fd in req.field}
        params = []
        for name in path_fields:
            schema, _ = self.field_schema(fields[name], True)
            schema.pop("description", None)
            if schema.get("type") == "string":
                schema["minLength"] = max(schema.get("minLength", 0), 1)
            params.append(_param(name, "path", schema, True, self.comments.get(f"{req_name}.{name}")))
        op: dict[str, Any] = {
            "operationId": method.name,
            "tags": [service.rsplit(".", 1)[-1]],
            "summary": _first_sentence(self.comments.get(f"{service}.{method.name}", method.name)),
            "description": self.comments.get(f"{service}.{method.name}", ""),
            "x-grpc-method": f"/{service}/{method.name}",
            "x-paymesh-scope": method.options.Extensions[self.exposure_ext].scope,
        }
        if rule.body == "*":
            body = self.message_schema(req_name, True, frozenset(path_fields))
            op["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
        elif rule.body:
            raise ValueError(f"{method.name}: only body \"*\" or none is supported")
        else:
            for fd in req.field:
                if fd.name not in path_fields:
                    params += self.query_params(fd, req_name, "")
        if params:
            op["parameters"] = params
        out_name = method.output_type.lstrip(".")
        if out_name == _HTTP_BODY:
            ok = {"description": "The document.", "content": {_HTTP_BODY_TYPE: {"schema": {"type": "string"}}}}
        else:
            ok = {"description": "OK", "content": {"application/json": {"schema": self.ref(out_name, False)}}}
        op["responses"] = {"200": ok, **{code: {"$ref": f"#/components/responses/E{code}"} for code in ERRORS}}
        return path, verb, op

    def query_params(self, fd, owner: str, prefix: str, depth: int = 0) -> list[dict[str, Any]]:
        """Query parameters per grpc-json-transcoding: scalars, enums, repeated scalars; nested
        messages (not well-known ones) by dotted field path."""
        name = prefix + fd.name
        text = self.comments.get(f"{owner}.{fd.name}")
        type_name = fd.type_name.lstrip(".")
        if fd.type == _TYPE_MESSAGE and type_name not in _WELL_KNOWN:
            nested = self.messages[type_name]
            if nested.options.map_entry or fd.label == _LABEL_REPEATED or depth >= 2:
                return []
            out = []
            for sub in nested.field:
                out += self.query_params(sub, type_name, name + ".", depth + 1)
            return out
        schema, required = self.field_schema(fd, True)
        schema.pop("description", None)
        if schema.get("type") == "array":
            return [_param(name, "query", schema, required, text, explode=True)]
        return [_param(name, "query", schema, required, text)]


def _string_rules(schema: dict[str, Any], rules) -> dict[str, Any]:
    if rules is None:
        return schema
    if rules.max_len:
        schema["maxLength"] = rules.max_len
    if rules.required:
        schema["minLength"] = max(1, rules.min_len)
        if rules.pattern:
            schema["pattern"] = f"^(?:{_unanchor(rules.pattern)})$"
    elif rules.pattern or rules.min_len:
        # The kernel checks length and pattern only on a non-empty value.
        inner = _unanchor(rules.pattern) if rules.pattern else "[\\s\\S]{%d,}" % rules.min_len
        schema["pattern"] = f"^(?:{inner})?$"
        if rules.pattern and rules.min_len:
            schema["x-min-length-when-set"] = rules.min_len
    return schema


def _int64_rules(schema: dict[str, Any], rules, inp: bool) -> dict[str, Any]:
    if not inp:
        return schema
    low = rules.min_int if rules is not None and rules.HasField("min_int") else None
    if rules is not None and rules.gt_zero:
        schema["pattern"] = r"^[1-9][0-9]{0,17}$"
    elif low is not None and low >= 0:
        schema["pattern"] = r"^(0|[1-9][0-9]{0,17})$"
    else:
        schema["pattern"] = r"^(0|-?[1-9][0-9]{0,17})$"
    if rules is not None and rules.HasField("max_int"):
        schema["x-maximum"] = rules.max_int
    return schema


def _unanchor(pattern: str) -> str:
    return pattern.removeprefix("^").removesuffix("$") if not pattern.endswith("\\$") else pattern.removeprefix("^")


def _first_sentence(text: str) -> str:
    return text.split(". ")[0].rstrip(".")


def _param(name: str, where: str, schema: dict[str, Any], required: bool, text: str | None, explode: bool = False) -> dict[str, Any]:
    param: dict[str, Any] = {"name": name, "in": where, "required": required, "schema": schema}
    if text:
        param["description"] = text
    if explode:
        param["style"], param["explode"] = "form", True
    return param


def _error_schema() -> dict[str, Any]:
    return {
        "type": "object",
        "description": "An error. From a service: google.rpc.Status (code is the gRPC code, details carry "
                       "google.rpc.ErrorInfo with reason and context_id, and google.rpc.BadRequest field violations). "
                       "From the edge itself: code is the HTTP status, with reason and context_id.",
        "properties": {
            "code": {"type": "integer", "description": "gRPC status code, or the HTTP status for edge errors."},
            "message": {"type": "string"},
            "reason": {"type": "string", "description": "Edge errors: why the edge refused the request."},
            "context_id": {"type": "string", "description": "Edge errors: the context id to quote to support."},
            "details": {"type": "array", "items": {
                "type": "object", "properties": {"@type": {"type": "string"}}, "additionalProperties": True}},
        },
        "additionalProperties": True,
    }


def build(descriptor_set: Path) -> dict[str, Any]:
    builder = _Builder(_load(descriptor_set))
    paths: dict[str, dict[str, Any]] = {}
    for service, method in builder.public_methods():
        path, verb, op = builder.operation(service, method)
        paths.setdefault(path, {})[verb] = op
    headers = {"Retry-After": {"description": "Seconds to wait (429).", "schema": {"type": "integer"}}}
    responses = {}
    for code, text in ERRORS.items():
        responses[f"E{code}"] = {"description": text,
                                 "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
        if code == "429":
            responses[f"E{code}"]["headers"] = headers
    security = {name: {"type": "apiKey", "in": "header", "name": header, "description": text}
                for name, (header, text) in SIGNATURE_HEADERS.items()}
    return {
        "openapi": "3.0.3",
        "info": {"title": TITLE, "version": VERSION,
                 "description": "The merchant REST API of paymesh, generated from the protos by "
                                "servers/stack/openapi.py. Every request is signed with an API key: see the "
                                "security schemes. REST JSON follows the proto3 JSON mapping: output names are "
                                "lowerCamelCase, 64-bit integers are strings, enums are names."},
        "servers": [{"url": "/"}],
        "security": [{name: [] for name in SIGNATURE_HEADERS}],
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": {"Error": _error_schema(), **dict(sorted(builder.schemas.items()))},
            "responses": responses,
            "securitySchemes": security,
        },
    }


def render(descriptor_set: Path) -> str:
    return json.dumps(build(descriptor_set), indent=2, sort_keys=False) + "\n"


def internal_methods(descriptor_set: Path) -> set[str]:
    """gRPC paths of every RPC that is not public (for tests)."""
    builder = _Builder(_load(descriptor_set))
    public = {f"/{svc}/{m.name}" for svc, m in builder.public_methods()}
    return {f"/{f.package}.{s.name}/{m.name}" for f in builder.files if f.package.startswith("paymesh.")
            for s in f.service for m in s.method} - public
