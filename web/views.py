from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any, cast
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import visibility
from accounts.models import Role, User
from accounts.visibility import Action
from assessment import selectors as assessment_selectors
from fairs import selectors as fair_selectors
from households.selectors import dashboard_counts_for
from jobs import selectors as job_selectors
from jobs import services as job_services
from jobs.models import Application, JobPosting
from relief import dashboard as relief_dashboard
from training import selectors as training_selectors
from ventures import selectors as venture_selectors
from ventures.models import Venture

# The dashboard's tiles: (count key, label, list filter or None for the exit-request page, tone).
DASHBOARD_TILES = [
    ("active", _("Households in hardship"), {"state": "active"}, ""),
    ("draft", _("Draft archives"), {"state": "draft"}, ""),
    ("no_helper", _("Without a responsible helper"), {"no_helper": "1"}, "warn"),
    ("overdue_visit", _("Visit overdue"), {"overdue_visit": "1"}, "alert"),
    ("follow_up", _("Exited, still followed up"), {"state": "exited"}, ""),
    ("exit_pending", _("Exit requests to decide"), None, "warn"),
]

# 阳光就业 tiles: (count key, label, page, the action that page needs, tone).
JOB_TILES = [
    ("employers_to_verify", _("Employers to verify"), "jobs:review_employers", Action.VERIFY_EMPLOYERS, "warn"),
    ("postings_to_review", _("Postings to review"), "jobs:review_postings", Action.REVIEW_POSTINGS, "warn"),
    ("stalled_applications", _("Stalled applications"), "jobs:stalled", Action.VIEW_JOBS, "alert"),
    ("follow_ups_due", _("Job follow-ups due"), "jobs:follow_ups", Action.VIEW_JOBS, "warn"),
]


def _ventures_waiting(user: User) -> int:
    return (
        venture_selectors.venture_list_for(user)
        .filter(state__in=[Venture.State.HELPER_REVIEW, Venture.State.ORGANIZER_REVIEW, Venture.State.UPPER_REVIEW])
        .count()
    )


# Training, fairs and ventures: (label, how many, page, the action that page needs, tone). Each count
# is asked of the app's own selectors, already scoped to the user's reach, only when shown.
PROGRAMME_TILES: list[tuple[Any, Callable[[User], int], str, Action, str]] = [
    (
        _("Capable members without a certified skill"),
        lambda u: training_selectors.uncovered_for(u).count(),
        "training:coverage",
        Action.VIEW_TRAINING,
        "warn",
    ),
    (
        _("Upcoming job fairs"),
        lambda u: fair_selectors.upcoming(fair_selectors.fair_list_for(u)).count(),
        "fairs:list",
        Action.VIEW_FAIRS,
        "",
    ),
    (_("Venture applications waiting"), _ventures_waiting, "ventures:queue", Action.REVIEW_VENTURES, "warn"),
    (
        _("Overdue repayments"),
        lambda u: venture_selectors.overdue_for(u).count(),
        "ventures:overdue",
        Action.VIEW_VENTURES,
        "alert",
    ),
]
# 考核: the user's overdue tasks and the households still to review this year (same shape as above).
ASSESSMENT_TILES: list[tuple[Any, Callable[[User], int], str, Action, str]] = [
    (
        _("My overdue tasks"),
        lambda u: assessment_selectors.overdue_tasks().filter(owner=u).count(),
        "assessment:my_tasks",
        Action.VIEW_ASSESSMENT,
        "alert",
    ),
    (
        _("Households still to review this year"),
        lambda u: assessment_selectors.review_worklist_for(u, year=timezone.localdate().year).count(),
        "assessment:reviews",
        Action.REVIEW_HOUSEHOLDS,
        "warn",
    ),
]
# The employer's postings by state, as the dashboard counts them.
EMPLOYER_POSTING_STATES = [
    JobPosting.State.DRAFT,
    JobPosting.State.REVIEW,
    JobPosting.State.PUBLISHED,
    JobPosting.State.FILLED,
]


class AuthedRequest(HttpRequest):
    user: User  # type: ignore[assignment]


def home(request: HttpRequest) -> HttpResponse:
    """The public front page for visitors; each role's starting page once logged in."""
    if not request.user.is_authenticated:
        return render(request, "landing.html")
    user = cast(User, request.user)
    if user.role == Role.WORKER:
        return redirect("me:home")
    if user.role == Role.EMPLOYER:
        return employer_home(request, user)
    if not visibility.may(user, Action.VIEW_ARCHIVE):
        return render(request, "home.html", {"placeholder": True})
    counts = dashboard_counts_for(user)
    may_decide = visibility.may(user, Action.APPROVE_EXIT)
    list_url = reverse("households:list")
    tiles = []
    for key, label, params, tone in DASHBOARD_TILES:
        if params is None:
            if not may_decide:
                continue
            url = reverse("households:exits")
        else:
            url = f"{list_url}?{urlencode(params)}"
        tiles.append(
            {"key": key, "label": label, "count": counts[key], "url": url, "tone": tone if counts[key] else ""}
        )
    job_counts = job_selectors.jobs_dashboard_counts_for(user)
    job_tiles = [
        {
            "key": key,
            "label": label,
            "count": job_counts[key],
            "url": reverse(page),
            "tone": tone if job_counts[key] else "",
        }
        for key, label, page, action, tone in JOB_TILES
        if visibility.may(user, action)
    ]
    programme_tiles = []
    for label, count_for, page, action, tone in PROGRAMME_TILES:
        if visibility.may(user, action):
            count = count_for(user)
            programme_tiles.append(
                {"label": label, "count": count, "url": reverse(page), "tone": tone if count else ""}
            )
    assessment_tiles = []
    for label, count_for, page, action, tone in ASSESSMENT_TILES:
        if visibility.may(user, action):
            count = count_for(user)
            assessment_tiles.append(
                {"label": label, "count": count, "url": reverse(page), "tone": tone if count else ""}
            )
    return render(
        request,
        "home.html",
        {
            "tiles": tiles,
            "job_tiles": job_tiles,
            "programme_tiles": programme_tiles,
            "relief_tiles": relief_dashboard.tiles_for(user),
            "relief_title": relief_dashboard.TITLE,
            "assessment_tiles": assessment_tiles,
            "unit": user.org_unit,
        },
    )


def employer_home(request: HttpRequest, user: User) -> HttpResponse:
    """The employer's starting page: the company's state, its postings by state, new applicants."""
    employer = job_services.employer_of(user)
    if employer is None:
        return render(request, "home.html", {"placeholder": True})
    by_state = Counter(job_selectors.employer_postings_for(user).values_list("state", flat=True))
    postings_url = reverse("jobs:postings")
    tiles = [
        {"key": state.value, "label": state.label, "count": by_state[state.value], "url": postings_url, "tone": ""}
        for state in EMPLOYER_POSTING_STATES
    ]
    new_applicants = job_selectors.application_list_for(user, state=Application.State.APPLIED)
    return render(
        request,
        "home.html",
        {
            "employer": employer,
            "tiles": tiles,
            "new_applicant_count": new_applicants.count(),
            "new_applicants": list(new_applicants[:10]),
        },
    )


def health(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})
