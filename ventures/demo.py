"""Demo data for ventures (called by web/demo.py after jobs, funds and matches).

The three products, and ventures at every stage in 乌兰镇 and 棋盘井镇: a draft, applications
waiting for the helper, the town's organizer and the county (above the threshold), a refusal, a
loan waiting to be paid out, union loans being repaid (the demo worker's among them), overdue
loans on their helpers' lists, a loan repaid, one written off, subsidised bank loans with 贴息
claims, support in kind, guidance sessions. Everything goes through ``ventures.services`` and so
every yuan through ``funds.services``: the demo is a test of the rules too.

Time passes in a demo only by pretending: a loan meant to be months old is paid out today (the
ledger's dates are never changed) and its schedule is then re-dated from an earlier start, so that
instalments fall due, repayments are dated in the past and some become overdue.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from accounts.models import OrgUnit, Role, User
from funds import services as funds_services
from funds.models import Budget, FundSource, Purpose
from households.models import Household, Member, Pairing
from ventures import schedule, services
from ventures.models import Instalment, Loan, LoanProduct, Venture
from ventures.services import ItemInput, ProductInput, VentureInput

FREE = "工会无息创业贷款"
BANK = "创业担保贴息贷款"
GOODS = "生产资料扶持"
GOV_FUND = "市财政困难职工帮扶资金"

BUSINESSES = [
    ("兰兰早餐店", "早餐、包子和豆浆", 36_000),
    ("巴图修车铺", "汽车和摩托车修理", 48_000),
    ("草原手工奶食坊", "奶豆腐、奶皮子手工制作和网店销售", 30_000),
    ("阿拉坦家政服务", "保洁、月嫂和养老陪护", 20_000),
    ("鑫源小超市", "社区便利店", 60_000),
    ("顺达快递代收点", "快递代收代发", 18_000),
    ("绒绒羊绒编织", "羊绒围巾和毛衣手工编织", 26_000),
    ("敖包山农家乐", "牧家乐餐饮和住宿", 90_000),
    ("新华街裁缝店", "服装修改和定制", 12_000),
    ("金穗养殖场", "肉羊育肥", 120_000),
    ("小白杨电商工作室", "本地特产网店", 24_000),
    ("老王牛肉面", "牛肉面馆", 40_000),
    ("宏达电焊加工", "电焊和小型钢结构加工", 56_000),
    ("草原羊绒梳绒", "羊绒初加工", 70_000),
    ("乐乐托管班", "小学生课后托管", 28_000),
    ("山丹花店", "鲜花和绿植", 16_000),
    ("牧歌奶茶馆", "奶茶和蒙餐", 44_000),
]


@dataclass
class SeedResult:
    created: int = 0


class _World:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.users = {u.username: u for u in User.objects.filter(role__in=[Role.ORGANIZER, Role.HELPER])}
        self.county = self.users["org_county"]
        self.town_organizer = {"ETK-WL": self.users["org_wulan"], "ETK-QP": self.users["org_qpj"]}
        self.names = iter(BUSINESSES)

    def members(self, town: str) -> list[Member]:
        """Heads of active, paired households of the town, able to work, not borrowing yet."""
        paired = Pairing.objects.filter(ended_on__isnull=True).values("household")
        return list(
            Member.objects.filter(
                household__org_unit__code__startswith=town,
                household__state=Household.State.ACTIVE,
                household__in=paired,
                relation=Member.Relation.HEAD,
                is_current=True,
                work_capacity=Member.WorkCapacity.FULL,
            )
            .exclude(ventures__isnull=False)
            .select_related("household__org_unit", "user")
            .order_by("pk")[:60]
        )


def _products(by: User) -> dict[str, LoanProduct]:
    specs = [
        ProductInput(FREE, LoanProduct.Kind.INTEREST_FREE, 50_000_00, 20_000_00, term_months=12),
        ProductInput(
            BANK,
            LoanProduct.Kind.SUBSIDISED,
            300_000_00,
            100_000_00,
            term_months=24,
            grace_months=3,
            annual_rate_bp=435,
            subsidy_share_bp=10_000,
            subsidy_cap=3_000_00,
        ),
        ProductInput(GOODS, LoanProduct.Kind.IN_KIND, 20_000_00, 10_000_00, term_months=1),
    ]
    return {spec.kind: services.product_create(by=by, data=spec) for spec in specs}


def _budget(county: User) -> Budget | None:
    """This year's entrepreneurship budget of the government fund for the whole county, made here
    if missing (the county fund's town budgets carry the funds demo's own loans)."""
    fund = FundSource.objects.filter(name=GOV_FUND, org_unit__code="ETK").first()
    if fund is None:
        return None
    year = timezone.localdate().year
    purpose = Purpose.objects.get(code=services.PURPOSE)
    existing = Budget.objects.filter(source=fund, year=year, org_unit=fund.org_unit, purpose=purpose).first()
    if existing is not None:
        return existing
    return funds_services.budget_create(
        by=county, source=fund, year=year, org_unit=fund.org_unit, purpose=purpose, amount=400_000_00
    )


def _apply(world: _World, member: Member, product: LoanProduct, amount: int, *, submit: bool = True) -> Venture:
    name, business, cost = next(world.names)
    total = max(cost * 100, amount + amount // 3)  # the member puts in at least a quarter
    by = member.user if member.user is not None else _helper(member)
    return services.venture_create(
        by=by,
        member=member,
        product=product,
        submit=submit,
        data=VentureInput(
            business_name=name,
            business=business,
            address=f"{member.household.address}",
            total_cost=total,
            own_funds=total - amount,
            amount=amount,
            expected_monthly_income=world.rng.choice([3_000, 4_500, 6_000, 8_000]) * 100,
            jobs_expected=world.rng.choice([0, 1, 2, 3]),
        ),
    )


def _helper(member: Member) -> User:
    helper = services.household_helper(member.household)
    assert helper is not None  # the demo picks paired households only
    return helper


def _town(member: Member) -> str:
    code = member.household.org_unit.code or ""
    return "ETK-QP" if code.startswith("ETK-QP") else "ETK-WL"


def _review(world: _World, venture: Venture, steps: int, *, refuse_at: int | None = None) -> Venture:
    member = venture.member
    reviewers = [_helper(member), world.town_organizer[_town(member)], world.county]
    for n, reviewer in enumerate(reviewers[:steps]):
        if not venture.in_review:
            break
        refuse = refuse_at == n
        venture = services.venture_review(
            venture=venture,
            by=reviewer,
            approve=not refuse,
            note="经营场所未落实, 建议先参加创业培训" if refuse else world.rng.choice(["", "走访核实", "项目可行"]),
        )
    return venture


def _guide(world: _World, venture: Venture) -> None:
    services.guidance_record(
        venture=venture,
        by=_helper(venture.member),
        mentor=world.rng.choice(["李振华(创业导师)", "苏雅拉(就业指导中心)", "陈立新(个体协会)"]),
        held_on=timezone.localdate() - dt.timedelta(days=world.rng.randint(20, 200)),
        notes=world.rng.choice(["选址、成本测算和定价", "办理营业执照和食品经营许可", "网店开设和直播带货"]),
    )


def _pay_out(world: _World, venture: Venture, budget: Budget, label: str) -> Loan:
    organizer = world.town_organizer[_town(venture.member)]
    loan = services.loan_open(venture=venture, by=organizer, budget=budget)
    assert loan.payment_request is not None
    funds_services.payment_request_approve(request=loan.payment_request, by=world.county)
    return services.loan_disburse(loan=loan, by=organizer, idempotency_key=f"demo:ventures:{label}")


def _age(loan: Loan, months: int) -> dt.date:
    """Re-date a loan's schedule as if it had been paid out ``months`` ago (see the docstring)."""
    start = schedule.add_months(timezone.localdate(), -months)
    Loan.objects.filter(pk=loan.pk).update(disbursed_on=start)
    for instalment in loan.instalments.all():
        Instalment.objects.filter(pk=instalment.pk).update(
            due_on=schedule.add_months(start, loan.grace_months + instalment.number)
        )
    loan.refresh_from_db()
    return start


def _repay(world: _World, loan: Loan, instalments: int, label: str, *, extra: int = 0) -> None:
    """Repay the first ``instalments`` in full (each on its day), then ``extra`` fen more."""
    helper = _helper(loan.venture.member)
    for instalment in list(loan.instalments.order_by("number")[:instalments]):
        services.loan_repay(
            loan=loan,
            by=helper,
            amount=instalment.amount,
            paid_on=min(instalment.due_on, timezone.localdate()),
            idempotency_key=f"demo:ventures:{label}:{instalment.number}",
        )
    if extra:
        services.loan_repay(loan=loan, by=helper, amount=extra, idempotency_key=f"demo:ventures:{label}:extra")


@transaction.atomic
def seed_ventures(*, seed_value: int = 2029, verbose: Callable[[str], None] = print) -> SeedResult:
    """Idempotent: creates nothing when the demo ventures data is already there."""
    if LoanProduct.objects.filter(name=FREE).exists():
        return SeedResult()
    if User.objects.filter(username__in=["org_county", "org_wulan", "org_qpj"]).count() != 3:
        verbose("ventures: the demo's units and staff are missing; run the archive demo first.")
        return SeedResult()
    rng = random.Random(seed_value)
    world = _World(rng)
    budget = _budget(world.county)
    if budget is None or not OrgUnit.objects.filter(code="ETK-WL").exists():
        verbose("ventures: the demo funds are missing; run the funds demo first.")
        return SeedResult()
    products = _products(world.county)
    free, bank, goods = (products[k] for k in ("interest_free", "subsidised", "in_kind"))
    wulan, qipan = world.members("ETK-WL"), world.members("ETK-QP")
    demo_worker = Member.objects.filter(user__username="worker_demo").select_related("household__org_unit").first()
    pool = [m for m in wulan if m != demo_worker] + qipan
    rng.shuffle(pool)
    if demo_worker is not None and services.household_helper(demo_worker.household) is not None:
        pool.insert(0, demo_worker)
    if len(pool) < 17:
        verbose("ventures: too few paired households in the demo archive.")
        return SeedResult()
    people = iter(pool)

    # Repaying: the demo worker's loan (4 months old, all paid so far) and two more.
    for n, (amount, months, paid) in enumerate([(24_000_00, 4, 4), (36_000_00, 6, 6), (12_000_00, 3, 3)]):
        venture = _review(world, _apply(world, next(people), free, amount), 3)
        _guide(world, venture)
        loan = _pay_out(world, venture, budget, f"repaying:{n}")
        _age(loan, months)
        _repay(world, loan, paid, f"repaying:{n}", extra=50_000 if n == 1 else 0)
    # Overdue: two loans behind with their instalments.
    for n, (amount, months, paid) in enumerate([(18_000_00, 5, 2), (30_000_00, 7, 4)]):
        venture = _review(world, _apply(world, next(people), free, amount), 3)
        loan = _pay_out(world, venture, budget, f"overdue:{n}")
        _age(loan, months)
        _repay(world, loan, paid, f"overdue:{n}")
    # Repaid in full, and written off (asked by the helper, approved by the town's organizer).
    venture = _review(world, _apply(world, next(people), free, 6_000_00), 3)
    loan = _pay_out(world, venture, budget, "repaid")
    _age(loan, 12)
    _repay(world, loan, 12, "repaid")
    venture = _review(world, _apply(world, next(people), free, 10_000_00), 3)
    loan = _pay_out(world, venture, budget, "written-off")
    _age(loan, 8)
    _repay(world, loan, 2, "written-off")
    write_off = services.write_off_request(
        loan=loan, by=_helper(venture.member), reason="经营失败, 户主重病住院, 无力偿还"
    )
    services.write_off_decide(
        write_off=write_off,
        by=world.county,
        approve=True,
        idempotency_key="demo:ventures:write-off",
    )
    # Approved, its payment waiting for the county's approval.
    venture = _review(world, _apply(world, next(people), free, 15_000_00), 3)
    services.loan_open(venture=venture, by=world.town_organizer[_town(venture.member)], budget=budget)
    # In review at every step, a refusal and a draft.
    _apply(world, next(people), free, 8_000_00, submit=False)
    _apply(world, next(people), free, 16_000_00)
    _guide(world, _apply(world, next(people), free, 20_000_00))
    _review(world, _apply(world, next(people), free, 14_000_00), 1)
    _review(world, _apply(world, next(people), free, 40_000_00), 2)  # above the threshold: the county's turn
    _review(world, _apply(world, next(people), free, 25_000_00), 2, refuse_at=1)
    # Subsidised bank loans with 贴息 claims: two refunded, one waiting for approval.
    year = timezone.localdate().year
    bank_loans = [
        (150_000_00, [(f"{year}-Q1", 1_631_25), (f"{year}-Q2", 1_612_40)]),
        (80_000_00, [(f"{year}-Q2", 870_00)]),
    ]
    for n, (amount, claims) in enumerate(bank_loans):
        venture = _review(world, _apply(world, next(people), bank, amount), 3)
        loan = services.loan_open(
            venture=venture,
            by=world.town_organizer[_town(venture.member)],
            bank_name=rng.choice(["鄂托克旗农村商业银行", "中国邮政储蓄银行鄂托克旗支行"]),
            disbursed_on=schedule.add_months(timezone.localdate(), -8),
        )
        # The borrower has repaid the bank on time so far (as the bank confirmed).
        due = loan.instalments.filter(due_on__lte=timezone.localdate()).count()
        _repay(world, loan, due, f"bank:{n}")
        for k, (period, interest) in enumerate(claims):
            claim = services.subsidy_claim_create(
                loan=loan,
                by=_helper(venture.member),
                period=period,
                interest_paid=interest,
                statement=f"JX{year}{loan.pk:04d}{k}",
                budget=budget,
            )
            if n == 0:
                funds_services.payment_request_approve(request=claim.payment_request, by=world.county)
                services.subsidy_claim_pay(claim=claim, by=world.county, idempotency_key=f"demo:ventures:claim:{k}")
    # Support in kind: a fodder crusher and a tricycle for a herder's business.
    venture = _review(world, _apply(world, next(people), goods, 9_000_00), 3)
    support = services.in_kind_create(
        venture=venture,
        by=world.town_organizer[_town(venture.member)],
        budget=budget,
        supplier="鄂托克旗农牧机械销售部",
        items=[ItemInput("饲草粉碎机", 1, 6_200_00), ItemInput("电动三轮车", 1, 2_600_00)],
    )
    funds_services.payment_request_approve(request=support.payment_request, by=world.county)
    services.in_kind_pay(support=support, by=world.county, idempotency_key="demo:ventures:in-kind")

    alerts = services.mark_overdue()
    created = Venture.objects.count()
    verbose(
        f"ventures: {len(products)} products, {created} ventures, {Loan.objects.count()} loans, {alerts} overdue alerts"
    )
    return SeedResult(created=created)
