"""One object of every kind that belongs to another owner: outside 乌兰镇 (ETK-WL, where every
login of the sweeps works), not the demo worker's, not the demo employer's company's. Found in the
seeded county where the demo makes them (棋盘井, ETK-QP); made here where it does not.

A new kind for a new app: add a function below (``@kind("name")``) that returns such an object,
and name it in the app's matrix table (tests/security/matrix/APP.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db.models import Model, Q
from django.utils import timezone

from accounts.models import OrgUnit, User

FOREIGN_UNIT = "ETK-QP"  # 棋盘井镇总工会: a sibling of 乌兰镇
Finder = Callable[[Any], Model]
FINDERS: dict[str, Finder] = {}


def kind(name: str) -> Callable[[Finder], Finder]:
    def register(finder: Finder) -> Finder:
        if name in FINDERS:
            raise ValueError(f"two kinds named {name!r}")
        FINDERS[name] = finder
        return finder

    return register


def find_foreign(county: Any) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for name, finder in FINDERS.items():
        found[name] = finder(_Context(county, found))
        if found[name] is None:
            raise LookupError(f"no object of kind {name!r} belongs to another owner in the seeded county")
    return found


class _Context:
    def __init__(self, county: Any, found: dict[str, Any]) -> None:
        self.county = county
        self.found = found

    def __getitem__(self, name: str) -> Any:
        if name not in self.found:
            self.found[name] = FINDERS[name](self)
        return self.found[name]

    @property
    def qp(self) -> OrgUnit:
        return OrgUnit.objects.get(code=FOREIGN_UNIT)

    @property
    def staff(self) -> User:
        """Someone of the foreign unit, to stand as the author of what is made here."""
        return User.objects.get(username="org_qpj")


def _in_qp(path: str) -> Q:
    return Q(**{f"{path}__code__startswith": FOREIGN_UNIT})


# --- accounts ------------------------------------------------------------------------------------------


@kind("org_unit")
def _org_unit(c: _Context) -> Model:
    return c.qp


# --- households ----------------------------------------------------------------------------------------


@kind("household")
def _household(c: _Context) -> Model:
    from households.models import Household

    return Household.objects.filter(_in_qp("org_unit"), state=Household.State.ACTIVE).order_by("pk").first()


@kind("member")
def _member(c: _Context) -> Model:
    """A person of that household who did not agree to be found by employers (nor applied to the
    demo employer): a company sees nothing of them."""
    member = (
        c["household"]
        .members.filter(is_current=True)
        .exclude(applications__posting__employer__memberships__user__username="employer_demo")
        .order_by("pk")
        .first()
    )
    member.consent_to_be_found = False
    member.save(update_fields=["consent_to_be_found"])
    return member


@kind("member_skill")
def _member_skill(c: _Context) -> Model:
    from households.models import MemberSkill

    skill = MemberSkill.objects.filter(_in_qp("member__household__org_unit")).order_by("pk").first()
    return skill or MemberSkill.objects.create(member=c["member"], phrase="开叉车")


@kind("plan")
def _plan(c: _Context) -> Model:
    from households.models import ReliefPlan

    return ReliefPlan.objects.filter(_in_qp("household__org_unit")).order_by("pk").first()


@kind("goal")
def _goal(c: _Context) -> Model:
    from households.models import PlanGoal

    return PlanGoal.objects.filter(_in_qp("plan__household__org_unit")).order_by("pk").first()


@kind("measure")
def _measure(c: _Context) -> Model:
    from households.models import PlanMeasure

    return PlanMeasure.objects.filter(_in_qp("plan__household__org_unit")).order_by("pk").first()


@kind("pairing")
def _pairing(c: _Context) -> Model:
    from households.models import Pairing

    return Pairing.objects.filter(_in_qp("household__org_unit")).order_by("pk").first()


@kind("visit")
def _visit(c: _Context) -> Model:
    from households.models import Visit

    return Visit.objects.filter(_in_qp("household__org_unit")).order_by("pk").first()


@kind("exit_request")
def _exit_request(c: _Context) -> Model:
    from households.models import ExitRequest

    return ExitRequest.objects.create(household=c["household"], requested_by=c.staff, reason="目标均已达成")


@kind("import_job")
def _import_job(c: _Context) -> Model:
    from households.models import ImportJob

    return ImportJob.objects.create(
        uploaded_by=c.staff, org_unit=c.qp, file="imports/demo.xlsx", original_name="棋盘井.xlsx"
    )


@kind("id_referral")
def _id_referral(c: _Context) -> Model:
    from households.models import IdNumberReferral

    other = c["household"].__class__.objects.filter(_in_qp("org_unit")).exclude(pk=c["household"].pk).first()
    return IdNumberReferral.objects.create(member=c["member"], household=other, unit=c.qp, asked_by=c.staff)


# --- jobs ----------------------------------------------------------------------------------------------


@kind("employer")
def _employer(c: _Context) -> Model:
    from jobs.models import Employer

    return (
        Employer.objects.filter(status=Employer.Status.VERIFIED)
        .exclude(memberships__user__username="employer_demo")
        .exclude(org_unit__code__startswith="ETK-WL")
        .order_by("pk")
        .first()
    )


@kind("posting")
def _posting(c: _Context) -> Model:
    """A draft of another company: seen by nobody but the company and the union."""
    from jobs.models import JobPosting

    posting = c["employer"].postings.order_by("pk").first()
    return JobPosting.objects.create(
        employer=c["employer"],
        title="草稿岗位",
        headcount=1,
        region_id=posting.region_id if posting else "150624",
        salary_min=3000,
        salary_max=4000,
        valid_until=timezone.localdate() + dt.timedelta(days=30),
        state=JobPosting.State.DRAFT,
    )


@kind("application")
def _application(c: _Context) -> Model:
    from jobs.models import Application

    return (
        Application.objects.filter(_in_qp("member__household__org_unit"))
        .exclude(posting__employer__memberships__user__username="employer_demo")
        .order_by("pk")
        .first()
    )


@kind("retention_check")
def _retention_check(c: _Context) -> Model:
    from jobs.models import RetentionCheck

    return (
        RetentionCheck.objects.filter(_in_qp("placement__member__household__org_unit"))
        .exclude(placement__employer__memberships__user__username="employer_demo")
        .order_by("pk")
        .first()
    )


# --- matching ------------------------------------------------------------------------------------------


@kind("match_posting")
def _match_posting(c: _Context) -> Model:
    """An open posting of another company with stored matches (its ranked candidates)."""
    from jobs.models import JobPosting

    return (
        JobPosting.objects.filter(employer=c["employer"], state=JobPosting.State.PUBLISHED, matches__isnull=False)
        .order_by("pk")
        .first()
    )


# --- funds ---------------------------------------------------------------------------------------------


@kind("budget")
def _budget(c: _Context) -> Model:
    from funds.models import Budget

    return Budget.objects.filter(org_unit=c.qp).order_by("pk").first()


@kind("purpose")
def _purpose(c: _Context) -> Model:
    from funds.models import Purpose

    return Purpose.objects.order_by("pk").first()


@kind("fund")
def _fund(c: _Context) -> Model:
    from funds.models import FundSource

    fund = FundSource.objects.filter(org_unit__code__in=["ETK-EN"]).order_by("pk").first()
    return fund or FundSource.objects.create(name="棋盘井帮扶资金", kind="union_budget", org_unit=c.qp)


@kind("payment_request")
def _payment_request(c: _Context) -> Model:
    from funds.models import PaymentRequest

    return (
        PaymentRequest.objects.filter(budget__org_unit=c.qp, state=PaymentRequest.State.REQUESTED)
        .order_by("pk")
        .first()
        or PaymentRequest.objects.filter(budget__org_unit=c.qp).order_by("pk").first()
    )


@kind("ledger_transaction")
def _ledger_transaction(c: _Context) -> Model:
    from funds.models import LedgerTransaction

    return LedgerTransaction.objects.filter(org_unit__code__startswith=FOREIGN_UNIT).order_by("created_at").first()


@kind("anomaly")
def _anomaly(c: _Context) -> Model:
    from funds.models import AnomalyFlag

    return AnomalyFlag.objects.exclude(transaction__org_unit__code__startswith="ETK-WL").order_by("pk").first()


# --- ventures ------------------------------------------------------------------------------------------


@kind("product")
def _product(c: _Context) -> Model:
    from ventures.models import LoanProduct

    return LoanProduct.objects.order_by("pk").first()


@kind("venture")
def _venture(c: _Context) -> Model:
    from ventures.models import LoanProduct, Venture

    product = LoanProduct.objects.filter(kind=LoanProduct.Kind.SUBSIDISED).order_by("pk").first()
    return Venture.objects.create(
        member=c["member"],
        org_unit=c["household"].org_unit,
        product=product,
        business_name="棋盘井羊肉馆",
        business="手抓羊肉",
        address="棋盘井镇",
        total_cost=8_000_000,
        own_funds=1_000_000,
        amount=5_000_000,
        state=Venture.State.APPROVED,
        created_by=c.staff,
    )


@kind("loan")
def _loan(c: _Context) -> Model:
    from ventures.models import Instalment, Loan, LoanProduct

    loan = Loan.objects.create(
        venture=c["venture"],
        kind=LoanProduct.Kind.SUBSIDISED,
        principal=5_000_000,
        annual_rate_bp=435,
        term_months=12,
        bank_name="鄂托克农商银行",
        disbursed_on=timezone.localdate() - dt.timedelta(days=40),
        state=Loan.State.ACTIVE,
        created_by=c.staff,
    )
    Instalment.objects.create(
        loan=loan, number=1, due_on=timezone.localdate(), principal=400_000, interest=18_000, amount=418_000
    )
    return loan


@kind("write_off")
def _write_off(c: _Context) -> Model:
    from ventures.models import WriteOff

    return WriteOff.objects.create(loan=c["loan"], amount=100_000, reason="经营失败", requested_by=c.staff)


def _unused_payment_request(c: _Context) -> Model:
    from funds.models import PaymentRequest

    return (
        PaymentRequest.objects.filter(budget__org_unit=c.qp, subsidy_claim__isnull=True, in_kind_support__isnull=True)
        .exclude(pk=c["payment_request"].pk)
        .order_by("-pk")
        .first()
    )


@kind("subsidy_claim")
def _subsidy_claim(c: _Context) -> Model:
    from ventures.models import SubsidyClaim

    return SubsidyClaim.objects.create(
        loan=c["loan"],
        period="2026-Q3",
        interest_paid=50_000,
        statement="QP-0001",
        refund=25_000,
        payment_request=_unused_payment_request(c),
        created_by=c.staff,
    )


@kind("in_kind")
def _in_kind(c: _Context) -> Model:
    from ventures.models import InKindSupport

    return InKindSupport.objects.create(
        venture=c["venture"],
        supplier="棋盘井农资店",
        value=300_000,
        payment_request=_unused_payment_request(c),
        created_by=c.staff,
    )


# --- training ------------------------------------------------------------------------------------------


@kind("course")
def _course(c: _Context) -> Model:
    from training.models import Course

    return Course.objects.filter(org_unit=c.qp).order_by("pk").first()


@kind("cohort")
def _cohort(c: _Context) -> Model:
    from training.models import Cohort

    return Cohort.objects.filter(course__org_unit=c.qp).order_by("pk").first()


@kind("session")
def _session(c: _Context) -> Model:
    from training.models import Session

    return Session.objects.filter(cohort__course__org_unit=c.qp).order_by("pk").first()


@kind("enrolment")
def _enrolment(c: _Context) -> Model:
    """Of a 棋盘井 trainee on a 棋盘井 course (乌兰镇's organizers see their own courses' rosters,
    wherever the trainees live)."""
    from training.models import Enrolment

    found = (
        Enrolment.objects.filter(_in_qp("member__household__org_unit"), cohort__course__org_unit=c.qp)
        .order_by("pk")
        .first()
    )
    if found is not None:
        return found
    taken = set(c["cohort"].enrolments.exclude(seat=None).values_list("seat", flat=True))
    seat = next(n for n in range(1, 10_000) if n not in taken)
    return Enrolment.objects.create(
        cohort=c["cohort"], member=c["member"], state=Enrolment.State.ENROLLED, seat=seat, enrolled_by=c.staff
    )


@kind("certificate")
def _certificate(c: _Context) -> Model:
    from training.models import Certificate

    return (
        Certificate.objects.exclude(member__household__org_unit__code__startswith="ETK-WL")
        .exclude(member__user__username="worker_demo")
        .order_by("pk")
        .first()
    )


# --- fairs ---------------------------------------------------------------------------------------------


@kind("fair")
def _fair(c: _Context) -> Model:
    """A fair of 棋盘井 still in draft: seen by its organizers only."""
    from fairs.models import JobFair

    fair = JobFair.objects.filter(org_unit=c.qp).order_by("pk").first()
    return JobFair.objects.create(
        org_unit=c.qp,
        name="棋盘井镇春季招聘会（草稿）",
        kind=fair.kind if fair else "general",
        starts_on=timezone.localdate() + dt.timedelta(days=20),
        ends_on=timezone.localdate() + dt.timedelta(days=20),
        venue="棋盘井镇文化广场",
        registration_opens=timezone.localdate(),
        registration_closes=timezone.localdate() + dt.timedelta(days=18),
        capacity=100,
        state=JobFair.State.DRAFT,
    )


@kind("booth")
def _booth(c: _Context) -> Model:
    from fairs.models import Booth

    return (
        Booth.objects.filter(fair__org_unit=c.qp)
        .exclude(employer__memberships__user__username="employer_demo")
        .order_by("pk")
        .first()
    )


@kind("attendee")
def _attendee(c: _Context) -> Model:
    from fairs.models import Attendee

    return Attendee.objects.filter(_in_qp("member__household__org_unit")).order_by("pk").first()


@kind("interview")
def _interview(c: _Context) -> Model:
    from fairs.models import Interview

    return (
        Interview.objects.filter(_in_qp("attendee__member__household__org_unit"))
        .exclude(booth__employer__memberships__user__username="employer_demo")
        .order_by("pk")
        .first()
    )


# --- skills (shared reference data: "another owner" is the union's taxonomy) ----------------------------


@kind("skill")
def _skill(c: _Context) -> Model:
    from skills.models import Skill

    return Skill.objects.order_by("pk").first()


@kind("occupation")
def _occupation(c: _Context) -> Model:
    from skills.models import Occupation

    return Occupation.objects.filter(level=4).order_by("pk").first()


@kind("review_phrase")
def _review_phrase(c: _Context) -> Model:
    from skills.models import ReviewPhrase

    return ReviewPhrase.objects.order_by("pk").first()


# --- relief tracks ------------------------------------------------------------------------------------


@kind("relief_application")
def _relief_application(c: _Context) -> Model:
    from relief.models import Application

    return Application.objects.filter(_in_qp("org_unit")).order_by("pk").first()


@kind("relief_benefit")
def _relief_benefit(c: _Context) -> Model:
    from relief.models import Benefit

    return Benefit.objects.filter(_in_qp("org_unit")).order_by("pk").first()


@kind("relief_track")
def _relief_track(c: _Context) -> Any:
    """A track of the registry: the county's rules, not an owner's object (named by its code)."""
    from relief.registry import tracks

    return tracks.get("warmth")


@kind("warmth_campaign")
def _warmth_campaign(c: _Context) -> Model:
    """A 送温暖 campaign run by 棋盘井 itself."""
    from relief.warmth.models import Campaign

    campaign = Campaign.objects.filter(org_unit=c.qp).order_by("pk").first()
    if campaign is not None:
        return campaign
    today = timezone.localdate()
    return Campaign.objects.create(
        org_unit=c.qp,
        name="棋盘井镇春节送温暖",
        occasion=Campaign.Occasion.SPRING_FESTIVAL,
        budget=c["budget"],
        limit=100_000,
        cash_per_household=50_000,
        opens_on=today,
        closes_on=today + dt.timedelta(days=30),
        created_by=c.staff,
    )


@kind("warmth_delivery")
def _warmth_delivery(c: _Context) -> Model:
    """A 棋盘井 household on its town's campaign list (listed through the service, as staff do)."""
    from relief.warmth import services
    from relief.warmth.models import Delivery

    found = Delivery.objects.filter(_in_qp("household__org_unit")).order_by("pk").first()
    if found is not None:
        return found
    household = c["household"]
    services.campaign_list_households(
        campaign=c["warmth_campaign"], by=c.staff, household_ids=[household.pk], scores={household.pk: 50}
    )
    return Delivery.objects.filter(household=household).first()


@kind("referral")
def _referral(c: _Context) -> Model:
    from relief.assistance.models import Referral

    return Referral.objects.filter(_in_qp("application__org_unit")).order_by("pk").first()


@kind("relief_case")
def _relief_case(c: _Context) -> Model:
    """A case 棋盘井 follows for one of its members (opened through the service, as staff do)."""
    from relief import case_services
    from relief.models import Case

    found = Case.objects.filter(_in_qp("org_unit")).order_by("pk").first()
    if found is not None:
        return found
    return case_services.case_open(
        by=c.staff,
        track="restructuring",
        kind="layoff_path",
        member=c["member"],
        summary="下岗职工再就业",
        office="hrss",
        next_action="约谈",
        next_action_due=timezone.localdate(),
    )


@kind("relief_case_document")
def _relief_case_document(c: _Context) -> Model:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from relief import case_services

    return case_services.case_add_document(
        case=c["relief_case"], by=c.staff, upload=SimpleUploadedFile("x.pdf", b"%PDF-1.4 x"), title="协议"
    )


@kind("relief_case_track")
def _relief_case_track(c: _Context) -> Any:
    """A case track of the registry: the county's rules, named by its code."""
    from relief.registry import tracks

    return tracks.get("restructuring")


@kind("layoff_enterprise")
def _layoff_enterprise(c: _Context) -> Model:
    from relief.restructuring import services

    return services.enterprise_create(
        by=c.staff, name="棋盘井焦化厂", org_unit=c.qp, reason="overcapacity", noted_on=timezone.localdate()
    )


@kind("layoff_batch")
def _layoff_batch(c: _Context) -> Model:
    from relief.restructuring import services

    return services.batch_create(
        by=c.staff,
        enterprise=c["layoff_enterprise"],
        name="第一批",
        laid_off_on=timezone.localdate(),
        workers=[{"member": c["member"].pk}],
    )


@kind("laid_off_worker")
def _laid_off_worker(c: _Context) -> Model:
    return c["layoff_batch"].workers.order_by("pk").first()


@kind("insurance_arrears_case")
def _insurance_arrears_case(c: _Context) -> Model:
    """An arrears case 棋盘井 follows (named by the case's id, as the API does)."""
    from relief.insurance import services

    return services.arrears_open(
        member=c["member"], by=c.staff, employer=c["employer"], kind="pension", months=3, amount=300_000
    ).case


@kind("care_station")
def _care_station(c: _Context) -> Model:
    from relief.care import services

    return services.station_record(
        by=c.staff, org_unit=c.qp, kind="rest_station", name="棋盘井驿站", place="镇区", opened_on=timezone.localdate()
    )


@kind("rights_event")
def _rights_event(c: _Context) -> Model:
    from relief.care import services

    return services.event_create(by=c.staff, org_unit=c.qp, name="维权行动月宣讲", held_on=timezone.localdate())


# --- assessment ----------------------------------------------------------------------------------------


@kind("scorecard")
def _scorecard(c: _Context) -> Model:
    from assessment.models import Scorecard

    return Scorecard.objects.filter(org_unit=c.qp).order_by("-year").first()


@kind("evidence")
def _evidence(c: _Context) -> Model:
    from django.core.files.base import ContentFile

    from assessment.models import Evidence

    found = Evidence.objects.filter(scorecard__org_unit=c.qp).order_by("pk").first()
    if found is not None:
        return found
    evidence = Evidence(
        scorecard=c["scorecard"],
        original_name="棋盘井自评.pdf",
        content_type="application/pdf",
        size=9,
        extension="pdf",
        token="matrix",
        uploaded_by=c.staff,
    )
    evidence.file.save("matrix-evidence.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
    evidence.save()
    return evidence


@kind("work_plan")
def _work_plan(c: _Context) -> Model:
    from assessment import services
    from assessment.models import WorkPlan

    found = WorkPlan.objects.filter(org_unit=c.qp).order_by("-year").first()
    return found or services.work_plan_save(by=c.staff, year=timezone.localdate().year, title="棋盘井镇年度工作计划")


@kind("work_task")
def _work_task(c: _Context) -> Model:
    from assessment import services
    from assessment.models import WorkTask

    plan = c["work_plan"]
    return plan.tasks.order_by("pk").first() or services.task_add(
        by=c.staff,
        plan=plan,
        kind=WorkTask.Kind.MEASURE,
        title="入户走访困难职工家庭",
        owner=c.staff,
        deadline=dt.date(plan.year, 12, 31),
    )


# --- notifications -------------------------------------------------------------------------------------


@kind("notification")
def _notification(c: _Context) -> Model:
    """Someone else's notification: only its recipient reads it."""
    from notifications import registry
    from notifications.models import Notification

    kind = registry.kinds()[0]
    return Notification.objects.create(recipient=c.staff, kind=kind.code, link="/", unit=c.qp)
