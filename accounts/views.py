"""The personal-data access log, for the people who audit it; logging in; changing one's own password;
the large-text switch."""

from __future__ import annotations

import contextlib
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.messages.views import SuccessMessageMixin
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts import selectors, services, text_size, visibility
from accounts.pages import AuthedRequest
from core.models import SensitiveAccess

# What the log's field names say to a reader (the log stores the names the code reads).
FIELD_LABELS = {
    "income": gettext_lazy("Income"),
    "health": gettext_lazy("Health"),
    "id_number": gettext_lazy("ID number"),
}


def _model(record_type: str) -> Any:
    try:
        return apps.get_model(record_type)
    except (LookupError, ValueError):
        return None


def _record_label(record_type: str) -> str:
    """ "households.Household" as the reader knows it: 困难职工家庭档案."""
    model = _model(record_type)
    return str(model._meta.verbose_name) if model is not None else record_type


def _field_labels(record_type: str, fields: str) -> str:
    model = _model(record_type)
    labels = []
    for name in filter(None, (f.strip() for f in fields.split(","))):
        label: Any = FIELD_LABELS.get(name)
        if label is None and model is not None:
            with contextlib.suppress(FieldDoesNotExist):
                label = model._meta.get_field(name).verbose_name
        labels.append(str(label or name))
    return _(", ").join(labels)


@login_required
def access_log(request: AuthedRequest) -> HttpResponse:
    if not visibility.may(request.user, visibility.Action.VIEW_AUDIT_TRAIL):
        raise PermissionDenied(_("Your role does not allow this."))
    purpose = request.GET.get("purpose", "")
    username = request.GET.get("user", "").strip()
    rows = selectors.access_log_for(request.user, purpose=purpose, username=username)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    for row in page.object_list:
        row.record_label = _record_label(row.record_type)  # type: ignore[attr-defined]  # shown beside the row
        row.field_label = _field_labels(row.record_type, row.field)  # type: ignore[attr-defined]
    return render(
        request,
        "accounts/access_log.html",
        {
            "page": page,
            "purposes": SensitiveAccess.Purpose.choices,
            "purpose": purpose,
            "username": username,
        },
    )


class PasswordChange(SuccessMessageMixin, auth_views.PasswordChangeView):
    """Every role changes its password on the site's own page (not the admin's, whose links send
    everyone else to the admin login), and hears that it worked."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("home")
    success_message = gettext_lazy("Your password was changed.")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        services.user_password_changed(user=form.user)
        return response

    def form_invalid(self, form: Any) -> HttpResponse:
        # As every form page of the site: a form coming back with errors answers 400.
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class LoginView(auth_views.LoginView):
    """Django's login, which also carries a device's large text (chosen on the login page) onto the
    person who logs in (see accounts/text_size.py)."""

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        if text_size.device_wants_large(self.request):
            services.user_text_size_set(user=form.get_user(), large=True)
        return response


@require_POST
def text_size_set(request: HttpRequest) -> HttpResponse:
    """The 大字模式 switch: ``size`` is "large" or "normal"; back to ``next`` (a page of this site)."""
    size = request.POST.get("size", "")
    if size not in text_size.SIZES:
        return HttpResponseBadRequest(_("Choose large or normal text."), content_type="text/plain; charset=utf-8")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    if request.user.is_authenticated:
        services.user_text_size_set(user=request.user, large=size == text_size.LARGE)  # type: ignore[arg-type]
    response = HttpResponseRedirect(target)
    response.set_cookie(
        text_size.COOKIE,
        size,
        max_age=text_size.COOKIE_MAX_AGE,
        samesite="Lax",
        httponly=True,
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response
