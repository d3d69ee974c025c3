"""Pages of 技能培训促就业: a worker asks "what should I learn", enrols, shows their attendance code
and sees their certificates; helpers and organizers enrol people, take attendance (roster or QR
scan), record completions and certificates, and read coverage and demand.

As in ``jobs.views``: every view authorises and fetches through a selector, then calls one service;
``attempt`` translates a service's ``DomainError`` once.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from accounts import visibility
from accounts.models import Role
from accounts.pages import AuthedRequest, attempt, form_page, role_page
from accounts.visibility import Action
from core import qrcodes
from core.errors import NotFound
from core.pagination import CappedPaginator
from households import picker
from households import selectors as household_selectors
from training import advice, selectors, services
from training.forms import CertificateForm, CohortForm, CompletionForm, CourseForm, EnrolOthersForm, ScanForm
from training.models import Attendance, Enrolment, Provider

# Lists of cohorts a page: within eight phone screens (issue 19).
PAGE_SIZE = 10
COVERAGE_PAGE_SIZE = 10
DEMAND_SHOWN = 10
ANY_TRAINING = (Action.ENROL, Action.VIEW_TRAINING, Action.ENROL_OTHERS)


# --- workers ------------------------------------------------------------------------------------------


@require_GET
@role_page(*ANY_TRAINING)
def home(request: AuthedRequest) -> HttpResponse:
    """Workers: what to learn. Staff: their cohorts."""
    user = request.user
    if user.role != Role.WORKER and visibility.may(user, Action.VIEW_TRAINING):
        return redirect("training:cohorts")
    member = household_selectors.my_member(user)
    rows = advice.advice_for(member) if member is not None else []
    return render(
        request,
        "training/advice.html",
        {"member": member, "rows": rows, "labels": {r.skill.code: advice.closeness_label(r.closeness) for r in rows}},
    )


@require_GET
@role_page(*ANY_TRAINING)
def catalogue(request: AuthedRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    skill = request.GET.get("skill", "")
    courses = selectors.course_list_for(request.user, query=query, skill=skill)
    page = Paginator(courses, 20).get_page(request.GET.get("page"))
    may_manage = visibility.may(request.user, Action.MANAGE_TRAINING)
    return render(
        request, "training/catalogue.html", {"page": page, "q": query, "skill": skill, "may_manage": may_manage}
    )


@require_GET
@role_page(*ANY_TRAINING, listing=False)
def course_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    course = selectors.course_get_for(request.user, pk)
    member = household_selectors.my_member(request.user) if request.user.role == Role.WORKER else None
    cohorts = []
    for cohort in course.open:  # type: ignore[attr-defined]
        problem = services.eligibility_problem(course, member, on=cohort.starts_on) if member is not None else None
        cohorts.append({"cohort": cohort, "seats": selectors.seats_taken(cohort), "problem": problem})
    return render(
        request,
        "training/course.html",
        {
            "course": course,
            "cohorts": cohorts,
            "member": member,
            "price": course.price_for_archived(),
            "may_manage": visibility.may(request.user, Action.MANAGE_TRAINING, course.org_unit),
        },
    )


@require_POST
@role_page(Action.ENROL, listing=False)
def enrol(request: AuthedRequest, pk: int) -> HttpResponse:
    cohort = selectors.cohort_get_for(request.user, pk)
    member = household_selectors.my_member(request.user)
    if member is None:
        messages.error(request, _("Your login is not linked to a household archive; ask your helper."))
        return redirect("training:course", cohort.course_id)
    outcome = attempt(request, services.enrolment_create, cohort=cohort, member=member, by=request.user)
    if outcome.ok:
        if outcome.value.state == Enrolment.State.ENROLLED:
            messages.success(
                request, _("You are enrolled. Your seat is number %(seat)d.") % {"seat": outcome.value.seat}
            )
        else:
            messages.success(request, _("The cohort is full: you are on the waiting list and get the next free seat."))
        return redirect("training:mine")
    return redirect("training:course", cohort.course_id)


@require_GET
@role_page(Action.ENROL)
def mine(request: AuthedRequest) -> HttpResponse:
    user = request.user
    enrolments = list(
        selectors.enrolment_list_for(user)
        .filter(member__user=user)
        .prefetch_related("attendance")
        .order_by("-created_at")
    )
    rows = [
        {
            "enrolment": e,
            "qr": qrcodes.svg(services.attendance_token(e)) if e.state in Enrolment.HOLDS_SEAT else "",
            "token": services.attendance_token(e) if e.state in Enrolment.HOLDS_SEAT else "",
            "attended": len(e.attendance.all()),
        }
        for e in enrolments
    ]
    certificates = selectors.certificate_list_for(user).filter(member__user=user)
    return render(
        request,
        "training/mine.html",
        {"member": household_selectors.my_member(user), "rows": rows, "certificates": certificates},
    )


@require_POST
@role_page(Action.ENROL, Action.ENROL_OTHERS, Action.MANAGE_TRAINING, listing=False)
def cancel(request: AuthedRequest, pk: int) -> HttpResponse:
    enrolment = selectors.enrolment_get_for(request.user, pk)
    outcome = attempt(
        request,
        services.enrolment_cancel,
        enrolment=enrolment,
        by=request.user,
        reason=request.POST.get("reason", ""),
    )
    if outcome.ok:
        _cancelled, promoted = outcome.value
        text = _("The enrolment is cancelled.")
        if promoted is not None and request.user.role != Role.WORKER:
            text += " " + _("%(name)s from the waiting list has the seat now.") % {"name": promoted.member.name}
        messages.success(request, text)
    if request.user.role == Role.WORKER:
        return redirect("training:mine")
    return redirect("training:cohort", enrolment.cohort_id)


# --- staff: cohorts and rosters -----------------------------------------------------------------------


@require_GET
@role_page(Action.VIEW_TRAINING)
def cohorts(request: AuthedRequest) -> HttpResponse:
    page = Paginator(selectors.cohort_list_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "training/cohorts.html", {"page": page, "today": timezone.localdate()})


def _cohort_context(request: AuthedRequest, cohort: Any, **forms: Any) -> dict[str, Any]:
    user = request.user
    roster = list(selectors.roster_for(user, cohort))
    may_manage = visibility.may(user, Action.MANAGE_TRAINING, cohort.course.org_unit)
    return {
        "cohort": cohort,
        "seats": selectors.seats_taken(cohort),
        "roster": [
            {
                "e": e,
                "completion_form": CompletionForm(auto_id=f"complete-{e.pk}-%s"),
                "certificate_form": CertificateForm(auto_id=f"certificate-{e.pk}-%s"),
            }
            for e in roster
        ],
        "sessions": list(cohort.sessions.all()),
        "whole": selectors.sees_whole_roster(user, cohort),
        "may_manage": may_manage,
        "may_enrol": visibility.may(user, Action.ENROL_OTHERS) and cohort.is_open_on(timezone.localdate()),
    }


@require_GET
@role_page(Action.VIEW_TRAINING, listing=False)
def cohort_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    cohort = selectors.cohort_get_for(request.user, pk)
    return render(request, "training/cohort.html", _cohort_context(request, cohort))


@require_POST
@role_page(Action.ENROL_OTHERS, listing=False)
def enrol_others(request: AuthedRequest, pk: int) -> HttpResponse:
    """The list ticked on the picker page (kept as the address older forms post to)."""
    return enrol_pick(request, pk)


@role_page(Action.ENROL_OTHERS, listing=False)
def enrol_pick(request: AuthedRequest, pk: int) -> HttpResponse:
    """A helper or organizer enrols people in a cohort: search (name, archive number, phone's last 4
    digits), tick several or "select the eligible ones" among those found, enrol them in the order
    ticked. Each person found shows whether the course's rules admit them, and if not, why. With
    htmx the search swaps the list in place; without JS the search button posts the form back."""
    user = request.user
    cohort = selectors.cohort_get_for(user, pk)
    if not cohort.is_open_on(timezone.localdate()):
        messages.error(request, _("This cohort does not take enrolments now."))
        return redirect("training:cohort", cohort.pk)
    posted = request.method == "POST"
    data = request.POST if posted else request.GET
    in_reach = picker.members_in_reach(user)
    form = EnrolOthersForm(request.POST if posted else None, members=in_reach)
    acting = posted and "search" not in data and "select_eligible" not in data
    if acting and form.is_valid():
        chosen_members = {m.pk: m for m in form.cleaned_data["members"]}
        order = [i for i in picker.ids_from(request.POST.getlist("members")) if i in chosen_members]
        outcome = attempt(
            request,
            services.enrolment_create_many,
            form=form,
            cohort=cohort,
            members=[chosen_members[i] for i in order],
            by=user,
        )
        if outcome.ok:
            seated = sum(1 for e in outcome.value if e.state == Enrolment.State.ENROLLED)
            waiting = len(outcome.value) - seated
            messages.success(
                request,
                ngettext("%(n)d person enrolled", "%(n)d people enrolled", seated) % {"n": seated}
                + (
                    "; " + ngettext("%(n)d on the waiting list", "%(n)d on the waiting list", waiting) % {"n": waiting}
                    if waiting
                    else ""
                )
                + ".",
            )
            return redirect("training:cohort", cohort.pk)
    chosen = picker.ids_from(data.getlist("members") or data.getlist("member"))
    context = picker.picker_context(
        user,
        query=data.get("q", ""),
        chosen=chosen,
        field_name="members",
        multi=True,
        fragment_url=request.path,
        required="search" in data or "select_eligible" in data,
    )
    people = [row.member for row in [*context["chosen"], *context["pick"].rows]]
    enrolled, refused = selectors.enrol_problems(cohort, people)

    def why_not(member: Any) -> tuple[str, bool]:
        if member.pk in enrolled:
            return _("Enrolled already"), True
        return refused.get(member.pk, ""), member.pk in refused

    picker.annotate(context, why_not)
    if "select_eligible" in data:
        # Tick everyone found whom the course admits, after those ticked already.
        eligible = [row for row in context["pick"].rows if not row.note and row.member.pk not in context["chosen_ids"]]
        context["chosen"] = [*context["chosen"], *eligible]
        context["chosen_ids"] = {row.member.pk for row in context["chosen"]}
        form = EnrolOthersForm(members=in_reach)
    if request.htmx and not posted:
        return render(request, "households/_picker_results.html", context)
    context |= {
        "cohort": cohort,
        "seats": selectors.seats_taken(cohort),
        "form": form if acting else EnrolOthersForm(members=in_reach),
        "ineligible": [row for row in context["pick"].rows if row.member.pk in refused],
    }
    return form_page(request, "training/enrol_pick.html", context)


@require_POST
@role_page(Action.MANAGE_TRAINING, listing=False)
def complete(request: AuthedRequest, pk: int) -> HttpResponse:
    enrolment = selectors.enrolment_get_for(request.user, pk)
    form = CompletionForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("training:cohort", enrolment.cohort_id)
    values = form.cleaned_data
    attempt(
        request,
        services.completion_record,
        enrolment=enrolment,
        by=request.user,
        passed=values["passed"],
        score=values.get("score"),
        completed_on=values["completed_on"],
        success=_("Completion recorded for %(name)s.") % {"name": enrolment.member.name},
    )
    return redirect("training:cohort", enrolment.cohort_id)


@require_POST
@role_page(Action.MANAGE_TRAINING, listing=False)
def certify(request: AuthedRequest, pk: int) -> HttpResponse:
    enrolment = selectors.enrolment_get_for(request.user, pk)
    form = CertificateForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("training:cohort", enrolment.cohort_id)
    values = form.cleaned_data
    attempt(
        request,
        services.certificate_issue,
        enrolment=enrolment,
        by=request.user,
        number=values["number"],
        issuer=values["issuer"],
        issued_on=values["issued_on"],
        scan=values.get("scan"),
        success=_("Certificate recorded: the skill is certified on %(name)s's profile and their matches refresh.")
        % {"name": enrolment.member.name},
    )
    return redirect("training:cohort", enrolment.cohort_id)


# --- staff: attendance --------------------------------------------------------------------------------


def _session_context(request: AuthedRequest, session: Any, form: ScanForm | None = None) -> dict[str, Any]:
    roster = [e for e in selectors.roster_for(request.user, session.cohort) if e.state in Enrolment.HOLDS_SEAT]
    present = set(Attendance.objects.filter(session=session).values_list("enrolment_id", flat=True))
    return {
        "session": session,
        "cohort": session.cohort,
        "rows": [{"enrolment": e, "present": e.pk in present} for e in roster],
        "count": len(present),
        "form": form or ScanForm(),
    }


@require_GET
@role_page(Action.RECORD_ATTENDANCE, listing=False)
def session_roster(request: AuthedRequest, pk: int) -> HttpResponse:
    session = selectors.session_get_for(request.user, pk)
    return render(request, "training/session.html", _session_context(request, session))


@require_POST
@role_page(Action.RECORD_ATTENDANCE, listing=False)
def attendance_toggle(request: AuthedRequest, pk: int, enrolment_pk: int) -> HttpResponse:
    """A tick box of the roster (htmx): the row comes back as it now stands."""
    session = selectors.session_get_for(request.user, pk)
    enrolment = selectors.enrolment_get_for(request.user, enrolment_pk)
    present = request.POST.get("present") == "on"
    if present:
        outcome = attempt(request, services.attendance_record, session=session, enrolment=enrolment, by=request.user)
        present = outcome.ok
    else:
        attempt(request, services.attendance_remove, session=session, enrolment=enrolment, by=request.user)
    row = {"enrolment": enrolment, "present": present}
    if request.htmx:
        return render(request, "training/_attendance_row.html", {"session": session, "row": row})
    return redirect("training:session", session.pk)


@require_POST
@role_page(Action.RECORD_ATTENDANCE, listing=False)
def scan(request: AuthedRequest, pk: int) -> HttpResponse:
    session = selectors.session_get_for(request.user, pk)
    form = ScanForm(request.POST)
    if form.is_valid():
        outcome = attempt(
            request,
            services.attendance_scan,
            form=form,
            session=session,
            token=form.cleaned_data["token"],
            by=request.user,
        )
        if outcome.ok:
            mark, created = outcome.value
            name = mark.enrolment.member.name
            if created:
                messages.success(request, _("%(name)s is marked present.") % {"name": name})
            else:
                messages.success(request, _("%(name)s was marked present already.") % {"name": name})
            return redirect("training:session", session.pk)
    return form_page(request, "training/session.html", _session_context(request, session, form))


# --- staff: coverage and demand -----------------------------------------------------------------------


@require_GET
@role_page(Action.VIEW_TRAINING)
def coverage(request: AuthedRequest) -> HttpResponse:
    report = selectors.coverage_report_for(request.user)
    # A few people a page (each row asks for their nearest cohort), counted up to a cap: the county's
    # total is on the tiles, and past the first pages an organizer narrows by unit.
    page = CappedPaginator(selectors.uncovered_for(request.user), COVERAGE_PAGE_SIZE).get_page(request.GET.get("page"))
    nearest = selectors.nearest_cohorts(list(page.object_list))
    rows = [{"member": m, "cohort": nearest.get(m.pk)} for m in page.object_list]
    return render(request, "training/coverage.html", {"report": report, "page": page, "rows": rows})


@require_GET
@role_page(Action.VIEW_TRAINING)
def demand(request: AuthedRequest) -> HttpResponse:
    units = selectors.units_for(request.user)
    chosen = request.GET.get("unit")
    unit = next((u for u in units if str(u.pk) == chosen), units[0] if units else None)
    if unit is None:
        raise NotFound(_("No such unit."))
    rows, as_of = selectors.demand_report_for(request.user, unit)
    # The first few skills, the rest when asked for: a page within eight phone screens (issue 19).
    shown = rows if request.GET.get("all") == "1" else rows[:DEMAND_SHOWN]
    context = {"units": units, "unit": unit, "rows": shown, "hidden": len(rows) - len(shown), "as_of": as_of}
    return render(request, "training/demand.html", context)


# --- organizers: the catalogue ------------------------------------------------------------------------


@role_page(Action.MANAGE_TRAINING)
def course_new(request: AuthedRequest) -> HttpResponse:
    user = request.user
    units = [u for u in selectors.units_for(user) if visibility.may(user, Action.MANAGE_TRAINING, u)]
    form = CourseForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        data = services.CourseInput(
            title=values["title"],
            provider=values.get("provider"),
            new_provider=values.get("new_provider") or "",
            new_provider_kind=values.get("provider_kind") or Provider.Kind.SCHOOL,
            org_unit=values["org_unit"],
            skills=values["skills"],
            region=values["region"],
            hours=values["hours"],
            level=values["level"],
            mode=values["mode"],
            venue=values.get("venue", ""),
            cost=values.get("cost") or 0,
            subsidised=values.get("subsidised", False),
            description=values.get("description", ""),
            target_groups=values.get("target_groups") or [],
            min_age=values["min_age"],
            max_age=values["max_age"],
            partial_capacity_ok=values.get("partial_capacity_ok", False),
        )
        outcome = attempt(request, services.course_create, form=form, by=user, data=data)
        if outcome.ok:
            messages.success(request, _("The course is in the catalogue. Add its first cohort."))
            return redirect("training:cohort_new", outcome.value.pk)
    return form_page(request, "training/course_form.html", {"form": form})


@role_page(Action.MANAGE_TRAINING, listing=False)
def cohort_new(request: AuthedRequest, pk: int) -> HttpResponse:
    course = selectors.course_get_for(request.user, pk)
    if not visibility.may(request.user, Action.MANAGE_TRAINING, course.org_unit):
        raise NotFound(_("No such course."))
    form = CohortForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        nine = dt.time(9)
        outcome = attempt(
            request,
            services.cohort_create,
            form=form,
            by=request.user,
            course=course,
            name=values["name"],
            starts_on=values["starts_on"],
            ends_on=values["ends_on"],
            enrolment_deadline=values["enrolment_deadline"],
            seats=values["seats"],
            venue=values.get("venue") or course.venue,
            sessions=[
                timezone.make_aware(dt.datetime.combine(values["starts_on"] + dt.timedelta(days=d), nine))
                for d in range(values.get("sessions") or 0)
            ],
        )
        if outcome.ok:
            messages.success(request, _("The cohort is open for enrolment."))
            return redirect("training:cohort", outcome.value.pk)
    return form_page(request, "training/cohort_form.html", {"form": form, "course": course})
