"""The people picker: union staff find household members in their reach by name, archive number or
the last four digits of the mobile number, each shown with the household, so that six people called
特木尔 can be told apart.

The one selector here is shared by every page that acts for someone (apply on behalf, register for a
fair, enrol in a cohort). It scopes through ``accounts.visibility`` exactly as the archive's own
member lists do; a caller may narrow further with ``base`` (e.g. members who can work), never widen.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from accounts import visibility
from accounts.models import User
from accounts.visibility import Action
from core.errors import Forbidden
from core.ids import int_pk
from households.models import Household, Member

#: The actions of someone who acts for another person; only they may search people this way.
PICKER_ACTIONS = (Action.APPLY_FOR_OTHERS, Action.REGISTER_OTHERS, Action.ENROL_OTHERS)
#: A search names a person well enough in two characters (a Chinese given name is often two).
MIN_QUERY = 2
MAX_QUERY = 30
#: A list a helper can read on a phone; more means the search should be narrower.
LIMIT = 30
PHONE_TAIL = 4


@dataclass(frozen=True)
class PickRow:
    member: Member
    archive_number: str
    phone_masked: str
    village: str
    #: Set by the page using the picker: why this person cannot be picked, or a remark.
    note: str = ""
    disabled: bool = False


@dataclass
class Pick:
    query: str = ""
    error: str = ""
    rows: list[PickRow] = field(default_factory=list)
    #: More people matched than are shown: the helper should narrow the search.
    more: bool = False
    #: What the query was read as: "name", "number" or "phone".
    by: str = ""

    @property
    def searched(self) -> bool:
        return bool(self.query) and not self.error


def may_pick(user: User) -> bool:
    return any(visibility.may(user, action) for action in PICKER_ACTIONS)


def clean_query(raw: object) -> str:
    """Printable characters only (no controls, no zero-width marks), spaces collapsed, at most
    MAX_QUERY characters: whatever a phone keyboard or a paste sends."""
    text = unicodedata.normalize("NFKC", str(raw or ""))
    kept = "".join(ch for ch in text if unicodedata.category(ch)[0] not in ("C",))
    return " ".join(kept.split())[:MAX_QUERY]


def members_in_reach(user: User) -> QuerySet[Member]:
    """Current members of live households the user may act for (the archive's own scoping)."""
    if not may_pick(user):
        raise Forbidden(_("Your role cannot act for other people."))
    return (
        visibility.scope(user, Member.objects.all(), unit="household__org_unit")
        .filter(is_current=True)
        .exclude(household__state=Household.State.CLOSED)
    )


def member_pick_for(
    user: User, query: object, *, base: QuerySet[Member] | None = None, limit: int = LIMIT, required: bool = True
) -> Pick:
    """Members in ``user``'s reach matching ``query``: a name (part of it), an archive number (its
    start) or the last four digits of a mobile number. ``base`` narrows the people searched.
    An empty query is an error when ``required`` (a search box submitted blank), else no search."""
    members = members_in_reach(user)
    if base is not None:
        members = members.filter(pk__in=base.values("pk"))
    text = clean_query(query)
    pick = Pick(query=text)
    if not text:
        if required:
            pick.error = _("Type a name, an archive number or the last 4 digits of a mobile number.")
        return pick
    if len(text) < MIN_QUERY:
        pick.error = _("Type at least %(n)d characters: one character matches too many people.") % {"n": MIN_QUERY}
        return pick
    if text.isdigit() and len(text) == PHONE_TAIL and text.isascii():
        # Four digits are a phone's tail: archive numbers (150624-2026-000123) start with a six-digit
        # region code and end with a six-digit sequence, so no four digits name one of them.
        pick.by = "phone"
        members = members.filter(phone__endswith=text)
    elif text.isascii() and any(ch.isdigit() for ch in text) and " " not in text:
        pick.by = "number"
        # The whole number, its start (region, year) or its end (the sequence people remember).
        members = members.filter(Q(household__number__istartswith=text) | Q(household__number__endswith=text))
    else:
        pick.by = "name"
        members = members.filter(Q(name__contains=text) | Q(household__number__istartswith=text))
    found = list(members.select_related("household__region").order_by("name", "household__number", "pk")[: limit + 1])
    pick.more = len(found) > limit
    pick.rows = [row_of(m) for m in found[:limit]]
    if not pick.rows:
        pick.error = {
            "phone": _("Nobody in your reach has a mobile number ending in %(q)s."),
            "number": _("No household in your reach has an archive number with %(q)s."),
        }.get(pick.by, _("Nobody in your reach is called %(q)s.")) % {"q": text}
    return pick


def row_of(member: Member) -> PickRow:
    household = member.household
    return PickRow(
        member=member,
        archive_number=household.number,
        phone_masked=member.phone_masked,
        village=household.region.name if household.region_id else "",
    )


def rows_for(user: User, ids: list[int]) -> list[PickRow]:
    """The rows of people already chosen (kept ticked when the helper searches again)."""
    if not ids:
        return []
    found = members_in_reach(user).filter(pk__in=ids).select_related("household__region")
    by_id = {m.pk: m for m in found}
    return [row_of(by_id[i]) for i in ids if i in by_id]


def picker_context(
    user: User,
    *,
    query: object,
    chosen: list[int],
    field_name: str,
    multi: bool,
    fragment_url: str,
    base: QuerySet[Member] | None = None,
    required: bool = False,
) -> dict[str, Any]:
    """What ``households/_picker.html`` needs. ``chosen``: ids ticked before (kept on top, but
    only those in reach: an id from elsewhere simply does not come back)."""
    pick = member_pick_for(user, query, base=base, required=required)
    chosen_rows = rows_for(user, chosen if multi else chosen[:1])
    return {
        "pick": pick,
        "chosen": chosen_rows,
        "chosen_ids": {row.member.pk for row in chosen_rows},
        "field_name": field_name,
        "multi": multi,
        "fragment_url": fragment_url,
    }


def annotate(context: dict[str, Any], why_not: Callable[[Member], tuple[str, bool]]) -> dict[str, Any]:
    """Let the page using the picker mark rows: ``why_not(member)`` gives (note, disabled)."""

    def marked(row: PickRow) -> PickRow:
        note, disabled = why_not(row.member)
        return replace(row, note=note, disabled=disabled) if note or disabled else row

    context["pick"].rows = [marked(r) for r in context["pick"].rows]
    context["chosen"] = [marked(r) for r in context["chosen"]]
    return context


def ids_from(values: list[str]) -> list[int]:
    """Member ids from a form's list, in order, once each; anything that is not an id is dropped."""
    seen: list[int] = []
    for value in values:
        pk = int_pk(value)
        if pk and pk not in seen:
            seen.append(pk)
    return seen


def form_context(
    user: User,
    data: Any,
    *,
    field_name: str = "member",
    base: QuerySet[Member] | None = None,
    fragment_url: str = "",
) -> dict[str, Any]:
    """The picker of one person on a staff form (GET or POST ``data``): ``?member=<id>`` (or the
    posted choice) comes back ticked, ``q`` is the search, ``search`` the no-JS search button.

    ``fragment_url``: where the live search asks, normally the form's own page (which answers with
    ``results_only``), so that it lists the page's own people (``base``), not everyone in reach."""
    from django.urls import reverse

    return picker_context(
        user,
        query=data.get("q", ""),
        chosen=ids_from(data.getlist(field_name)),
        field_name=field_name,
        multi=False,
        fragment_url=fragment_url or reverse("households:member_pick") + f"?field={field_name}",
        base=base,
        required="search" in data,
    )


def results_only(request: HttpRequest, context: dict[str, Any]) -> HttpResponse | None:
    """The live search of a form's picker, asked of the form's own page (``form_context`` with
    ``fragment_url=request.path``): only the list of people found in the page's set, or None when
    the request is for the page itself."""
    htmx = getattr(request, "htmx", None)
    if request.method != "GET" or not htmx or htmx.target != f"{context['field_name']}-results":
        return None
    return render(request, "households/_picker_results.html", context)
