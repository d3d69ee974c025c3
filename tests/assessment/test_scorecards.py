"""The yearly assessment (目标考核): a scheme with weights and scoring rules, the unit's self-assessment
with evidence, inspection findings, acceptance or return by the level above, and frozen figures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from assessment import scoring, selectors, services
from assessment.models import Evidence, Finding, Scorecard, ScorecardLine, ScoringRule
from assessment.periods import Period
from core.errors import Conflict, Forbidden, InvalidInput, NotFound
from tests.assessment.conftest import exited, households, open_card, scheme_for, submitted
from tests.conftest import People, Tree

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year
LAST = YEAR - 1
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


def test_scoring_rules_linear_to_a_cap_and_pass_fail() -> None:
    assert scoring.achieved(Decimal(45), Decimal(30)) == Decimal("150.00")
    assert scoring.score(ScoringRule.LINEAR, Decimal(20), Decimal("150.00"), Decimal(120)) == Decimal("24.00")
    assert scoring.score(ScoringRule.LINEAR, Decimal(20), Decimal("50.00")) == Decimal("10.00")
    assert scoring.score(ScoringRule.PASS_FAIL, Decimal(10), Decimal("99.99")) == Decimal("0.00")
    assert scoring.score(ScoringRule.PASS_FAIL, Decimal(10), Decimal("100.00")) == Decimal("10.00")
    # A ceiling (lower is better): at or under the target is full achievement.
    assert scoring.achieved(Decimal(3), Decimal(5), lower_is_better=True) == Decimal(100)
    assert scoring.achieved(Decimal(10), Decimal(5), lower_is_better=True) == Decimal("50.00")
    assert scoring.score(ScoringRule.LINEAR, Decimal(10), None) == Decimal("0.00")  # no target: no score


@pytest.mark.parametrize(
    ("lines", "field"),
    [
        ([], "lines"),
        ([("no_such", 10, ScoringRule.LINEAR, 100)], "lines[0].indicator"),
        ([("placements", 0, ScoringRule.LINEAR, 100)], "lines[0].weight"),
        ([("placements", 10, "average", 100)], "lines[0].rule"),
        ([("placements", 10, ScoringRule.LINEAR, 500)], "lines[0].cap"),
        (
            [("placements", 10, ScoringRule.LINEAR, 100), ("placements", 5, ScoringRule.LINEAR, 100)],
            "lines[1].indicator",
        ),
    ],
)
def test_a_bad_scheme_is_refused(coded: Tree, people: People, lines: list[Any], field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        services.scheme_save(
            by=people.alice,
            year=YEAR,
            title="考核",
            lines=[services.LineInput(*line) for line in lines],
        )
    assert refused.value.field == field
    assert not Scorecard.objects.exists()


def test_opening_gives_every_unit_below_a_scorecard_with_the_schemes_lines(coded: Tree, people: People) -> None:
    scheme = scheme_for(people.alice, coded.county, YEAR)
    assert services.scorecards_open(by=people.alice, scheme=scheme) == 2
    assert services.scorecards_open(by=people.alice, scheme=scheme) == 0
    card = Scorecard.objects.get(org_unit=coded.town_a, year=YEAR)
    assert [(line.indicator, line.weight) for line in card.lines.all()] == [
        ("households_exited", 60),
        ("placements", 40),
    ]
    # Changing the scheme changes the lines of scorecards still with their unit; notes are kept.
    services.scorecard_write(
        by=people.olga, scorecard=card, self_assessment="", line_notes={"placements": "招聘会安置"}
    )
    scheme_for(people.alice, coded.county, YEAR, [("placements", 50, ScoringRule.LINEAR, 120)])
    assert [(line.indicator, line.weight, line.note) for line in card.lines.all()] == [("placements", 50, "招聘会安置")]


def test_a_unit_writes_and_submits_its_own_self_assessment(coded: Tree, people: People) -> None:
    card = open_card(people, coded)
    with pytest.raises(InvalidInput):
        services.scorecard_submit(by=people.olga, scorecard=card)  # nothing written yet
    with pytest.raises(Forbidden):
        services.scorecard_write(by=people.alice, scorecard=card, self_assessment="替下级写")  # the level above
    with pytest.raises(NotFound):
        services.scorecard_write(by=people.bob, scorecard=card, self_assessment="兄弟单位")
    services.scorecard_write(by=people.olga, scorecard=card, self_assessment="全年工作总结")
    card = services.scorecard_submit(by=people.olga, scorecard=card)
    assert card.state == Scorecard.State.SUBMITTED and card.submitted_by == people.olga
    with pytest.raises(Conflict):
        services.scorecard_write(by=people.olga, scorecard=card, self_assessment="改一下")
    card.refresh_from_db()
    assert card.self_assessment == "全年工作总结"


@pytest.mark.parametrize(
    ("who", "error"), [("olga", Forbidden), ("bob", NotFound), ("hana", Forbidden), ("aude", Forbidden)]
)
def test_a_scorecard_accepted_by_its_own_unit_or_a_sibling_is_refused_and_nothing_changes(
    coded: Tree, people: People, who: str, error: type[Exception]
) -> None:
    card = submitted(people, coded)
    with pytest.raises(error) as refused:
        services.scorecard_accept(by=getattr(people, who), scorecard=card)
    if error is Forbidden and who == "olga":
        assert "never by the unit itself" in refused.value.message  # type: ignore[attr-defined]
    card.refresh_from_db()
    assert card.state == Scorecard.State.SUBMITTED and card.frozen_at is None
    assert not ScorecardLine.objects.filter(score__isnull=False).exists()


def test_returning_needs_a_reason_and_sends_the_scorecard_back_to_the_unit(coded: Tree, people: People) -> None:
    card = submitted(people, coded)
    with pytest.raises(InvalidInput):
        services.scorecard_return(by=people.alice, scorecard=card, reason="  ")
    card = services.scorecard_return(by=people.alice, scorecard=card, reason="请补充走访记录")
    assert (card.state, card.decision_note) == (Scorecard.State.RETURNED, "请补充走访记录")
    services.scorecard_write(by=people.olga, scorecard=card, self_assessment="已补充")
    assert services.scorecard_submit(by=people.olga, scorecard=card).state == Scorecard.State.SUBMITTED


def test_findings_are_dated_and_recorded_by_the_level_above(coded: Tree, people: People) -> None:
    card = submitted(people, coded)
    with pytest.raises(Forbidden):
        services.finding_add(by=people.olga, scorecard=card, found_on=timezone.localdate(), text="自查")
    with pytest.raises(InvalidInput):
        services.finding_add(
            by=people.alice, scorecard=card, found_on=timezone.localdate() + dt.timedelta(days=1), text="未来"
        )
    with pytest.raises(InvalidInput):
        services.finding_add(by=people.alice, scorecard=card, found_on=timezone.localdate(), text="")
    services.finding_add(by=people.alice, scorecard=card, found_on=timezone.localdate(), text="档案齐全")
    assert list(Finding.objects.values_list("text", flat=True)) == ["档案齐全"]


def test_accepting_freezes_the_figures_and_later_data_never_changes_them(coded: Tree, people: People) -> None:
    exited(coded.station_a, dt.date(LAST, 5, 1), 3)
    services.target_set(by=people.alice, unit=coded.town_a, year=LAST, indicator="households_exited", value=4)
    services.target_set(by=people.alice, unit=coded.town_a, year=LAST, indicator="placements", value=0)
    card = submitted(people, coded, LAST)
    card = services.scorecard_accept(by=people.alice, scorecard=card, note="同意")
    exits = card.lines.get(indicator="households_exited")
    assert (exits.target, exits.value, exits.achieved, exits.score) == (
        Decimal("4.00"),
        Decimal("3.00"),
        Decimal("75.00"),
        Decimal("45.00"),
    )
    assert card.total_score == Decimal("85.00") and card.frozen_at is not None  # 45 + 40 (0 of 0 placements: met)
    # New records of that year, a changed target: the accepted scorecard reads as it was.
    exited(coded.station_a, dt.date(LAST, 9, 1), 5)
    page = selectors.scorecard_page_for(people.alice, card.pk)
    assert page.card.score == Decimal("85.00")
    assert [f.value for f in page.card.lines if f.line.indicator == "households_exited"] == [Decimal("3.00")]
    ranking = selectors.scorecard_ranking_for(people.alice, LAST)
    assert next((c.scorecard.org_unit, c.score) for c in ranking) == (coded.town_a, Decimal("85.00"))


def test_editing_a_frozen_scorecard_is_refused_in_every_way(coded: Tree, people: People) -> None:
    card = services.scorecard_accept(by=people.alice, scorecard=submitted(people, coded))
    attempts = [
        lambda: services.scorecard_write(by=people.olga, scorecard=card, self_assessment="改"),
        lambda: services.scorecard_submit(by=people.olga, scorecard=card),
        lambda: services.evidence_add(by=people.olga, scorecard=card, file=SimpleUploadedFile("a.pdf", PDF)),
        lambda: services.finding_add(by=people.alice, scorecard=card, found_on=timezone.localdate(), text="再查"),
        lambda: services.scorecard_return(by=people.alice, scorecard=card, reason="重来"),
        lambda: services.scorecard_accept(by=people.alice, scorecard=card),
        lambda: services.target_set(by=people.alice, unit=coded.town_a, year=YEAR, indicator="placements", value=3),
    ]
    for attempt in attempts:
        with pytest.raises(Conflict, match="accepted"):
            attempt()
    card.refresh_from_db()
    assert card.self_assessment == "完成情况良好" and card.state == Scorecard.State.ACCEPTED
    assert not Evidence.objects.exists() and not Finding.objects.exists()


# --- evidence -----------------------------------------------------------------------------------------


def test_evidence_is_attached_and_stored_under_our_own_name(coded: Tree, people: People, tmp_path: Path) -> None:
    card = open_card(people, coded)
    line = card.lines.get(indicator="placements")
    evidence = services.evidence_add(
        by=people.olga, scorecard=card, file=SimpleUploadedFile("../../总结.pdf", PDF), line=line, description="总结"
    )
    assert evidence.original_name == "总结.pdf" and evidence.content_type == "application/pdf"
    assert evidence.file.name.startswith(f"assessment/evidence/{card.pk}/") and ".." not in evidence.file.name
    assert (tmp_path / evidence.file.name).read_bytes() == PDF


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("report.exe", b"MZ\x90\x00" + b"\x00" * 100, "must be a"),
        ("report.pdf", b"MZ\x90\x00" + b"\x00" * 100, "not what its name says"),  # renamed
        ("photo.png", b"<html><script>alert(1)</script></html>", "not what its name says"),
        ("empty.pdf", b"", "empty"),
        ("big.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024), "at most 10 MB"),
    ],
)
def test_evidence_of_the_wrong_type_or_size_is_refused_and_nothing_is_stored(
    coded: Tree, people: People, tmp_path: Path, name: str, content: bytes, reason: str
) -> None:
    card = open_card(people, coded)
    with pytest.raises(InvalidInput, match=reason):
        services.evidence_add(by=people.olga, scorecard=card, file=SimpleUploadedFile(name, content))
    assert not Evidence.objects.exists()
    assert not list(tmp_path.rglob("*.*"))


def test_only_the_unit_itself_attaches_evidence(coded: Tree, people: People) -> None:
    card = open_card(people, coded)
    with pytest.raises(Forbidden):
        services.evidence_add(by=people.alice, scorecard=card, file=SimpleUploadedFile("a.pdf", PDF))
    with pytest.raises(NotFound):
        services.evidence_add(by=people.bob, scorecard=card, file=SimpleUploadedFile("a.pdf", PDF))
    assert not Evidence.objects.exists()


# --- ranking ------------------------------------------------------------------------------------------


def test_the_county_sees_every_scorecard_ranked_and_a_town_only_its_own_reach(coded: Tree, people: People) -> None:
    exited(coded.town_b, dt.date(YEAR, 1, 2) if timezone.localdate() > dt.date(YEAR, 1, 2) else timezone.localdate(), 2)
    households(coded.town_a, 1)
    for unit, value in ((coded.town_a, 2), (coded.town_b, 2)):
        services.target_set(by=people.alice, unit=unit, year=YEAR, indicator="households_exited", value=value)
    open_card(people, coded)
    ranking = selectors.scorecard_ranking_for(people.alice, YEAR)
    assert [(c.rank, c.scorecard.org_unit) for c in ranking] == [(1, coded.town_b), (2, coded.town_a)]
    assert ranking[0].score > ranking[1].score
    assert [c.scorecard.org_unit for c in selectors.scorecard_ranking_for(people.olga, YEAR)] == [coded.town_a]
    assert selectors.scorecard_ranking_for(people.wang, YEAR) == []
    assert Period.year(YEAR).is_year
