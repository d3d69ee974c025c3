"""The API's operations as the OpenAPI schema describes them (drf-spectacular, written in
process), for the tests that sweep every endpoint: odd input, the fuzzer and the role matrix."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

METHODS = ("get", "post", "put", "patch", "delete")


@dataclass(frozen=True)
class Operation:
    method: str  # upper case
    path: str  # "/api/v1/households/{id}/"
    query: tuple[tuple[str, str], ...] = field(default=())  # (name, schema type)
    has_body: bool = False

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def path_params(self) -> list[str]:
        return re.findall(r"{(\w+)}", self.path)

    def url(self, **values: Any) -> str:
        return re.sub(r"{(\w+)}", lambda m: str(values[m.group(1)]), self.path)

    @property
    def is_detail(self) -> bool:
        return bool(self.path_params)

    @property
    def is_write(self) -> bool:
        return self.method != "GET"


@cache
def schema() -> dict[str, Any]:
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)  # type: ignore[no-any-return]


@cache
def operations() -> tuple[Operation, ...]:
    found = []
    for path, item in schema()["paths"].items():
        for method, spec in item.items():
            if method not in METHODS:
                continue
            query = tuple(
                (p["name"], p.get("schema", {}).get("type", "string"))
                for p in spec.get("parameters", [])
                if p.get("in") == "query"
            )
            found.append(Operation(method.upper(), path, query, "requestBody" in spec))
    return tuple(found)
