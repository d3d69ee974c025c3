"""The role x endpoint x owner matrix: what each role may do to an object that belongs to another
owner, for every endpoint of the service. One table per app in this folder (``ENTRIES`` in
``tests/security/matrix/APP.py``); ``tests/security/county/test_matrix.py`` reads them all, fails
when an endpoint of the URL conf or the API schema has no entry (or an entry names no endpoint),
and sends every request of every entry as every role against the seeded county.

Adding an endpoint means adding one line to its app's table:

* ``api("POST /api/v1/things/{id}/close/", "thing")``: an API operation (as the schema names it)
  acting on the object of kind "thing" in its path. The object is another owner's
  (``tests/security/county/kinds.py``): only the roles in ``may`` (the admin by default) may get
  a 2xx; everyone else must get no 2xx and write nothing.
* ``api("POST /api/v1/things/", body=lambda f: {"household": f["household"].pk, ...})``: a write
  whose body names another owner's objects (``f`` maps a kind to its object).
* ``page("things:detail", "thing")``: a page about one object, sent as GET and as POST.
* ``page("things:list", opens=STAFF)``: a page without an object: who may open it (others get a
  refusal or the login page; nobody may write through it).

``may`` and ``opens`` take role names: anonymous, worker, employer, helper, organizer, auditor,
admin (``tests/security/county/world.ROLES``), or the sets below.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

Foreign = Mapping[str, Any]
Body = Callable[[Foreign], dict[str, Any]]

ROLES = ("anonymous", "worker", "employer", "helper", "organizer", "auditor", "admin")
ADMIN = frozenset({"admin"})
SIGNED_IN = frozenset(ROLES) - {"anonymous"}
STAFF = frozenset({"helper", "organizer", "auditor", "admin"})
EVERYONE = frozenset(ROLES)


def roles(*names: str) -> frozenset[str]:
    unknown = set(names) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles {sorted(unknown)}")
    return frozenset(names)


@dataclass(frozen=True)
class Entry:
    endpoint: str  # "GET /api/v1/households/{id}/" or a page's URL name "households:detail"
    kind: str | None = None  # the object named in the path
    may: frozenset[str] = ADMIN  # roles that may succeed on another owner's object
    body: Body | None = None  # what a write sends (naming other owners' objects)
    args: Callable[[Foreign], list[Any]] | None = None  # a page's URL arguments, when not just the object
    opens: frozenset[str] | None = None  # a page without an object: the roles that may open it
    note: str = ""  # why an entry differs from the default, for the reader

    @property
    def is_page(self) -> bool:
        return " " not in self.endpoint


def api(
    endpoint: str, kind: str | None = None, *, may: Iterable[str] = ADMIN, body: Body | None = None, note: str = ""
) -> Entry:
    return Entry(endpoint, kind, frozenset(may), body, note=note)


def page(
    name: str,
    kind: str | None = None,
    *,
    may: Iterable[str] = ADMIN,
    opens: Iterable[str] | None = None,
    body: Body | None = None,
    args: Callable[[Foreign], list[Any]] | None = None,
    note: str = "",
) -> Entry:
    if kind is None and args is None and opens is None:
        raise ValueError(f"{name}: a page names an object (kind or args) or says who may open it (opens)")
    return Entry(name, kind, frozenset(may), body, args, frozenset(opens) if opens is not None else None, note)


def load() -> dict[str, Entry]:
    """Every entry of every table in this folder, by endpoint (two entries for one endpoint fail)."""
    entries: dict[str, Entry] = {}
    for module in pkgutil.iter_modules(__path__):
        table = importlib.import_module(f"{__name__}.{module.name}")
        for entry in getattr(table, "ENTRIES", []):
            if entry.endpoint in entries:
                raise ValueError(f"two entries for {entry.endpoint} (the second in {module.name}.py)")
            entries[entry.endpoint] = entry
    return entries
