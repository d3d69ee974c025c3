"""The one decorator for pages behind a role: who may open them, and how refusals look.

A user whose role holds none of the page's actions gets 403 on a page that lists things (it
exists; their role cannot use it) and 404 on a page about one record (we never confirm that the
record exists). Inside, the services' and selectors' ``NotFound`` and ``Forbidden`` become 404 and
403. Anonymous users go to the login page.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _

from accounts import visibility
from accounts.models import User
from accounts.visibility import Action
from core.errors import Forbidden, NotFound

# A page view (or a file download: FileResponse); the decorated view keeps its own signature.
View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def role_page(*actions: Action, listing: bool = True) -> Callable[[View], View]:
    """For the roles holding any of ``actions``; with none, for anyone signed in."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            user = cast(User, request.user)  # signed in: login_required runs first
            if actions and not any(visibility.may(user, action) for action in actions):
                if listing:
                    raise PermissionDenied(_("Your role does not allow this."))
                raise Http404(_("Not found."))
            try:
                return view(request, *args, **kwargs)
            except NotFound as exc:
                raise Http404(exc.message) from exc
            except Forbidden as exc:
                raise PermissionDenied(exc.message) from exc

        return cast(View, login_required(wrapper))

    return decorator
