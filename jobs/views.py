"""Pages of 阳光就业: workers look for work and apply; employers keep their company, postings and
applicants; organizers and helpers verify, review, follow up and record services.

As in ``households.views``: every view authorises and fetches through a selector, then calls one
service; ``attempt`` translates a service's ``DomainError`` once. A page a role may not use is
"forbidden" (403); a record a user may not see is "not found" (404). Employers never see an
applicant's ID number, household, income or health: the templates they get are built from the
profile fields alone.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from accounts import throttle, visibility
from accounts.models import Role, User
from accounts.pages import AuthedRequest, View, attempt, form_page, role_page
from accounts.visibility import Action
from core import params
from core.errors import NotFound
from core.pagination import CappedPaginator
from households import picker
from households import selectors as household_selectors
from households.models import Household, Member
from jobs import selectors, services
from jobs.forms import (
    ApplyForm,
    ApplyForOtherForm,
    CandidateFilterForm,
    DecisionForm,
    EmployerForm,
    EmployerSignUpForm,
    EmploymentServiceForm,
    HireForm,
    InviteForm,
    MoveForm,
    PostingForm,
    PostingSearchForm,
    RetentionCheckForm,
    ReviewFilterForm,
    skill_from,
    split_phrases,
)
from jobs.models import Application, Employer, JobPosting
from jobs.panels import posting_panels
from skills.understanding import occupation_understand, skill_understand

SEARCH_PAGE_SIZE = 20
# Lists a page (stalled applications, placements, services, a company's postings): within eight
# phone screens (issue 19).
PAGE_SIZE = 10
# Union staff pick the member they apply for from a select; a name or archive number narrows it.
MEMBER_CHOICES = 200
# The postings a service can name as "the job introduced": the newest open ones.
POSTING_CHOICES = 200
# The pipeline lists the applications still in play first, the furthest along at the top.
PIPELINE_ORDER = [
    Application.State.OFFERED,
    Application.State.INTERVIEW,
    Application.State.VIEWED,
    Application.State.APPLIED,
    Application.State.INVITED,
    Application.State.HIRED,
    Application.State.REJECTED,
    Application.State.WITHDRAWN,
    Application.State.CLOSED,
]
# What the employer's buttons say for each next state.
MOVE_LABELS = {
    Application.State.VIEWED: gettext_lazy("Mark as viewed"),
    Application.State.INTERVIEW: gettext_lazy("Invite to an interview"),
    Application.State.OFFERED: gettext_lazy("Make an offer"),
    Application.State.REJECTED: gettext_lazy("Not selected"),
}


def jobs_page(*actions: Action, listing: bool = True) -> Callable[[View], View]:
    """Pages for the roles that hold any of ``actions`` (any signed-in user when none): ``role_page``."""
    return role_page(*actions, listing=listing)


def _page(request: HttpRequest, items: Any, size: int = PAGE_SIZE, paginator: type[Paginator] = Paginator) -> Any:
    return paginator(items, size).get_page(request.GET.get("page"))


def _page_place(request: HttpRequest) -> str:
    """The page number a list was on, carried through a form so that the list comes back there."""
    number = params.text(request.GET.get("page"), max_length=10)
    return f"page={number}" if number.isdigit() else ""


def _to_detail(posting: JobPosting | int) -> HttpResponse:
    return redirect("jobs:detail", pk=getattr(posting, "pk", posting))


def _my_employer(user: User) -> Employer:
    """The company an employer user acts for. A login without one has no company pages."""
    employer = services.employer_of(user)
    if employer is None:
        raise Http404(_("Your login is not linked to a company."))
    return employer


def _able_members(user: User) -> Any:
    """Whom a helper may apply for: people in reach (the picker's scope) able to do some work."""
    return picker.members_in_reach(user).exclude(work_capacity=Member.WorkCapacity.NONE)


def _member_choices(user: User, query: str = "", include: Any = None) -> list[tuple[int, str]]:
    """Members of households in the user's reach who can work, by name or archive number; plus the
    one a form came back with, so that a choice outside the first page still validates."""
    members = (
        household_selectors.member_list_for(user)
        .filter(is_current=True)
        .exclude(household__state=Household.State.CLOSED)
        .exclude(work_capacity=Member.WorkCapacity.NONE)
    )
    query = query.strip()[:30]
    if query:
        members = members.filter(Q(name__contains=query) | Q(household__number__startswith=query))
    rows = list(members.order_by("household__number", "pk")[:MEMBER_CHOICES])
    include = params.int_pk(include)
    if include and all(m.pk != include for m in rows):
        with contextlib.suppress(NotFound):  # not in reach: the form then refuses the choice
            rows.append(household_selectors.member_get_for(user, include))
    return [(m.pk, f"{m.name} · {m.household.number}") for m in rows]


# --- looking for work ------------------------------------------------------------------------------


@jobs_page()
def posting_search(request: AuthedRequest) -> HttpResponse:
    user = request.user
    filters = selectors.PostingFilters.from_params(request.GET)
    skill_note = ""
    if filters.skill:
        # The box holds a code or a name from the suggestions, or the worker's own words.
        typed = filters.skill.strip()[:100]
        skill = skill_from(typed) or skill_understand(typed, record=False).skill
        if skill is None:
            skill_note = _("“%(phrase)s” is not a known skill yet; showing jobs for any skill.") % {"phrase": typed}
            filters.skill = ""
        else:
            filters.skill = skill.code
            if typed not in (skill.code, skill.name_zh, skill.name_en):
                skill_note = _("Showing jobs that need %(skill)s.") % {"skill": skill}
    member = household_selectors.my_member(user) if user.role == Role.WORKER else None
    form = PostingSearchForm(request.GET or None, home=member.household.region if member else None)
    return render(
        request,
        "jobs/search.html",
        {
            "page": _page(request, selectors.posting_search(filters), SEARCH_PAGE_SIZE, CappedPaginator),
            "filter_form": form,
            "filtered": any(v for k, v in request.GET.items() if k != "page"),
            "skill_note": skill_note,
        },
    )


def _detail_page(
    request: AuthedRequest,
    posting: JobPosting,
    *,
    apply_form: ApplyForm | None = None,
    apply_for_form: ApplyForOtherForm | None = None,
) -> HttpResponse:
    user = request.user
    employer = services.employer_of(user) if user.role == Role.EMPLOYER else None
    manages = employer is not None and posting.employer_id == employer.pk
    skills = list(posting.skills.all())
    context: dict[str, Any] = {
        "posting": posting,
        "skills": skills,
        "required_skills": [s for s in skills if s.required],
        "preferred_skills": [s for s in skills if not s.required],
        "manages": manages,
        "editable": posting.state in services.EDITABLE,
        "is_worker": user.role == Role.WORKER,
    }
    if user.role == Role.WORKER and visibility.may(user, Action.APPLY):
        member = household_selectors.my_member(user)
        context["member"] = member
        if member is not None:
            application = selectors.application_list_for(user).filter(posting=posting).first()
            context["application"] = application
            # Once the worker has applied (and not withdrawn), they may call the employer, as on
            # job apps; before, the union keeps the company's line for applicants.
            context["contact"] = application is not None and application.state not in CONTACT_CLOSED
            context["apply_form"] = apply_form or ApplyForm(auto_id="apply-%s")
    if visibility.may(user, Action.APPLY_FOR_OTHERS) and (posting.is_open or apply_for_form is not None):
        # The member a helper came from (?member=, from a household or a candidate list) is ticked
        # already; a search (?q=) lists others, each with the household, to tell namesakes apart.
        data = request.POST if apply_for_form is not None else request.GET
        chosen = picker.ids_from(data.getlist("member_id") or data.getlist("member"))
        context["apply_for_form"] = apply_for_form or ApplyForOtherForm(
            auto_id="applyfor-%s", members=_able_members(user), initial={"member_id": chosen[0] if chosen else None}
        )
        context["picker"] = picker.picker_context(
            user,
            query=data.get("q", ""),
            chosen=chosen,
            field_name="member_id",
            multi=False,
            fragment_url=reverse("households:member_pick") + "?field=member_id&able=1",
            base=_able_members(user),
            required="search" in data,
        )
    context["may_record_service"] = visibility.may(user, Action.RECORD_SERVICES)
    context["panels"] = posting_panels(request, posting)
    if manages:
        context["applicant_count"] = selectors.pipeline_for(user, posting).count()
    return form_page(request, "jobs/detail.html", context)


@jobs_page(listing=False)
def posting_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return _detail_page(request, selectors.posting_get_for(request.user, pk))


@jobs_page(Action.APPLY)
@require_POST
def posting_apply(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    posting = selectors.posting_get_for(user, pk)
    member = household_selectors.my_member(user)
    if member is None:
        messages.error(request, _("Your login is not linked to a household archive; ask your helper."))
        return _to_detail(posting)
    form = ApplyForm(request.POST, auto_id="apply-%s")
    if form.is_valid():
        done = attempt(
            request,
            services.application_apply,
            form=form,
            posting=posting,
            member=member,
            by=user,
            message=form.cleaned_data["message"],
            success=_("Your application was sent to %(employer)s.") % {"employer": posting.employer.name},
        )
        if done.ok:
            return redirect("jobs:my_applications")
    return _detail_page(request, posting, apply_form=form)


@jobs_page(Action.APPLY_FOR_OTHERS)
@require_POST
def posting_apply_for(request: AuthedRequest, pk: int) -> HttpResponse:
    """A helper or organizer applies for a household member, with the worker's consent recorded."""
    user = request.user
    posting = selectors.posting_get_for(user, pk)
    form = ApplyForOtherForm(request.POST, auto_id="applyfor-%s", members=_able_members(user))
    if "search" in request.POST:  # the picker's search without JS: show who was found, apply nothing
        kept = {"consent_note": request.POST.get("consent_note", "")}
        form = ApplyForOtherForm(auto_id="applyfor-%s", members=_able_members(user), initial=kept)
        return _detail_page(request, posting, apply_for_form=form)
    if form.is_valid():
        member = form.cleaned_data["member_id"]
        done = attempt(
            request,
            services.application_apply,
            form=form,
            posting=posting,
            member=member,
            by=user,
            message=form.cleaned_data["message"],
            consent_note=form.cleaned_data["consent_note"],
            success=_("%(name)s applied for %(title)s.") % {"name": member.name, "title": posting.title},
        )
        if done.ok:
            return _to_detail(posting)
    return _detail_page(request, posting, apply_for_form=form)


@jobs_page(Action.APPLY)
def my_applications(request: AuthedRequest) -> HttpResponse:
    user = request.user
    labels = dict(Application.State.choices)
    rows: list[dict[str, Any]] = [
        {
            "application": a,
            "moves": services.WORKER_MOVES.get(a.state, set()),
            "events": [(e.at, labels.get(e.to_state, e.to_state), e.note) for e in a.events.all()],
        }
        for a in selectors.application_list_for(user).select_related("posting__region").prefetch_related("events")
    ]
    # What the worker must answer comes first: an invitation, an interview, an offer.
    act_first = [row for row in rows if row["application"].state in ACT_FIRST]
    return render(
        request,
        "jobs/my_applications.html",
        {
            "member": household_selectors.my_member(user),
            "act_first": sorted(act_first, key=lambda row: ACT_FIRST.index(row["application"].state)),
            "rows": [row for row in rows if row["application"].state not in ACT_FIRST],
            "today": timezone.localdate(),
        },
    )


# Applications after which the worker no longer sees the employer's phone.
CONTACT_CLOSED = {Application.State.INVITED, Application.State.WITHDRAWN, Application.State.CLOSED}

# The states in which the employer waits for the worker, most pressing first.
ACT_FIRST = [Application.State.OFFERED, Application.State.INTERVIEW, Application.State.INVITED]

# What a move is called in the confirmation message.
MOVE_DONE = {
    Application.State.APPLIED: gettext_lazy("You applied."),
    Application.State.WITHDRAWN: gettext_lazy("The application is withdrawn."),
    Application.State.VIEWED: gettext_lazy("Marked as viewed."),
    Application.State.INTERVIEW: gettext_lazy("Invited to an interview."),
    Application.State.OFFERED: gettext_lazy("Offer made."),
    Application.State.REJECTED: gettext_lazy("Marked as not selected."),
}


@jobs_page(listing=False)
@require_POST
def application_move(request: AuthedRequest, pk: int) -> HttpResponse:
    """One step of an application: the worker withdraws or answers an invitation; the employer
    moves an applicant along the pipeline."""
    user = request.user
    if user.role not in (Role.WORKER, Role.EMPLOYER):
        raise Http404(_("No such application."))  # staff follow applications; the two sides move them
    application = selectors.application_get_for(user, pk)
    form = MoveForm(request.POST)
    if form.is_valid():
        to_state = form.cleaned_data["to_state"]
        success = str(MOVE_DONE.get(to_state, _("Saved.")))
        if to_state == Application.State.APPLIED and application.state == Application.State.INVITED:
            # Accepting an invitation is applying: the same checks (the job still open, work the
            # worker's capacity allows), which a bare state move would skip.
            attempt(
                request,
                services.application_apply,
                posting=application.posting,
                member=application.member,
                by=user,
                message=form.cleaned_data["note"],
                success=success,
            )
        else:
            attempt(
                request,
                services.application_move,
                application=application,
                by=user,
                to_state=to_state,
                note=form.cleaned_data["note"],
                success=success,
            )
    else:
        messages.error(request, _("Choose what happens next."))
    if user.role == Role.EMPLOYER:
        return redirect("jobs:pipeline", pk=application.posting_id)
    return redirect("jobs:my_applications")


# --- employers: sign-up and the company --------------------------------------------------------------


def employer_register(request: HttpRequest) -> HttpResponse:
    """Public self-registration: the company waits for an organizer's verification."""
    if request.user.is_authenticated:
        return redirect("home")
    if request.method == "POST" and not throttle.sign_up_allowed(request):
        # One budget per client address for this page and the API's register endpoint.
        messages.error(request, _("Too many sign-ups from your network. Please try again in an hour."))
        return render(request, "jobs/register.html", {"form": EmployerSignUpForm()}, status=429)
    form = EmployerSignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = attempt(
            request,
            services.employer_sign_up,
            form=form,
            data=form.to_input(),
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password"],
        )
        if done.ok:
            employer, user = done.value
            login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
            messages.success(
                request,
                _("%(name)s is registered. The union verifies it before its jobs go live.") % {"name": employer},
            )
            return redirect("jobs:company")
    status = 400 if request.method == "POST" and form.is_bound else 200
    return render(request, "jobs/register.html", {"form": form}, status=status)


@jobs_page(Action.MANAGE_POSTINGS)
def company(request: AuthedRequest) -> HttpResponse:
    employer = services.employer_of(request.user)
    if employer is None:
        return render(request, "jobs/no_company.html")
    return render(request, "jobs/company.html", {"employer": employer})


@jobs_page(Action.MANAGE_POSTINGS)
def company_edit(request: AuthedRequest) -> HttpResponse:
    employer = _my_employer(request.user)
    form = EmployerForm(request.POST or None, employer=employer)
    if request.method == "POST" and form.is_valid():
        done = attempt(
            request,
            services.employer_update,
            form=form,
            employer=employer,
            by=request.user,
            data=form.to_input(),
            success=_("Changes saved."),
        )
        if done.ok:
            return redirect("jobs:company")
    return form_page(request, "jobs/company_form.html", {"form": form, "employer": employer})


# --- employers: postings -----------------------------------------------------------------------------


@jobs_page(Action.MANAGE_POSTINGS)
def employer_postings(request: AuthedRequest) -> HttpResponse:
    user = request.user
    employer = services.employer_of(user)
    if employer is None:
        return render(request, "jobs/no_company.html")
    return render(
        request,
        "jobs/postings.html",
        {"employer": employer, "page": _page(request, selectors.employer_postings_for(user))},
    )


def _saved_skills_message(request: HttpRequest, posting: JobPosting) -> None:
    waiting = [s.phrase for s in posting.skills.all() if s.skill_id is None]
    if waiting:
        messages.info(
            request,
            _("Not understood yet, kept as written for the union to map: %(phrases)s")
            % {"phrases": "、".join(waiting)},
        )


@jobs_page(Action.MANAGE_POSTINGS)
def posting_create(request: AuthedRequest) -> HttpResponse:
    user = request.user
    employer = _my_employer(user)
    form = PostingForm(request.POST or None, employer=employer)
    if request.method == "POST" and form.is_valid():
        done = attempt(request, services.posting_create, form=form, employer=employer, by=user, data=form.to_input())
        if done.ok:
            posting = done.value
            if "send_for_review" in request.POST:
                sent = attempt(
                    request,
                    services.posting_submit,
                    posting=posting,
                    by=user,
                    success=_("Saved and sent to the union for review."),
                )
                if not sent.ok:
                    messages.info(request, _("Saved as a draft."))
            else:
                messages.success(request, _("Saved as a draft. Send it for review when it is ready."))
            _saved_skills_message(request, posting)
            return _to_detail(posting)
    return form_page(request, "jobs/posting_form.html", {"form": form, "posting": None, "employer": employer})


@jobs_page(Action.MANAGE_POSTINGS, listing=False)
def posting_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    employer = _my_employer(user)
    posting = selectors.posting_manage_get_for(user, pk)
    form = PostingForm(request.POST or None, employer=employer, posting=posting)
    if request.method == "POST" and form.is_valid():
        was_published = posting.state == JobPosting.State.PUBLISHED
        done = attempt(request, services.posting_update, form=form, posting=posting, by=user, data=form.to_input())
        if done.ok:
            if was_published:
                messages.success(request, _("Changes saved. The union reviews them before the job is shown again."))
            else:
                messages.success(request, _("Changes saved."))
            _saved_skills_message(request, done.value)
            return _to_detail(posting)
    return form_page(request, "jobs/posting_form.html", {"form": form, "posting": posting, "employer": employer})


@jobs_page(Action.MANAGE_POSTINGS, listing=False)
@require_POST
def posting_submit(request: AuthedRequest, pk: int) -> HttpResponse:
    posting = selectors.posting_manage_get_for(request.user, pk)
    attempt(
        request,
        services.posting_submit,
        posting=posting,
        by=request.user,
        success=_("Sent to the union for review."),
    )
    return _to_detail(posting)


@jobs_page(Action.MANAGE_POSTINGS, listing=False)
@require_POST
def posting_withdraw(request: AuthedRequest, pk: int) -> HttpResponse:
    posting = selectors.posting_manage_get_for(request.user, pk)
    attempt(
        request,
        services.posting_withdraw,
        posting=posting,
        by=request.user,
        success=_("The posting is withdrawn; open applications are closed."),
    )
    return _to_detail(posting)


@login_required
@require_GET
def posting_hint(request: HttpRequest) -> HttpResponse:
    """While an employer types: the occupation a title codes to, or what each skill phrase was
    understood as (one a line or separated by 、/commas). Nothing is filed for review here; that
    happens when the posting is saved."""
    if "title" in request.GET:
        query = request.GET["title"].strip()[:200]
        coded = occupation_understand(query, record=False) if query else None
        return render(request, "skills/_code_hint.html", {"query": query, "coded": coded})
    text = request.GET.get("required_skills", request.GET.get("preferred_skills", ""))
    phrases = split_phrases(text[:2000])[:30]
    understood = [skill_understand(phrase[:100], record=False) for phrase in phrases]
    return render(request, "jobs/_skills_hint.html", {"understood": understood})


# --- employers: applicants and candidates ------------------------------------------------------------


@jobs_page(Action.MANAGE_POSTINGS, listing=False)
def pipeline(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    _my_employer(user)
    posting = selectors.posting_manage_get_for(user, pk)
    order: dict[str, int] = {str(state): i for i, state in enumerate(PIPELINE_ORDER)}
    applications = sorted(
        selectors.pipeline_for(user, posting).select_related("member__job_preference__desired_occupation"),
        key=lambda a: (order.get(a.state, len(order)), -a.created_at.timestamp()),
    )
    rows = []
    for application in applications:
        allowed = services.EMPLOYER_MOVES.get(application.state, set())
        rows.append(
            {
                "application": application,
                "member": application.member,
                "moves": [(state, text) for state, text in MOVE_LABELS.items() if state in allowed],
                "hire_form": (
                    HireForm(auto_id=f"hire{application.pk}-%s")
                    if application.state == Application.State.OFFERED
                    else None
                ),
            }
        )
    hired = sum(1 for a in applications if a.state == Application.State.HIRED)
    return render(request, "jobs/pipeline.html", {"posting": posting, "rows": rows, "hired": hired})


@jobs_page(Action.MANAGE_POSTINGS, listing=False)
@require_POST
def application_hire(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    application = selectors.application_get_for(user, pk)
    form = HireForm(request.POST)
    if form.is_valid():
        attempt(
            request,
            services.application_hire,
            application=application,
            by=user,
            start_date=form.cleaned_data["start_date"],
            monthly_wage=form.cleaned_data["monthly_wage"],
            success=_("%(name)s is hired. Welcome aboard!") % {"name": application.member.name},
        )
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("jobs:pipeline", pk=application.posting_id)


def _open_postings_of(user: User) -> list[JobPosting]:
    postings = selectors.employer_postings_for(user).filter(state=JobPosting.State.PUBLISHED).select_related("region")
    return [p for p in postings if p.is_open]


@jobs_page(Action.FIND_CANDIDATES, Action.MANAGE_POSTINGS)
def candidate_search(request: AuthedRequest) -> HttpResponse:
    user = request.user
    selectors.require_candidate_search(user)
    form = CandidateFilterForm(request.GET or None)
    typed = request.GET.get("skill", "").strip()[:100]
    skill = (skill_from(typed) or skill_understand(typed, record=False).skill) if typed else None
    candidates = selectors.candidate_search_for(user, skill=skill.code if skill else "")
    if typed and skill is None:
        candidates = candidates.none()
    return render(
        request,
        "jobs/candidates.html",
        {
            # Ten a page, as the other lists: 20 were 9 phone screens on the demo (issue 19).
            "page": _page(request, candidates.select_related("job_preference__desired_occupation")),
            "filter_form": form,
            "skill": skill,
            "typed": typed,
        },
    )


def _candidate_page(request: AuthedRequest, member: Member, invite_form: InviteForm | None = None) -> HttpResponse:
    user = request.user
    applications = list(selectors.application_list_for(user).filter(member=member))
    applied_to = {a.posting_id for a in applications}
    postings = [p for p in _open_postings_of(user) if p.pk not in applied_to]
    if invite_form is None and member.consent_to_be_found and postings:
        invite_form = InviteForm(postings=postings)
    return form_page(
        request,
        "jobs/candidate.html",
        {"member": member, "applications": applications, "invite_form": invite_form},
    )


@jobs_page(Action.FIND_CANDIDATES, listing=False)
def candidate_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return _candidate_page(request, selectors.candidate_get_for(request.user, pk))


@jobs_page(Action.FIND_CANDIDATES, listing=False)
@require_POST
def candidate_invite(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    member = selectors.candidate_get_for(user, pk)
    form = InviteForm(request.POST, postings=_open_postings_of(user))
    if form.is_valid():
        posting = form.postings[form.cleaned_data["posting_id"]]
        done = attempt(
            request,
            services.application_invite,
            form=form,
            posting=posting,
            member=member,
            by=user,
            message=form.cleaned_data["message"],
            success=_("%(name)s is invited to apply for %(title)s.") % {"name": member.name, "title": posting.title},
        )
        if done.ok:
            return redirect("jobs:candidate", pk=member.pk)
    return _candidate_page(request, member, invite_form=form)


# --- organizers: verification and review -------------------------------------------------------------


def _employer_decision_form(data: Any = None, pk: int = 0) -> DecisionForm:
    return DecisionForm(
        data, auto_id=f"emp{pk}-%s", approve_label=_("Verify"), reject_label=_("Reject, with the reason")
    )


def _posting_decision_form(data: Any = None, pk: int = 0) -> DecisionForm:
    return DecisionForm(
        data, auto_id=f"post{pk}-%s", approve_label=_("Publish"), reject_label=_("Send back, saying what to change")
    )


def _review_employers_page(
    request: AuthedRequest, bound: DecisionForm | None = None, bound_pk: int = 0
) -> HttpResponse:
    page = _page(request, selectors.employers_to_verify_for(request.user), REVIEW_PAGE_SIZE)
    rows = [(e, bound if e.pk == bound_pk and bound else _employer_decision_form(pk=e.pk)) for e in page.object_list]
    return form_page(request, "jobs/review_employers.html", {"rows": rows, "bound": bound, "page": page})


@jobs_page(Action.VERIFY_EMPLOYERS)
def review_employers(request: AuthedRequest) -> HttpResponse:
    return _review_employers_page(request)


@jobs_page(Action.VERIFY_EMPLOYERS, listing=False)
@require_POST
def employer_verify(request: AuthedRequest, pk: int) -> HttpResponse:
    employer = selectors.employer_get_for(request.user, pk)
    form = _employer_decision_form(request.POST, pk=employer.pk)
    if form.is_valid():
        done = attempt(
            request,
            services.employer_verify,
            form=form,
            employer=employer,
            by=request.user,
            approve=form.approve,
            note=form.cleaned_data["note"],
            success=(_("%(name)s is verified.") if form.approve else _("%(name)s is not verified."))
            % {"name": employer.name},
        )
        if done.ok:
            return redirect("jobs:review_employers")
    return _review_employers_page(request, bound=form, bound_pk=employer.pk)


# The review queue shows this many postings a page: compact rows whose decision form opens in place,
# so that a page stays within a few phone screens (issue 19: at most 8) even with one form open.
REVIEW_PAGE_SIZE = 8
# What the queue's place is made of: carried through a decision so the page comes back where it was.
REVIEW_PLACE = ("q", "employer", "order", "page")


def _review_filters(request: AuthedRequest) -> dict[str, str]:
    return {
        "q": params.text(request.GET.get("q"), max_length=100),
        "employer_state": params.choice(request.GET.get("employer"), selectors.REVIEW_EMPLOYER_STATES),
        "order": params.choice(request.GET.get("order"), selectors.REVIEW_ORDERS, "oldest"),
    }


def _review_place(request: AuthedRequest) -> str:
    place = QueryDict(mutable=True)
    for key in REVIEW_PLACE:
        value = params.text(request.GET.get(key), max_length=100)
        if value:
            place[key] = value
    return place.urlencode()


def _review_postings_page(request: AuthedRequest, bound: DecisionForm | None = None, bound_pk: int = 0) -> HttpResponse:
    filters = _review_filters(request)
    page = _page(request, selectors.postings_to_review_for(request.user, **filters), REVIEW_PAGE_SIZE)
    rows = [(p, bound if p.pk == bound_pk and bound else _posting_decision_form(pk=p.pk)) for p in page.object_list]
    return form_page(
        request,
        "jobs/review_postings.html",
        {
            "rows": rows,
            "page": page,
            "bound": bound,
            "counts": selectors.review_counts_for(request.user),
            "filter_form": ReviewFilterForm(request.GET or None),
            "filtered": bool(filters["q"] or filters["employer_state"]),
            "keep": _review_place(request),
        },
    )


@jobs_page(Action.REVIEW_POSTINGS)
def review_postings(request: AuthedRequest) -> HttpResponse:
    return _review_postings_page(request)


@jobs_page(Action.REVIEW_POSTINGS, listing=False)
@require_POST
def posting_review(request: AuthedRequest, pk: int) -> HttpResponse:
    """Publish or send back one posting. From the queue with htmx the posting's row is swapped for
    the outcome and the page stays where it was; without, the queue reloads at the same place."""
    posting = selectors.posting_manage_get_for(request.user, pk)
    form = _posting_decision_form(request.POST, pk=posting.pk)
    keep = _review_place(request)
    if form.is_valid():
        outcome = (_("“%(title)s” is published.") if form.approve else _("“%(title)s” went back to the employer.")) % {
            "title": posting.title
        }
        done = attempt(
            request,
            services.posting_review,
            form=form,
            posting=posting,
            by=request.user,
            approve=form.approve,
            note=form.cleaned_data["note"],
            success="" if request.htmx else outcome,
        )
        if done.ok:
            if request.htmx:
                context = {"posting": posting, "message": outcome, "counts": selectors.review_counts_for(request.user)}
                return render(request, "jobs/_review_posting_done.html", context)
            return redirect(reverse("jobs:review_postings") + (f"?{keep}" if keep else ""))
    if request.htmx:
        return render(
            request, "jobs/_review_posting_row.html", {"posting": posting, "form": form, "keep": keep}, status=400
        )
    return _review_postings_page(request, bound=form, bound_pk=posting.pk)


# --- organizers and helpers: following the applications and hires ---------------------------------------


@jobs_page(Action.VIEW_JOBS)
def stalled(request: AuthedRequest) -> HttpResponse:
    return render(
        request,
        "jobs/stalled.html",
        {
            "page": _page(request, selectors.stalled_applications_for(request.user)),
            "days": settings.STALLED_APPLICATION_DAYS,
            "now": timezone.now(),
        },
    )


@jobs_page(Action.VIEW_JOBS)
def placements(request: AuthedRequest) -> HttpResponse:
    user = request.user
    year_param = request.GET.get("year", "")
    year = params.year(year_param)
    items = selectors.placements_for(user)
    if year:
        items = items.filter(start_date__year=year)
    return render(
        request,
        "jobs/placements.html",
        {
            "page": _page(request, items),
            "counts": selectors.placement_counts_for(user, year=year),
            "year": year,
            "this_year": timezone.localdate().year,
        },
    )


def _follow_ups_page(
    request: AuthedRequest, bound: RetentionCheckForm | None = None, bound_pk: int = 0
) -> HttpResponse:
    user = request.user
    # Ten follow-ups a page, their forms folded, so that the list stays within 8 phone screens (issue 19).
    page = _page(request, selectors.retention_checks_due_for(user))
    checks = page.object_list
    may_record = visibility.may(user, Action.RECORD_VISIT)
    rows = [
        (
            c,
            (bound if c.pk == bound_pk and bound else RetentionCheckForm(auto_id=f"check{c.pk}-%s"))
            if may_record
            else None,
        )
        for c in checks
    ]
    return form_page(
        request,
        "jobs/follow_ups.html",
        {"rows": rows, "page": page, "bound": bound, "today": timezone.localdate(), "keep": _page_place(request)},
    )


@jobs_page(Action.VIEW_JOBS)
def follow_ups(request: AuthedRequest) -> HttpResponse:
    return _follow_ups_page(request)


@jobs_page(Action.RECORD_VISIT, listing=False)
@require_POST
def follow_up_record(request: AuthedRequest, pk: int) -> HttpResponse:
    check = selectors.retention_check_get_for(request.user, pk)
    form = RetentionCheckForm(request.POST, auto_id=f"check{check.pk}-%s")
    if form.is_valid():
        done = attempt(
            request,
            services.retention_check_record,
            form=form,
            check=check,
            by=request.user,
            outcome=form.cleaned_data["outcome"],
            note=form.cleaned_data["note"],
            done_on=form.cleaned_data["done_on"],
            success=_("Follow-up recorded for %(name)s.") % {"name": check.placement.member.name},
        )
        if done.ok:
            keep = _page_place(request)
            return redirect(reverse("jobs:follow_ups") + (f"?{keep}" if keep else ""))
    return _follow_ups_page(request, bound=form, bound_pk=check.pk)


# --- 阳光就业 services --------------------------------------------------------------------------------


@jobs_page(Action.VIEW_JOBS)
def service_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "jobs/services.html",
        {
            "page": _page(request, selectors.services_for(user)),
            "may_record": visibility.may(user, Action.RECORD_SERVICES),
        },
    )


def _service_postings(selected: Any = None) -> list[JobPosting]:
    postings = list(selectors.posting_search()[:POSTING_CHOICES])
    selected = params.int_pk(selected)
    if selected and all(p.pk != selected for p in postings):
        postings.extend(selectors.open_postings().select_related("employer").filter(pk=selected))
    return postings


@jobs_page(Action.RECORD_SERVICES)
def service_create(request: AuthedRequest) -> HttpResponse:
    user = request.user
    data = request.POST if request.method == "POST" else None
    who = request.GET.get("who", "")
    posted_member = data.get("member_id") if data else None
    posting_param = data.get("posting_id") if data else request.GET.get("posting")
    form = EmploymentServiceForm(
        data,
        members=_member_choices(user, who, include=posted_member),
        postings=_service_postings(posting_param),
        initial={"posting_id": posting_param} if posting_param else None,
    )
    if data is not None and form.is_valid():
        member = household_selectors.member_get_for(user, form.cleaned_data["member_id"])
        posting_id = form.cleaned_data["posting_id"]
        done = attempt(
            request,
            services.employment_service_record,
            form=form,
            member=member,
            by=user,
            kind=form.cleaned_data["kind"],
            held_on=form.cleaned_data["held_on"],
            outcome=form.cleaned_data["outcome"],
            posting=form.postings.get(posting_id) if posting_id else None,
            success=_("Service recorded for %(name)s.") % {"name": member.name},
        )
        if done.ok:
            return redirect("jobs:services")
    return form_page(request, "jobs/service_form.html", {"form": form, "who": who})
