"""Pages for moving the archive in and out as spreadsheets: import (with progress), export."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from accounts import visibility
from accounts.models import OrgUnit
from accounts.pages import AuthedRequest
from accounts.visibility import Action
from core.errors import DomainError, NotFound
from households import exporting, importing, selectors
from households.models import HardshipCause, Household, ImportJob, TargetGroup

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _need(request: AuthedRequest, action: Action) -> None:
    if not visibility.may(request.user, action):
        raise PermissionDenied(gettext("Your role does not allow this."))


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet (.xlsx)"), widget=forms.ClearableFileInput(attrs={"accept": ".xlsx," + XLSX})
    )
    org_unit = forms.ModelChoiceField(queryset=OrgUnit.objects.none(), label=_("Unit for rows without a unit code"))
    mode = forms.ChoiceField(
        choices=ImportJob.Mode.choices,
        initial=ImportJob.Mode.ALL_OR_NOTHING,
        widget=forms.RadioSelect,
        label=_("When some rows are bad"),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["org_unit"]).queryset = visibility.visible_units(user).order_by("path")
        if user.org_unit_id:
            self.fields["org_unit"].initial = user.org_unit_id


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request: AuthedRequest) -> HttpResponse:
    _need(request, Action.IMPORT_ARCHIVE)
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                job = importing.import_start(
                    by=request.user,
                    org_unit=form.cleaned_data["org_unit"],
                    upload=form.cleaned_data["file"],
                    mode=form.cleaned_data["mode"],
                )
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                return redirect("households:import_job", pk=job.pk)
        status = 400
    return render(
        request,
        "households/import.html",
        {"form": form, "jobs": selectors.import_job_list_for(request.user)},
        status=status,
    )


@login_required
def import_job(request: AuthedRequest, pk: int) -> HttpResponse:
    try:
        job = selectors.import_job_get_for(request.user, pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    template = "households/_import_progress.html" if request.htmx else "households/import_job.html"
    may_retry = job.can_retry and visibility.may(request.user, Action.IMPORT_ARCHIVE, job.org_unit)
    return render(request, template, {"job": job, "may_retry": may_retry})


@login_required
@require_http_methods(["POST"])
def import_retry(request: AuthedRequest, pk: int) -> HttpResponse:
    """Queue a failed import again (the job page shows the button)."""
    try:
        job = selectors.import_job_get_for(request.user, pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    _need(request, Action.IMPORT_ARCHIVE)
    try:
        importing.import_retry(job=job, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("households:import_job", pk=job.pk)


@login_required
def import_report(request: AuthedRequest, pk: int) -> FileResponse:
    try:
        job = selectors.import_job_get_for(request.user, pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    if not job.report:
        raise Http404(gettext("This import has no report."))
    return FileResponse(
        job.report.open("rb"), as_attachment=True, content_type=XLSX, filename=f"import-{job.pk}-problems.xlsx"
    )


@login_required
def import_template(request: AuthedRequest) -> HttpResponse:
    _need(request, Action.IMPORT_ARCHIVE)
    response = HttpResponse(importing.template_workbook(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="archive-template.xlsx"'
    return response


class ExportForm(forms.Form):
    unit = forms.ModelChoiceField(
        queryset=OrgUnit.objects.none(), required=False, label=_("Unit"), empty_label=_("All my units")
    )
    state = forms.ChoiceField(
        choices=[("", _("Any state")), *Household.State.choices], required=False, label=_("State")
    )
    target_group = forms.ModelChoiceField(
        queryset=TargetGroup.objects.all(),
        to_field_name="code",
        required=False,
        label=_("Target group"),
        empty_label=_("Any"),
    )
    cause = forms.ModelChoiceField(
        queryset=HardshipCause.objects.all(),
        to_field_name="code",
        required=False,
        label=_("Hardship cause"),
        empty_label=_("Any"),
    )
    full_id_numbers = forms.BooleanField(
        required=False,
        label=_("Include full ID numbers"),
        help_text=_("Every member in the file is then recorded in the access log with your name and the reason below."),
    )
    note = forms.CharField(required=False, max_length=200, label=_("Why the full numbers are needed"))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["unit"]).queryset = visibility.visible_units(user).order_by("path")
        if not visibility.may(user, Action.REVEAL_ID_NUMBER):
            del self.fields["full_id_numbers"]
            del self.fields["note"]


@login_required
@require_http_methods(["GET", "POST"])
def export_page(request: AuthedRequest) -> HttpResponse:
    _need(request, Action.EXPORT_ARCHIVE)
    form = ExportForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        filters = selectors.HouseholdFilters(
            unit=data["unit"].pk if data.get("unit") else None,
            state=data.get("state") or "",
            target_group=data["target_group"].code if data.get("target_group") else "",
            cause=data["cause"].code if data.get("cause") else "",
        )
        try:
            content = exporting.export_workbook(
                by=request.user,
                households=selectors.household_list_for(request.user, filters).order_by("id"),
                full_id_numbers=bool(data.get("full_id_numbers")),
                note=data.get("note") or "",
                ip_address=request.META.get("REMOTE_ADDR"),
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            response = HttpResponse(content, content_type=XLSX)
            stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
            response["Content-Disposition"] = f'attachment; filename="archive-{stamp}.xlsx"'
            return response
    return render(request, "households/export.html", {"form": form}, status=400 if request.method == "POST" else 200)
