"""The track registry: every relief track is one entry, registered once by its own module.

A track module (``relief/warmth/``, ``relief/student_aid/``...) is a small Django app whose
``relief.py`` builds a :class:`Track` and calls :func:`register`; ``ReliefConfig.ready()`` imports
every installed app's ``relief.py`` (as the admin discovers ``admin.py``). The core
(``relief/services.py``, ``selectors.py``, the pages and the API) loops over the entries and
never names a track: a new track touches nothing else. The README's "Adding a relief track"
walks through it.

An entry is data plus a few hooks the core calls at fixed points of the lifecycle:

==================  =============================================================================
``eligibility``     (member, on) -> Eligibility: may this member apply now, and why not
``form``            the Django form of the application's own fields (pages and API both use it)
``prepare``         (member, cleaned data, on) -> Prepared: the amount, goods, period and
                    what to show; may refuse with a ``DomainError``
``on_created``      (application, cleaned data) -> None: write the track's own rows (an award,
                    a claim); their database constraints hold under races
``on_approved``     (application) -> None: after the last review step, before the payment is
                    asked for (a track may lock and check what it reserves)
``on_paid``         (application, benefit) -> None: after the benefit is recorded
``on_refused``      (application) -> None: refused or withdrawn, release what it held
``budget_for``      (application) -> Budget: where the money comes from (default: the first
                    budget of the track's purpose covering the unit, with enough left)
``worklist``        (members queryset, on) -> members queryset: eligible and not yet served
==================  =============================================================================

``kind`` is ``benefit`` for the tracks of this module (an application that ends in a benefit), or
``case`` for tracks that follow a case over time until something happens outside the union (social
insurance arrears, a laid-off worker's path, a migrant family's residence permit: issue 18). A case
track names its ``case_kinds`` (code, label) and may add the hooks

==================  =============================================================================
``on_case_closed``  (case) -> None: after a case of the track is closed (its outcome recorded)
==================  =============================================================================

The core opens, follows and closes cases (``relief.services.case_*``) for every case track alike;
the core refuses to open an application on a case track (a track may be both: ``also_cases``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import get_language

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from funds.models import Budget
    from households.models import Member
    from relief.models import Application, Benefit, Case


class Kind(StrEnum):
    BENEFIT = "benefit"  # apply -> review -> pay or give -> benefit
    CASE = "case"  # a case followed over time to an outcome outside the union (issue 18)


class Pays(StrEnum):
    CASH = "cash"  # a payment through funds (kind grant)
    GOODS = "goods"  # goods in kind bought through funds (kind in_kind), items and value recorded
    CASH_OR_GOODS = "cash_or_goods"  # each application says which (a warmth campaign gives either or both)
    NONE = "none"  # no money moves (a referral, a service)

    @property
    def moves_money(self) -> bool:
        return self != Pays.NONE


@dataclass(frozen=True)
class Eligibility:
    """Whether a member may apply, with the reasons either way (shown to staff and the worker)."""

    ok: bool
    reasons: tuple[str, ...] = ()

    @classmethod
    def yes(cls, *reasons: str) -> Eligibility:
        return cls(True, tuple(reasons))

    @classmethod
    def no(cls, *reasons: str) -> Eligibility:
        return cls(False, tuple(reasons))


@dataclass(frozen=True)
class Item:
    """Goods in kind: what, how many, worth how much each (fen)."""

    name: str
    quantity: int
    unit_value: int

    @property
    def value(self) -> int:
        return self.quantity * self.unit_value


@dataclass
class Prepared:
    """What a track computed for an application from its fields: the money (fen) and the goods,
    the period it counts in (for caps and uniqueness), a one-line summary for lists, and the
    details kept on the application (JSON-safe values only)."""

    amount: int = 0
    items: list[Item] = field(default_factory=list)
    period: str = ""
    summary: str = ""
    details: dict[str, Any] = field(default_factory=dict)
    round_id: int | None = None  # the round (campaign, school year) it draws on, if any

    @property
    def goods_value(self) -> int:
        return sum(item.value for item in self.items)

    @property
    def total(self) -> int:
        return self.amount + self.goods_value


@dataclass(frozen=True)
class Caps:
    """Most a household (and a person) may receive from the track per period, in fen; ``None``
    for no cap. ``period`` names how ``period_of`` cuts time: a calendar year ("2026") or a school
    year ("2026-2027")."""

    per_household: int | None = None
    per_person: int | None = None


def calendar_year(day: dt.date) -> str:
    return str(day.year)


def school_year(day: dt.date) -> str:
    """A school year starts in September: 2026-09-01 .. 2027-08-31 is "2026-2027"."""
    start = day.year if day.month >= 9 else day.year - 1
    return f"{start}-{start + 1}"


def _no_form() -> type[forms.Form]:
    return forms.Form


def _nothing(*_args: Any, **_kwargs: Any) -> None:
    return None


@dataclass(frozen=True)
class Track:
    code: str  # the API name: fixed once published
    name_zh: str
    name_en: str
    eligibility: Callable[[Member, dt.date], Eligibility]
    prepare: Callable[[Member, dict[str, Any], dt.date], Prepared]
    pays: Pays = Pays.CASH
    kind: Kind = Kind.BENEFIT
    purpose: str = ""  # funds.Purpose code the money is spent on (required when it pays)
    goal_track: str = ""  # households.Track value whose plan goals a benefit meets
    caps: Caps = Caps()
    period_of: Callable[[dt.date], str] = calendar_year
    review_threshold: int | None = None  # fen; above it, the unit above reviews too
    form: Callable[[], type[forms.Form]] = _no_form
    on_created: Callable[[Application, dict[str, Any]], None] = _nothing
    on_approved: Callable[[Application], None] = _nothing
    on_paid: Callable[[Application, Benefit], None] = _nothing
    on_refused: Callable[[Application], None] = _nothing  # refused or withdrawn: release what it held
    # Cases (kind CASE, or a benefit track that also follows cases): the kinds of case it opens.
    case_kinds: tuple[tuple[str, Any], ...] = ()
    on_case_closed: Callable[[Case], None] = _nothing
    budget_for: Callable[[Application], Budget | None] | None = None  # default: a budget of the purpose
    worklist: Callable[[QuerySet[Member], dt.date], QuerySet[Member]] | None = None
    load_defaults: Callable[[], int] | None = None  # idempotent: the track's starting rates or rules
    worklist_title: Any = ""  # what the worklist is, in the interface's words (a lazy translation)
    rule_text: Any = ""  # the eligibility rule in plain words, shown on the track's page (lazy)
    order: int = 100
    extra: dict[str, Any] = field(default_factory=dict)  # track-owned settings (urls, labels)

    def __post_init__(self) -> None:
        if not self.code or not self.code.replace("_", "").isalnum() or self.code != self.code.lower():
            raise ValueError(f"A track code is lower-case letters, digits and underscores: {self.code!r}")
        if self.kind == Kind.CASE and not self.case_kinds:
            raise ValueError(f"Case track {self.code!r} names the kinds of case it opens (case_kinds).")
        if self.pays.moves_money and not self.purpose:
            raise ValueError(f"Track {self.code!r} pays, so it names the funds purpose it spends on.")

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "").startswith("en") else self.name_zh

    @property
    def follows_cases(self) -> bool:
        return bool(self.case_kinds)

    def case_kind_label(self, code: str) -> str:
        return str(dict(self.case_kinds).get(code, code))

    def __str__(self) -> str:
        return self.name


class _Registry:
    def __init__(self) -> None:
        self._tracks: dict[str, Track] = {}

    def register(self, track: Track) -> Track:
        existing = self._tracks.get(track.code)
        if existing is not None and existing is not track:
            raise ValueError(f"A relief track with the code {track.code!r} is registered already.")
        self._tracks[track.code] = track
        return track

    def unregister(self, code: str) -> None:
        """For tests that register a throw-away track."""
        self._tracks.pop(code, None)

    def get(self, code: str) -> Track | None:
        return self._tracks.get(code)

    def __iter__(self) -> Iterator[Track]:
        return iter(sorted(self._tracks.values(), key=lambda t: (t.order, t.code)))

    def __contains__(self, code: object) -> bool:
        return code in self._tracks

    def choices(self) -> list[tuple[str, str]]:
        return [(t.code, t.name) for t in self]

    def case_tracks(self) -> list[Track]:
        return [t for t in self if t.follows_cases]


tracks = _Registry()


def register(track: Track) -> Track:
    return tracks.register(track)


def get(code: str) -> Track:
    """The track of this code; ``NotFound`` for an unknown code (it reached us from outside)."""
    from django.utils.translation import gettext as _

    from core.errors import NotFound

    track = tracks.get(str(code))
    if track is None:
        raise NotFound(_("No such relief track."), field="track")
    return track
