"""Pages of matching: the worker's 我的推荐岗位, an employer's ranked candidates for a posting, and
the organizer's view of who can reach a job and which missing skills hold people back.

As in ``jobs.views``: every view authorises and fetches through a selector, and never filters by
hand; the matching selectors already scope to what the user may see and say why in plain words. A
page a role may not use is "forbidden" (403); a record a user may not see is "not found" (404).
Employers get the person's name, age, work capacity and skills, never the ID number, the household,
income, health, phone or address (the templates are built from those fields alone).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts import visibility
from accounts.models import Role
from accounts.pages import AuthedRequest, View, role_page
from accounts.visibility import Action
from core.pagination import Batch, batch_from
from households import selectors as household_selectors
from jobs import selectors as job_selectors
from matching import selectors

# The organizer's gap page lists the people with no reachable job; beyond this many the list says
# how many more there are rather than growing the page without end.
UNREACHABLE_SHOWN = 200
# A phone shows about two match cards a screen: ten is a few screens, and "show more" adds ten.
BATCH = 10


def _batch(request: AuthedRequest) -> Batch:
    """Ranked lists show ``BATCH`` rows, then load ``BATCH`` more at a time (htmx: only the new ones)."""
    return batch_from(request.GET.get("shown"), partial=_more(request), step=BATCH, reach=selectors.MATCHES_REACH)


def _more(request: AuthedRequest) -> bool:
    """The "show more" link asking (with htmx) for the next rows alone; the page polling while
    matches are computed asks for the whole page."""
    return bool(request.htmx) and "shown" in request.GET


def matching_page(*actions: Action, listing: bool = True) -> Callable[[View], View]:
    """Read-only pages (GET) for the roles holding any of ``actions``: ``role_page``."""

    def decorator(view: View) -> View:
        return role_page(*actions, listing=listing)(require_GET(view))

    return decorator


@matching_page(Action.APPLY)
def my_matches(request: AuthedRequest) -> HttpResponse:
    """我的推荐岗位: open jobs that fit, best first, each saying why."""
    user = request.user
    member = household_selectors.my_member(user)
    batch = _batch(request).counted(selectors.my_matches_count(user) if member is not None else 0)
    rows = selectors.my_matches(user, limit=batch.limit, offset=batch.offset) if member is not None else []
    if _more(request):
        return render(request, "matching/_my_match_rows.html", {"rows": rows, "batch": batch})
    pending = not rows and member is not None and selectors.my_matches_pending(user)
    return render(
        request, "matching/my_matches.html", {"member": member, "rows": rows, "pending": pending, "batch": batch}
    )


@matching_page(Action.MANAGE_POSTINGS, Action.VIEW_JOBS, listing=False)
def posting_candidates(request: AuthedRequest, pk: int) -> HttpResponse:
    """A posting's ranked candidates: the people who agreed to be found or applied to it."""
    user = request.user
    posting = job_selectors.posting_manage_get_for(user, pk)
    batch = _batch(request).counted(selectors.candidates_count(user, posting.pk))
    rows = selectors.candidates_for_posting(user, posting.pk, limit=batch.limit, offset=batch.offset)
    is_employer = user.role == Role.EMPLOYER
    return render(
        request,
        "matching/_candidate_rows.html" if _more(request) else "matching/candidates.html",
        {
            "posting": posting,
            "rows": rows,
            "batch": batch,
            "is_employer": is_employer,
            # An employer invites someone who has not applied to this open posting; the invitation
            # itself is the jobs page's (jobs:candidate_invite), with its own checks.
            "may_invite": is_employer and posting.is_open,
            "may_apply_for": visibility.may(user, Action.APPLY_FOR_OTHERS) and posting.is_open,
        },
    )


@matching_page(Action.VIEW_JOBS, listing=False)
def household_matching(request: AuthedRequest, pk: int) -> HttpResponse:
    """One household: each member able to work, whether a job is within reach, the best matches and
    the skills that stand in the way."""
    user = request.user
    matching = selectors.household_matching(user, pk)
    return render(
        request,
        "matching/household.html",
        {"matching": matching, "may_apply_for": visibility.may(user, Action.APPLY_FOR_OTHERS)},
    )


@matching_page(Action.VIEW_JOBS)
def gaps(request: AuthedRequest) -> HttpResponse:
    """The unit's gaps: people with no job within reach, and the missing skills blocking the most."""
    user = request.user
    unreachable = list(selectors.unreachable_members(user)[: UNREACHABLE_SHOWN + 1])
    return render(
        request,
        "matching/gaps.html",
        {
            "unreachable": unreachable[:UNREACHABLE_SHOWN],
            "more_unreachable": len(unreachable) > UNREACHABLE_SHOWN,
            "blocking": selectors.blocking_skills(user),
        },
    )
