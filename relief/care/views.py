"""The care register's page: rest stations and nursing rooms in reach, and recording one."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import visibility
from accounts.pages import AuthedRequest, attempt, role_page
from accounts.visibility import Action
from households import picker
from households import selectors as household_selectors
from relief.care import selectors, services
from relief.care.forms import AttendanceForm, EventForm, HealthCheckForm, MarkForm, StationForm


@role_page(Action.VIEW_RELIEF)
def stations(request: AuthedRequest) -> HttpResponse:
    user = request.user
    may_manage = visibility.may(user, Action.MANAGE_RELIEF)
    form = StationForm(
        request.POST if request.method == "POST" and may_manage else None,
        initial={"opened_on": timezone.localdate()},
    )
    if request.method == "POST":
        if not may_manage:
            raise Http404(_("Not found."))
        if form.is_valid():
            values = form.cleaned_data
            if user.org_unit is None:
                raise Http404(_("No such union unit."))
            done = attempt(
                request,
                services.station_record,
                form=form,
                by=user,
                org_unit=user.org_unit,
                kind=values["kind"],
                name=values["name"],
                place=values["place"],
                opened_on=values["opened_on"],
                inspected_on=values.get("inspected_on"),
                success=_("The station is recorded."),
            )
            if done.ok:
                return redirect("relief:care:stations")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "relief_care/stations.html",
        {"rows": list(selectors.station_list_for(user)[:500]), "form": form, "may_manage": may_manage},
        status=status,
    )


@role_page(Action.VIEW_RELIEF, listing=False)
def member(request: AuthedRequest, pk: int) -> HttpResponse:
    """A member's care: the marks (sanitation worker, women worker's needs) and health checks."""
    user = request.user
    found = selectors.member_get_for(user, pk)
    post = request.method == "POST"
    what = request.POST.get("what") if post else ""
    mark_form = MarkForm(request.POST if what == "mark" else None)
    check_form = HealthCheckForm(
        request.POST if what == "check" else None, initial={"checked_on": timezone.localdate()}
    )
    if post:
        if what == "mark" and mark_form.is_valid():
            values = mark_form.cleaned_data
            done = attempt(
                request,
                services.mark_set,
                form=mark_form,
                member=found,
                by=user,
                sanitation_worker=values["sanitation_worker"],
                employer_name=values.get("employer_name") or "",
                women_care_needs=values.get("women_care_needs") or "",
                success=_("The care marks are saved."),
            )
            if done.ok:
                return redirect("relief:care:member", pk=found.pk)
        elif what == "check" and check_form.is_valid():
            values = check_form.cleaned_data
            done = attempt(
                request,
                services.health_check_record,
                form=check_form,
                member=found,
                by=user,
                checked_on=values["checked_on"],
                result=values["result"],
                referral=values.get("referral") or "",
                success=_("The health check is recorded."),
            )
            if done.ok:
                return redirect("relief:care:member", pk=found.pk)
    mark, checks = selectors.care_of(found)
    if mark is not None and not mark_form.is_bound:
        mark_form = MarkForm(
            initial={
                "sanitation_worker": mark.sanitation_worker,
                "employer_name": mark.employer_name,
                "women_care_needs": mark.women_care_needs,
            }
        )
    return render(
        request,
        "relief_care/member.html",
        {"member": found, "mark": mark, "checks": checks, "mark_form": mark_form, "check_form": check_form},
        status=400 if post else 200,
    )


@role_page(Action.VIEW_RELIEF)
def events(request: AuthedRequest) -> HttpResponse:
    user = request.user
    may_manage = visibility.may(user, Action.MANAGE_RELIEF)
    form = EventForm(request.POST if request.method == "POST" and may_manage else None)
    if request.method == "POST":
        if not may_manage:
            raise Http404(_("Not found."))
        if form.is_valid() and user.org_unit is not None:
            values = form.cleaned_data
            done = attempt(
                request,
                services.event_create,
                form=form,
                by=user,
                org_unit=user.org_unit,
                name=values["name"],
                held_on=values["held_on"],
                place=values.get("place") or "",
                success=_("The event is recorded."),
            )
            if done.ok:
                return redirect("relief:care:event", pk=done.value.pk)
    return render(
        request,
        "relief_care/events.html",
        {"rows": list(selectors.event_list_for(user)[:300]), "form": form, "may_manage": may_manage},
        status=400 if request.method == "POST" else 200,
    )


@role_page(Action.VIEW_RELIEF, listing=False)
def event(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    found = selectors.event_get_for(user, pk)
    may_work = visibility.may(user, Action.REVIEW_RELIEF)
    post = request.method == "POST"
    context: dict[str, Any] = {}
    in_unit = {"household__org_unit__path__startswith": found.org_unit.path}
    if may_work:
        # Anyone in reach of the event's unit, found with the people picker (no capped list of the
        # first 500); ?member= comes ticked. The search button without JS records nothing.
        members = picker.members_in_reach(user).filter(**in_unit)
        context["picker"] = picker.form_context(
            user, request.POST if post else request.GET, base=members, fragment_url=request.path
        )
        if (results := picker.results_only(request, context["picker"])) is not None:
            return results
        if post and "search" in request.POST:
            post = False
    else:
        # Who may not record attendance is refused by the service, as before.
        members = household_selectors.member_list_for(user).filter(is_current=True, **in_unit)
    form = AttendanceForm(request.POST if post else None, members=members)
    if post and form.is_valid():
        who = form.cleaned_data["member"]
        done = attempt(
            request,
            services.attendance_record,
            form=form,
            event=found,
            member=who,
            by=user,
            success=_("The attendance is recorded."),
        )
        if done.ok:
            return redirect("relief:care:event", pk=found.pk)
    attended = list(found.attendance.select_related("member__household"))
    return render(
        request,
        "relief_care/event.html",
        {"event": found, "attended": attended, "form": form, "may_work": may_work, **context},
        status=400 if post else 200,
    )
