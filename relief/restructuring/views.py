"""Pages of restructuring layoffs: enterprises and their batches with the report by enterprise and
unit, recording an enterprise and a batch (with its workers), one batch (workers, figures, adding
workers, recording an outcome) and the advice for the whole batch (jobs within reach, what to
learn)."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import visibility
from accounts.pages import AuthedRequest, attempt, form_page, role_page
from accounts.visibility import Action
from core.errors import DomainError, NotFound
from jobs import selectors as job_selectors
from relief.restructuring import selectors, services
from relief.restructuring.forms import AddWorkersForm, BatchForm, EnterpriseForm, OutcomeForm, parse_worker_lines

EMPLOYER_CHOICES = 300


@role_page(Action.VIEW_RELIEF)
def enterprises(request: AuthedRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "relief_restructuring/enterprises.html",
        {
            "enterprises": list(selectors.enterprise_list_for(user)[:300]),
            "batches": list(selectors.batch_list_for(user)[:300]),
            "report": selectors.batch_report(user),
            "may_manage": visibility.may(user, Action.MANAGE_RELIEF),
        },
    )


@role_page(Action.MANAGE_RELIEF)
def enterprise_create(request: AuthedRequest) -> HttpResponse:
    user = request.user
    employers = [(e.pk, e.name) for e in job_selectors.employer_list_for(user)[:EMPLOYER_CHOICES]]
    form = EnterpriseForm(
        request.POST if request.method == "POST" else None,
        employers=employers,
        initial={"noted_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        employer = None
        if values.get("employer"):
            employer = job_selectors.employer_list_for(user).filter(pk=values["employer"]).first()
        if user.org_unit is None:
            raise Http404(_("No such union unit."))
        done = attempt(
            request,
            services.enterprise_create,
            form=form,
            by=user,
            name=values["name"],
            org_unit=user.org_unit,
            reason=values["reason"],
            noted_on=values["noted_on"],
            employer=employer,
            industry=values.get("industry") or "",
            note=values.get("note") or "",
            success=_("The enterprise is recorded."),
        )
        if done.ok:
            return redirect("relief:restructuring:batch_create")
    return form_page(
        request, "relief_restructuring/form.html", {"form": form, "title": _("An enterprise in difficulty")}
    )


@role_page(Action.MANAGE_RELIEF)
def batch_create(request: AuthedRequest) -> HttpResponse:
    user = request.user
    choices = [(e.pk, e.name) for e in selectors.enterprise_list_for(user)]
    form = BatchForm(
        request.POST if request.method == "POST" else None,
        enterprises=choices,
        initial={"laid_off_on": timezone.localdate()},
    )
    missing: list[str] = []
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        enterprise = selectors.enterprise_get_for(user, values["enterprise"])
        try:
            batch = services.batch_create(
                by=user,
                enterprise=enterprise,
                name=values["name"],
                laid_off_on=values["laid_off_on"],
                measures=values.get("measures") or [],
                plan=values.get("plan") or "",
                workers=parse_worker_lines(values["workers"]),
            )
        except NotFound as exc:
            raise Http404(exc.message) from exc
        except DomainError as exc:
            form.add_error(form.field_for(exc.field), exc.message)
            missing = list((exc.details or {}).get("missing", []))
        else:
            return redirect("relief:restructuring:batch", pk=batch.pk)
    return form_page(
        request,
        "relief_restructuring/form.html",
        {"form": form, "title": _("A layoff batch"), "missing": missing},
    )


@role_page(Action.VIEW_RELIEF, listing=False)
def batch(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    found = selectors.batch_get_for(user, pk)
    workers = list(selectors.workers_of([found]))
    for w in workers:
        w.since = selectors.working_since(w)  # type: ignore[attr-defined]
    return render(
        request,
        "relief_restructuring/batch.html",
        {
            "batch": found,
            "workers": workers,
            "report": selectors.batch_report(user, batch=found),
            "add_form": AddWorkersForm(),
            "outcome_form": OutcomeForm(initial={"on": timezone.localdate()}),
            "may_work": visibility.may(user, Action.REVIEW_RELIEF, found.org_unit),
        },
    )


@role_page(Action.REVIEW_RELIEF, listing=False)
@require_POST
def batch_add(request: AuthedRequest, pk: int) -> HttpResponse:
    found = selectors.batch_get_for(request.user, pk)
    form = AddWorkersForm(request.POST)
    if form.is_valid():
        attempt(
            request,
            services.batch_add_workers,
            batch=found,
            by=request.user,
            workers=parse_worker_lines(form.cleaned_data["workers"]),
            success=_("The workers are added to the batch."),
        )
    return redirect("relief:restructuring:batch", pk=found.pk)


@role_page(Action.VIEW_RELIEF, listing=False)
def batch_advice(request: AuthedRequest, pk: int) -> HttpResponse:
    found = selectors.batch_get_for(request.user, pk)
    return render(request, "relief_restructuring/advice.html", {"advice": selectors.batch_advice(request.user, found)})


@role_page(Action.REVIEW_RELIEF, listing=False)
@require_POST
def worker_outcome(request: AuthedRequest, pk: int) -> HttpResponse:
    worker = selectors.worker_get_for(request.user, pk)
    form = OutcomeForm(request.POST)
    if form.is_valid():
        values = form.cleaned_data
        attempt(
            request,
            services.worker_record_outcome,
            worker=worker,
            by=request.user,
            outcome=values.get("outcome") or "",
            on=values["on"],
            insurance_continued_on=values.get("insurance_continued_on"),
            success=_("The worker's outcome is recorded."),
        )
    else:
        from django.contrib import messages

        messages.error(request, _("Give the date."))
    return redirect("relief:restructuring:batch", pk=worker.batch_id)
