"""Pages of the relief cases, the same for every case track: the list (with the helper's own list
and the unit's overdue list as filters), opening a case, one case (its steps, documents and the
forms to add a step, keep a document and close it), and a kept document. Each view authorises and
fetches through ``relief.case_selectors`` and calls one service of ``relief.case_services``."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import visibility
from accounts.pages import AuthedRequest, attempt, form_page, role_page
from accounts.visibility import Action
from households import picker
from households.models import Household
from relief import case_selectors, case_services
from relief.case_forms import CaseCloseForm, CaseDocumentForm, CaseOpenForm, CaseStepForm
from relief.models import Case
from relief.registry import Track, tracks

# Rows a page: within eight phone screens (issue 19).
PAGE_SIZE = 10
EMPLOYER_CHOICES = 300


def _case_track(code: str) -> Track:
    entry = tracks.get(code)
    if entry is None or not entry.follows_cases:
        raise Http404(_("No such case track."))
    return entry


@role_page(Action.VIEW_RELIEF)
def cases(request: AuthedRequest) -> HttpResponse:
    user = request.user
    track = request.GET.get("track", "")
    state = request.GET.get("state", "")
    mine = request.GET.get("mine") == "1"
    overdue = request.GET.get("overdue") == "1"
    if overdue:
        rows = case_selectors.helper_overdue_for(user) if mine else case_selectors.unit_overdue_for(user)
        if track:
            rows = rows.filter(track=track)
    elif mine:
        rows = case_selectors.helper_list_for(user).filter(**({"track": track} if track else {}))
    else:
        rows = case_selectors.case_list_for(user, track=track, state=state, query=request.GET.get("q", "").strip())
    page = Paginator(rows.select_related("household", "member", "helper", "employer"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "relief/cases.html",
        {
            "page": page,
            "track": track,
            "state": state,
            "mine": mine,
            "overdue": overdue,
            "tracks": tracks.case_tracks(),
            "states": Case.State.choices,
            "today": timezone.localdate(),
            "may_open": visibility.may(user, Action.REVIEW_RELIEF),
        },
    )


def _open_form(request: AuthedRequest, entry: Track) -> tuple[CaseOpenForm, dict[str, Any]]:
    """The form and its people picker: anyone in reach is found by search (no capped list);
    ``?member=`` comes ticked. The picker's search button without JS binds nothing."""
    user = request.user
    members = picker.members_in_reach(user).filter(household__state=Household.State.ACTIVE)
    post = request.method == "POST"
    found = picker.form_context(user, request.POST if post else request.GET, base=members, fragment_url=request.path)
    employers = case_selectors.counterpart_employers(user)[:EMPLOYER_CHOICES]
    initial: dict[str, Any] = {"opened_on": timezone.localdate()}
    if found["chosen"]:
        initial["member"] = found["chosen"][0].member.pk
    if post and "search" in request.POST:
        kept = (
            "kind",
            "summary",
            "employer",
            "office",
            "counterpart_name",
            "opened_on",
            "next_action",
            "next_action_due",
        )
        initial.update({k: request.POST[k] for k in kept if request.POST.get(k)})
        post = False
    form = CaseOpenForm(
        request.POST if post else None,
        members=members,
        kinds=[(code, str(label)) for code, label in entry.case_kinds],
        employers=[(e.pk, e.name) for e in employers],
        initial=initial,
    )
    return form, found


@role_page(Action.REVIEW_RELIEF)
def case_open(request: AuthedRequest, code: str) -> HttpResponse:
    user = request.user
    entry = _case_track(code)
    form, found = _open_form(request, entry)
    if (results := picker.results_only(request, found)) is not None:
        return results
    if form.is_bound and form.is_valid():
        values = form.cleaned_data
        member = values["member"]
        employer = None
        if values.get("employer"):
            employer = case_selectors.counterpart_employers(user).filter(pk=values["employer"]).first()
        opened = attempt(
            request,
            case_services.case_open,
            form=form,
            by=user,
            track=entry,
            kind=values["kind"],
            member=member,
            summary=values["summary"],
            employer=employer,
            office=values.get("office") or "",
            counterpart_name=values.get("counterpart_name") or "",
            opened_on=values["opened_on"],
            next_action=values.get("next_action") or "",
            next_action_due=values.get("next_action_due"),
            success=_("The case is opened."),
        )
        if opened.ok:
            return redirect("relief:case", pk=opened.value.pk)
    return form_page(request, "relief/case_open.html", {"track": entry, "form": form, "picker": found})


def _detail(request: AuthedRequest, case: Case, status: int = 200, **forms: object) -> HttpResponse:
    today = timezone.localdate()
    context = {
        "case": case,
        "today": today,
        "may_work": case.is_open and visibility.may(request.user, Action.REVIEW_RELIEF, case.org_unit),
        "step_form": forms.get("step_form") or CaseStepForm(initial={"on": today}),
        "document_form": forms.get("document_form") or CaseDocumentForm(),
        "close_form": forms.get("close_form") or CaseCloseForm(initial={"on": today}),
    }
    return render(request, "relief/case.html", context, status=status)


@role_page(Action.VIEW_RELIEF, Action.APPLY_RELIEF, listing=False)
def case_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return _detail(request, case_selectors.case_get_for(request.user, pk))


@role_page(Action.REVIEW_RELIEF, listing=False)
@require_POST
def case_step(request: AuthedRequest, pk: int) -> HttpResponse:
    case = case_selectors.case_get_for(request.user, pk)
    form = CaseStepForm(request.POST)
    if form.is_valid():
        values = form.cleaned_data
        done = attempt(
            request,
            case_services.case_add_step,
            form=form,
            case=case,
            by=request.user,
            on=values["on"],
            action=values["action"],
            next_action=values.get("next_action") or "",
            next_action_due=values.get("next_action_due"),
            success=_("The step is recorded."),
        )
        if done.ok:
            return redirect("relief:case", pk=case.pk)
    return _detail(request, case, 400, step_form=form)


@role_page(Action.REVIEW_RELIEF, listing=False)
@require_POST
def case_document(request: AuthedRequest, pk: int) -> HttpResponse:
    case = case_selectors.case_get_for(request.user, pk)
    form = CaseDocumentForm(request.POST, request.FILES)
    if form.is_valid():
        done = attempt(
            request,
            case_services.case_add_document,
            form=form,
            case=case,
            by=request.user,
            upload=form.cleaned_data["upload"],
            title=form.cleaned_data.get("title") or "",
            success=_("The document is kept with the case."),
        )
        if done.ok:
            return redirect("relief:case", pk=case.pk)
    return _detail(request, case, 400, document_form=form)


@role_page(Action.VIEW_RELIEF, Action.APPLY_RELIEF, listing=False)
def case_document_file(request: AuthedRequest, pk: int, document: int) -> FileResponse:
    found = case_selectors.document_get_for(request.user, pk, document)
    response = FileResponse(found.file.open("rb"), content_type=found.content_type)
    response["Content-Disposition"] = f'attachment; filename="case-{pk}-{found.pk}{(found.file.name or "")[-4:]}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@role_page(Action.REVIEW_RELIEF, listing=False)
@require_POST
def case_close(request: AuthedRequest, pk: int) -> HttpResponse:
    case = case_selectors.case_get_for(request.user, pk)
    form = CaseCloseForm(request.POST)
    if form.is_valid():
        values = form.cleaned_data
        done = attempt(
            request,
            case_services.case_close,
            form=form,
            case=case,
            by=request.user,
            outcome=values.get("outcome") or "",
            note=values.get("note") or "",
            on=values["on"],
            success=_("The case is closed."),
        )
        if done.ok:
            return redirect("relief:case", pk=case.pk)
    return _detail(request, case, 400, close_form=form)
