"""What matching adds to pages of the apps below it (registered in ``MatchingConfig.ready``)."""

from __future__ import annotations

from typing import cast

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from accounts.models import User
from jobs.models import JobPosting
from matching import selectors


def my_match_panel(request: HttpRequest, posting: JobPosting) -> SafeString | str:
    """On a job's page, for the worker it was matched with: how well it fits them and why (the
    stored explanation, as on 我的推荐岗位). Nothing for anyone else, or without a stored match."""
    row = selectors.my_match_for_posting(cast(User, request.user), posting)
    if row is None:
        return ""
    return render_to_string("matching/_posting_match_panel.html", {"row": row}, request=request)
