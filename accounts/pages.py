"""The page kernel: what every app's pages share.

- ``role_page``: who may open a page behind a role, and how refusals look. A user whose role holds
  none of the page's actions gets 403 on a page that lists things (it exists; their role cannot use
  it) and 404 on a page about one record (we never confirm that the record exists). Inside, the
  services' and selectors' ``NotFound`` and ``Forbidden`` become 404 and 403. Anonymous users go to
  the login page.
- ``attempt``: a service called from a page, its refusal translated once for every app.
- ``ServiceForm``: a form whose values go to a service, and which field shows the service's error.
- ``form_page``: a page holding a form, 400 when it comes back with errors.
- ``AuthedRequest``: the request a signed-in page receives, for type checking.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext as _
from django_htmx.middleware import HtmxDetails

from accounts import visibility
from accounts.models import User
from accounts.visibility import Action
from core.errors import DomainError, Forbidden, NotFound


class AuthedRequest(HttpRequest):
    """What a view behind ``login_required`` receives: the user is a real ``User``."""

    user: User  # type: ignore[assignment]
    htmx: HtmxDetails


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


# --- translating domain errors, once ---------------------------------------------------------------


class ServiceForm(forms.Form):
    """A form whose values go to a service. ``service_fields`` maps the field name a service names
    in its error to the form field that shows it, where the two differ."""

    service_fields: dict[str, str] = {}

    def field_for(self, name: str | None) -> str | None:
        name = self.service_fields.get(name or "", name)
        return name if name in self.fields else None


@dataclass
class Outcome:
    ok: bool
    value: Any = None


def attempt(
    request: HttpRequest,
    service: Callable[..., Any],
    /,
    *,
    form: ServiceForm | None = None,
    success: str = "",
    **kwargs: Any,
) -> Outcome:
    """Call ``service(**kwargs)`` and translate a refusal for the page.

    ``NotFound`` becomes a 404 and ``Forbidden`` a 403 (the page offered no such action, so the
    request went around it). Any other ``DomainError`` is the user's to fix: its message goes onto
    the form field it names (or the whole form), or, for a plain button, into a flash message.
    """
    try:
        value = service(**kwargs)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except Forbidden as exc:
        raise PermissionDenied(exc.message) from exc
    except DomainError as exc:
        if form is not None:
            form.add_error(form.field_for(exc.field), exc.message)
        else:
            messages.error(request, exc.message)
        return Outcome(False)
    if success:
        messages.success(request, success)
    return Outcome(True, value)


def form_page(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    """Render a page holding a form: 400 when it comes back with errors."""
    bound = any(getattr(v, "is_bound", False) for v in context.values())
    return render(request, template, context, status=400 if bound and request.method == "POST" else 200)
