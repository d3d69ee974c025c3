"""Paging for searches over large tables: the count stops at a cap, and so do the pages.

Counting every match of a broad search and jumping to its thousandth page both cost time that
grows with the table, while nobody reads past the first few pages: they narrow the search. A
``CappedPaginator`` counts at most ``cap + 1`` rows (``SELECT COUNT(*) FROM (... LIMIT cap + 1)``),
pages through the first ``cap`` results only, and says when there were more (``capped``).
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Paginator
from django.utils.functional import cached_property
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from core.params import whole_number

SEARCH_CAP = 1000


class CappedPaginator(Paginator):
    cap = SEARCH_CAP

    @cached_property
    def _seen(self) -> int:
        objects: Any = self.object_list
        if hasattr(objects, "query"):
            # How many, not which: without the order the database may read the rows in any order.
            return int(objects.order_by()[: self.cap + 1].count())
        return min(len(objects), self.cap + 1)

    @cached_property
    def count(self) -> int:  # type: ignore[override]
        return min(self._seen, self.cap)

    @property
    def capped(self) -> bool:
        """More rows matched than the pages reach."""
        return self._seen > self.cap


class CappedPagination(PageNumberPagination):
    """The API side: ``count`` stops at the cap and ``more`` says whether more matched."""

    django_paginator_class = CappedPaginator

    def get_paginated_response(self, data: Any) -> Response:
        paginator: Any = self.page.paginator if self.page is not None else None
        return Response(
            OrderedDict(
                [
                    ("count", paginator.count if paginator else 0),
                    ("more", bool(paginator and paginator.capped)),
                    ("next", self.get_next_link()),
                    ("previous", self.get_previous_link()),
                    ("results", data),
                ]
            )
        )

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        response = super().get_paginated_response_schema(schema)
        response["properties"]["count"]["description"] = f"Matches, counted up to {SEARCH_CAP}."
        response["properties"]["more"] = {
            "type": "boolean",
            "description": f"More than {SEARCH_CAP} matched: narrow the search to reach them.",
        }
        response["required"] = [*response.get("required", []), "more"]
        return response


@dataclass(frozen=True)
class Batch:
    """A long ranked list shown a few at a time: "load more" asks for the next ``step``.

    Without JavaScript the link reloads the page showing the first ``shown`` rows (so a reload keeps
    the place); with htmx it fetches only the new rows, which replace the link where it stood
    (``includes/load_more.html``). ``offset`` and ``limit`` say which rows this response renders.
    """

    shown: int
    step: int
    offset: int
    total: int = 0

    @property
    def limit(self) -> int:
        return self.shown - self.offset

    @property
    def more(self) -> bool:
        return self.shown < self.total

    @property
    def next(self) -> int:
        return self.shown + self.step

    @property
    def showing(self) -> int:
        return min(self.shown, self.total)

    def counted(self, total: int) -> Batch:
        return Batch(shown=self.shown, step=self.step, offset=self.offset, total=total)


def batch_from(value: object, *, partial: bool, step: int = 10, reach: int = SEARCH_CAP) -> Batch:
    """The batch a request asks for: ``value`` is its ``shown`` parameter; ``partial`` when only
    the new rows are wanted (an htmx request)."""
    shown = whole_number(value, default=step, minimum=step, maximum=reach)
    shown = min(reach, -(-shown // step) * step)  # whole batches only
    return Batch(shown=shown, step=step, offset=shown - step if partial else 0)
