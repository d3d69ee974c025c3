"""Panels that apps above ``jobs`` add to a job's page, without ``jobs`` importing them.

``jobs`` sits below ``matching`` (ARCHITECTURE.md), yet a worker who opens a job from 我的推荐岗位
should see how well it fits them and why. So the page asks this registry: an app above registers a
function at start-up (``matching.apps.MatchingConfig.ready``, as each app registers its admin), the
page renders whatever the registered functions return, in order of registration. With nothing
registered (``jobs`` alone), the page simply has no panels.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest
from django.utils.safestring import SafeString

from jobs.models import JobPosting

# (request, posting) -> the panel's HTML, or "" when it has nothing to say to this user.
PostingPanel = Callable[[HttpRequest, JobPosting], SafeString | str]

_posting_panels: dict[str, PostingPanel] = {}


def register_posting_panel(name: str, panel: PostingPanel) -> None:
    """Add a panel to every job's page; a second panel under one name is a mistake, refused."""
    if name in _posting_panels and _posting_panels[name] is not panel:
        raise ValueError(f"a posting panel named {name!r} is already registered")
    _posting_panels[name] = panel


def unregister_posting_panel(name: str) -> None:
    _posting_panels.pop(name, None)


def posting_panels(request: HttpRequest, posting: JobPosting) -> list[SafeString | str]:
    """The panels' HTML for this request, empty ones left out."""
    return [html for panel in _posting_panels.values() if (html := panel(request, posting))]
