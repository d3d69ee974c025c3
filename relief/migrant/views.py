"""The migrant-worker track's page: the migrant-group households in reach with no case yet, each
with a link to open one (the core's case pages do the rest)."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from accounts import visibility
from accounts.pages import AuthedRequest, role_page
from accounts.visibility import Action
from households.models import Member
from relief.migrant import selectors

LIST_MAX = 300


@role_page(Action.VIEW_RELIEF)
def households(request: AuthedRequest) -> HttpResponse:
    rows = selectors.households_without_case_for(request.user)
    shown = list(rows[:LIST_MAX])
    heads = dict(
        Member.objects.filter(household__in=shown, is_current=True, relation=Member.Relation.HEAD).values_list(
            "household_id", "pk"
        )
    )
    return render(
        request,
        "relief_migrant/households.html",
        {
            "rows": [(h, heads.get(h.pk)) for h in shown],
            "count": rows.count(),
            "may_open": visibility.may(request.user, Action.REVIEW_RELIEF),
        },
    )
