"""Pages of the assessment (考核): the dashboard with charts, a unit's figures, targets and their
breakdown and import, the assessment scheme, scorecards (self-assessment, inspection, acceptance),
reports built from the monthly snapshots, work plans and tasks, and the yearly household review.

As elsewhere: each view authorises and fetches through a selector, then calls one service;
``attempt`` translates a service's ``DomainError``. A page a role may not use is 403; a record out
of reach is 404. Every report is also an Excel download (``?format=xlsx``) and prints cleanly.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import visibility
from accounts.pages import AuthedRequest, attempt, form_page, role_page
from accounts.visibility import Action
from assessment import charts, exporting, registry, selectors, services
from assessment.forms import (
    AcceptForm,
    EvidenceForm,
    FindingForm,
    ReturnForm,
    ReviewForm,
    SchemeForm,
    SchemeLineFormSet,
    SelfAssessmentForm,
    TargetImportForm,
    TargetRowForm,
    TaskForm,
    TaskProgressForm,
    UnitYearForm,
    WorkPlanForm,
)
from assessment.models import Scorecard, WorkTask
from assessment.periods import Period, last_closed_month, parse_month, parse_year
from core.errors import DomainError, InvalidInput

# The yearly review's worklist: ten households a page, as the households list, so that the page
# stays within 8 phone screens (issue 19).
REVIEW_PAGE_SIZE = 10
# The dashboard's tiles: the county's questions first.
TILES = [
    "households_active",
    "households_exited",
    "households_returned",
    "placements",
    "one_skill_coverage",
    "fund_use",
]
TREND = ["households_active", "households_exited"]


def _year(request: AuthedRequest) -> int:
    try:
        return parse_year(request.GET.get("year"), default=timezone.localdate().year)
    except InvalidInput:
        return timezone.localdate().year


def _unit_year(request: AuthedRequest) -> tuple[Any, int, UnitYearForm]:
    user = request.user
    unit = selectors.unit_pick_for(user, request.GET.get("unit"))
    year = _year(request)
    form = UnitYearForm(initial={"unit": unit.code or unit.pk, "year": year}, units=selectors.units_for(user))
    return unit, year, form


def _wants_excel(request: AuthedRequest) -> bool:
    return request.GET.get("format") == "xlsx"


# --- the dashboard and a unit's figures ----------------------------------------------------------------


@role_page(Action.VIEW_ASSESSMENT)
def dashboard(request: AuthedRequest) -> HttpResponse:
    user = request.user
    unit, year, picker = _unit_year(request)
    with_targets = [i for i in registry.indicators() if i.adds_up]
    chosen = request.GET.get("indicator") or "households_exited"
    if registry.get(chosen) is None:
        chosen = "households_exited"
    # Only what the page shows: the tiles, the chosen indicator, coverage and fund use by purpose.
    shown = {*TILES, chosen, "one_skill_coverage"}
    indicators = [i for i in registry.indicators() if i.code in shown or i.code.startswith("fund_use_")]
    figures = selectors.unit_figures_for(user, unit, Period.year(year), indicators)
    chart_list = [charts.trend(selectors.trend_for(user, unit, TREND, months=24))]
    for chart in (
        charts.targets_against_actuals(figures, chosen) if figures.children else None,
        charts.coverage_by_unit(figures),
        charts.fund_use_by_purpose(figures),
    ):
        if chart is not None:
            chart_list.append(chart)
    tiles = [figures.row(code) for code in TILES if figures.row(code) is not None]
    return render(
        request,
        "assessment/dashboard.html",
        {
            "unit": unit,
            "year": year,
            "picker": picker,
            "figures": figures,
            "tiles": tiles,
            "charts": chart_list,
            "indicator_choices": [(i.code, i.name) for i in with_targets],
            "chosen": chosen,
            "overdue_tasks": selectors.my_tasks(user).filter(
                status__in=WorkTask.OPEN, deadline__lt=timezone.localdate()
            )[:5],
        },
    )


@role_page(Action.VIEW_ASSESSMENT)
def unit_detail(request: AuthedRequest, code: str) -> HttpResponse:
    user = request.user
    unit = selectors.unit_pick_for(user, code)
    year = _year(request)
    period = Period.year(year)
    figures = selectors.unit_figures_for(user, unit, period)
    if _wants_excel(request):
        children = [c.unit for c in figures.children]
        content = exporting.workbook(
            exporting.header_for(_("Assessment indicators"), unit, period.label, user),
            exporting.figures_sheets(
                unit=unit,
                indicators=[r.indicator for r in figures.rows],
                children=children,
                figure=lambda u, c: figures.table.figure(u, c),
                own_figure=lambda u, c: figures.table.figure(u, c, own=True),
                targets={r.indicator.code: r.target for r in figures.rows if r.target is not None},
            ),
        )
        return exporting.download(content, f"indicators-{unit.code or unit.pk}-{year}.xlsx")
    groups = []
    for group in registry.Group:
        rows = [r for r in figures.rows if r.indicator.group == group]
        if rows:
            groups.append((group.label, rows))
    return render(
        request,
        "assessment/unit.html",
        {
            "unit": unit,
            "year": year,
            "period": period,
            "figures": figures,
            "groups": groups,
            "ancestors": list(unit.ancestors().filter(pk__in=visibility.visible_units(user).values("pk"))),
            "period_label": period.label,
            "query": f"year={year}",
            "produced_at": timezone.localtime(),
        },
    )


# --- targets ------------------------------------------------------------------------------------------


@role_page(Action.VIEW_ASSESSMENT)
def targets(request: AuthedRequest) -> HttpResponse:
    user = request.user
    unit, year, picker = _unit_year(request)
    grid = selectors.target_grid_for(user, unit, year)
    sums = {}
    for indicator in grid.indicators:
        values = [t[indicator.code].value for _c, t in grid.children if indicator.code in t]
        sums[indicator.code] = sum(values) if values else None
    rows = [
        (
            indicator,
            grid.own.get(indicator.code),
            sums[indicator.code],
            next((w for w in grid.warnings if w.indicator.code == indicator.code), None),
        )
        for indicator in grid.indicators
    ]
    return render(
        request,
        "assessment/targets.html",
        {
            "grid": grid,
            "rows": rows,
            "unit": unit,
            "year": year,
            "picker": picker,
            "import_form": TargetImportForm(initial={"year": year}),
        },
    )


@role_page(Action.VIEW_ASSESSMENT)
def target_breakdown(request: AuthedRequest, indicator: str) -> HttpResponse:
    """分解: the children's targets for one indicator, set together."""
    user = request.user
    unit, year, _picker = _unit_year(request)
    chosen = registry.get(indicator)
    if chosen is None:
        return redirect(f"{reverse('assessment:targets')}?unit={unit.code or unit.pk}&year={year}")
    grid = selectors.target_grid_for(user, unit, year)
    data = request.POST if request.method == "POST" else None
    forms = []
    for child, child_targets in grid.children:
        current = child_targets.get(chosen.code)
        forms.append(
            (
                child,
                current,
                TargetRowForm(
                    data,
                    prefix=f"u{child.pk}",
                    initial={"value": current.value if current else None, "note": current.note if current else ""},
                ),
            )
        )
    if request.method == "POST":
        if not grid.may_set:
            return HttpResponse(status=403)
        if all(form.is_valid() for _c, _t, form in forms):
            try:
                _set_targets(user, year, chosen.code, forms)
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("Targets saved."))
                return redirect(request.get_full_path())
    parent = grid.own.get(chosen.code)
    total = sum((t.value for _c, t, _f in forms if t is not None), start=0)
    return render(
        request,
        "assessment/target_breakdown.html",
        {
            "grid": grid,
            "indicator": chosen,
            "forms": forms,
            "parent": parent,
            "total": total,
            "warning": next((w for w in grid.warnings if w.indicator.code == chosen.code), None),
            "unit": unit,
            "year": year,
            "bound": data is not None,
        },
        status=400 if request.method == "POST" else 200,
    )


def _set_targets(user: Any, year: int, code: str, forms: list[tuple[Any, Any, TargetRowForm]]) -> None:
    from django.db import transaction

    with transaction.atomic():
        for child, current, form in forms:
            value = form.cleaned_data["value"]
            note = form.cleaned_data["note"]
            if value is None:
                if current is not None:
                    services.target_clear(by=user, unit=child, year=year, indicator=code)
                continue
            if current is not None and current.value == value and current.note == note:
                continue
            services.target_set(by=user, unit=child, year=year, indicator=code, value=value, note=note)


@role_page(Action.SET_TARGETS)
def targets_import(request: AuthedRequest) -> HttpResponse:
    user = request.user
    form = TargetImportForm(request.POST or None, request.FILES or None, initial={"year": _year(request)})
    problems: list[dict[str, Any]] = []
    if request.method == "POST" and form.is_valid():
        try:
            result = services.targets_import(by=user, year=form.cleaned_data["year"], file=form.cleaned_data["file"])
        except DomainError as exc:
            form.add_error(None, exc.message)
            problems = exc.details or []
        else:
            messages.success(
                request,
                _("Targets imported: %(created)s new, %(updated)s changed.")
                % {"created": result.created, "updated": result.updated},
            )
            return redirect(f"{reverse('assessment:targets')}?year={form.cleaned_data['year']}")
    return form_page(request, "assessment/targets_import.html", {"form": form, "problems": problems})


@role_page(Action.VIEW_ASSESSMENT)
def targets_template(request: AuthedRequest) -> HttpResponse:
    user = request.user
    unit, year, _picker = _unit_year(request)
    children = list(unit.children.filter(is_active=True).order_by("path"))
    existing = {(t.org_unit_id, t.indicator): t for t in selectors.target_list_for(user, year=year, unit=unit)}
    content = exporting.targets_template(
        header=exporting.header_for(_("Targets %(year)s") % {"year": year}, unit, str(year), user),
        units=children,
        indicators=registry.indicators(),
        existing=existing,
    )
    return exporting.download(content, f"targets-{unit.code or unit.pk}-{year}.xlsx")


# --- the scheme and the scorecards -------------------------------------------------------------------


@role_page(Action.VIEW_ASSESSMENT)
def scheme(request: AuthedRequest) -> HttpResponse:
    user = request.user
    unit, year, picker = _unit_year(request)
    current = selectors.scheme_for(user, unit, year)
    may_edit = visibility.may(user, Action.SET_TARGETS, unit)
    initial = (
        [
            {"indicator": line.indicator, "weight": line.weight, "rule": line.rule, "cap": line.cap}
            for line in current.lines.all()
        ]
        if current
        else []
    )
    data = request.POST if request.method == "POST" else None
    form = SchemeForm(
        data,
        initial={
            "title": current.title
            if current
            else _("%(year)s assessment of %(unit)s's units") % {"year": year, "unit": unit.name},
            "note": current.note if current else "",
        },
    )
    lines = SchemeLineFormSet(data, initial=initial, prefix="lines")
    if request.method == "POST":
        if not may_edit:
            return HttpResponse(status=403)
        if form.is_valid() and lines.is_valid():
            chosen = [
                services.LineInput(
                    f.cleaned_data["indicator"], f.cleaned_data["weight"], f.cleaned_data["rule"], f.cleaned_data["cap"]
                )
                for f in lines.forms
                if f.cleaned_data and not f.cleaned_data.get("DELETE") and f.cleaned_data.get("indicator")
            ]
            done = attempt(
                request,
                services.scheme_save,
                form=form,
                success=_("Assessment scheme saved."),
                by=user,
                unit=unit,
                year=year,
                title=form.cleaned_data["title"],
                note=form.cleaned_data["note"],
                lines=chosen,
            )
            if done.ok:
                return redirect(request.get_full_path())
    return form_page(
        request,
        "assessment/scheme.html",
        {
            "unit": unit,
            "year": year,
            "picker": picker,
            "scheme": current,
            "form": form,
            "lines": lines,
            "may_edit": may_edit,
            "opened": list(current.scorecards.select_related("org_unit")) if current else [],
            "children": list(unit.children.filter(is_active=True).order_by("path")),
        },
    )


@role_page(Action.SET_TARGETS, listing=False)
@require_POST
def scorecards_open(request: AuthedRequest) -> HttpResponse:
    user = request.user
    unit, year, _picker = _unit_year(request)
    current = selectors.scheme_for(user, unit, year)
    if current is None:
        messages.error(request, _("Save the assessment scheme first."))
    else:
        done = attempt(request, services.scorecards_open, by=user, scheme=current)
        if done.ok:
            messages.success(request, _("%(n)s scorecards opened.") % {"n": done.value})
    return redirect(f"{reverse('assessment:scheme')}?unit={unit.code or unit.pk}&year={year}")


@role_page(Action.VIEW_ASSESSMENT)
def scorecards(request: AuthedRequest) -> HttpResponse:
    user = request.user
    year = _year(request)
    ranking = selectors.scorecard_ranking_for(user, year)
    if _wants_excel(request):
        sheet = exporting.Sheet(
            _("Ranking"),
            [
                exporting.Column(_("Rank"), 8),
                exporting.Column(_("Union unit"), 28),
                exporting.Column(_("Assessed by"), 24),
                exporting.Column(_("State"), 16),
                exporting.Column(_("Score"), 10, "0.00"),
                exporting.Column(_("Full marks"), 10, "0.00"),
            ],
            notes=[_("Accepted scorecards show their frozen score; the others their score on the day produced.")],
        )
        for card in ranking:
            sheet.rows.append(
                [
                    card.rank,
                    card.scorecard.org_unit.name,
                    card.scorecard.scheme.org_unit.name,
                    card.scorecard.get_state_display(),
                    card.score,
                    card.full_marks,
                ]
            )
        content = exporting.workbook(
            exporting.header_for(
                _("Assessment ranking %(year)s") % {"year": year}, selectors.home_unit(user), str(year), user
            ),
            [sheet],
        )
        return exporting.download(content, f"scorecards-{year}.xlsx")
    return render(
        request,
        "assessment/scorecards.html",
        {
            "ranking": ranking,
            "year": year,
            "unit": selectors.home_unit(user),
            "period_label": str(year),
            "query": f"year={year}",
            "produced_at": timezone.localtime(),
        },
    )


def _scorecard_context(request: AuthedRequest, pk: Any, **forms: Any) -> dict[str, Any]:
    page = selectors.scorecard_page_for(request.user, pk)
    card = page.card.scorecard
    line_choices = [(f.line.pk, f.indicator.name if f.indicator else f.line.indicator) for f in page.card.lines]
    return {
        "page": page,
        "card": card,
        "scored": page.card,
        "write_form": forms.get("write_form") or SelfAssessmentForm(initial={"self_assessment": card.self_assessment}),
        "evidence_form": forms.get("evidence_form") or EvidenceForm(lines=line_choices),
        "finding_form": forms.get("finding_form") or FindingForm(),
        "return_form": forms.get("return_form") or ReturnForm(),
        "accept_form": forms.get("accept_form") or AcceptForm(),
        "produced_at": timezone.localtime(),
        "bound": any(f is not None and f.is_bound for f in forms.values()),
    }


@role_page(Action.VIEW_ASSESSMENT, listing=False)
def scorecard(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    if _wants_excel(request):
        page = selectors.scorecard_page_for(user, pk)
        card = page.card.scorecard
        sheet = exporting.Sheet(
            _("Scorecard"),
            [
                exporting.Column(_("Indicator"), 30),
                exporting.Column(_("Measure"), 8),
                exporting.Column(_("Weight"), 8, "0.00"),
                exporting.Column(_("Scoring rule"), 16),
                exporting.Column(_("Target"), 12, "#,##0.##"),
                exporting.Column(_("Actual"), 12, "#,##0.##"),
                exporting.Column(_("Achieved (%)"), 11, "0.00"),
                exporting.Column(_("Score"), 9, "0.00"),
                exporting.Column(_("Self-assessment note"), 40),
            ],
        )
        for f in page.card.lines:
            sheet.rows.append(
                [
                    f.indicator.name if f.indicator else f.line.indicator,
                    f.indicator.unit.label if f.indicator else "",
                    f.line.weight,
                    f.line.get_rule_display(),
                    f.target,
                    f.value,
                    f.achieved,
                    f.score,
                    f.line.note,
                ]
            )
        sheet.rows.append([_("Total"), "", page.card.full_marks, "", None, None, None, page.card.score, ""])
        sheet.notes = [f"{_('State')}: {card.get_state_display()}"]
        if card.decision_note:
            sheet.notes.append(f"{_('Decision')}: {card.decision_note}")
        sheet.notes += [f"{_('Finding')} {f.found_on:%Y-%m-%d}: {f.text}" for f in page.findings]
        content = exporting.workbook(
            exporting.header_for(_("Scorecard %(year)s") % {"year": card.year}, card.org_unit, str(card.year), user),
            [sheet],
        )
        return exporting.download(content, f"scorecard-{card.org_unit.code or card.org_unit_id}-{card.year}.xlsx")
    return render(request, "assessment/scorecard.html", _scorecard_context(request, pk))


def _scorecard_action(
    request: AuthedRequest, pk: int, form_name: str, form: Any, call: Any, success: str
) -> HttpResponse:
    if form.is_valid():
        done = attempt(request, call, form=form, success=success)
        if done.ok:
            return redirect("assessment:scorecard", pk=pk)
    return form_page(request, "assessment/scorecard.html", _scorecard_context(request, pk, **{form_name: form}))


@role_page(Action.VIEW_ASSESSMENT, listing=False)
@require_POST
def scorecard_write(request: AuthedRequest, pk: int) -> HttpResponse:
    card = selectors.scorecard_get_for(request.user, pk)
    form = SelfAssessmentForm(request.POST)
    notes = {key[5:]: str(request.POST.get(key, "")) for key in request.POST if key.startswith("note-")}
    submit = request.POST.get("submit") == "1"

    def call() -> Scorecard:
        saved = services.scorecard_write(
            by=request.user, scorecard=card, self_assessment=form.cleaned_data["self_assessment"], line_notes=notes
        )
        return services.scorecard_submit(by=request.user, scorecard=saved) if submit else saved

    return _scorecard_action(
        request,
        pk,
        "write_form",
        form,
        _atomic(call),
        _("Self-assessment submitted to the unit above.") if submit else _("Self-assessment saved."),
    )


def _atomic(call: Any) -> Any:
    from django.db import transaction

    def run() -> Any:
        with transaction.atomic():
            return call()

    return run


@role_page(Action.VIEW_ASSESSMENT, listing=False)
@require_POST
def evidence_add(request: AuthedRequest, pk: int) -> HttpResponse:
    card = selectors.scorecard_get_for(request.user, pk)
    lines = [(line.pk, line.indicator) for line in card.lines.all()]
    form = EvidenceForm(request.POST, request.FILES, lines=lines)

    def call() -> Any:
        return services.evidence_add(
            by=request.user,
            scorecard=card,
            file=form.cleaned_data["file"],
            line=selectors.scorecard_line_get(card, form.cleaned_data["line"]),
            description=form.cleaned_data["description"],
        )

    return _scorecard_action(request, pk, "evidence_form", form, call, _("File attached."))


@role_page(Action.VIEW_ASSESSMENT, listing=False)
@require_POST
def evidence_remove(request: AuthedRequest, pk: int) -> HttpResponse:
    evidence = selectors.evidence_get_for(request.user, pk)
    attempt(request, services.evidence_remove, success=_("File removed."), by=request.user, evidence=evidence)
    return redirect("assessment:scorecard", pk=evidence.scorecard_id)


@role_page(Action.VIEW_ASSESSMENT, listing=False)
def evidence_download(request: AuthedRequest, pk: int) -> HttpResponse:
    evidence = selectors.evidence_get_for(request.user, pk)
    # A streaming answer: role_page passes it on untouched.
    return FileResponse(  # type: ignore[return-value]
        evidence.file.open("rb"),
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )


@role_page(Action.INSPECT, listing=False)
@require_POST
def finding_add(request: AuthedRequest, pk: int) -> HttpResponse:
    card = selectors.scorecard_get_for(request.user, pk)
    form = FindingForm(request.POST)

    def call() -> Any:
        return services.finding_add(
            by=request.user, scorecard=card, found_on=form.cleaned_data["found_on"], text=form.cleaned_data["text"]
        )

    return _scorecard_action(request, pk, "finding_form", form, call, _("Finding recorded."))


@role_page(Action.INSPECT, listing=False)
@require_POST
def scorecard_return(request: AuthedRequest, pk: int) -> HttpResponse:
    card = selectors.scorecard_get_for(request.user, pk)
    form = ReturnForm(request.POST)

    def call() -> Any:
        return services.scorecard_return(by=request.user, scorecard=card, reason=form.cleaned_data["reason"])

    return _scorecard_action(request, pk, "return_form", form, call, _("Scorecard returned to the unit."))


@role_page(Action.INSPECT, listing=False)
@require_POST
def scorecard_accept(request: AuthedRequest, pk: int) -> HttpResponse:
    card = selectors.scorecard_get_for(request.user, pk)
    form = AcceptForm(request.POST)

    def call() -> Any:
        return services.scorecard_accept(by=request.user, scorecard=card, note=form.cleaned_data["note"])

    return _scorecard_action(request, pk, "accept_form", form, call, _("Scorecard accepted; its figures are frozen."))


# --- reports from the monthly snapshots ---------------------------------------------------------------


def _report_period(request: AuthedRequest) -> Period:
    default = last_closed_month()
    try:
        first = parse_month(request.GET.get("from") or f"{default.start.year}-01", field="from")
        last = parse_month(request.GET.get("to") or default.key, field="to")
    except InvalidInput as exc:
        messages.error(request, exc.message)
        return Period.months_between(dt.date(default.start.year, 1, 1), default.end)
    if last < first:
        first, last = last, first
    return Period.months_between(first.start, last.end)


@role_page(Action.VIEW_ASSESSMENT)
def report(request: AuthedRequest) -> HttpResponse:
    user = request.user
    unit = selectors.unit_pick_for(user, request.GET.get("unit"))
    period = _report_period(request)
    data = selectors.snapshot_report_for(user, unit, period)
    if _wants_excel(request):
        sheets = exporting.figures_sheets(
            unit=unit,
            indicators=data.indicators,
            children=data.units[1:],
            figure=lambda u, c: data.figure(u, c),
        )
        if data.missing:
            sheets[0].notes.append(
                _("No snapshot for: %(months)s.") % {"months": "、".join(m.key for m in data.missing)}
            )
        content = exporting.workbook(
            exporting.header_for(_("Report to the level above"), unit, period.label, user), sheets
        )
        return exporting.download(content, f"report-{unit.code or unit.pk}-{period.key.replace('..', '_')}.xlsx")
    groups = []
    for group in registry.Group:
        members = [i for i in data.indicators if i.group == group]
        if members:
            rows = [(u, [data.figure(u, i.code) for i in members]) for u in data.units]
            groups.append((group.label, members, rows))
    return render(
        request,
        "assessment/report.html",
        {
            "unit": unit,
            "period": period,
            "data": data,
            "groups": groups,
            "units": selectors.units_for(user),
            "first": period.start.strftime("%Y-%m"),
            "last": period.end.strftime("%Y-%m"),
            "produced_at": timezone.localtime(),
        },
    )


# --- work plans and tasks --------------------------------------------------------------------------


@role_page(Action.VIEW_ASSESSMENT)
def work_plans(request: AuthedRequest) -> HttpResponse:
    user = request.user
    year = _year(request)
    own = selectors.home_unit(user)
    plans = list(selectors.work_plan_list_for(user, year=year))
    mine = next((p for p in plans if own is not None and p.org_unit_id == own.pk), None)
    form = None
    if own is not None and visibility.may(user, Action.MANAGE_WORK_PLANS, own):
        data = request.POST if request.method == "POST" else None
        form = WorkPlanForm(
            data,
            initial={
                "title": mine.title if mine else _("%(year)s work plan") % {"year": year},
                "summary": mine.summary if mine else "",
            },
        )
        if request.method == "POST" and form.is_valid():
            done = attempt(
                request,
                services.work_plan_save,
                form=form,
                success=_("Work plan saved."),
                by=user,
                unit=own,
                year=year,
                title=form.cleaned_data["title"],
                summary=form.cleaned_data["summary"],
            )
            if done.ok:
                return redirect("assessment:work_plan", pk=done.value.pk)
    elif request.method == "POST":
        return HttpResponse(status=403)
    return form_page(
        request,
        "assessment/work_plans.html",
        {"plans": plans, "year": year, "form": form, "mine": mine, "today": timezone.localdate()},
    )


@role_page(Action.VIEW_ASSESSMENT, listing=False)
def work_plan(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    plan = selectors.work_plan_get_for(user, pk)
    may_manage = visibility.may(user, Action.MANAGE_WORK_PLANS, plan.org_unit)
    form = None
    if may_manage:
        data = request.POST if request.method == "POST" else None
        form = TaskForm(data, owners=selectors.task_owner_choices_for(plan))
        if request.method == "POST" and form.is_valid():
            done = attempt(
                request,
                services.task_add,
                form=form,
                success=_("Task added."),
                by=user,
                plan=plan,
                kind=form.cleaned_data["kind"],
                title=form.cleaned_data["title"],
                owner=form.cleaned_data["owner"],
                deadline=form.cleaned_data["deadline"],
            )
            if done.ok:
                return redirect("assessment:work_plan", pk=plan.pk)
    elif request.method == "POST":
        return HttpResponse(status=403)
    tasks = list(plan.tasks.all())
    return form_page(
        request,
        "assessment/work_plan.html",
        {
            "plan": plan,
            "tasks": tasks,
            "form": form,
            "may_manage": may_manage,
            "today": timezone.localdate(),
            "progress_forms": {
                t.pk: TaskProgressForm(
                    initial={"status": t.status, "progress": t.progress, "progress_note": t.progress_note},
                    auto_id=f"t{t.pk}-%s",
                )
                for t in tasks
            },
        },
    )


@role_page(listing=False)
@require_POST
def task_progress(request: AuthedRequest, pk: int) -> HttpResponse:
    task = selectors.task_get_for(request.user, pk)
    form = TaskProgressForm(request.POST)
    if form.is_valid():
        attempt(
            request,
            services.task_update,
            success=_("Task updated."),
            by=request.user,
            task=task,
            status=form.cleaned_data["status"],
            progress=form.cleaned_data["progress"],
            progress_note=form.cleaned_data["progress_note"],
        )
    else:
        messages.error(request, _("Progress is a whole percent from 0 to 100."))
    back = request.POST.get("next") or ""
    if back == "mine":
        return redirect("assessment:my_tasks")
    return redirect("assessment:work_plan", pk=task.plan_id)


@role_page()
def my_tasks(request: AuthedRequest) -> HttpResponse:
    tasks = list(selectors.my_tasks(request.user))
    today = timezone.localdate()
    return render(
        request,
        "assessment/my_tasks.html",
        {
            "tasks": tasks,
            "today": today,
            "overdue": [t for t in tasks if t.is_overdue_on(today)],
            "progress_forms": {
                t.pk: TaskProgressForm(
                    initial={"status": t.status, "progress": t.progress, "progress_note": t.progress_note},
                    auto_id=f"t{t.pk}-%s",
                )
                for t in tasks
            },
        },
    )


# --- the yearly household review -------------------------------------------------------------------


@role_page(Action.REVIEW_HOUSEHOLDS, Action.VIEW_ASSESSMENT)
def reviews(request: AuthedRequest) -> HttpResponse:
    user = request.user
    unit, year, picker = _unit_year(request)
    status = request.GET.get("status", "todo")
    if status not in ("todo", "done", "all"):
        status = "todo"
    households = selectors.review_worklist_for(user, year=year, unit=unit, status="" if status == "all" else status)
    page = Paginator(households, REVIEW_PAGE_SIZE).get_page(request.GET.get("page"))
    table = selectors.review_units(user, unit, year)
    units = [(u, table.figure(u, "reviews_done")) for u in [unit, *table.children(unit)]]
    return render(
        request,
        "assessment/reviews.html",
        {
            "page": page,
            "unit": unit,
            "year": year,
            "status": status,
            "picker": picker,
            "units": units,
            "may_review": visibility.may(user, Action.REVIEW_HOUSEHOLDS),
            "this_year": timezone.localdate().year,
        },
    )


@role_page(Action.REVIEW_HOUSEHOLDS, listing=False)
def review(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    household = selectors.household_for_review(user, pk)
    year = timezone.localdate().year
    existing = household.reviews.filter(year=year).first()
    data = request.POST if request.method == "POST" else None
    initial = {}
    if existing:
        initial = {
            "outcome": existing.outcome,
            "note": existing.note,
            "causes_checked": existing.causes_checked,
            "income_checked": existing.income_checked,
            "plan_checked": existing.plan_checked,
        }
    form = ReviewForm(data, initial=initial)
    if request.method == "POST" and form.is_valid():
        done = attempt(
            request,
            services.review_record,
            form=form,
            success=_("Review recorded."),
            by=user,
            household=household,
            **form.cleaned_data,
        )
        if done.ok:
            return redirect(f"{reverse('assessment:reviews')}?unit={household.org_unit.code or household.org_unit_id}")
    return form_page(
        request,
        "assessment/review.html",
        {"household": household, "form": form, "existing": existing, "year": year},
    )
