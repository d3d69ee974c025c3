"""The top bar's links, as data: grouped by task for each kind of user, each link shown only to the
roles holding its action, and the group (and link) the user is in marked as current.

A page is "in" the link whose address is the longest prefix of the page's path, so a household's
record (``/households/12/``) lights up 档案 through the household list (``/households/``). The
desktop bar shows the group names in one row; the phone menu shows the same groups. A group with a
single link shows as that link.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.visibility import Action


@dataclass(frozen=True)
class Link:
    url_name: str
    label: Promise | str
    # Shown when the user holds every one of these actions (none: everyone on this menu).
    needs: tuple[Action, ...] = ()


@dataclass(frozen=True)
class Group:
    key: str
    label: Promise | str
    links: tuple[Link, ...]


A = Action
SKILLS = Link("skills:catalogue", _("Skills"))

# Union staff (organizers, helpers, auditors, administrators): everything they may read, by task.
STAFF = (
    Group(
        "archive",
        _("Archive"),
        (
            Link("home", _("Overview")),
            Link("households:list", _("Households")),
            Link("households:create", _("New household"), (A.EDIT_ARCHIVE,)),
            Link("households:exits", _("Exit requests"), (A.APPROVE_EXIT,)),
            Link("households:import", _("Import"), (A.IMPORT_ARCHIVE,)),
            Link("households:export", _("Export"), (A.EXPORT_ARCHIVE,)),
        ),
    ),
    Group(
        "jobs",
        _("Employment"),
        (
            Link("jobs:search", _("Jobs"), (A.VIEW_JOBS,)),
            Link("jobs:review_employers", _("Employers to verify"), (A.VERIFY_EMPLOYERS,)),
            Link("jobs:review_postings", _("Postings to review"), (A.REVIEW_POSTINGS,)),
            Link("jobs:stalled", _("Stalled applications"), (A.VIEW_JOBS,)),
            Link("jobs:placements", _("Placements"), (A.VIEW_JOBS,)),
            Link("jobs:follow_ups", _("Follow-ups due"), (A.VIEW_JOBS, A.RECORD_VISIT)),
            Link("jobs:services", _("Employment services"), (A.VIEW_JOBS,)),
            Link("matching:gaps", _("Skill gaps"), (A.VIEW_JOBS,)),
        ),
    ),
    Group(
        "training",
        _("Training"),
        (
            Link("training:cohorts", _("Training"), (A.VIEW_TRAINING,)),
            Link("training:coverage", _("Skill coverage"), (A.VIEW_TRAINING,)),
            Link("training:demand", _("Courses to commission"), (A.VIEW_TRAINING,)),
            SKILLS,
            Link("skills:review", _("Phrases to review"), (A.MANAGE_TAXONOMY,)),
        ),
    ),
    Group(
        "fairs",
        _("Job fairs"),
        (
            Link("fairs:list", _("Job fairs"), (A.VIEW_FAIRS,)),
            Link("fairs:graduates", _("Graduate fair rule"), (A.VIEW_FAIRS,)),
        ),
    ),
    Group(
        "ventures",
        _("Business start-ups"),
        (
            Link("ventures:queue", _("Venture reviews"), (A.REVIEW_VENTURES,)),
            Link("ventures:portfolio", _("Venture portfolio"), (A.VIEW_VENTURES,)),
            Link("ventures:overdue", _("Overdue repayments"), (A.VIEW_VENTURES,)),
        ),
    ),
    Group(
        "funds",
        _("Funds and relief"),
        (
            Link("funds:overview", _("Funds"), (A.VIEW_FUNDS,)),
            Link("relief:index", _("Relief tracks"), (A.VIEW_RELIEF,)),
            Link("relief:queue", _("Relief reviews"), (A.REVIEW_RELIEF,)),
        ),
    ),
    Group(
        "assessment",
        _("Assessment"),
        (
            Link("assessment:dashboard", _("Assessment"), (A.VIEW_ASSESSMENT,)),
            Link("assessment:my_tasks", _("My tasks"), (A.VIEW_ASSESSMENT,)),
            Link("accounts:access_log", _("Access log"), (A.VIEW_AUDIT_TRAIL,)),
        ),
    ),
)

# A worker: their own household, work, learning and aid.
WORKER = (
    Group(
        "archive",
        _("My household"),
        (Link("me:home", _("My household")), Link("relief:mine", _("My relief"))),
    ),
    Group(
        "jobs",
        _("Employment"),
        (
            Link("matching:mine", _("Jobs matched to you")),
            Link("jobs:search", _("Find a job")),
            Link("jobs:my_applications", _("My applications")),
        ),
    ),
    Group(
        "training",
        _("Training"),
        (Link("training:home", _("What to learn")), Link("training:mine", _("My training")), SKILLS),
    ),
    Group("fairs", _("Job fairs"), (Link("fairs:list", _("Job fairs")),)),
    Group("ventures", _("Business start-ups"), (Link("ventures:mine", _("Starting a business")),)),
)

# An employer: its company, its hiring, the fairs.
EMPLOYER = (
    Group("company", _("Company"), (Link("home", _("Home")), Link("jobs:company", _("Company")))),
    Group(
        "hiring",
        _("Hiring"),
        (
            Link("jobs:postings", _("Our postings")),
            Link("jobs:candidates", _("Candidates"), (A.FIND_CANDIDATES,)),
            SKILLS,
        ),
    ),
    Group("fairs", _("Job fairs"), (Link("fairs:list", _("Job fairs")),)),
)

OTHER = (Group("home", _("Home"), (Link("home", _("Home")), SKILLS)),)


def groups_for(actions: set[str]) -> tuple[Group, ...]:
    """The menu of the kind of user holding ``actions`` (the names of ``accounts.visibility.Action``)."""
    if A.VIEW_ARCHIVE.value in actions:
        return STAFF
    if A.EDIT_OWN_PROFILE.value in actions:
        return WORKER
    if A.MANAGE_POSTINGS.value in actions:
        return EMPLOYER
    return OTHER


def _in(path: str, url: str) -> bool:
    return path == url if url == "/" else path.startswith(url)


def menu(actions: set[str], path: str) -> list[dict[str, Any]]:
    """The groups and links this user sees, the current ones marked, for ``includes/topbar.html``."""
    groups: list[dict[str, Any]] = []
    for group in groups_for(actions):
        links = [
            {"url": reverse(link.url_name), "label": link.label}
            for link in group.links
            if all(action.value in actions for action in link.needs)
        ]
        if links:
            groups.append({"key": group.key, "label": group.label, "links": links, "current": False})
    here = max(
        (link for group in groups for link in group["links"] if _in(path, link["url"])),
        key=lambda link: len(link["url"]),
        default=None,
    )
    for shown in groups:
        for link in shown["links"]:
            link["current"] = link is here
        shown["current"] = any(link["current"] for link in shown["links"])
    return groups
