"""Pages of the job fairs: organizers set up, approve, schedule, run the day and report; employers
apply for a booth, see their interview list and record outcomes; workers register, see their
schedule and their QR code; staff at the entrance check people in from a phone.

As in ``jobs.views``: every view authorises and fetches through a selector, then calls one service;
``attempt`` translates a service's ``DomainError`` once."""

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
from django.views.decorators.http import require_POST

from accounts import visibility
from accounts.models import Role
from accounts.pages import AuthedRequest, attempt, form_page, role_page
from accounts.visibility import Action
from core import params, qrcodes
from core.errors import DomainError, Forbidden, NotFound
from fairs import exporting, selectors, services
from fairs.forms import (
    BoothApplyForm,
    BoothDecisionForm,
    FairForm,
    OutcomeForm,
    RegisterManyForm,
    RegisterOtherForm,
    SlotsForm,
    WalkInForm,
)
from fairs.models import Interview, JobFair
from households import picker
from jobs.models import JobPosting

ANY_FAIR_ROLE = (Action.VIEW_FAIRS, Action.ATTEND_FAIRS, Action.BOOK_BOOTHS)
PAGE_SIZE = 50


def _to_fair(fair: JobFair | int) -> HttpResponse:
    return redirect("fairs:detail", pk=getattr(fair, "pk", fair))


@role_page(*ANY_FAIR_ROLE)
def fair_list(request: AuthedRequest) -> HttpResponse:
    fairs = selectors.fair_list_for(request.user)
    today = timezone.localdate()
    return render(
        request,
        "fairs/list.html",
        {
            "upcoming": selectors.upcoming(fairs, today),
            "past": fairs.filter(ends_on__lt=today)[:PAGE_SIZE],
            "may_manage": visibility.may(request.user, Action.MANAGE_FAIRS),
            "units_without": (
                selectors.graduate_rule(request.user).units_without
                if visibility.may(request.user, Action.MANAGE_FAIRS)
                else []
            ),
        },
    )


@role_page(Action.MANAGE_FAIRS)
def fair_create(request: AuthedRequest) -> HttpResponse:
    units = visibility.visible_units(request.user)
    form = FairForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["booth_codes"] = []
        outcome = attempt(request, services.parse_booth_codes, form=form, text=form.cleaned_data["booth_codes"])
        if outcome.ok:
            data["booth_codes"] = outcome.value
            created = attempt(
                request,
                services.fair_create,
                form=form,
                success=_("The fair is set up."),
                by=request.user,
                data=services.FairInput(**data),
            )
            if created.ok:
                return _to_fair(created.value)
    return form_page(request, "fairs/fair_form.html", {"form": form})


@role_page(*ANY_FAIR_ROLE, listing=False)
def fair_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    fair = selectors.fair_get_for(user, pk)
    manage = selectors.may_manage(user, fair)
    context: dict[str, Any] = {
        "fair": fair,
        "manage": manage,
        "check_in": selectors.may_check_in(user, fair),
        "booths": selectors.booth_list_for(user, fair),
        "run": selectors.last_run(fair),
        "today": timezone.localdate(),
        "over": fair.is_over_on(timezone.localdate()),
    }
    if manage:
        taken = set(fair.booths.exclude(code=None).values_list("code", flat=True))
        context["free_codes"] = [c for c in fair.booth_codes if c not in taken]
        context["decision_form"] = BoothDecisionForm(codes=context["free_codes"])
        context["counts"] = (
            selectors.fair_report(user, fair).total.counts if visibility.may(user, Action.VIEW_FAIRS) else None
        )
    if user.role == Role.WORKER:
        context["registration"] = selectors.my_registration(user, fair)
        context["member"] = selectors.my_member(user)
    if user.role == Role.EMPLOYER:
        booth = selectors.my_booth(user, fair)
        context["my_booth"] = booth
        if booth is None:
            context["apply_form"] = BoothApplyForm(postings=_open_postings(user))
    # Registering others happens on its own page with the people picker (fairs:register_pick).
    context["may_register_others"] = (
        visibility.may(user, Action.REGISTER_OTHERS) and fair.state == JobFair.State.PUBLISHED
    )
    if visibility.is_admin(user) or services.fair_in_reach(user, fair):
        context["attendees"] = Paginator(selectors.attendees_of(user, fair), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
    return render(request, "fairs/detail.html", context)


def _open_postings(user: Any) -> Any:
    return visibility.scope(
        user, JobPosting.objects.filter(state=JobPosting.State.PUBLISHED), employer="employer"
    ).filter(valid_until__gte=timezone.localdate())


@require_POST
@role_page(Action.BOOK_BOOTHS, listing=False)
def booth_apply(request: AuthedRequest, pk: int) -> HttpResponse:
    fair = selectors.fair_get_for(request.user, pk)
    form = BoothApplyForm(request.POST, postings=_open_postings(request.user))
    if form.is_valid():
        done = attempt(
            request,
            services.booth_apply,
            form=form,
            success=_("Your booth application is sent; the organizers will assign a booth."),
            fair=fair,
            by=request.user,
            **form.cleaned_data,
        )
        if done.ok:
            return _to_fair(fair)
    context = {"fair": fair, "apply_form": form, "booths": [], "today": timezone.localdate()}
    return form_page(request, "fairs/detail.html", context)


@require_POST
@role_page(Action.MANAGE_FAIRS, listing=False)
def booth_decide(request: AuthedRequest, pk: int) -> HttpResponse:
    booth = selectors.booth_get_for(request.user, pk)
    form = BoothDecisionForm(request.POST, codes=booth.fair.booth_codes)
    approve = request.POST.get("decision") == "approve"
    if form.is_valid():
        attempt(
            request,
            services.booth_decide,
            success=_("Booth approved.") if approve else _("Booth application rejected."),
            booth=booth,
            by=request.user,
            approve=approve,
            code=form.cleaned_data["code"],
            note=form.cleaned_data["note"],
        )
    return _to_fair(booth.fair_id)


@role_page(Action.BOOK_BOOTHS, Action.MANAGE_FAIRS, listing=False)
def booth_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    booth = selectors.booth_get_for(request.user, pk)
    interviews = list(selectors.interviews_of_booth(request.user, booth).select_related("fair", "booth"))
    is_employer = selectors.my_booth(request.user, booth.fair) == booth
    postings = list(booth.postings.all())
    return render(
        request,
        "fairs/booth.html",
        {
            "booth": booth,
            "fair": booth.fair,
            "interviews": [
                (
                    i,
                    OutcomeForm(
                        postings=postings,
                        prefix=f"i{i.pk}",
                        initial={"posting": i.posting_id or (postings[0].pk if len(postings) == 1 else None)},
                    ),
                )
                for i in interviews
            ],
            "is_employer": is_employer,
            "slots_form": SlotsForm(initial={"slot_count": booth.slot_count}),
            "walk_in_form": WalkInForm(slots=_slot_choices(booth)),
        },
    )


def _slot_choices(booth: Any) -> list[tuple[int, str]]:
    fair = booth.fair
    origin = dt.datetime.combine(fair.starts_on, fair.interviews_start)
    return [
        (i, (origin + dt.timedelta(minutes=booth.slot_start(i))).strftime("%H:%M")) for i in range(booth.slot_count)
    ]


@require_POST
@role_page(Action.BOOK_BOOTHS, listing=False)
def booth_walk_in(request: AuthedRequest, pk: int) -> HttpResponse:
    booth = selectors.booth_get_for(request.user, pk)
    form = WalkInForm(request.POST, slots=_slot_choices(booth))
    if form.is_valid():
        attempt(
            request,
            services.interview_book_by_code,
            success=_("The interview is booked."),
            booth=booth,
            by=request.user,
            code=form.cleaned_data["code"],
            slot=form.cleaned_data["slot"],
        )
    else:
        messages.error(request, _("Enter the check-in code and choose a slot."))
    return redirect("fairs:booth", pk=booth.pk)


@require_POST
@role_page(Action.BOOK_BOOTHS, Action.MANAGE_FAIRS, listing=False)
def booth_slots(request: AuthedRequest, pk: int) -> HttpResponse:
    booth = selectors.booth_get_for(request.user, pk)
    form = SlotsForm(request.POST)
    if form.is_valid():
        attempt(
            request,
            services.booth_set_slots,
            success=_("The slots are changed and the schedule re-optimised."),
            booth=booth,
            by=request.user,
            slot_count=form.cleaned_data["slot_count"],
        )
    return redirect("fairs:booth", pk=booth.pk)


@require_POST
@role_page(Action.BOOK_BOOTHS, listing=False)
def interview_outcome(request: AuthedRequest, pk: int) -> HttpResponse:
    interview = selectors.interview_get_for_employer(request.user, pk)
    form = OutcomeForm(request.POST, postings=interview.booth.postings.all(), prefix=f"i{interview.pk}")
    if form.is_valid():
        attempt(
            request,
            services.interview_record_outcome,
            success=_("Outcome recorded."),
            interview=interview,
            by=request.user,
            **form.cleaned_data,
        )
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("fairs:booth", pk=interview.booth_id)


@require_POST
@role_page(Action.ATTEND_FAIRS, Action.REGISTER_OTHERS, listing=False)
def register(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    fair = selectors.fair_get_for(user, pk)
    if user.role == Role.WORKER:
        member = selectors.my_member(user)
        if member is None:
            raise NotFound(_("Your login is not linked to a household member."))
        done = attempt(
            request, services.attendee_register, success=_("You are registered."), fair=fair, member=member, by=user
        )
        # A refusal (the window has closed, the fair is full) is shown on the fair's page: the
        # schedule page of someone who is not registered is a 404 that would hide the message.
        return redirect("fairs:mine", pk=fair.pk) if done.ok else _to_fair(fair)
    form = RegisterOtherForm(request.POST, members=selectors.registrable_members(user, fair))
    if form.is_valid():
        attempt(
            request,
            services.attendee_register,
            success=_("%(name)s is registered.") % {"name": form.cleaned_data["member"].name},
            fair=fair,
            member=form.cleaned_data["member"],
            by=user,
            walk_in=request.POST.get("walk_in") == "1",
        )
    else:
        messages.error(request, _("Choose the person to register."))
    return _to_fair(fair)


#: A helper registers at most this many people in one go (a village's list, not the county's).
MAX_REGISTER = 50


@role_page(Action.REGISTER_OTHERS, listing=False)
def register_pick(request: AuthedRequest, pk: int) -> HttpResponse:
    """A helper registers people for a fair: search (name, archive number, phone's last 4 digits),
    tick several, register. Who is registered already is shown and cannot be ticked again. With
    htmx the search swaps the list in place; without JS the search button posts the form back."""
    user = request.user
    fair = selectors.fair_get_for(user, pk)
    if fair.state != JobFair.State.PUBLISHED:
        messages.error(request, _("This fair is not open for registration."))
        return _to_fair(fair)
    data = request.POST if request.method == "POST" else request.GET
    in_reach = picker.members_in_reach(user)
    form = RegisterManyForm(request.POST if request.method == "POST" else None, members=in_reach)
    if request.method == "POST" and "search" not in request.POST and form.is_valid():
        done = _register_many(request, fair, form.cleaned_data["members"], data)
        if done:
            return _to_fair(fair)
    context = picker.picker_context(
        user,
        query=data.get("q", ""),
        chosen=picker.ids_from(data.getlist("members") or data.getlist("member")),
        field_name="members",
        multi=True,
        fragment_url=request.path,
        required="search" in data,
    )
    registered = selectors.registered_ids(fair)
    picker.annotate(context, lambda m: (_("Registered already"), True) if m.pk in registered else ("", False))
    if request.htmx and request.method == "GET":
        return render(request, "households/_picker_results.html", context)
    today = timezone.localdate()
    context |= {
        "fair": fair,
        "form": form if "search" not in data else RegisterManyForm(members=in_reach),
        "walk_in_day": selectors.may_check_in(user, fair) and fair.runs_on(today),
        "walk_in": data.get("walk_in") == "1",
        "registered_count": len(registered),
    }
    return form_page(request, "fairs/register_pick.html", context)


def _register_many(request: AuthedRequest, fair: JobFair, members: Any, data: Any) -> bool:
    """Register each person ticked, in the order ticked; say who was registered and, by name, who
    was not and why (the fair may fill up half way). True when anyone was registered."""
    order = picker.ids_from(data.getlist("members"))
    by_id = {m.pk: m for m in members}
    chosen = [by_id[i] for i in order if i in by_id]
    if len(chosen) > MAX_REGISTER:
        messages.error(request, _("Register at most %(n)d people at once.") % {"n": MAX_REGISTER})
        return False
    walk_in = data.get("walk_in") == "1"
    names, refusals = [], []
    for member in chosen:
        try:
            services.attendee_register(fair=fair, member=member, by=request.user, walk_in=walk_in)
        except DomainError as exc:
            refusals.append(f"{member.name}({member.household.number}):{exc.message}")
        else:
            names.append(member.name)
    if names:
        messages.success(
            request,
            ngettext("%(n)d person registered: %(names)s.", "%(n)d people registered: %(names)s.", len(names))
            % {"n": len(names), "names": "、".join(names)},
        )
    if refusals:
        messages.error(request, _("Not registered: %(list)s") % {"list": ";".join(refusals)})
    return bool(names)


@require_POST
@role_page(Action.ATTEND_FAIRS, Action.REGISTER_OTHERS, Action.MANAGE_FAIRS, listing=False)
def attendee_cancel(request: AuthedRequest, pk: int) -> HttpResponse:
    attendee = selectors.attendee_get_for(request.user, pk)
    attempt(
        request,
        services.attendee_cancel,
        success=_("The registration is cancelled."),
        attendee=attendee,
        by=request.user,
    )
    return _to_fair(attendee.fair_id)


@require_POST
@role_page(Action.MANAGE_FAIRS, listing=False)
def schedule(request: AuthedRequest, pk: int) -> HttpResponse:
    fair = selectors.fair_get_for(request.user, pk)
    done = attempt(request, services.fair_schedule, fair=fair, by=request.user)
    if done.ok:
        run = done.value
        messages.success(
            request,
            _("%(n)d interviews scheduled: objective %(obj).2f, greedy baseline %(greedy).2f, upper bound %(bound).2f.")
            % {"n": run.interviews, "obj": run.objective, "greedy": run.greedy, "bound": run.bound},
        )
    return _to_fair(fair)


@role_page(Action.ATTEND_FAIRS, Action.REGISTER_OTHERS, Action.MANAGE_FAIRS, listing=False)
def my_schedule(request: AuthedRequest, pk: int) -> HttpResponse:
    """A worker's schedule and QR code (or, with ?attendee=, a helper's print-out for someone)."""
    fair = selectors.fair_get_for(request.user, pk)
    if request.GET.get("attendee"):
        attendee = selectors.attendee_get_for(request.user, request.GET["attendee"])
    else:
        attendee = selectors.my_registration(request.user, fair)  # type: ignore[assignment]
    if attendee is None or attendee.fair_id != fair.pk:
        raise NotFound(_("You are not registered for this fair."))
    return render(
        request,
        "fairs/mine.html",
        {
            "fair": fair,
            "attendee": attendee,
            "interviews": selectors.schedule_of(attendee),
            "over": fair.is_over_on(timezone.localdate()),
            "qr_svg": qrcodes.svg(services.checkin_token(attendee), title=_("Check-in code")),
        },
    )


@require_POST
@role_page(Action.ATTEND_FAIRS, Action.REGISTER_OTHERS, listing=False)
def interview_confirm(request: AuthedRequest, pk: int) -> HttpResponse:
    interview = Interview.objects.select_related("attendee").filter(pk=pk).first()
    if interview is None:
        raise NotFound(_("No such interview."))
    selectors.attendee_get_for(request.user, interview.attendee_id)
    attempt(
        request, services.interview_confirm, success=_("Interview confirmed."), interview=interview, by=request.user
    )
    return redirect(f"{redirect('fairs:mine', pk=interview.fair_id).url}?attendee={interview.attendee_id}")


@role_page(Action.CHECK_IN, listing=False)
def checkin(request: AuthedRequest, pk: int) -> HttpResponse:
    fair = selectors.fair_get_for(request.user, pk)
    if not selectors.may_check_in(request.user, fair):
        raise Forbidden(_("Only staff at the entrance check people in."))
    return render(
        request, "fairs/checkin.html", {"fair": fair, "checked_in": fair.attendees.exclude(checked_in_at=None).count()}
    )


@role_page(Action.VIEW_FAIRS, listing=False)
def report(request: AuthedRequest, pk: int) -> HttpResponse:
    fair = selectors.fair_get_for(request.user, pk)
    data = selectors.fair_report(request.user, fair)
    if request.GET.get("format") == "xlsx":
        return exporting.report_download(data)
    labels = exporting.metric_labels()

    def rows(items: list[selectors.Row]) -> list[tuple[str, list[int], int]]:
        return [(r.label, [r.counts[m] for m in selectors.METRICS], r.depth) for r in items]

    return render(
        request,
        "fairs/report.html",
        {
            "fair": fair,
            "report": data,
            "labels": labels,
            "totals": list(zip(labels, [data.total.counts[m] for m in selectors.METRICS], strict=True)),
            "tables": [(_("By target group"), rows(data.by_group)), (_("By union unit"), rows(data.by_unit))],
        },
    )


@role_page(Action.VIEW_FAIRS)
def graduates(request: AuthedRequest) -> HttpResponse:
    this_year = timezone.localdate().year
    year = params.whole_number(request.GET.get("year"), default=this_year, minimum=2000, maximum=this_year + 1)
    rule = selectors.graduate_rule(request.user, year)
    page = Paginator(rule.graduates, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "fairs/graduates.html", {"rule": rule, "page": page})
