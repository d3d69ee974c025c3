"""The API's JSON parser, with a limit on nesting.

Python's decoder recurses once per level of nesting: a body of a few kilobytes nested 100,000 deep
raises ``RecursionError`` (a 500), and one nested a few hundred deep reaches the serializers and
the services, which expect flat objects. No request of this API nests deeper than a handful of
levels, so anything past ``MAX_JSON_DEPTH`` is answered 400 before a serializer sees it. NUL
characters are refused here too (``core.middleware`` already does so at the edge, for every view).
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_JSON_DEPTH = 32


def json_depth_and_nul(data: Any) -> tuple[int, bool]:
    """How deep ``data`` nests (a scalar is 0), and whether a string in it holds NUL. Iterative:
    the check must not recurse on what it checks."""
    deepest, nul = 0, False
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            deepest = max(deepest, depth + 1)
            for key, item in value.items():
                nul = nul or "\x00" in key
                stack.append((item, depth + 1))
        elif isinstance(value, list):
            deepest = max(deepest, depth + 1)
            stack.extend((item, depth + 1) for item in value)
        elif isinstance(value, str):
            nul = nul or "\x00" in value
    return deepest, nul


class DepthLimitedJSONParser(JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = stream.read().decode(encoding) if stream is not None else ""
        except UnicodeDecodeError as exc:
            raise ParseError(_("The JSON body is not valid %(encoding)s.") % {"encoding": encoding}) from exc
        try:
            data = json.loads(text, parse_constant=_no_constant)
        except RecursionError as exc:
            raise ParseError(_("The JSON body is nested too deeply.")) from exc
        except ValueError as exc:
            raise ParseError(_("The JSON body is not valid: %(error)s") % {"error": exc}) from exc
        depth, nul = json_depth_and_nul(data)
        if depth > MAX_JSON_DEPTH:
            raise ParseError(_("The JSON body is nested too deeply (at most %(n)d levels).") % {"n": MAX_JSON_DEPTH})
        if nul:
            raise ParseError(_("The request contains a NUL character, which is not allowed."))
        return data


def _no_constant(name: str) -> Any:
    # NaN and Infinity are not JSON and no field of this API takes them.
    raise ValueError(_("%(name)s is not allowed") % {"name": name})
