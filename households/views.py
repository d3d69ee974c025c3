"""Pages of the household archive (一户一档) for union staff, and the worker's own page (/me/).

Every view authorises and fetches through a selector, then calls one service. What a user may
not see is "not found" (404); a page their role may not use is "forbidden" (403). A service's
``DomainError`` is translated in one place, ``accounts.pages.attempt``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts import visibility
from accounts.models import OrgUnit, Role, User
from accounts.pages import AuthedRequest, attempt, form_page, role_page
from accounts.visibility import Action
from core.errors import DomainError, Forbidden, NotFound
from households import picker, selectors, services
from households.forms import (
    ExitDecisionForm,
    ExitRequestForm,
    GoalForm,
    GoalRowFormSet,
    GoalStatusForm,
    HouseholdFilterForm,
    HouseholdForm,
    JobPreferenceForm,
    MeasureForm,
    MeasureStatusForm,
    MemberAccountForm,
    MemberForm,
    MemberLeaveForm,
    PairingForm,
    PlanForm,
    ReasonForm,
    ReferralForm,
    RevealForm,
    SkillForm,
    VisitForm,
)
from households.models import ExitRequest, Household, Member, PlanGoal, PlanMeasure

#: The names the picker's inputs may take in the forms that use it.
PICKER_FIELDS = ("member", "member_id", "members")
# Households a page: within eight phone screens (issue 19); each row is a card on a phone.
PAGE_SIZE = 10


def _archive_page(*, listing: bool) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Pages for the roles that read the archive. Others get 403 on a list (the page exists, their
    role cannot use it) and 404 on a record (we never confirm a record exists)."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: AuthedRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not visibility.may(request.user, Action.VIEW_ARCHIVE):
                if listing:
                    raise PermissionDenied(_("Your role does not allow this."))
                raise Http404(_("No such household."))
            try:
                return view(request, *args, **kwargs)
            except NotFound as exc:
                raise Http404(exc.message) from exc

        return login_required(wrapper)

    return decorator


archive_list = _archive_page(listing=True)
archive_record = _archive_page(listing=False)


def require(user: User, action: Action, unit: OrgUnit | None = None) -> None:
    """For showing a form: the services check again when it is sent."""
    if not visibility.may(user, action, unit):
        raise PermissionDenied(_("Your role does not allow this."))


def to_detail(household: Household | int) -> HttpResponse:
    return redirect("households:detail", pk=getattr(household, "pk", household))


# --- the list --------------------------------------------------------------------------------------


@archive_list
def household_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    filters = selectors.HouseholdFilters.from_params(request.GET)
    page = Paginator(selectors.household_list_for(user, filters), PAGE_SIZE).get_page(request.GET.get("page"))
    form = HouseholdFilterForm(request.GET or None, units=selectors.unit_choices_for(user))
    return render(
        request,
        "households/list.html",
        {
            "page": page,
            "filter_form": form,
            "today": timezone.localdate(),
            "filtered": any(v for k, v in request.GET.items() if k != "page"),
            "may_create": visibility.may(user, Action.EDIT_ARCHIVE),
            "open_referrals": selectors.id_referrals_for(user).filter(resolved_at__isnull=True).count(),
        },
    )


@archive_list
def household_create(request: AuthedRequest) -> HttpResponse:
    user = request.user
    require(user, Action.EDIT_ARCHIVE)
    form = HouseholdForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        done = attempt(request, services.household_create, form=form, by=user, **form.service_kwargs())
        if done.ok:
            messages.success(request, _("Archive %(number)s created as a draft.") % {"number": done.value.number})
            return to_detail(done.value)
    return form_page(request, "households/household_form.html", {"form": form, "household": None})


@archive_list
def exit_requests(request: AuthedRequest) -> HttpResponse:
    require(request.user, Action.APPROVE_EXIT)
    # Ten a page, each decision form folded, as the households list: within 8 phone screens (issue 19).
    pending = selectors.exit_requests_to_decide_for(request.user).order_by("-requested_at", "-pk")
    page = Paginator(pending, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "households/exits.html",
        {
            "requests": [(r, ExitDecisionForm(auto_id=f"exit{r.pk}-%s")) for r in page.object_list],
            "page": page,
        },
    )


def _id_referrals_page(request: AuthedRequest, bound: ReferralForm | None = None, bound_pk: int = 0) -> HttpResponse:
    rows = [
        (r, bound if bound is not None and r.pk == bound_pk else ReferralForm(auto_id=f"ref{r.pk}-%s"))
        for r in selectors.id_referrals_for(request.user)[:200]
    ]
    return form_page(request, "households/id_referrals.html", {"rows": rows, "bound": bound})


@role_page(Action.SETTLE_ID_REFERRALS)
def id_referrals(request: AuthedRequest) -> HttpResponse:
    """People entered twice in units whose helpers cannot both see them, for the organizers who see
    both households: open questions first."""
    return _id_referrals_page(request)


@require_POST
@role_page(Action.SETTLE_ID_REFERRALS, listing=False)
def id_referral_resolve(request: AuthedRequest, pk: int) -> HttpResponse:
    referral = selectors.id_referral_get_for(request.user, pk)
    form = ReferralForm(request.POST, auto_id=f"ref{referral.pk}-%s")
    if form.is_valid():
        done = attempt(
            request,
            services.id_referral_settle,
            form=form,
            referral=referral,
            by=request.user,
            resolution=form.cleaned_data["resolution"],
            success=_("The question is settled."),
        )
        if done.ok:
            return redirect("households:id_referrals")
    return _id_referrals_page(request, bound=form, bound_pk=referral.pk)


# --- one household ---------------------------------------------------------------------------------


def _exit_ready(detail: dict[str, Any]) -> bool:
    """What the exit request needs (不达目标不脱钩), read from data the page already holds."""
    plan = detail["plan"]
    goals = list(plan.goals.all()) if plan else []
    return (
        detail["household"].state == Household.State.ACTIVE
        and bool(goals)
        and all(g.status == PlanGoal.Status.MET for g in goals)
        and detail["exit_request"] is None
    )


@archive_record
def household_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    detail = selectors.household_detail_for(user, pk, ip_address=request.META.get("REMOTE_ADDR"))
    household, pairing = detail["household"], detail["pairing"]
    unit = household.org_unit
    can = {action.name.lower(): visibility.may(user, action, unit) for action in Action}
    request_obj: ExitRequest | None = detail["exit_request"]
    can["decide_exit"] = bool(
        request_obj and visibility.may_approve_exit_for(user, unit) and request_obj.requested_by_id != user.pk
    )
    # A helper asks only for the households they are responsible for.
    can["ask_exit"] = (
        can["request_exit"]
        and _exit_ready(detail)
        and (user.role != Role.HELPER or bool(pairing and pairing.helper_id == user.pk))
    )
    state = household.state
    context = {
        **detail,
        "can": can,
        "today": timezone.localdate(),
        "history": selectors.household_history_for(user, household),
        "goal_statuses": PlanGoal.Status.choices,
        "measure_statuses": PlanMeasure.Status.choices,
        "is_closed": state == Household.State.CLOSED,
    }
    open_case = state in (Household.State.DRAFT, Household.State.ACTIVE)
    if can["record_visit"] and state != Household.State.CLOSED:
        context["visit_form"] = VisitForm(auto_id="visit-%s", interval_days=settings.VISIT_INTERVAL_DAYS)
    if can["manage_pairing"] and state != Household.State.CLOSED:
        context["pairing_form"] = PairingForm(auto_id="pairing-%s", user=user)
        context["close_form"] = ReasonForm(auto_id="close-%s")
    if can["ask_exit"]:
        context["exit_form"] = ExitRequestForm(auto_id="exit-%s")
    if can["decide_exit"]:
        context["decision_form"] = ExitDecisionForm(auto_id="decide-%s")
    if can["edit_archive"] and state == Household.State.EXITED:
        context["reenter_form"] = ReasonForm(auto_id="reenter-%s")
    if can["edit_archive"] and open_case and detail["plan"] is not None:
        goals = list(detail["plan"].goals.all())
        context["goal_form"] = GoalForm(auto_id="goal-%s", members=detail["members"])
        context["measure_form"] = MeasureForm(auto_id="measure-%s", goals=goals)
    context["may_plan"] = can["edit_archive"] and open_case
    return render(request, "households/detail.html", context)


@archive_record
def household_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    household = selectors.household_get_for(user, pk)
    require(user, Action.EDIT_ARCHIVE, household.org_unit)
    form = HouseholdForm(request.POST or None, user=user, household=household)
    if request.method == "POST" and form.is_valid():
        done = attempt(
            request,
            services.household_update,
            form=form,
            household=household,
            by=user,
            success=_("Changes saved."),
            **form.service_kwargs(),
        )
        if done.ok:
            return to_detail(household)
    return form_page(request, "households/household_form.html", {"form": form, "household": household})


@archive_record
@require_POST
def household_activate(request: AuthedRequest, pk: int) -> HttpResponse:
    household = selectors.household_get_for(request.user, pk)
    attempt(
        request, services.household_activate, household=household, by=request.user, success=_("The archive is active.")
    )
    return to_detail(household)


def _reason_action(
    request: AuthedRequest, pk: int, *, service: Callable[..., Any], action: Action, title: str, success: str
) -> HttpResponse:
    household = selectors.household_get_for(request.user, pk)
    require(request.user, action, household.org_unit)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = attempt(
            request,
            service,
            form=form,
            household=household,
            by=request.user,
            reason=form.cleaned_data["reason"],
            success=success,
        )
        if done.ok:
            return to_detail(household)
    return form_page(request, "households/action_form.html", {"form": form, "household": household, "title": title})


@archive_record
def household_close(request: AuthedRequest, pk: int) -> HttpResponse:
    return _reason_action(
        request,
        pk,
        service=services.household_close,
        action=Action.MANAGE_PAIRING,
        title=_("Close the archive"),
        success=_("The archive is closed."),
    )


@archive_record
def household_reenter(request: AuthedRequest, pk: int) -> HttpResponse:
    return _reason_action(
        request,
        pk,
        service=services.household_reenter,
        action=Action.EDIT_ARCHIVE,
        title=_("Back in hardship"),
        success=_("The household is active again."),
    )


# --- members ---------------------------------------------------------------------------------------


@archive_record
def member_add(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    household = selectors.household_get_for(user, pk)
    require(user, Action.EDIT_ARCHIVE, household.org_unit)
    form = MemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = attempt(request, services.member_add, form=form, household=household, by=user, **form.service_kwargs())
        if done.ok:
            messages.success(request, _("%(name)s added.") % {"name": done.value.name})
            return to_detail(household)
    return form_page(request, "households/member_form.html", {"form": form, "household": household})


@archive_record
def member_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    member = selectors.member_detail_for(user, pk, ip_address=request.META.get("REMOTE_ADDR"))
    household = member.household
    require(user, Action.EDIT_ARCHIVE, household.org_unit)
    form = MemberForm(request.POST or None, member=member)
    if request.method == "POST" and form.is_valid():
        done = attempt(
            request,
            services.member_update,
            form=form,
            member=member,
            by=user,
            success=_("Changes saved."),
            **form.service_kwargs(),
        )
        if done.ok:
            return to_detail(household)
    return form_page(request, "households/member_form.html", {"form": form, "household": household, "member": member})


@archive_record
def member_account(request: AuthedRequest, pk: int) -> HttpResponse:
    """Give a member a worker login (their mobile number and an initial password), or set a new
    password on the login they have."""
    member = selectors.member_get_for(request.user, pk)
    require(request.user, Action.EDIT_ARCHIVE, member.household.org_unit)
    form = MemberAccountForm(request.POST or None)
    has_login = member.user_id is not None
    if request.method == "POST" and form.is_valid():
        done = attempt(
            request,
            services.member_account_reset_password if has_login else services.member_account_create,
            form=form,
            member=member,
            by=request.user,
            password=form.cleaned_data["password"],
            success=(
                _("The new password for %(name)s is set.")
                if has_login
                else _("%(name)s can now log in with the mobile number.")
            )
            % {"name": member.name},
        )
        if done.ok:
            return to_detail(member.household)
    return form_page(
        request,
        "households/action_form.html",
        {
            "form": form,
            "household": member.household,
            "title": (_("New password for %(name)s") if has_login else _("Create a login for %(name)s"))
            % {"name": member.name},
        },
    )


@archive_record
def member_leave(request: AuthedRequest, pk: int) -> HttpResponse:
    member = selectors.member_get_for(request.user, pk)
    require(request.user, Action.EDIT_ARCHIVE, member.household.org_unit)
    form = MemberLeaveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = attempt(
            request,
            services.member_leave,
            form=form,
            member=member,
            by=request.user,
            reason=form.cleaned_data["reason"],
            left_on=form.cleaned_data["left_on"],
            success=_("%(name)s is recorded as having left the household.") % {"name": member.name},
        )
        if done.ok:
            return to_detail(member.household)
    return form_page(
        request,
        "households/action_form.html",
        {
            "form": form,
            "household": member.household,
            "title": _("%(name)s left the household") % {"name": member.name},
        },
    )


@archive_record
@require_http_methods(["GET", "POST"])
def member_reveal(request: AuthedRequest, pk: int) -> HttpResponse:
    """GET: the small "why" form; POST: the full number, logged. htmx swaps the table cell."""
    user = request.user
    member = selectors.member_get_for(user, pk)
    require(user, Action.REVEAL_ID_NUMBER, member.household.org_unit)
    form = RevealForm(request.POST or None, auto_id=f"reveal{member.pk}-%s")
    number = None
    if request.method == "POST" and form.is_valid():
        done = attempt(
            request,
            services.member_reveal_id_number,
            form=form,
            member=member,
            by=user,
            purpose=form.cleaned_data["purpose"],
            note=form.cleaned_data["note"],
            ip_address=request.META.get("REMOTE_ADDR"),
        )
        number = done.value
    context = {"member": member, "household": member.household, "form": form, "number": number}
    status = 400 if request.method == "POST" and number is None else 200
    template = "households/_reveal_cell.html" if request.htmx else "households/reveal.html"
    response = render(request, template, context, status=status)
    # A revealed number must not linger in a shared cache or the back-forward cache.
    response["Cache-Control"] = "no-store"
    return response


@role_page(*picker.PICKER_ACTIONS)
@require_http_methods(["GET"])
def member_pick(request: AuthedRequest) -> HttpResponse:
    """The people picker's results: an htmx fragment of radio buttons or checkboxes (``?field=`` names
    them, ``?multi=1`` for checkboxes, ticked ids in that field kept on top); without htmx, a page
    with the same search as a plain GET form."""
    field_name = request.GET.get("field", "member")
    if field_name not in PICKER_FIELDS:
        field_name = "member"
    multi = request.GET.get("multi") == "1"
    context = picker.picker_context(
        request.user,
        query=request.GET.get("q", ""),
        chosen=picker.ids_from(request.GET.getlist(field_name)),
        field_name=field_name,
        multi=multi,
        fragment_url=request.get_full_path(),
        required=not request.htmx and "q" in request.GET,
        # ?able=1: only people who can do some work (applying for a job).
        base=Member.objects.exclude(work_capacity=Member.WorkCapacity.NONE) if request.GET.get("able") == "1" else None,
    )
    if request.htmx:
        return render(request, "households/_picker_results.html", context)
    return render(request, "households/member_pick.html", context)


# --- the plan --------------------------------------------------------------------------------------


@archive_record
def plan_create(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    household = selectors.household_get_for(user, pk)
    require(user, Action.EDIT_ARCHIVE, household.org_unit)
    form = PlanForm(request.POST or None)
    goals = GoalRowFormSet(request.POST or None, prefix="goals")
    if request.method == "POST" and form.is_valid() and goals.is_valid():
        rows = [
            services.GoalInput(track=row["track"], title=row["title"], due_on=row.get("due_on"))
            for row in goals.cleaned_data
            if row and row.get("title", "").strip()
        ]
        done = attempt(
            request,
            services.plan_create,
            form=form,
            household=household,
            by=user,
            summary=form.cleaned_data["summary"],
            review_on=form.cleaned_data["review_on"],
            goals=rows,
            success=_("The new plan is in effect."),
        )
        if done.ok:
            return to_detail(household)
    return form_page(request, "households/plan_form.html", {"form": form, "goals": goals, "household": household})


@archive_record
def goal_add(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    plan = selectors.plan_in_effect_for(user, pk)
    require(user, Action.EDIT_ARCHIVE, plan.household.org_unit)
    form = GoalForm(request.POST or None, members=list(plan.household.members.all()))
    if request.method == "POST" and form.is_valid():
        done = attempt(
            request, services.goal_add, form=form, plan=plan, by=user, success=_("Goal added."), **form.cleaned_data
        )
        if done.ok:
            return to_detail(plan.household)
    return form_page(
        request, "households/action_form.html", {"form": form, "household": plan.household, "title": _("Add a goal")}
    )


@archive_record
def goal_status(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    goal = selectors.goal_get_for(user, pk)
    household = goal.plan.household
    require(user, Action.EDIT_ARCHIVE, household.org_unit)
    form = GoalStatusForm(request.POST or None, initial={"status": goal.status, "evidence": goal.evidence})
    if request.method == "POST" and form.is_valid():
        done = attempt(
            request,
            services.goal_set_status,
            form=form,
            goal=goal,
            by=user,
            success=_("Goal updated."),
            **form.cleaned_data,
        )
        if done.ok:
            return to_detail(household)
    return form_page(
        request, "households/action_form.html", {"form": form, "household": household, "title": goal.title}
    )


@archive_record
def measure_add(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    plan = selectors.plan_in_effect_for(user, pk)
    require(user, Action.EDIT_ARCHIVE, plan.household.org_unit)
    form = MeasureForm(request.POST or None, goals=list(plan.goals.all()))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["goal"] = form.goals.get(data["goal"]) if data["goal"] else None
        done = attempt(
            request, services.measure_add, form=form, plan=plan, by=user, success=_("Measure added."), **data
        )
        if done.ok:
            return to_detail(plan.household)
    return form_page(
        request, "households/action_form.html", {"form": form, "household": plan.household, "title": _("Add a measure")}
    )


@archive_record
@require_POST
def measure_status(request: AuthedRequest, pk: int) -> HttpResponse:
    measure = selectors.measure_get_for(request.user, pk)
    form = MeasureStatusForm(request.POST)
    if form.is_valid():
        attempt(
            request,
            services.measure_set_status,
            measure=measure,
            by=request.user,
            status=form.cleaned_data["status"],
            success=_("Measure updated."),
        )
    else:
        messages.error(request, _("Choose a status."))
    return to_detail(measure.plan.household_id)


# --- pairing, visits -------------------------------------------------------------------------------


@archive_record
def pairing_assign(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    household = selectors.household_get_for(user, pk)
    require(user, Action.MANAGE_PAIRING, household.org_unit)
    form = PairingForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        done = attempt(
            request,
            services.pairing_assign,
            form=form,
            household=household,
            by=user,
            helper=form.cleaned_data["helper"],
            helping_unit=form.cleaned_data["helping_unit"],
        )
        if done.ok:
            messages.success(
                request, _("%(name)s is the responsible helper.") % {"name": done.value.helper.display_name}
            )
            return to_detail(household)
    return form_page(
        request, "households/action_form.html", {"form": form, "household": household, "title": _("Responsible helper")}
    )


@archive_record
def visit_record(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    household = selectors.household_get_for(user, pk)
    require(user, Action.RECORD_VISIT, household.org_unit)
    form = VisitForm(request.POST or None, interval_days=settings.VISIT_INTERVAL_DAYS)
    if request.method == "POST" and form.is_valid():
        done = attempt(
            request,
            services.visit_record,
            form=form,
            household=household,
            by=user,
            success=_("Visit recorded."),
            **form.cleaned_data,
        )
        if done.ok:
            return to_detail(household)
    return form_page(
        request, "households/action_form.html", {"form": form, "household": household, "title": _("Record a visit")}
    )


# --- exit (脱困) -----------------------------------------------------------------------------------


@archive_record
def exit_request(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    household = selectors.household_get_for(user, pk)
    require(user, Action.REQUEST_EXIT, household.org_unit)
    form = ExitRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = attempt(
            request,
            services.exit_request,
            form=form,
            household=household,
            by=user,
            reason=form.cleaned_data["reason"],
            success=_("Exit requested; an organizer of a higher unit decides."),
        )
        if done.ok:
            return to_detail(household)
    return form_page(
        request,
        "households/action_form.html",
        {"form": form, "household": household, "title": _("Request exit from hardship")},
    )


@archive_record
def exit_decide(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    exit_req = selectors.exit_request_get_for(user, pk)
    household = exit_req.household
    form = ExitDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        approve = form.cleaned_data["decision"] == ExitDecisionForm.APPROVE
        done = attempt(
            request,
            services.exit_decide,
            form=form,
            request=exit_req,
            by=user,
            approve=approve,
            note=form.cleaned_data["note"],
            success=_("Exit approved.") if approve else _("Exit refused."),
        )
        if done.ok:
            return to_detail(household)
    elif not visibility.may_approve_exit_for(user, household.org_unit):
        raise PermissionDenied(_("An exit is approved by an organizer of a unit above the household's unit."))
    return form_page(
        request, "households/exit_decide.html", {"form": form, "household": household, "exit_request": exit_req}
    )


# --- the worker's own page (/me/) ------------------------------------------------------------------


def worker_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: AuthedRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not visibility.may(request.user, Action.EDIT_OWN_PROFILE):
            raise PermissionDenied(_("This page is for workers in the archive."))
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from exc

    return login_required(wrapper)


def _me_page(
    request: AuthedRequest,
    member: Member,
    *,
    skill_form: SkillForm | None = None,
    preference_form: JobPreferenceForm | None = None,
) -> HttpResponse:
    detail = selectors.household_detail_for(request.user, member.household_id)
    me = next(m for m in detail["members"] if m.pk == member.pk)
    try:
        preference = me.job_preference
    except ObjectDoesNotExist:
        preference = None
    context = {
        "household": detail["household"],
        "plan": detail["plan"],
        "pairing": detail["pairing"],
        "received": detail["received"],
        "received_total_display": detail["received_total_display"],
        "members": [m for m in detail["members"] if m.is_current],
        "me": me,
        "skill_form": skill_form or SkillForm(),
        "preference_form": preference_form or JobPreferenceForm(member=me, preference=preference),
    }
    return form_page(request, "households/me.html", context)


@worker_page
def me(request: AuthedRequest) -> HttpResponse:
    member = selectors.my_member(request.user)
    if member is None:
        return render(request, "households/me_no_archive.html")
    return _me_page(request, member)


@worker_page
@require_http_methods(["GET", "POST"])
def me_skill_add(request: AuthedRequest) -> HttpResponse:
    member = selectors.my_member(request.user)
    if member is None or request.method == "GET":
        return redirect("me:home")
    form = SkillForm(request.POST)
    if form.is_valid():
        done = attempt(
            request, services.member_skill_add, form=form, member=member, by=request.user, **form.cleaned_data
        )
        if done.ok:
            entry = done.value
            if entry.skill_id:
                messages.success(
                    request,
                    _("Added “%(phrase)s”, understood as %(skill)s.") % {"phrase": entry.phrase, "skill": entry.skill},
                )
            else:
                messages.success(
                    request,
                    _("Added “%(phrase)s”. Your helper will match it to a known skill.") % {"phrase": entry.phrase},
                )
            return redirect("me:home")
    return _me_page(request, member, skill_form=form)


@worker_page
@require_POST
def me_skill_remove(request: AuthedRequest, pk: int) -> HttpResponse:
    entry = selectors.member_skill_get_for(request.user, pk)
    attempt(
        request,
        services.member_skill_remove,
        entry=entry,
        by=request.user,
        success=_("Removed “%(skill)s”.") % {"skill": entry},
    )
    return redirect("me:home")


@worker_page
@require_http_methods(["GET", "POST"])
def me_preferences(request: AuthedRequest) -> HttpResponse:
    member = selectors.my_member(request.user)
    if member is None or request.method == "GET":
        return redirect("me:home")
    try:
        preference = member.job_preference
    except ObjectDoesNotExist:
        preference = None
    form = JobPreferenceForm(request.POST, member=member, preference=preference)
    if form.is_valid():
        done = attempt(
            request,
            services.job_preference_update,
            form=form,
            member=member,
            by=request.user,
            success=_("Your job preferences are saved."),
            **form.service_kwargs(),
        )
        if done.ok:
            return redirect("me:home")
    return _me_page(request, member, preference_form=form)


@require_POST
@role_page(Action.EDIT_ARCHIVE)
def member_password_reset(request: AuthedRequest, pk: int) -> HttpResponse:
    """Reset by phone: a one-time temporary password, shown on this answer only, for the helper to
    read out; the member must choose their own at the next login. POST only (a link must not reset
    anyone's password) and never cached (core.middleware sends no-store)."""
    member = selectors.member_get_for(request.user, pk)
    try:
        password = services.member_password_reset_by_phone(
            member=member, by=request.user, ip_address=request.META.get("REMOTE_ADDR")
        )
    except (NotFound, Forbidden):
        raise
    except DomainError as exc:
        return render(
            request,
            "households/password_reset.html",
            {"member": member, "household": member.household, "error": exc.message},
            status=400,
        )
    return render(
        request,
        "households/password_reset.html",
        {"member": member, "household": member.household, "password": password},
    )
