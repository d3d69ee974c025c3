"""Demo data for the relief tracks (called by web/demo.py after funds, ventures and training).

鄂托克旗's 低保 line, this year's relief budgets of the county's union fund, and every track at work
in 乌兰镇 and 棋盘井镇: a winter 送温暖 campaign ranked, listed, reviewed, paid (cash and goods) and
signed off; a school year of 金秋助学 awards (paid, waiting at each step, one refused); medical
claims from bills with the members' cover; referrals to the civil-affairs office (granted, refused,
waiting) and temporary relief paid by the union; care aid to women workers from the care budget
(applied, approved, paid, refused). Everything goes through the services, and so
every yuan through ``funds.services``: the demo is a test of the rules too.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from core.errors import DomainError
from funds import services as funds_services
from funds.models import Budget, FundSource, Purpose
from households import services as household_services
from households.models import HardshipCause, Household, Member, Pairing, PlanGoal, ReliefPlan
from relief import services
from relief.assistance.models import Referral
from relief.assistance.services import referral_record_outcome
from relief.care.demo import seed_care
from relief.insurance.demo import seed_insurance
from relief.medical.models import Cover, DiseaseGroup
from relief.medical.services import cover_update
from relief.migrant.demo import seed_migrant
from relief.models import Application, DibaoLine
from relief.registry import Item
from relief.restructuring.demo import seed_restructuring
from relief.warmth import selectors as warmth_selectors
from relief.warmth import services as warmth_services
from relief.warmth.models import Campaign, Delivery

COUNTY_FUND = "旗总工会帮扶专项资金"
LINE_YUAN = 880  # 鄂托克旗 urban 低保 line, yuan a head a month
# purpose, unit, amount (yuan): this year's relief budgets of the county's union fund
BUDGETS = [
    ("warmth", "ETK", 60_000),
    ("student_aid", "ETK", 80_000),
    ("medical", "ETK", 100_000),
    ("assistance", "ETK", 50_000),
    ("care", "ETK", 30_000),
]
# Care aid for women workers: reason, the situation, yuan, and where the demo leaves it.
CARE_AID = [
    ("single_mother", "丈夫去世，独自抚养两个上学的孩子", 2_000, "applied"),
    ("serious_illness", "乳腺癌术后化疗，停工半年", 2_500, "approved"),
    ("single_mother", "离异后独自抚养孩子，孩子患哮喘", 1_500, "paid"),
    ("serious_illness", "申请时已痊愈复工，无新增医疗支出", 1_000, "refused"),
]
SCHOOLS = ["内蒙古大学", "内蒙古师范大学", "鄂尔多斯应用技术学院", "包头医学院", "鄂托克旗第一中学", "内蒙古工业大学"]
LEVELS = ["bachelor", "college", "senior", "vocational", "bachelor", "postgraduate"]
DIAGNOSES = [("major", "肺癌"), ("major", "尿毒症"), ("chronic", "糖尿病"), ("hospital", "骨折住院")]


@dataclass
class SeedResult:
    created: int = 0


class _Staff:
    def __init__(self) -> None:
        self.users = {u.username: u for u in User.objects.filter(role__in=[Role.ORGANIZER, Role.HELPER])}
        self.county = self.users["org_county"]
        self.town = {"ETK-WL": self.users["org_wulan"], "ETK-QP": self.users["org_qpj"]}

    def helper(self, household: Household) -> User | None:
        """The household's helper; None for a household without one (a small demo county has some)."""
        pairing = Pairing.objects.filter(household=household, ended_on__isnull=True).select_related("helper").first()
        return pairing.helper if pairing is not None else None

    def organizer(self, household: Household) -> User:
        code = household.org_unit.code or ""
        return self.town.get(code[:6], self.county)


def _paired(town: str) -> list[Household]:
    paired = Pairing.objects.filter(ended_on__isnull=True).values("household")
    return list(
        Household.objects.filter(org_unit__code__startswith=town, state=Household.State.ACTIVE, pk__in=paired)
        .select_related("org_unit", "region")
        .order_by("pk")
    )


def _budgets(county: User) -> None:
    fund = FundSource.objects.filter(name=COUNTY_FUND, org_unit__code="ETK").select_related("org_unit").first()
    if fund is None:
        return
    year = timezone.localdate().year
    for purpose, unit_code, amount in BUDGETS:
        purpose_row = Purpose.objects.get(code=purpose)
        unit = fund.org_unit if unit_code == "ETK" else None
        if unit is None or Budget.objects.filter(source=fund, year=year, org_unit=unit, purpose=purpose_row).exists():
            continue
        funds_services.budget_create(
            by=county, source=fund, year=year, org_unit=unit, purpose=purpose_row, amount=amount * 100, note="救助模块"
        )


def _goal(household: Household, track: str, title: str, by: User, member: Member | None = None) -> None:
    plan = ReliefPlan.objects.filter(household=household, status=ReliefPlan.Status.ACTIVE).first()
    if plan is None or plan.goals.filter(track=track).exclude(status=PlanGoal.Status.MET).exists():
        return
    household_services.goal_add(plan=plan, by=by, track=track, title=title, member_id=member.pk if member else None)


def _reviewer(application: Application, staff: _Staff) -> User | None:
    """The first person the rules let decide the application's current step: the household's
    helper (another helper of the station when the helper made it), the town's organizer, the
    county."""
    household = application.household
    station_helpers = list(User.objects.filter(role=Role.HELPER, org_unit=household.org_unit).order_by("username"))
    helper = staff.helper(household)
    candidates = [*([helper] if helper else []), *station_helpers, staff.organizer(household), staff.county]
    fresh = Application.objects.select_related("household", "org_unit", "member").get(pk=application.pk)
    return next((u for u in candidates if not services.may_review(u, fresh)), None)


def _decide(application: Application, staff: _Staff, *, steps: int = 3) -> Application:
    """Up to ``steps`` approvals; an application nobody may decide stays where it is."""
    for _step in range(steps):
        if not application.in_review:
            break
        reviewer = _reviewer(application, staff)
        if reviewer is None:
            break
        application = services.application_review(application=application, by=reviewer, approve=True)
    return application


def _pay(application: Application, staff: _Staff, key: str) -> None:
    requests = [r for r in (application.cash_request, application.goods_request) if r is not None]
    maker = requests[0].requested_by
    checker = staff.county if maker != staff.county else staff.organizer(application.household)
    services.application_payment_approve(application=application, by=checker)
    payer = staff.organizer(application.household)
    services.application_pay(application=application, by=payer, idempotency_key=key)


def _warmth(staff: _Staff, rng: random.Random) -> int:
    today = timezone.localdate()
    budget = Budget.objects.filter(
        source__name=COUNTY_FUND, org_unit__code="ETK", purpose__code="warmth", year=today.year
    ).first()
    if budget is None:
        return 0
    organizer = staff.town["ETK-WL"]
    campaign = warmth_services.campaign_create(
        by=organizer,
        data=warmth_services.CampaignInput(
            name=f"{today.year}年冬季送温暖",
            occasion=Campaign.Occasion.WINTER,
            budget=budget,
            limit=12_000_00,
            cash_per_household=500_00,
            goods=[Item("大米 10kg", 1, 60_00), Item("食用油 5L", 1, 75_00)],
            opens_on=max(today.replace(month=1, day=1), today - dt.timedelta(days=20)),
            closes_on=min(today.replace(month=12, day=31), today + dt.timedelta(days=40)),
        ),
    )
    standing = warmth_selectors.standing_for(organizer, campaign)
    top = standing.candidates[: min(standing.candidates.reach, 15)]
    outcomes = warmth_services.campaign_list_households(
        campaign=campaign,
        by=organizer,
        household_ids=[c.household_id for c in top],
        scores={c.household_id: c.score for c in top},
    )
    made = 0
    for index, outcome in enumerate(o for o in outcomes if o.application is not None):
        application = outcome.application
        assert application is not None
        if index >= 12:
            break  # the last few wait for their helper
        application = _decide(application, staff, steps=2)
        if index < 9 and application.state == Application.State.APPROVED:
            _pay(application, staff, f"demo-warmth-{application.pk}")
            if index < 6:
                delivery = Delivery.objects.get(application=application)
                warmth_services.delivery_sign_off(
                    delivery=delivery,
                    by=staff.helper(application.household) or staff.organizer(application.household),
                    received_by_name=application.member.name,
                    received_on=today,
                )
        made += 1
    return made


def _proof(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(
        f"{name}-学生证.pdf", b"%PDF-1.4\n% demo enrolment proof\n", content_type="application/pdf"
    )


def _student_aid(staff: _Staff, rng: random.Random) -> int:
    today = timezone.localdate()
    students = list(
        Member.objects.filter(
            household__in=_paired("ETK-WL") + _paired("ETK-QP"),
            is_current=True,
            employment_status=Member.EmploymentStatus.STUDENT,
            birth_date__lte=today.replace(year=today.year - 15),
            birth_date__gt=today.replace(year=today.year - 28),
        )
        .select_related("household__org_unit")
        .order_by("pk")[:14]
    )
    made = 0
    for index, student in enumerate(students):
        household = student.household
        worker = Member.objects.filter(household=household, user__isnull=False).select_related("user").first()
        by = (
            worker.user
            if worker is not None and worker.user is not None
            else (staff.helper(household) or staff.organizer(household))
        )
        level = LEVELS[index % len(LEVELS)]
        _goal(household, "student_aid", f"{student.name}获得金秋助学", staff.organizer(household), student)
        try:
            application = services.application_create(
                by=by,
                track="student_aid",
                member=student,
                data={
                    "school": SCHOOLS[index % len(SCHOOLS)],
                    "level": level,
                    "admission_year": today.year - rng.randrange(0, 3),
                    "studies_away": "on" if index % 2 else "",
                    "national_aid": ["grant"] if index % 3 == 0 else [],
                    "national_aid_note": "国家助学金" if index % 3 == 0 else "",
                },
                files={"enrolment_proof": _proof(student.name)},
                consent_note="" if by.role == Role.WORKER else "家长签字同意（入户走访）",
            )
        except DomainError:
            continue
        made += 1
        if index == 13:
            reviewer = _reviewer(application, staff)
            if reviewer is not None:
                services.application_review(
                    application=application, by=reviewer, approve=False, note="在读证明与学校不符，请补交"
                )
        elif index >= 10:
            continue  # waiting for the helper
        else:
            application = _decide(application, staff)
            if index < 8 and application.state == Application.State.APPROVED:
                _pay(application, staff, f"demo-student-aid-{application.pk}")
    return made


def _medical(staff: _Staff, rng: random.Random) -> int:
    today = timezone.localdate()
    illness = HardshipCause.objects.get(code="illness")
    heads = list(
        Member.objects.filter(
            household__in=[h for h in _paired("ETK-WL") if h.pk], relation=Member.Relation.HEAD, is_current=True
        )
        .filter(household__hardship_causes=illness)
        .select_related("household__org_unit")
        .order_by("pk")[:8]
    )
    made = 0
    for index, head in enumerate(heads):
        helper = staff.helper(head.household) or staff.organizer(head.household)
        in_mutual_aid = index % 3 == 0
        cover_update(
            member=head,
            by=helper,
            basic=Cover.Basic.RESIDENT if index % 4 else Cover.Basic.EMPLOYEE,
            serious_illness=True,
            mutual_aid_from=today - dt.timedelta(days=200) if in_mutual_aid else None,
            mutual_aid_until=today + dt.timedelta(days=165) if in_mutual_aid else None,
            seriously_ill=True,
        )
        if index >= 4:
            continue  # covers only: the rest stay on the mutual-aid list
        code, diagnosis = DIAGNOSES[index]
        total = rng.choice([18_000, 32_000, 56_000])
        insured = total * rng.choice([50, 60]) // 100
        worker = head.user if head.user_id else None
        _goal(head.household, "medical", f"{head.name}获得医疗救助", staff.organizer(head.household), head)
        application = services.application_create(
            by=worker or helper,
            track="medical",
            member=head,
            data={
                "disease_group": DiseaseGroup.objects.get(code=code).pk,
                "diagnosis": diagnosis,
                "bill_total": str(total),
                "insured_paid": str(insured),
                "self_paid": str(total - insured),
                "bill_numbers": f"住院发票 NO.{today.year}{index:04d}",
            },
            consent_note="" if worker else "本人持发票到站点申请",
        )
        made += 1
        if index < 3:
            application = _decide(application, staff)
            if index < 2 and application.state == Application.State.APPROVED:
                _pay(application, staff, f"demo-medical-{application.pk}")
    return made


def _assistance(staff: _Staff, rng: random.Random) -> int:
    today = timezone.localdate()
    households = [h for h in _paired("ETK-QP") if h.dibao_status != Household.DibaoStatus.RECEIVING][:5]
    made = 0
    schemes = [("dibao", "granted"), ("housing", "refused"), ("dibao", None), ("temporary", None), ("temporary", None)]
    for household, (scheme, outcome) in zip(households, schemes, strict=False):
        head = household.members.filter(relation=Member.Relation.HEAD, is_current=True).first()
        if head is None:
            continue
        helper = staff.helper(household) or staff.organizer(household)
        data = {
            "scheme": scheme,
            "need": "户主患病丧失劳动能力，家庭收入低" if scheme != "temporary" else "冬季取暖费无力支付",
        }
        if scheme == "temporary":
            data["amount"] = str(rng.choice([800, 1_000, 1_500]))
        if scheme == "dibao":
            Household.objects.filter(pk=household.pk).update(income_per_head="420.00")
            household.refresh_from_db()
        _goal(household, "assistance", "纳入社会救助兜底", staff.organizer(household))
        try:
            application = services.application_create(
                by=helper, track="assistance", member=head, data=data, consent_note="户主签字同意转介"
            )
        except DomainError:
            continue
        made += 1
        application = _decide(application, staff)
        if application.state != Application.State.APPROVED:
            continue
        if scheme == "temporary":
            _pay(application, staff, f"demo-assistance-{application.pk}")
            continue
        referral = Referral.objects.get(application=application)
        if outcome == "granted":
            referral_record_outcome(
                referral=referral,
                by=helper,
                outcome="granted",
                on=today,
                note="经审核纳入城市低保",
                monthly_amount=600_00,
            )
        elif outcome == "refused":
            referral_record_outcome(referral=referral, by=helper, outcome="refused", on=today, note="房屋不属于危房")
    return made


def _care(staff: _Staff) -> int:
    """About four care aid applications of women workers in paired households, one at each stage:
    applied (the helper's review), approved (the payment waits), paid (the care goal met), refused
    (with the reason the worker reads)."""
    today = timezone.localdate()
    budget = Budget.objects.filter(
        source__name=COUNTY_FUND, org_unit__code="ETK", purpose__code="care", year=today.year
    ).exists()
    if not budget or Application.objects.filter(track="care").exists():
        return 0
    paired = Pairing.objects.filter(ended_on__isnull=True).values("household")
    women = (
        Member.objects.filter(
            sex=Member.Sex.FEMALE,
            is_current=True,
            household__state=Household.State.ACTIVE,
            household__pk__in=paired,
            birth_date__lte=today.replace(year=today.year - 22),
            birth_date__gt=today.replace(year=today.year - 58),
        )
        .select_related("household__org_unit", "user")
        .order_by("household__org_unit__code", "pk")
    )
    chosen: list[Member] = []
    for member in women:
        if member.household_id not in {m.household_id for m in chosen}:
            chosen.append(member)
        if len(chosen) == len(CARE_AID):
            break
    made = 0
    for member, (reason, need, amount, stage) in zip(chosen, CARE_AID, strict=False):
        helper = staff.helper(member.household) or staff.organizer(member.household)
        _goal(member.household, "care", f"{member.name}获得女职工关爱帮扶", staff.organizer(member.household), member)
        try:
            application = services.application_create(
                by=helper,
                track="care",
                member=member,
                data={"reason": reason, "need": need, "amount": str(amount)},
                consent_note="本人到站点申请并签字",
            )
        except DomainError:
            continue
        made += 1
        if stage == "refused":
            reviewer = _reviewer(application, staff)
            if reviewer is not None:
                services.application_review(
                    application=application, by=reviewer, approve=False, note="已痊愈复工，暂不符合重病帮扶条件"
                )
        elif stage in ("approved", "paid"):
            application = _decide(application, staff)
            if stage == "paid" and application.state == Application.State.APPROVED:
                # No second organizer to check the payment here: it waits, approved.
                with contextlib.suppress(DomainError):
                    _pay(application, staff, f"demo-care-{application.pk}")
    return made


def seed_relief(*, verbose: Callable[[str], None] = print, seed_value: int = 2026) -> SeedResult:
    """The benefit tracks are skipped when their demo exists already (a campaign or any
    application); each case track's demo skips itself when its data exists."""
    if not User.objects.filter(username="org_county").exists():
        return SeedResult(0)
    with transaction.atomic():
        cases = seed_restructuring(rng=random.Random(seed_value + 18), verbose=verbose)
        cases += seed_insurance(rng=random.Random(seed_value + 19), verbose=verbose)
        cases += seed_migrant(rng=random.Random(seed_value + 20), verbose=verbose)
        seed_care(rng=random.Random(seed_value + 21), verbose=verbose)
    if Campaign.objects.exists() or Application.objects.exists():
        # A demo made before the care budget existed gets it and its care applications now.
        with transaction.atomic():
            staff = _Staff()
            _budgets(staff.county)
            care = _care(staff)
        if care:
            verbose(f"Relief tracks: care {care} applications.")
        return SeedResult(cases + care)
    rng = random.Random(seed_value)
    staff = _Staff()
    today = timezone.localdate()
    with transaction.atomic():
        for year in (today.year - 1, today.year):
            DibaoLine.objects.get_or_create(
                region_id="150624",
                year=year,
                defaults={"monthly_per_head": LINE_YUAN * 100, "note": "鄂托克旗城市低保标准"},
            )
        _budgets(staff.county)
        counts = {
            "warmth": _warmth(staff, rng),
            "student_aid": _student_aid(staff, rng),
            "medical": _medical(staff, rng),
            "assistance": _assistance(staff, rng),
            "care": _care(staff),
        }
    verbose("Relief tracks: " + ", ".join(f"{code} {n}" for code, n in counts.items()) + " applications.")
    return SeedResult(sum(counts.values()) + cases)
