"""Demo data for the assessment (called by ``web.demo.seed`` after the other apps).

Everything goes through ``assessment.services`` with the people who would do it, and every figure is
computed from the demo's own (back-dated) records, never typed in:

* the monthly snapshots of the last 24 ended months, rebuilt from the records' dates;
* last year's assessment, complete: the county's scheme, every unit's self-assessment, inspection
  findings, and every scorecard accepted (frozen);
* this year's targets: the city federation's for the county (entered by the administrator), the
  county's breakdown to the units below it (planned from each unit's own figures, a little higher;
  they add up to slightly less than the county's, so the targets page shows its warning), 乌兰镇's
  breakdown to its two stations (adding up exactly);
* this year's scorecards: 棋盘井镇 submitted and waiting for acceptance, 蒙西镇 returned with a
  reason, 乌兰镇 in progress, the others opened;
* work plans with tasks (some done, some overdue), and part of this year's household review.

Idempotent: creates nothing when this year's county scheme exists.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.models import OrgUnit, Role, User
from assessment import engine, registry, services
from assessment.models import HouseholdReview, Scheme, ScoringRule, WorkTask
from assessment.periods import Period, last_closed_month
from households import services as household_services
from households.models import Household

COUNTY = "ETK"
SNAPSHOT_MONTHS = 24


@dataclass
class SeedResult:
    created: int = 0


@dataclass(frozen=True)
class _Line:
    indicator: str
    weight: int
    rule: str = ScoringRule.LINEAR
    cap: int = 100


SCHEME = [
    _Line("households_exited", 20, cap=120),
    _Line("placements", 15, cap=120),
    _Line("one_skill_coverage", 15),
    _Line("households_without_helper", 10, ScoringRule.PASS_FAIL),
    _Line("visits_overdue", 10),
    _Line("graduate_fairs_held", 10, ScoringRule.PASS_FAIL),
    _Line("ventures_funded", 10),
    _Line("reviews_done", 10),
]
GROWTH = Decimal("1.10")  # a unit's target: last year's actual, a tenth higher


def seed_assessment(*, verbose: Callable[[str], None] = print) -> SeedResult:
    units = {u.code: u for u in OrgUnit.objects.filter(code__startswith=COUNTY) if u.code}
    county = units.get(COUNTY)
    if county is None:
        return SeedResult()
    year = timezone.localdate().year
    if Scheme.objects.filter(org_unit=county, year=year).exists():
        return SeedResult()
    people = _people(units)
    if "admin" not in people or COUNTY not in people:
        return SeedResult()
    rng = random.Random(2026)
    created = 0
    with transaction.atomic():
        created += _returns(units, people)
    for month in _months():
        created += services.snapshot_month(period=month)
    verbose(f"Took the month-end snapshots of the last {SNAPSHOT_MONTHS} months.")
    with transaction.atomic():
        created += _last_year(county, units, people, year - 1)
        created += _this_year(county, units, people, year)
        created += _work_plans(units, people, year, rng)
        created += _reviews(units, year, rng)
    verbose("Created targets, assessment schemes, scorecards, work plans and household reviews.")
    return SeedResult(created=created)


def _people(units: dict[str, OrgUnit]) -> dict[str, User]:
    """The administrator, and the first organizer of each unit (by unit code)."""
    people: dict[str, User] = {}
    admin = User.objects.filter(role=Role.ADMIN, username="admin").first()
    if admin is not None:
        people["admin"] = admin
    for user in (
        User.objects.filter(role=Role.ORGANIZER, org_unit__in=units.values()).select_related("org_unit").order_by("pk")
    ):
        if user.org_unit and user.org_unit.code:
            people.setdefault(user.org_unit.code, user)
    for user in (
        User.objects.filter(role=Role.HELPER, org_unit__in=units.values()).select_related("org_unit").order_by("pk")
    ):
        if user.org_unit and user.org_unit.code:
            people.setdefault(f"helper:{user.org_unit.code}", user)
    return people


def _months() -> list[Period]:
    last = last_closed_month()
    first = last.start
    for _step in range(SNAPSHOT_MONTHS - 1):
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return Period.months_between(first, last.end).months()


def _returns(units: dict[str, OrgUnit], people: dict[str, User]) -> int:
    """返困: a few households that had exited fall back into hardship (the service records it today)."""
    organizer = people[COUNTY]
    returned = 0
    exited = (
        Household.objects.filter(
            org_unit__code__startswith=COUNTY, state=Household.State.EXITED, pairings__ended_on__isnull=True
        )
        .distinct()
        .order_by("pk")[:4]
    )
    for household in exited:
        household_services.household_reenter(
            household=household, by=organizer, reason="家庭成员突发重病，医疗支出骤增，收入低于低保线"
        )
        returned += 1
    return returned


def _targets_from(
    before: engine.Table, during: engine.Table, share: float, unit: OrgUnit, indicator: registry.Indicator
) -> Decimal:
    """A unit's target, planned from its own figures: for a count, the more of last year's actual and
    this year's pace (its actual so far over the share of the year gone), a tenth higher; for a
    ratio, ten points above where it stands; the ceilings and the yearly rules their own way."""
    if indicator.code == "households_without_helper":
        return Decimal(0)
    if indicator.code == "visits_overdue":
        active = during.figure(unit, "households_active").numerator
        return Decimal(math.ceil(active * 0.05))
    if indicator.code == "graduate_fairs_held":
        return Decimal(1 if unit.kind == OrgUnit.Kind.GRASSROOTS_UNION else 0)
    if indicator.code == "reviews_done":
        return Decimal(100)
    if indicator.is_ratio:
        value = during.figure(unit, indicator.code).value
        value = value if value is not None else before.figure(unit, indicator.code).value
        return min(Decimal(100), ((value if value is not None else Decimal(50)) + 10).quantize(Decimal("1")))
    pace = Decimal(during.figure(unit, indicator.code).numerator) / Decimal(str(share))
    base = max(Decimal(before.figure(unit, indicator.code).numerator), pace)
    return Decimal(math.ceil(base * GROWTH))


def _set_targets(county: OrgUnit, units: dict[str, OrgUnit], people: dict[str, User], year: int) -> int:
    indicators = [i for i in (registry.get(line.indicator) for line in SCHEME) if i is not None]
    needed = {i.code for i in indicators} | {"households_active"}
    chosen = [i for i in registry.indicators() if i.code in needed]
    before = engine.evaluate(chosen, Period.year(year - 1), tops=[county])
    period = Period.year(year)
    during = engine.evaluate(chosen, period, tops=[county])
    share = max((period.as_of - period.start).days + 1, 30) / ((period.end - period.start).days + 1)
    children = list(county.children.order_by("path"))
    count = 0
    for indicator in indicators:
        values = {child.pk: _targets_from(before, during, share, child, indicator) for child in children}
        for child in children:
            services.target_set(
                by=people[COUNTY],
                unit=child,
                year=year,
                indicator=indicator.code,
                value=values[child.pk],
                note="按上年实绩和本年进度上浮10%下达",
            )
            count += 1
        if indicator.adds_up:
            # The city's target for the county is a little above what the county handed down: the
            # rest falls to the county's own households, and the targets page says so.
            parent = (sum(values.values(), Decimal(0)) * Decimal("1.05")).to_integral_value(rounding="ROUND_CEILING")
        else:
            parent = _targets_from(before, during, share, county, indicator)
        services.target_set(
            by=people["admin"], unit=county, year=year, indicator=indicator.code, value=parent, note="市总工会下达"
        )
        count += 1
    return count


def _open_scheme(unit: OrgUnit, by: User, year: int, title: str) -> Scheme:
    scheme = services.scheme_save(
        by=by,
        unit=unit,
        year=year,
        title=title,
        note="按《困难职工解困脱困工作目标考核办法》，对目标任务、工作措施、项目实施、资金管理等落实情况进行检查验收。",
        lines=[services.LineInput(line.indicator, line.weight, line.rule, line.cap) for line in SCHEME],
    )
    services.scorecards_open(by=by, scheme=scheme)
    return scheme


def _write(card: object, by: User, text: str) -> None:
    services.scorecard_write(by=by, scorecard=card, self_assessment=text)  # type: ignore[arg-type]


def _last_year(county: OrgUnit, units: dict[str, OrgUnit], people: dict[str, User], year: int) -> int:
    """Last year's assessment, complete: every unit submitted, was inspected and accepted."""
    count = _set_targets(county, units, people, year)
    scheme = _open_scheme(county, people[COUNTY], year, f"{year}年度困难职工解困脱困目标考核")
    inspector = people[COUNTY]
    for card in scheme.scorecards.select_related("org_unit").order_by("org_unit__path"):
        author = people.get(card.org_unit.code or "") or people["admin"]
        _write(card, author, f"{year}年度本单位按计划推进解困脱困工作，主要目标任务基本完成，详见各项指标说明。")
        if card.org_unit.code == "ETK-QP":
            services.evidence_add(
                by=author,
                scorecard=card,
                file=_pdf("2025年度帮扶工作总结.pdf", f"{card.org_unit.name} {year}"),
                description="年度工作总结（盖章扫描件）",
            )
        services.scorecard_submit(by=author, scorecard=card)
        services.finding_add(
            by=inspector,
            scorecard=card,
            found_on=min(dt.date(year + 1, 1, 10), timezone.localdate()),
            text="入户抽查档案5户，帮扶措施落实，资料齐全。",
        )
        services.scorecard_accept(by=inspector, scorecard=card, note="经检查验收，同意通过。")
        count += 1
    return count


def _this_year(county: OrgUnit, units: dict[str, OrgUnit], people: dict[str, User], year: int) -> int:
    count = _set_targets(county, units, people, year)
    scheme = _open_scheme(county, people[COUNTY], year, f"{year}年度困难职工解困脱困目标考核")
    cards = {c.org_unit.code: c for c in scheme.scorecards.select_related("org_unit")}
    # 棋盘井镇: submitted, waiting for the county's acceptance.
    if "ETK-QP" in cards and "ETK-QP" in people:
        _write(cards["ETK-QP"], people["ETK-QP"], "上半年脱困、就业安置目标已完成过半；一技之长培训正在推进。")
        services.scorecard_submit(by=people["ETK-QP"], scorecard=cards["ETK-QP"])
        count += 1
    # 蒙西镇: submitted, inspected, returned with the reason.
    if "ETK-MX" in cards and "ETK-MX" in people:
        card = cards["ETK-MX"]
        _write(card, people["ETK-MX"], "各项工作按计划推进。")
        services.evidence_add(
            by=people["ETK-MX"],
            scorecard=card,
            file=_pdf("走访记录汇总.pdf", "蒙西镇走访记录"),
            description="走访记录汇总",
        )
        services.scorecard_submit(by=people["ETK-MX"], scorecard=card)
        services.finding_add(
            by=people[COUNTY],
            scorecard=card,
            found_on=timezone.localdate() - dt.timedelta(days=3),
            text="抽查5户，2户走访记录不完整；毕业生专场招聘会尚未举办。",
        )
        services.scorecard_return(
            by=people[COUNTY],
            scorecard=card,
            reason="自评过于简单：请逐项说明目标完成情况，补充走访记录，并说明毕业生专场招聘会的安排。",
        )
        count += 1
    # 乌兰镇: in progress, and it breaks its own targets down to its two stations.
    if "ETK-WL" in cards and "ETK-WL" in people:
        _write(cards["ETK-WL"], people["ETK-WL"], "（草稿）正在汇总各帮扶站数据。")
        count += _break_down(units["ETK-WL"], people["ETK-WL"], year)
        _open_scheme(units["ETK-WL"], people["ETK-WL"], year, f"{year}年度乌兰镇帮扶站目标考核")
    return count


def _break_down(town: OrgUnit, by: User, year: int) -> int:
    """The town's targets split over its stations by their households in the archive (the parts add
    up to the town's target exactly: largest remainders)."""
    stations = list(town.children.order_by("path"))
    if not stations:
        return 0
    active = engine.evaluate([registry.get("households_active")], Period.year(year), tops=[town])  # type: ignore[list-item]
    weights = {s.pk: max(active.figure(s, "households_active").numerator, 1) for s in stations}
    total_weight = sum(weights.values())
    count = 0
    for target in town.assessment_targets.filter(year=year):
        indicator = registry.get(target.indicator)
        if indicator is None:
            continue
        if not indicator.adds_up:
            shares = {s.pk: target.value for s in stations}
        else:
            whole = int(target.value)
            raw = {pk: Decimal(whole) * w / total_weight for pk, w in weights.items()}
            shares = {pk: Decimal(int(v)) for pk, v in raw.items()}
            left = whole - int(sum(shares.values()))
            for pk in sorted(raw, key=lambda k: raw[k] - int(raw[k]), reverse=True)[:left]:
                shares[pk] += 1
        for station in stations:
            services.target_set(
                by=by,
                unit=station,
                year=year,
                indicator=target.indicator,
                value=shares[station.pk],
                note="按在档户数分解",
            )
            count += 1
    return count


def _work_plans(units: dict[str, OrgUnit], people: dict[str, User], year: int, rng: random.Random) -> int:
    today = timezone.localdate()
    count = 0
    plans = [
        (
            COUNTY,
            f"{year}年度旗总工会困难职工解困脱困工作计划",
            "重点：精准识别动态管理、一帮一结对全覆盖、阳光就业和技能培训、创业援助、帮扶资金规范使用。",
            [
                (WorkTask.Kind.MEASURE, "开展困难职工档案年度复核", COUNTY, -20, WorkTask.Status.IN_PROGRESS, 60),
                (WorkTask.Kind.PROJECT, "春风行动暨高校毕业生专场招聘会", "ETK-QP", -40, WorkTask.Status.DONE, 100),
                (WorkTask.Kind.SPECIAL, "金秋助学专项计划", COUNTY, 120, WorkTask.Status.PLANNED, 0),
                (WorkTask.Kind.MEASURE, "帮扶资金使用情况专项检查", COUNTY, -5, WorkTask.Status.PLANNED, 0),
                (WorkTask.Kind.PROJECT, "一技之长培训进社区", "ETK-WL", 60, WorkTask.Status.IN_PROGRESS, 35),
            ],
        ),
        (
            "ETK-WL",
            f"{year}年度乌兰镇总工会帮扶工作计划",
            "各帮扶站落实走访、复核和就业服务。",
            [
                (WorkTask.Kind.MEASURE, "逾期未走访家庭清零", "helper:ETK-WL-1", -10, WorkTask.Status.IN_PROGRESS, 70),
                (WorkTask.Kind.MEASURE, "毕业生家庭职业指导全覆盖", "helper:ETK-WL-2", 45, WorkTask.Status.PLANNED, 0),
            ],
        ),
    ]
    for code, title, summary, tasks in plans:
        if code not in people or code not in units:
            continue
        plan = services.work_plan_save(by=people[code], unit=units[code], year=year, title=title, summary=summary)
        for kind, task_title, owner_key, days, status, progress in tasks:
            owner = people.get(owner_key)
            if owner is None:
                continue
            deadline = today + dt.timedelta(days=days)
            deadline = deadline if deadline.year == year else dt.date(year, 12, 31 if days > 0 else 1)
            task = services.task_add(
                by=people[code], plan=plan, kind=kind, title=task_title, owner=owner, deadline=deadline
            )
            if status != WorkTask.Status.PLANNED or progress:
                services.task_update(by=people[code], task=task, status=status, progress=progress, progress_note="")
            count += 1
    return count


def _reviews(units: dict[str, OrgUnit], year: int, rng: random.Random) -> int:
    """Part of this year's review: each station's helper has reviewed some of its households."""
    helpers: dict[int, User] = {}
    for helper in User.objects.filter(role=Role.HELPER, org_unit__code__startswith=COUNTY).order_by("pk"):
        if helper.org_unit_id is not None:
            helpers.setdefault(helper.org_unit_id, helper)
    if HouseholdReview.objects.filter(year=year).exists():
        return 0
    count = 0
    today = timezone.localdate()
    start = dt.date(year, 1, 1)
    for household in (
        Household.objects.filter(org_unit__code__startswith=COUNTY, state=Household.State.ACTIVE)
        .select_related("org_unit")
        .order_by("pk")
    ):
        reviewer = helpers.get(household.org_unit_id)
        share = 0.6 if household.org_unit.code == "ETK-WL-1" else 0.3
        if reviewer is None or rng.random() >= share:
            continue
        outcome = rng.choices(list(HouseholdReview.Outcome.values), [80, 12, 6, 2])[0]
        services.review_record(
            by=reviewer,
            household=household,
            outcome=outcome,
            causes_checked=True,
            income_checked=True,
            plan_checked=True,
            note="" if outcome == HouseholdReview.Outcome.CONTINUE else "收入和家庭情况有变化，已更新档案。",
            reviewed_on=start + dt.timedelta(days=rng.randrange(max(1, (today - start).days + 1))),
        )
        count += 1
    return count


def _pdf(name: str, text: str) -> SimpleUploadedFile:
    """A small, valid one-page PDF (the demo's stand-in for a scanned report)."""
    content = f"BT /F1 14 Tf 72 720 Td ({text.encode('ascii', 'replace').decode()}) Tj ET".encode()
    stream = zlib.compress(content)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return SimpleUploadedFile(name, bytes(out), content_type="application/pdf")
