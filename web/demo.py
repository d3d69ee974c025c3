"""A realistic demo county: the union tree of 鄂托克旗, its staff, and a few thousand households.

Deterministic (a fixed random seed) and idempotent: running it again changes nothing that is
already there. Later features add their own demo data in a step of their own, called from
``seed`` (``seed_jobs``: 阳光就业).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypedDict

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from accounts.models import OrgUnit, Role, User
from assessment.demo import seed_assessment
from core import crypto
from core.maintenance import analyze_database
from fairs.demo import seed_fairs
from funds.demo import seed_funds
from households.id_numbers import make_id_number
from households.models import (
    ExitRequest,
    HardshipCause,
    Household,
    JobPreference,
    Member,
    MemberSkill,
    Pairing,
    PlanGoal,
    PlanMeasure,
    ReliefPlan,
    TargetGroup,
    Track,
    Visit,
)
from jobs.models import (
    Application,
    ApplicationEvent,
    Employer,
    EmployerMembership,
    EmploymentService,
    JobPosting,
    Placement,
    PostingSkill,
    RetentionCheck,
)
from notifications.demo import seed_notifications
from relief.demo import seed_relief
from skills.models import Occupation, PhraseKind, Skill
from skills.understanding import (
    OCCUPATION_CERTAIN,
    occupation_coder,
    review_record,
    skill_resolver,
    skills_understand_many,
)
from training.demo import seed_training
from ventures.demo import seed_ventures

DEMO_PASSWORD = "demo-pass-2026"
COUNTY_CODE = "150624"  # 鄂托克旗 since 2001
OLD_COUNTY_CODE = "152725"  # the same banner's code on ID cards issued for births before 2001

# (code, name, kind, parent code)
UNITS = [
    ("ETK", "鄂托克旗总工会", OrgUnit.Kind.FEDERATION, None),
    ("ETK-C", "鄂托克旗困难职工帮扶中心", OrgUnit.Kind.ASSISTANCE_CENTRE, "ETK"),
    ("ETK-EN", "旗能源化工产业工会", OrgUnit.Kind.INDUSTRY_UNION, "ETK"),
    ("ETK-CO", "旗建筑业工会", OrgUnit.Kind.INDUSTRY_UNION, "ETK"),
    ("ETK-TR", "旗商贸服务业工会", OrgUnit.Kind.INDUSTRY_UNION, "ETK"),
    ("ETK-WL", "乌兰镇总工会", OrgUnit.Kind.GRASSROOTS_UNION, "ETK"),
    ("ETK-QP", "棋盘井镇总工会", OrgUnit.Kind.GRASSROOTS_UNION, "ETK"),
    ("ETK-MX", "蒙西镇总工会", OrgUnit.Kind.GRASSROOTS_UNION, "ETK"),
    ("ETK-MK", "木凯淖尔镇工会", OrgUnit.Kind.GRASSROOTS_UNION, "ETK"),
    ("ETK-SM", "苏米图苏木工会", OrgUnit.Kind.GRASSROOTS_UNION, "ETK"),
    ("ETK-AB", "阿尔巴斯苏木工会", OrgUnit.Kind.GRASSROOTS_UNION, "ETK"),
    ("ETK-WL-1", "乌兰镇职工帮扶站", OrgUnit.Kind.STATION, "ETK-WL"),
    ("ETK-WL-2", "乌兰镇团结社区帮扶站", OrgUnit.Kind.STATION, "ETK-WL"),
    ("ETK-QP-1", "棋盘井镇职工帮扶站", OrgUnit.Kind.STATION, "ETK-QP"),
    ("ETK-QP-2", "棋盘井工业园区帮扶站", OrgUnit.Kind.STATION, "ETK-QP"),
    ("ETK-MX-1", "蒙西镇职工帮扶站", OrgUnit.Kind.STATION, "ETK-MX"),
    ("ETK-MK-1", "木凯淖尔镇帮扶站", OrgUnit.Kind.STATION, "ETK-MK"),
    ("ETK-SM-1", "苏米图苏木帮扶站", OrgUnit.Kind.STATION, "ETK-SM"),
    ("ETK-AB-1", "阿尔巴斯苏木帮扶站", OrgUnit.Kind.STATION, "ETK-AB"),
    ("ETK-EN-1", "棋盘井煤化工企业帮扶站", OrgUnit.Kind.STATION, "ETK-EN"),
    ("ETK-CO-1", "建筑业农牧民工服务站", OrgUnit.Kind.STATION, "ETK-CO"),
]
# Where households live: stations weighted by population.
STATION_WEIGHTS = {
    "ETK-WL-1": 18,
    "ETK-WL-2": 12,
    "ETK-QP-1": 16,
    "ETK-QP-2": 10,
    "ETK-MX-1": 12,
    "ETK-MK-1": 6,
    "ETK-SM-1": 5,
    "ETK-AB-1": 5,
    "ETK-EN-1": 9,
    "ETK-CO-1": 7,
}
STREETS = {
    "ETK-WL": ["乌兰镇团结路", "乌兰镇乌仁都西街", "乌兰镇拉僧庙路", "乌兰镇新华街", "乌兰镇阿尔寨路"],
    "ETK-QP": ["棋盘井镇沙井街", "棋盘井镇鄂尔多斯西街", "棋盘井镇新区", "棋盘井镇千里山路"],
    "ETK-MX": ["蒙西镇蒙西大街", "蒙西镇工业园区生活区", "蒙西镇碱柜村"],
    "ETK-MK": ["木凯淖尔镇巴音温都尔嘎查", "木凯淖尔镇查干淖尔嘎查"],
    "ETK-SM": ["苏米图苏木苏米图嘎查", "苏米图苏木包日塔拉嘎查"],
    "ETK-AB": ["阿尔巴斯苏木阿尔巴斯嘎查", "阿尔巴斯苏木赛乌素嘎查"],
    "ETK-EN": ["棋盘井镇焦化厂家属区", "棋盘井镇电厂生活区"],
    "ETK-CO": ["乌兰镇建筑工人公寓", "棋盘井镇外来务工人员小区"],
}
SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN_M = [
    "伟",
    "强",
    "磊",
    "军",
    "勇",
    "杰",
    "涛",
    "明",
    "超",
    "刚",
    "平",
    "辉",
    "鹏",
    "华",
    "飞",
    "鑫",
    "波",
    "斌",
    "宇",
    "浩",
    "凯",
    "健",
    "俊",
    "帆",
    "帅",
    "旭",
    "宁",
    "龙",
    "林",
    "文",
    "建国",
    "建军",
    "志强",
    "海龙",
    "永胜",
    "子豪",
    "浩然",
    "宇轩",
    "俊杰",
    "晓东",
]
GIVEN_F = [
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "艳",
    "娟",
    "霞",
    "燕",
    "玲",
    "桂英",
    "秀英",
    "丹",
    "萍",
    "红",
    "玉兰",
    "婷",
    "雪",
    "慧",
    "梅",
    "琳",
    "洁",
    "欣怡",
    "子涵",
    "雨萱",
    "佳琪",
    "晓燕",
    "春梅",
    "美玲",
    "海燕",
]
MONGOLIAN_M = [
    "巴特尔",
    "额尔敦",
    "苏和",
    "那仁",
    "朝鲁",
    "宝音",
    "巴图",
    "孟和",
    "乌力吉",
    "特木尔",
    "毕力格",
    "阿拉坦",
    "哈斯",
    "额日和木",
    "图雅其",
    "达来",
    "布和",
    "斯琴",
]
MONGOLIAN_F = [
    "其其格",
    "乌日娜",
    "萨仁",
    "娜仁花",
    "高娃",
    "乌云",
    "图雅",
    "斯琴高娃",
    "托娅",
    "阿拉坦其其格",
    "琪琪格",
    "塔娜",
    "萨日娜",
    "乌兰",
]
MAJORS = [
    "煤矿开采技术",
    "化学工程与工艺",
    "电气自动化",
    "会计",
    "护理",
    "学前教育",
    "计算机应用",
    "物流管理",
    "汽车检测与维修",
    "电子商务",
    "旅游管理",
    "畜牧兽医",
    "蒙汉翻译",
    "建筑工程技术",
    "市场营销",
]
HEALTH = [
    "良好",
    "良好",
    "良好",
    "高血压",
    "糖尿病",
    "腰椎间盘突出",
    "慢性肾病，需定期透析",
    "乳腺癌术后康复",
    "肢体残疾三级",
    "尘肺病一期",
    "心脏病",
    "视力残疾",
]
GOALS = {
    Track.JOB: ["{name}实现稳定就业，月收入不低于3000元", "{name}参加招聘会并获得录用", "{name}转岗再就业"],
    Track.TRAINING: ["{name}完成一项职业技能培训并取得证书", "{name}掌握一门就业技能"],
    Track.VENTURE: ["{name}开办小吃店并稳定经营", "{name}养殖项目获得无息贷款支持"],
    Track.INSURANCE: ["补缴社会保险，恢复养老保险关系", "全家参加城乡居民医疗保险"],
    Track.MEDICAL: ["{name}纳入大病保险和职工医疗互助", "申请医疗救助，减轻自付费用"],
    Track.ASSISTANCE: ["申请纳入低保", "申请临时救助"],
    Track.STUDENT_AID: ["{name}获得金秋助学资助完成学业"],
    Track.WARMTH: ["春节送温暖慰问"],
    Track.CARE: ["{name}参加免费体检"],
}
MEASURES = {
    Track.JOB: "推荐岗位并陪同面试",
    Track.TRAINING: "报名政府补贴培训班",
    Track.VENTURE: "开展创业指导",
    Track.INSURANCE: "协调企业补缴社保",
    Track.MEDICAL: "协助办理医疗互助报销",
    Track.ASSISTANCE: "协助向民政部门申请",
    Track.STUDENT_AID: "提交金秋助学申请",
    Track.WARMTH: "节日走访慰问",
    Track.CARE: "联系定点医院体检",
}
VISIT_NOTES = [
    "家中情况稳定，户主积极找工作。",
    "配偶病情好转，医疗费用压力仍大。",
    "孩子学习情况良好，申请助学。",
    "户主已参加叉车培训，下月考证。",
    "收入较上次走访有提高。",
    "家中老人需长期照护，难以外出务工。",
    "了解到企业拖欠工资，已转法律援助。",
    "冬季取暖困难，列入送温暖名单。",
]


class _PersonSpec(TypedDict):
    """A household member to create, as drawn before the households are saved."""

    relation: str
    male: bool
    age: int
    surname: str | None
    mongolian: bool


# Desired work as workers say it (coded to CSCO 2022 by the coder; the unsure ones are queued).
DESIRED_WORK = [
    "开叉车",
    "想进厂当电焊工",
    "跑货运开大车",
    "当保安",
    "在超市上班",
    "做月嫂",
    "饭店后厨",
    "开挖掘机",
    "煤矿井下",
    "家政保洁",
    "送快递",
    "当会计",
    "幼儿园老师",
    "直播带货",
    "离家近的活",
    "办公室文员",
    "修车",
    "化工厂操作工",
    "养殖场喂羊",
    "酒店前台",
    "啥活都行",
    "看大门",
    "电厂运行",
    "当导游",
]
# Skills as workers write them on the profile page.
WRITTEN_SKILLS = [
    "会开铲车",
    "电焊二保焊都会",
    "持A2驾照",
    "做过三年月嫂",
    "会用电脑打字",
    "熟练掌握Excel",
    "会剪羊毛",
    "接羔",
    "放羊",
    "会做手把肉",
    "蒙汉双语",
    "拉面",
    "开过出租车",
    "红白喜事吹唢呐",
    "会修理老式缝纫机和锁边机",
    "给羊驱虫打针",
    "会做奶豆腐奶皮子",
    "手工擀毡",
    "编织地毯",
    "修补渔网",
]


def _code_desired_work(preferences: list[JobPreference]) -> None:
    """Code each distinct desired-work phrase once, and queue the uncertain ones for organizers."""
    from collections import Counter

    coder = occupation_coder()
    occupations = dict(Occupation.objects.values_list("code", "id"))
    counts = Counter(p.desired_work for p in preferences if p.desired_work)
    coded = {text: coder.code(text) for text in counts}
    for preference in preferences:
        match = coded.get(preference.desired_work)
        if match is not None and match.code in occupations:
            preference.desired_occupation_id = occupations[match.code]
            preference.desired_occupation_score = round(match.score, 3)
    by_code = {o.code: o for o in Occupation.objects.filter(code__in={m.code for m in coded.values() if m.code})}
    for text, match in coded.items():
        if match.score < OCCUPATION_CERTAIN:
            review_record(
                kind=PhraseKind.OCCUPATION,
                text=text,
                score=match.score,
                guess_occupation=by_code.get(match.code or ""),
                times=counts[text],
            )


@dataclass
class DemoResult:
    created: bool
    units: int = 0
    households: int = 0
    members: int = 0
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # role, username, what they see


def _name(rng: random.Random, male: bool, mongolian: bool, surname: str | None = None) -> str:
    if mongolian and rng.random() < 0.8:
        return rng.choice(MONGOLIAN_M if male else MONGOLIAN_F)
    return (surname or rng.choice(SURNAMES)) + rng.choice(GIVEN_M if male else GIVEN_F)


class _Ids:
    """Unique, valid ID numbers: the right county code for the birth year, sequence by sex."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def make(self, rng: random.Random, birth: dt.date, male: bool) -> str:
        region = COUNTY_CODE if birth.year >= 2001 else OLD_COUNTY_CODE
        while True:
            sequence = rng.randrange(0, 500) * 2 + (1 if male else 0)
            number = make_id_number(region, birth, sequence)
            if number not in self.used:
                self.used.add(number)
                return number


def _birth(rng: random.Random, today: dt.date, age: int) -> dt.date:
    return today - dt.timedelta(days=age * 365 + rng.randrange(0, 365))


def ensure_units() -> dict[str, OrgUnit]:
    units: dict[str, OrgUnit] = {u.code: u for u in OrgUnit.objects.filter(code__startswith="ETK") if u.code}
    for code, name, kind, parent in UNITS:
        if code not in units:
            units[code] = OrgUnit.objects.create(
                code=code, name=name, kind=kind, parent=units[parent] if parent else None, region_id=COUNTY_CODE
            )
    return units


def ensure_users(units: dict[str, OrgUnit], password_hash: str) -> dict[str, list[User]]:
    rng = random.Random(7)
    wanted: list[tuple[str, str, str, str | None, str]] = [
        ("admin", "系统管理员", Role.ADMIN, None, "13947700000"),
        ("org_county", "高建华", Role.ORGANIZER, "ETK", "13947700001"),
        ("org_centre", "王秀兰", Role.ORGANIZER, "ETK-C", "13947700002"),
        ("org_wulan", "巴特尔", Role.ORGANIZER, "ETK-WL", "13947700003"),
        ("org_qpj", "刘海燕", Role.ORGANIZER, "ETK-QP", "13947700004"),
        ("org_mengxi", "张志强", Role.ORGANIZER, "ETK-MX", "13947700005"),
        ("org_energy", "李建军", Role.ORGANIZER, "ETK-EN", "13947700006"),
        ("auditor", "赵敏", Role.AUDITOR, "ETK", "13947700007"),
        ("employer_demo", "鄂托克旗恒达物流有限公司", Role.EMPLOYER, None, "13947700008"),
    ]
    for index, station in enumerate(STATION_WEIGHTS):
        for k in range(4):
            male = rng.random() < 0.5
            wanted.append(
                (
                    f"helper_{station.lower().replace('-', '_')}_{k + 1}",
                    _name(rng, male, rng.random() < 0.3),
                    Role.HELPER,
                    station,
                    f"1394771{index:02d}{k:02d}",
                )
            )
    existing = {u.username: u for u in User.objects.filter(username__in=[w[0] for w in wanted])}
    for username, full_name, role, unit_code, phone in wanted:
        if username in existing:
            continue
        user = User(
            username=username,
            full_name=full_name,
            role=role,
            phone=phone,
            org_unit=units[unit_code] if unit_code else None,
            is_staff=role == Role.ADMIN,
            is_superuser=role == Role.ADMIN,
        )
        user.password = password_hash
        user.save()
        existing[username] = user
    by_role: dict[str, list[User]] = {}
    for user in existing.values():
        by_role.setdefault(user.role, []).append(user)
    return by_role


@transaction.atomic
def seed(*, households: int = 2100, seed_value: int = 2026, verbose: Callable[[str], None] = print) -> DemoResult:
    units = ensure_units()
    password_hash = make_password(DEMO_PASSWORD)
    users = ensure_users(units, password_hash)
    result = DemoResult(created=False, units=len(units))
    result.logins = [
        ("admin", "admin", "everything, and /admin/"),
        ("organizer", "org_county", "the whole county (旗总工会)"),
        ("organizer", "org_wulan", "乌兰镇总工会 and its stations"),
        ("helper", "helper_etk_wl_1_1", "乌兰镇职工帮扶站"),
        ("auditor", "auditor", "the whole county, read-only"),
        ("employer", "employer_demo", "an employer account"),
    ]
    if Household.objects.filter(org_unit__code__startswith="ETK").exists():
        worker = (
            Member.objects.filter(user__isnull=False, household__org_unit__code__startswith="ETK")
            .select_related("user")
            .first()
        )
        if worker and worker.user:
            result.logins.append(("worker", worker.user.username, "their own household and profile"))
        result.households = Household.objects.filter(org_unit__code__startswith="ETK").count()
        result.members = Member.objects.filter(household__org_unit__code__startswith="ETK").count()
        jobs_created = seed_jobs(verbose=verbose, password_hash=password_hash).created
        funds_created = seed_funds(verbose=verbose).created
        ventures_created = seed_ventures(verbose=verbose).created
        training_created = seed_training(verbose=verbose).created
        matches_created = seed_matches(verbose=verbose)
        fairs_created = seed_fairs(verbose=verbose).created
        relief_created = seed_relief(verbose=verbose).created
        assessment_created = seed_assessment(verbose=verbose).created
        seed_notifications(verbose=verbose)
        if (
            matches_created
            or jobs_created
            or funds_created
            or ventures_created
            or training_created
            or fairs_created
            or relief_created
            or assessment_created
        ):
            transaction.on_commit(analyze_database)
        return result
    result.created = True
    rng = random.Random(seed_value)
    today = timezone.localdate()
    now = timezone.now()
    helpers_by_unit: dict[int, list[User]] = {}
    for helper in users.get(Role.HELPER, []):
        if helper.org_unit_id is not None:  # always: helpers belong to a unit
            helpers_by_unit.setdefault(helper.org_unit_id, []).append(helper)
    groups = {g.code: g for g in TargetGroup.objects.all()}
    causes = {c.code: c for c in HardshipCause.objects.all()}
    skills = list(Skill.objects.filter(is_active=True).only("id", "name_zh", "category"))
    stations = list(STATION_WEIGHTS)
    weights = [STATION_WEIGHTS[s] for s in stations]
    ids = _Ids()

    household_rows: list[Household] = []
    group_specs: list[list[str]] = []
    cause_specs: list[list[str]] = []
    member_specs: list[list[_PersonSpec]] = []
    for index in range(households):
        station = units[rng.choices(stations, weights)[0]]
        town = station.parent.code if station.parent and station.parent.code else "ETK-WL"
        group_codes = rng.sample(list(groups), k=rng.choice([1, 1, 1, 2]))
        cause_codes = rng.sample(list(causes), k=rng.choice([1, 1, 2, 2, 3]))
        state = rng.choices(
            [Household.State.ACTIVE, Household.State.DRAFT, Household.State.EXITED, Household.State.CLOSED],
            [78, 6, 13, 3],
        )[0]
        registered = today - dt.timedelta(days=rng.randrange(60, 5 * 365))
        year = registered.year
        household = Household(
            number=f"{COUNTY_CODE}-{year}-{index + 1:06d}",
            org_unit=station,
            region_id=COUNTY_CODE,
            address=f"{rng.choice(STREETS[town])}{rng.randrange(1, 300)}号",
            hardship_note="",
            income_per_head=Decimal(rng.randrange(280, 1600)),
            dibao_status=Household.DibaoStatus.RECEIVING
            if "dibao_able" in group_codes
            else rng.choice([Household.DibaoStatus.NONE, Household.DibaoStatus.NONE, Household.DibaoStatus.APPLYING]),
            state=state,
            registered_on=registered,
            activated_on=registered + dt.timedelta(days=14) if state != Household.State.DRAFT else None,
        )
        if state == Household.State.EXITED:
            household.exited_on = today - dt.timedelta(days=rng.randrange(10, 500))
            household.follow_up_until = household.exited_on + dt.timedelta(days=365)
        if state == Household.State.CLOSED:
            household.closed_on = today - dt.timedelta(days=rng.randrange(10, 300))
            household.close_reason = rng.choice(["迁出本旗", "户主去世，家庭成员并入其他户", "重复建档"])
        if state == Household.State.ACTIVE or household.is_in_follow_up:
            # Visits are owed while active and during the follow-up year. Most are on time; about
            # one household in eight is overdue.
            household.next_visit_due = today + dt.timedelta(
                days=rng.randrange(-60, 90) if rng.random() < 0.12 else rng.randrange(1, 90)
            )
        group_specs.append(group_codes)
        cause_specs.append(cause_codes)
        household_rows.append(household)

        mongolian = rng.random() < 0.22
        surname = rng.choice(SURNAMES)
        head_male = rng.random() < 0.7
        head_age = rng.randrange(28, 62)
        people: list[_PersonSpec] = [
            {
                "relation": Member.Relation.HEAD,
                "male": head_male,
                "age": head_age,
                "surname": surname,
                "mongolian": mongolian,
            }
        ]
        if rng.random() < 0.75:
            people.append(
                {
                    "relation": Member.Relation.SPOUSE,
                    "male": not head_male,
                    "age": max(22, head_age + rng.randrange(-5, 4)),
                    "surname": None,
                    "mongolian": mongolian,
                }
            )
        for _ in range(rng.choice([0, 1, 1, 1, 2, 2, 3])):
            child_age = rng.randrange(1, max(2, head_age - 20))
            people.append(
                {
                    "relation": Member.Relation.CHILD,
                    "male": rng.random() < 0.5,
                    "age": child_age,
                    "surname": surname,
                    "mongolian": mongolian,
                }
            )
        if rng.random() < 0.2:
            people.append(
                {
                    "relation": Member.Relation.PARENT,
                    "male": rng.random() < 0.4,
                    "age": head_age + rng.randrange(22, 32),
                    "surname": surname,
                    "mongolian": mongolian,
                }
            )
        member_specs.append(people)

    bulk_create_with_history(household_rows, Household, batch_size=500, default_date=now)
    household_rows = list(
        Household.objects.filter(org_unit__code__startswith="ETK").select_related("org_unit").order_by("id")
    )
    Household.target_groups.through.objects.bulk_create(
        [
            Household.target_groups.through(household_id=h.pk, targetgroup_id=groups[code].pk)
            for h, codes in zip(household_rows, group_specs, strict=True)
            for code in codes
        ],
        batch_size=1000,
    )
    Household.hardship_causes.through.objects.bulk_create(
        [
            Household.hardship_causes.through(household_id=h.pk, hardshipcause_id=causes[code].pk)
            for h, codes in zip(household_rows, cause_specs, strict=True)
            for code in codes
        ],
        batch_size=1000,
    )

    members: list[Member] = []
    member_skill_plan: list[tuple[int, list[Skill]]] = []
    for household, people in zip(household_rows, member_specs, strict=True):
        for person in people:
            age = person["age"]
            birth = _birth(rng, today, age)
            male = person["male"]
            number = ids.make(rng, birth, male)
            if age < 6:
                education, status, capacity = "", Member.EmploymentStatus.NOT_SEEKING, Member.WorkCapacity.NONE
            elif age < 18:
                education, status, capacity = (
                    rng.choice([Member.Education.PRIMARY, Member.Education.JUNIOR, Member.Education.SENIOR]),
                    Member.EmploymentStatus.STUDENT,
                    Member.WorkCapacity.NONE,
                )
            elif age < 24 and rng.random() < 0.5:
                education, status, capacity = (
                    rng.choice([Member.Education.COLLEGE, Member.Education.BACHELOR]),
                    rng.choice([Member.EmploymentStatus.STUDENT, Member.EmploymentStatus.UNEMPLOYED]),
                    Member.WorkCapacity.FULL,
                )
            elif age >= 60:
                education, status = (
                    rng.choice([Member.Education.NONE, Member.Education.PRIMARY]),
                    Member.EmploymentStatus.RETIRED,
                )
                capacity = rng.choice([Member.WorkCapacity.NONE, Member.WorkCapacity.PARTIAL])
            else:
                education = rng.choices(
                    [
                        Member.Education.PRIMARY,
                        Member.Education.JUNIOR,
                        Member.Education.SENIOR,
                        Member.Education.VOCATIONAL,
                        Member.Education.COLLEGE,
                        Member.Education.BACHELOR,
                    ],
                    [10, 35, 20, 15, 12, 8],
                )[0]
                capacity = rng.choices(
                    [Member.WorkCapacity.FULL, Member.WorkCapacity.PARTIAL, Member.WorkCapacity.NONE], [70, 22, 8]
                )[0]
                status = (
                    Member.EmploymentStatus.UNABLE
                    if capacity == Member.WorkCapacity.NONE
                    else rng.choices(
                        [
                            Member.EmploymentStatus.UNEMPLOYED,
                            Member.EmploymentStatus.FLEXIBLE,
                            Member.EmploymentStatus.EMPLOYED,
                            Member.EmploymentStatus.SELF_EMPLOYED,
                        ],
                        [40, 30, 22, 8],
                    )[0]
                )
            graduation_year = None
            major = ""
            if education in (Member.Education.COLLEGE, Member.Education.BACHELOR) and age < 30:
                graduation_year = birth.year + (21 if education == Member.Education.COLLEGE else 22)
                major = rng.choice(MAJORS)
            member = Member(
                household=household,
                name=_name(rng, male, person["mongolian"], person["surname"]),
                relation=person["relation"],
                id_number=number,
                id_number_hash=crypto.keyed_hash(number),
                sex="M" if male else "F",
                birth_date=birth,
                phone=f"1{rng.choice([3, 5, 8])}{rng.randrange(10**8, 10**9)}" if age >= 18 else "",
                ethnicity="蒙古族" if person["mongolian"] else "汉族",
                education=education,
                graduation_year=graduation_year,
                major=major,
                work_capacity=capacity,
                employment_status=status,
                health=rng.choice(HEALTH),
                monthly_income=Decimal(rng.randrange(0, 4200)) if age >= 18 else None,
                consent_to_be_found=age >= 18 and capacity != Member.WorkCapacity.NONE and rng.random() < 0.45,
            )
            members.append(member)
            if 18 <= age < 60 and capacity != Member.WorkCapacity.NONE and skills:
                member_skill_plan.append((len(members) - 1, rng.sample(skills, k=rng.choice([0, 1, 1, 2, 2, 3]))))
    bulk_create_with_history(members, Member, batch_size=500, default_date=now)
    member_ids = dict(
        Member.objects.filter(household__org_unit__code__startswith="ETK").values_list("id_number_hash", "id")
    )
    for member in members:
        member.pk = member_ids[member.id_number_hash]
    skill_rows = []
    preferences = []
    for position, chosen in member_skill_plan:
        member = members[position]
        for skill in chosen:
            skill_rows.append(
                MemberSkill(
                    member_id=member.pk,
                    phrase=skill.name_zh,
                    skill=skill,
                    level=rng.choice(list(MemberSkill.Level.values)),
                    years=rng.randrange(0, 15),
                    certified=rng.random() < 0.3,
                    source=MemberSkill.Source.HELPER,
                )
            )
        preferences.append(
            JobPreference(
                member_id=member.pk,
                expected_salary=rng.randrange(25, 70) * 100,
                willing_to_relocate=rng.random() < 0.25,
                # Half write what they want in their own words; the rest name their first skill.
                desired_work=rng.choice(DESIRED_WORK) if rng.random() < 0.5 or not chosen else chosen[0].name_zh,
            )
        )
    # A few skills written the way people write them: most resolve, some wait for organizers.
    written_by = rng.sample([members[p] for p, _c in member_skill_plan], k=min(60, len(member_skill_plan)))
    written = [(member, rng.choice(WRITTEN_SKILLS)) for member in written_by]
    understood = skills_understand_many([phrase for _m, phrase in written])
    taken = {(row.member_id, row.skill_id) for row in skill_rows}
    for member, phrase in written:
        skill_id = understood.get(phrase)
        if skill_id is not None and (member.pk, skill_id) in taken:
            continue
        taken.add((member.pk, skill_id))
        skill_rows.append(
            MemberSkill(member_id=member.pk, phrase=phrase, skill_id=skill_id, source=MemberSkill.Source.SELF)
        )
    _code_desired_work(preferences)
    for row in skill_rows:
        if row.certified:
            row.certificate_number = f"{rng.randrange(10**13, 10**14)}"
    bulk_create_with_history(skill_rows, MemberSkill, batch_size=1000, default_date=now)
    bulk_create_with_history(preferences, JobPreference, batch_size=1000, default_date=now)

    # Pairings: every active household but a few (the "no helper" list must have something in it).
    pairings, visits, plans = [], [], []
    heads_by_household: dict[int, list[Member]] = {}
    for member in members:
        heads_by_household.setdefault(member.household_id, []).append(member)
    for household in household_rows:
        if household.state == Household.State.DRAFT or (
            household.state == Household.State.ACTIVE and rng.random() < 0.03
        ):
            continue
        if household.state == Household.State.CLOSED:
            continue
        station_helpers = helpers_by_unit.get(household.org_unit_id) or users[Role.HELPER]
        helper = rng.choice(station_helpers)
        pairings.append(
            Pairing(
                household=household,
                helper=helper,
                helping_unit=helper.org_unit,
                started_on=household.activated_on or household.registered_on,
            )
        )
        for k in range(rng.randrange(1, 5)):
            visited = today - dt.timedelta(days=rng.randrange(20, 700))
            visits.append(
                Visit(
                    household=household,
                    visited_by=helper,
                    visited_on=visited,
                    kind=rng.choice(list(Visit.Kind.values)),
                    summary=rng.choice(VISIT_NOTES),
                    next_visit_due=(household.next_visit_due if k == 0 else None) or visited + dt.timedelta(days=90),
                )
            )
    bulk_create_with_history(pairings, Pairing, batch_size=1000, default_date=now)
    Visit.objects.bulk_create(visits, batch_size=1000)

    for household in household_rows:
        if household.state not in (Household.State.ACTIVE, Household.State.EXITED):
            continue
        plans.append(
            ReliefPlan(
                household=household,
                summary="根据致困原因制定的一户一策帮扶计划",
                starts_on=household.activated_on or household.registered_on,
                review_on=today + dt.timedelta(days=rng.randrange(30, 200)),
                status=ReliefPlan.Status.ACTIVE
                if household.state == Household.State.ACTIVE
                else ReliefPlan.Status.COMPLETED,
            )
        )
    bulk_create_with_history(plans, ReliefPlan, batch_size=1000, default_date=now)
    plans = list(ReliefPlan.objects.filter(household__org_unit__code__startswith="ETK").select_related("household"))
    goals, measures = [], []
    pending_exits = []
    for plan in plans:
        household_members = heads_by_household.get(plan.household_id, [])
        capable = [
            m for m in household_members if m.work_capacity != Member.WorkCapacity.NONE and 18 <= m.age_on(today) < 60
        ] or household_members[:1]
        tracks = rng.sample(
            [
                Track.JOB,
                Track.TRAINING,
                Track.MEDICAL,
                Track.INSURANCE,
                Track.ASSISTANCE,
                Track.STUDENT_AID,
                Track.VENTURE,
                Track.WARMTH,
                Track.CARE,
            ],
            k=rng.randrange(1, 4),
        )
        if Track.JOB not in tracks and capable:
            tracks[0] = Track.JOB
        exited = plan.status == ReliefPlan.Status.COMPLETED
        all_met = exited or rng.random() < 0.04
        for track in tracks:
            who = rng.choice(capable) if capable else None
            title = rng.choice(GOALS[track]).format(name=who.name if who else "户主")
            met = all_met or rng.random() < 0.25
            goals.append(
                PlanGoal(
                    plan=plan,
                    track=track,
                    member_id=who.pk if who else None,
                    title=title,
                    due_on=today + dt.timedelta(days=rng.randrange(-30, 300)),
                    status=PlanGoal.Status.MET
                    if met
                    else rng.choice([PlanGoal.Status.OPEN, PlanGoal.Status.IN_PROGRESS]),
                    met_on=(plan.household.exited_on or today) - dt.timedelta(days=rng.randrange(1, 60))
                    if met
                    else None,
                    evidence="走访核实" if met else "",
                )
            )
            measures.append(
                PlanMeasure(
                    plan=plan,
                    track=track,
                    description=MEASURES[track],
                    status=PlanMeasure.Status.DONE if met else PlanMeasure.Status.IN_PROGRESS,
                    done_on=today - dt.timedelta(days=5) if met else None,
                )
            )
        if all_met and not exited:
            pending_exits.append(plan.household)
    bulk_create_with_history(goals, PlanGoal, batch_size=1000, default_date=now)
    bulk_create_with_history(measures, PlanMeasure, batch_size=1000, default_date=now)
    pairing_helper = {p.household_id: p.helper for p in pairings}
    for household in pending_exits:
        requester = pairing_helper.get(household.pk)
        if requester is not None:
            ExitRequest.objects.create(
                household=household,
                requested_by=requester,
                reason="计划目标均已完成：户主已稳定就业，家庭人均收入超过低保线。",
            )

    # A worker login for the head of an active, paired household at 乌兰镇职工帮扶站, able to work (the
    # demo worker applies for jobs).
    worker_user = None
    by_pk = {h.pk: h for h in household_rows}
    paired = set(pairing_helper)
    for member in members:
        household = by_pk[member.household_id]
        if (
            member.relation == Member.Relation.HEAD
            and member.work_capacity == Member.WorkCapacity.FULL
            and 18 <= member.age_on(today) < 60
            and member.phone
            and household.pk in paired
            and household.state == Household.State.ACTIVE
            and household.org_unit.code == "ETK-WL-1"
        ):
            worker_user = User(username="worker_demo", full_name=member.name, role=Role.WORKER, phone=member.phone)
            worker_user.password = password_hash
            worker_user.save()
            Member.objects.filter(pk=member.pk).update(user=worker_user)
            break
    if worker_user:
        result.logins.append(("worker", worker_user.username, "their own household and profile"))
    result.households = len(household_rows)
    result.members = len(members)
    verbose(f"Created {result.households} households and {result.members} members.")
    seed_jobs(verbose=verbose, password_hash=password_hash)
    seed_funds(verbose=verbose)
    seed_ventures(verbose=verbose)
    seed_training(verbose=verbose)
    seed_matches(verbose=verbose)
    seed_fairs(verbose=verbose)
    seed_relief(verbose=verbose)
    seed_assessment(verbose=verbose)
    seed_notifications(verbose=verbose)
    transaction.on_commit(analyze_database)
    return result


# --- 阳光就业: employers, postings, applications, placements -------------------------------------------
# Counties of 鄂尔多斯 where the demo companies are registered, weighted: most in 鄂托克旗 itself.
JOB_REGIONS = {
    "150624": 74,
    "150602": 6,
    "150623": 5,
    "150621": 3,
    "150622": 3,
    "150625": 3,
    "150626": 3,
    "150627": 3,
}
COUNTY_NAMES = {
    "150624": "鄂托克旗",
    "150602": "东胜区",
    "150623": "鄂托克前旗",
    "150621": "达拉特旗",
    "150622": "准格尔旗",
    "150625": "杭锦旗",
    "150626": "乌审旗",
    "150627": "伊金霍洛旗",
}
WORKPLACES = {
    "150624": [
        "棋盘井工业园区",
        "蒙西高新技术工业园区",
        "乌兰镇团结路",
        "乌兰镇乌仁都西街",
        "棋盘井镇千里山路",
        "棋盘井镇沙井街",
        "蒙西镇蒙西大街",
        "木凯淖尔镇",
        "苏米图苏木",
        "阿尔巴斯苏木",
    ],
    "150602": ["东胜区铁西街道", "东胜区天骄北路", "东胜区装备制造基地"],
    "150623": ["鄂托克前旗敖勒召其镇", "鄂托克前旗上海庙工业园区"],
    "150621": ["达拉特旗树林召镇", "达拉特旗经济开发区"],
    "150622": ["准格尔旗薛家湾镇", "准格尔旗大路工业园区"],
    "150625": ["杭锦旗锡尼镇", "杭锦旗独贵塔拉工业园区"],
    "150626": ["乌审旗嘎鲁图镇", "乌审旗苏里格经济开发区"],
    "150627": ["伊金霍洛旗阿勒腾席热镇", "伊金霍洛旗札萨克镇"],
}
# Trade names (字号) for the demo companies; a table of words reads better as text.
BRANDS = """
恒达 利民 宏远 鑫泰 华泰 金鼎 瑞丰 兴旺 德润 天骄 阿尔寨 乌仁 蒙盛 安泰 盛达 永兴 福源 汇通 顺达
广源 祥和 嘉禾 昌盛 宏发 鸿运 泰和 万通 聚鑫 博远 富民 诚信 新宇 金桥 北辰 白云 蓝天 绿洲 赛罕 塔拉
巴音 呼和 查干 额尔敦 吉祥 和顺 天成 润达 凯源 荣盛 中正 远航 星河 金沙 银峰 草原 百川 东升 西部
长青 瀚海 苏力德 宝日 敖包 阿拉坦 腾格里 乌兰 千里山 桌子山 碱柜 沙井 双欣 新峰 金泉 鼎盛 华兴 晟通
宇航 联创
""".split()  # noqa: SIM905
GACHAS = [
    ("巴音温都尔嘎查", "ETK-MK"),
    ("查干淖尔嘎查", "ETK-MK"),
    ("苏米图嘎查", "ETK-SM"),
    ("包日塔拉嘎查", "ETK-SM"),
    ("阿尔巴斯嘎查", "ETK-AB"),
    ("赛乌素嘎查", "ETK-AB"),
]
DEMO_EMPLOYER_NAME = "鄂托克旗恒达物流有限公司"  # the company of the ``employer_demo`` login


@dataclass(frozen=True)
class _Job:
    """An opening as the region's employers advertise it: the skills as they write them."""

    title: str
    required: tuple[str, ...]
    preferred: tuple[str, ...]
    low: int
    high: int
    demand: str  # "light", "moderate", "heavy"
    education: str = ""
    graduates: bool = False


def _jobs(table: str) -> dict[str, _Job]:
    jobs = {}
    for line in table.strip().splitlines():
        if line.startswith("#"):
            continue
        title, required, preferred, salary, demand, education, graduates = (cell.strip() for cell in line.split("|"))
        low, high = (int(n) for n in salary.split("-"))
        jobs[title] = _Job(
            title=title,
            required=tuple(required.split("、")) if required != "-" else (),
            preferred=tuple(preferred.split("、")) if preferred != "-" else (),
            low=low,
            high=high,
            demand=demand,
            education="" if education == "-" else education,
            graduates=graduates == "yes",
        )
    return jobs


# Openings as the region's employers advertise them. Skills are written the way employers write
# them ("持特种作业操作证", "会开车"): most resolve to the taxonomy, the rest wait for organizers, and
# qualities ("吃苦耐劳") are dropped as the posting service drops them.
JOB_TABLE = """
# title | required skills | preferred skills | CNY a month | physical demand | education | for graduates
综采工 | 综采、液压支架操作 | 有煤矿井下工作经验、持特种作业操作证、熟悉井下六大系统 | 8500-12000 | heavy | junior | -
掘进工 | 掘进、锚杆支护 | 有煤矿井下工作经验 | 8000-11000 | heavy | junior | -
采煤机司机 | 采煤机操作 | 综采、持特种作业操作证 | 9000-12000 | heavy | senior | -
井下电钳工 | 井下电钳工 | 持电工证、煤矿机电维修 | 7500-10500 | heavy | vocational | -
瓦斯检查工 | 瓦斯检查 | 矿井安全监测监控、持特种作业操作证 | 7000-9500 | moderate | senior | -
主运皮带司机 | 皮带运输 | 刮板输送机操作 | 6000-8000 | moderate | junior | -
绞车司机 | 绞车操作 | - | 6000-8000 | moderate | junior | -
矿灯房收发员 | 矿灯房收发 | 会用电脑 | 3500-4800 | light | junior | -
选煤厂操作工 | 选煤 | 皮带运输 | 5500-7500 | moderate | junior | -
煤质化验员 | 煤质化验、化验分析 | 熟练使用办公软件 | 4500-6500 | light | college | yes
露天矿卡车司机 | 矿用卡车驾驶 | 有A2驾照 | 8000-11000 | moderate | junior | -
煤矿安全员 | 煤矿安全检查 | 持安全资格证 | 6500-9000 | moderate | vocational | -
井下辅助工 | 吃苦耐劳、服从安排 | 有煤矿井下工作经验 | 6000-7500 | heavy | junior | -
矿井调度员 | 矿井调度 | 熟练使用办公软件 | 5500-7500 | light | college | yes
装车工 | 煤炭装车 | 装载机驾驶 | 5000-6500 | heavy | - | -
地测技术员 | 矿井地质、矿山测量 | CAD制图 | 5500-8000 | moderate | college | yes
化工操作工 | 化工操作 | DCS操作、危险化学品作业、能适应倒班 | 5500-8000 | moderate | vocational | -
DCS内操 | DCS操作、化工操作 | 化工工艺员 | 6500-9000 | light | college | yes
甲醇装置操作工 | 甲醇生产 | 化工操作 | 6000-8500 | moderate | vocational | -
空分操作工 | 空分 | 压缩机操作 | 6000-8500 | moderate | vocational | -
仪表工 | 仪表维修 | 持电工证 | 6000-9000 | moderate | vocational | -
化验员 | 化验分析 | 熟练使用办公软件 | 4500-6000 | light | college | yes
电石炉工 | 电石生产 | 吃苦耐劳 | 6500-9000 | heavy | junior | -
设备检修工 | 化工设备检修、钳工 | 电焊 | 6000-8500 | heavy | vocational | -
焦炉操作工 | 炼焦 | - | 6000-8000 | heavy | junior | -
兰炭生产工 | 兰炭生产 | - | 5500-7500 | heavy | junior | -
污水处理操作工 | 工业水处理 | 化验分析 | 5000-6800 | moderate | senior | -
危化品押运员 | 危险品运输、押运 | 有危化品押运证 | 5500-7500 | moderate | senior | -
安全环保专员 | 安全生产管理 | 环境监测 | 6000-8500 | light | college | yes
电厂集控运行值班员 | 发电集控运行 | 锅炉运行、汽轮机运行 | 6500-9500 | moderate | college | yes
锅炉运行工 | 锅炉运行 | 持司炉证 | 5500-7500 | moderate | vocational | -
输煤运行工 | 输煤运行 | 皮带运输 | 5000-7000 | moderate | junior | -
电气试验员 | 电气试验、高压电工 | - | 6500-9000 | moderate | college | yes
光伏电站运维员 | 光伏运维 | 持电工证 | 5500-7500 | moderate | vocational | -
风电运维工程师 | 风电运维 | 高处作业、高压电工 | 7000-10000 | moderate | college | yes
变电站值班员 | 变电站值班 | 继电保护 | 6000-8000 | light | college | -
脱硫脱硝运行工 | 脱硫脱硝 | - | 5500-7500 | moderate | senior | -
供热管网巡检员 | 供热运行 | 管道安装 | 4500-6000 | moderate | senior | -
抄表收费员 | 抄表收费 | 熟练使用办公软件 | 3200-4200 | light | senior | -
钢筋工 | 钢筋工 | - | 7000-10000 | heavy | - | -
木工 | 木工 | 装修木工 | 7000-10000 | heavy | - | -
瓦工 | 瓦工、抹灰 | - | 6500-9500 | heavy | - | -
架子工 | 架子工、高处作业 | 持登高证 | 7000-10000 | heavy | - | -
塔吊司机 | 塔吊司机 | 信号司索 | 8000-11000 | moderate | junior | -
挖掘机司机 | 挖掘机驾驶 | 装载机驾驶 | 8000-12000 | moderate | - | -
装载机司机 | 装载机驾驶 | - | 7000-9500 | moderate | - | -
施工员 | 施工员、CAD制图 | 工程测量 | 5000-7500 | light | college | yes
资料员 | 资料员、熟练使用办公软件 | - | 3800-5000 | light | college | yes
水电工 | 水电安装 | 持电工证 | 6500-9000 | moderate | junior | -
安全员 | 安全员 | 持安全员证 | 5500-7500 | moderate | college | yes
测量员 | 工程测量 | 无人机测绘 | 5500-8000 | moderate | college | yes
建筑小工 | 建筑普工 | 吃苦耐劳 | 5000-6500 | heavy | - | -
电焊工 | 电焊、二保焊 | 氩弧焊 | 7000-10000 | heavy | junior | -
防水工 | 防水工 | - | 6000-8500 | moderate | - | -
外墙保温工 | 外墙保温、高处作业 | - | 6500-9000 | heavy | - | -
钳工 | 钳工 | 机修钳工 | 6000-8500 | moderate | vocational | -
车工 | 车工 | 数控机床操作 | 6000-8500 | moderate | vocational | -
数控操作工 | 数控机床操作 | 数控编程 | 5500-8000 | moderate | vocational | yes
质检员 | 质检 | 熟练使用Excel | 4500-6000 | light | senior | yes
包装工 | 包装 | - | 3500-4800 | light | - | -
流水线操作工 | 流水线作业 | 服从安排 | 4000-5500 | light | junior | -
铁合金冶炼工 | 铁合金冶炼 | - | 6500-9000 | heavy | junior | -
机修工 | 机电维修 | 电焊 | 6000-8500 | moderate | vocational | -
乳品加工工 | 乳品加工 | 有健康证 | 4000-5500 | light | junior | -
牛羊肉分割工 | 牛羊肉加工 | - | 4500-6500 | moderate | - | -
叉车司机 | 叉车驾驶 | 有叉车证 | 4800-6500 | moderate | junior | -
羊绒分梳工 | 羊绒分梳 | - | 4000-5500 | moderate | - | -
电脑横机挡车工 | 横机 | - | 4500-6500 | light | junior | -
缝盘工 | 套口 | 缝纫 | 4000-6000 | light | - | -
手缝工 | 手缝 | 织补 | 3500-5000 | light | - | -
毛衫检验员 | 毛衫检验 | - | 3800-5000 | light | senior | -
洗毛工 | 洗毛 | - | 4000-5200 | moderate | - | -
整烫工 | 整烫 | - | 3800-5000 | light | - | -
蒙古袍裁缝 | 蒙古袍制作、服装裁剪 | 刺绣 | 4000-6500 | light | - | -
重卡司机 | A2牵引车驾驶 | 有A2驾照、危险品运输 | 9000-12000 | moderate | junior | -
货车司机 | B2大货车驾驶 | 货车驾驶 | 7000-9500 | moderate | junior | -
快递员 | 快递、配送 | 会骑电动车送货、会开三轮车 | 5000-7500 | moderate | junior | -
分拣员 | 快件分拣 | - | 3800-5000 | light | - | -
仓库管理员 | 仓库管理、熟练使用Excel | 会开叉车 | 4000-5500 | light | senior | yes
过磅员 | 过磅 | 熟练使用办公软件 | 3500-4500 | light | senior | -
装卸工 | 装卸搬运 | 吃苦耐劳 | 5000-7000 | heavy | - | -
物流调度员 | 物流调度 | 熟练使用Excel | 4500-6500 | light | college | yes
外卖骑手 | 外卖配送 | 会骑电动车送货 | 4500-8000 | moderate | - | -
收银员 | 收银 | 会用电脑 | 3000-3800 | light | junior | -
理货员 | 理货 | - | 3000-3800 | moderate | junior | -
导购员 | 导购、销售 | 普通话标准 | 3200-5000 | light | senior | -
生鲜处理员 | 生鲜处理 | - | 3500-4500 | moderate | - | -
防损员 | 防损 | - | 3200-4200 | moderate | senior | -
门店店长 | 店长、销售 | 熟练使用Excel | 5000-7000 | light | college | yes
加油员 | 加油员 | - | 3500-4500 | moderate | junior | -
药店营业员 | 药店营业 | 药剂 | 3200-4500 | light | vocational | yes
采购员 | 采购 | 会开车 | 4000-5500 | light | senior | -
厨师 | 中式烹调 | 有健康证 | 5000-8000 | moderate | - | -
蒙餐厨师 | 蒙餐 | 会做手把肉、会做羊杂碎 | 5500-8500 | moderate | - | -
面点师 | 面点 | - | 4500-6500 | moderate | - | -
服务员 | 餐厅服务员 | 普通话标准 | 3000-4000 | light | - | -
洗碗工 | 洗碗 | - | 2800-3500 | light | - | -
配菜员 | 配菜 | - | 3500-4500 | moderate | - | -
拉面师傅 | 拉面 | - | 5000-7000 | moderate | - | -
烧烤师傅 | 烧烤 | - | 5000-7500 | moderate | - | -
食堂厨师 | 食堂厨师、中式烹调 | - | 4500-6500 | moderate | - | -
酒店前台 | 酒店前台 | 会蒙语、会用电脑 | 3200-4500 | light | senior | yes
客房服务员 | 客房服务 | - | 3000-4000 | moderate | - | -
传菜员 | 餐厅服务员 | - | 2800-3500 | moderate | - | -
餐厅领班 | 餐厅领班 | 餐厅服务员 | 4000-5500 | light | senior | -
家政服务员 | 家政服务 | 家庭烹饪 | 3500-5500 | moderate | - | -
月嫂 | 月嫂 | 育婴、催乳 | 6000-10000 | moderate | junior | -
育婴师 | 育婴 | 早教 | 4500-7000 | light | senior | -
保洁员 | 保洁 | 开荒保洁 | 2800-3600 | moderate | - | -
钟点工 | 钟点工、保洁 | - | 2800-4000 | moderate | - | -
汽车修理工 | 汽车维修 | 汽车电工 | 5000-8000 | moderate | vocational | -
重卡维修工 | 重卡维修 | 电焊 | 6500-9500 | heavy | vocational | -
洗车工 | 洗车美容 | - | 3000-4000 | moderate | - | -
美发师 | 美发 | - | 4000-7000 | light | - | -
家电维修工 | 家电维修 | 家电清洗 | 4500-6500 | moderate | vocational | -
养老护理员 | 养老护理 | 持养老护理员证、会蒙语 | 3500-5000 | moderate | junior | -
护工 | 护工 | 陪诊 | 3800-5500 | moderate | - | -
康复护理员 | 康复护理 | 推拿按摩 | 4000-5500 | moderate | vocational | yes
护士 | 护士 | 持护士执业证书 | 4500-6500 | light | college | yes
居家养老服务员 | 居家养老服务 | 家政服务 | 3200-4500 | moderate | - | -
放牧员 | 放牧 | 接羔、会骑马 | 3500-5000 | moderate | - | -
羊倌 | 羊只养殖、接羔 | 给羊驱虫打针 | 4000-6000 | moderate | - | -
饲养员 | 绒山羊养殖 | 饲草料加工 | 3800-5500 | moderate | - | -
剪毛工（季节性） | 剪羊毛 | - | 4500-7000 | heavy | - | -
抓绒工 | 抓绒 | - | 4000-6000 | moderate | - | -
动物防疫员 | 动物防疫 | 兽医 | 4000-5500 | moderate | vocational | yes
农机手 | 农机驾驶 | 农机维修 | 5000-7000 | moderate | - | -
温室大棚工 | 温室大棚种植 | - | 3000-4200 | moderate | - | -
奶食品制作工 | 奶食制作 | 会做奶豆腐奶皮子 | 3200-4500 | light | - | -
合作社会计 | 会计、熟练使用Excel | 财务软件 | 3500-5000 | light | college | yes
导游 | 导游 | 蒙汉双语、普通话标准 | 3500-6000 | moderate | college | yes
景区讲解员 | 讲解员 | 会蒙语 | 3200-4500 | light | college | yes
骑马向导 | 骑马向导 | 养马 | 3500-5500 | moderate | - | -
民宿管家 | 民宿管家 | 客房服务 | 3200-4500 | light | senior | -
蒙古包搭建工 | 蒙古包搭建 | - | 4000-6000 | heavy | - | -
旅游营地服务员 | 旅游营地服务 | - | 3000-4000 | moderate | - | -
售票员 | 售票 | - | 2800-3500 | light | senior | -
带货主播 | 直播带货 | 普通话标准、会蒙语 | 4000-9000 | light | senior | yes
直播运营 | 直播运营 | 短视频剪辑 | 4500-7500 | light | college | yes
短视频剪辑师 | 短视频剪辑 | 短视频拍摄 | 4000-6500 | light | college | yes
电商客服 | 电商客服、打字录入 | - | 3000-4200 | light | senior | yes
网店运营 | 网店运营 | 熟练使用Excel | 4500-7000 | light | college | yes
电商美工 | 电商美工、平面设计 | 产品拍摄 | 4500-6500 | light | college | yes
农村电商专员 | 农村电商 | 会开车 | 3500-5000 | moderate | senior | yes
幼儿园教师 | 幼师 | 持教师资格证、会蒙语 | 3500-5000 | light | college | yes
保育员 | 保育 | - | 2800-3600 | moderate | senior | -
蒙古语教师 | 蒙古语教学 | 蒙古文书写 | 4000-6000 | light | bachelor | yes
课后托管老师 | 课后托管 | 家教 | 2800-4000 | light | college | yes
保安员 | 保安 | 持保安员证 | 3000-4000 | moderate | junior | -
物业维修工 | 物业维修、水电安装 | 持电工证 | 4000-5500 | moderate | vocational | -
环卫工 | 环卫 | 会开三轮车 | 2600-3200 | moderate | - | -
绿化工 | 园林绿化 | - | 2800-3600 | moderate | - | -
停车管理员 | 停车管理 | - | 2600-3200 | light | - | -
监控值班员 | 监控值班 | 熟练使用办公软件 | 3000-4000 | light | senior | -
消防设施操作员 | 消防设施操作员 | 持消防设施操作员证 | 4000-5500 | light | senior | yes
"""
JOBS = _jobs(JOB_TABLE)


@dataclass(frozen=True)
class _EmployerKind:
    industry: str
    count: int
    uscc_type: str  # registration authority and kind: 91 company, 92 sole trader, 93 cooperative, 52 non-profit
    unit: str  # the union unit that watches them ("gacha": the township of the cooperative)
    postings: tuple[int, int]
    names: tuple[tuple[str, tuple[str, ...]], ...]  # name pattern -> the jobs such a company offers


def _employer_kinds(table: str) -> list[_EmployerKind]:
    """Parse the table below: a header line per kind of company, then its name patterns (indented),
    each with the jobs such a company offers (a deeper indent continues the list)."""
    kinds: list[tuple[list[str], dict[str, list[str]]]] = []
    pattern = ""
    for line in table.strip().splitlines():
        if line.startswith("#"):
            continue
        if not line.startswith(" "):
            kinds.append(([cell.strip() for cell in line.split("|")], {}))
        elif line.startswith(" " * 8):
            kinds[-1][1][pattern].extend(line.split())
        else:
            pattern, jobs = line.strip().split(": ")
            kinds[-1][1][pattern] = jobs.split()
    result = []
    for (industry, count, uscc_type, unit, postings), names in kinds:
        low, high = (int(n) for n in postings.split("-"))
        result.append(
            _EmployerKind(
                industry=industry,
                count=int(count),
                uscc_type=uscc_type,
                unit=unit,
                postings=(low, high),
                names=tuple((name, tuple(jobs)) for name, jobs in names.items()),
            )
        )
    return result


# Kinds of company across the region's industries: how many, the kind of credit code they hold
# (91 company, 92 sole trader, 93 farmers' cooperative, 52 private non-profit), the union unit that
# watches them ("gacha": the township union of the cooperative's village), postings per company.
EMPLOYER_TABLE = """# industry | companies | credit code kind | union unit | postings each
#     name pattern: jobs it offers
mining | 34 | 91 | ETK-EN | 5-12
    {place}{brand}煤业有限责任公司: 综采工 掘进工 采煤机司机 井下电钳工 瓦斯检查工 主运皮带司机 绞车司机
        矿灯房收发员 煤矿安全员 井下辅助工 矿井调度员 地测技术员 食堂厨师 保洁员
    {place}{brand}煤矿: 综采工 掘进工 采煤机司机 井下电钳工 瓦斯检查工 主运皮带司机 绞车司机 矿灯房收发员 煤矿安全员
        井下辅助工 矿井调度员 地测技术员 食堂厨师 保洁员
    {place}{brand}矿业有限公司: 露天矿卡车司机 挖掘机司机 装载机司机 选煤厂操作工 煤质化验员 装车工 过磅员 重卡维修工
chemicals | 28 | 91 | ETK-EN | 5-12
    内蒙古{brand}化工有限公司: 化工操作工 DCS内操 甲醇装置操作工 空分操作工 仪表工 化验员 设备检修工 污水处理操作工
        安全环保专员 危化品押运员
    {place}{brand}焦化有限公司: 焦炉操作工 化工操作工 化验员 设备检修工 叉车司机 装卸工 安全环保专员
    {place}{brand}氯碱化工有限公司: 电石炉工 化工操作工 DCS内操 仪表工 化验员 设备检修工
    {place}{brand}兰炭有限公司: 兰炭生产工 化工操作工 装卸工 过磅员 化验员
energy | 18 | 91 | ETK-EN | 3-8
    {place}{brand}热电有限责任公司: 电厂集控运行值班员 锅炉运行工 输煤运行工 电气试验员 脱硫脱硝运行工 化验员
        供热管网巡检员
    {place}{brand}新能源有限公司: 光伏电站运维员 风电运维工程师 变电站值班员 电气试验员
    {place}{brand}供电服务有限公司: 抄表收费员 变电站值班员 电气试验员
construction | 38 | 91 | ETK-CO | 4-10
    {place}{brand}建筑工程有限公司: 钢筋工 木工 瓦工 架子工 塔吊司机 施工员 资料员 安全员 建筑小工 电焊工 水电工
        防水工
    {place}{brand}路桥工程有限公司: 挖掘机司机 装载机司机 测量员 施工员 安全员 建筑小工 重卡司机
    {place}{brand}装饰工程有限公司: 木工 瓦工 水电工 防水工 外墙保温工 资料员
manufacturing | 18 | 91 | ETK | 3-8
    {place}{brand}机械制造有限公司: 电焊工 钳工 车工 数控操作工 质检员 机修工 叉车司机
    {place}{brand}铁合金有限公司: 铁合金冶炼工 机修工 叉车司机 化验员 装卸工
    {place}{brand}乳业有限公司: 乳品加工工 包装工 流水线操作工 质检员 叉车司机
    {place}{brand}肉食品有限公司: 牛羊肉分割工 包装工 流水线操作工 质检员
textiles | 14 | 91 | ETK | 2-6
    {place}{brand}羊绒制品有限公司: 羊绒分梳工 电脑横机挡车工 缝盘工 手缝工 毛衫检验员 整烫工 洗毛工
    {place}{brand}民族服饰有限公司: 蒙古袍裁缝 手缝工 导购员
logistics | 28 | 91 | ETK-TR | 3-7
    {place}{brand}物流有限公司: 叉车司机 重卡司机 货车司机 仓库管理员 装卸工 物流调度员 过磅员
    {place}{brand}运输有限责任公司: 重卡司机 货车司机 物流调度员 重卡维修工
    {place}{brand}快递服务有限公司: 快递员 分拣员 外卖骑手 仓库管理员
retail | 30 | 92 | ETK-TR | 2-5
    {brand}超市: 收银员 理货员 生鲜处理员 防损员 门店店长 采购员
    {brand}购物广场: 收银员 导购员 理货员 防损员 门店店长
    {brand}大药房: 药店营业员 收银员
    {brand}加油站: 加油员 收银员
catering | 36 | 92 | ETK-TR | 2-5
    {brand}手把肉馆: 蒙餐厨师 服务员 洗碗工 配菜员 传菜员
    {brand}蒙餐馆: 蒙餐厨师 面点师 服务员 洗碗工
    {brand}火锅涮肉城: 配菜员 服务员 传菜员 洗碗工 餐厅领班
    {brand}拉面馆: 拉面师傅 服务员 洗碗工
    {brand}大酒店: 厨师 面点师 服务员 酒店前台 客房服务员 餐厅领班 保安员
    {brand}宾馆: 酒店前台 客房服务员 保洁员
    {place}{brand}餐饮管理有限公司: 食堂厨师 配菜员 洗碗工 面点师
    {brand}烧烤城: 烧烤师傅 服务员 传菜员
services | 18 | 91 | ETK-TR | 2-5
    {place}{brand}家政服务有限公司: 家政服务员 月嫂 育婴师 保洁员 钟点工
    {brand}保洁服务有限公司: 保洁员 钟点工
    {brand}汽车修理厂: 汽车修理工 重卡维修工 洗车工
    {brand}家电维修部: 家电维修工
    {brand}美发店: 美发师
care | 8 | 52 | ETK | 2-5
    {place}{brand}养老服务中心: 养老护理员 护工 康复护理员 护士 食堂厨师
    {brand}居家养老服务站: 居家养老服务员 养老护理员
agriculture | 20 | 93 | gacha | 1-3
    {place}{gacha}{brand}牧业专业合作社: 放牧员 羊倌 饲养员 剪毛工（季节性） 抓绒工 合作社会计
    {place}{brand}绒山羊养殖专业合作社: 饲养员 抓绒工 动物防疫员 羊倌
    {place}{gacha}种养殖专业合作社: 农机手 温室大棚工 奶食品制作工 合作社会计
tourism | 8 | 91 | ETK-TR | 2-4
    {place}{brand}旅游发展有限公司: 导游 景区讲解员 售票员 骑马向导
    {brand}草原旅游度假村: 民宿管家 旅游营地服务员 蒙古包搭建工 骑马向导 蒙餐厨师
it | 12 | 91 | ETK-TR | 2-5
    {place}{brand}电子商务有限公司: 带货主播 直播运营 电商客服 网店运营 电商美工 农村电商专员
    {place}{brand}文化传媒有限公司: 带货主播 短视频剪辑师 直播运营
education | 6 | 52 | ETK | 1-4
    {place}{brand}幼儿园: 幼儿园教师 保育员 保安员
    {place}{brand}培训学校: 蒙古语教师 课后托管老师
public | 10 | 91 | ETK-TR | 2-6
    {place}{brand}物业服务有限公司: 保安员 保洁员 物业维修工 绿化工 停车管理员 监控值班员 消防设施操作员
    {place}{brand}环境卫生服务有限公司: 环卫工 绿化工 保洁员
"""
EMPLOYER_KINDS = _employer_kinds(EMPLOYER_TABLE)
SHIFTS = [
    "长白班，月休4天。",
    "两班倒，月休4天。",
    "三班两倒。",
    "做六休一。",
    "朝九晚六，周末双休。",
    "倒班，每月休息6天。",
]
BENEFITS = [
    "缴纳五险",
    "五险一金",
    "包吃住",
    "提供职工宿舍",
    "免费工作餐",
    "节日福利",
    "年终奖",
    "岗前免费培训",
    "工资按月足额发放",
    "交通补贴",
    "高温补贴",
    "取暖补贴",
]
CONSENT_NOTES = [
    "电话联系本人，同意投递",
    "入户走访时本人同意",
    "本人到帮扶站当面确认",
    "本人微信确认同意",
    "在招聘会现场本人同意",
]
REJECT_NOTES = ["岗位要求持证上岗", "面试未通过", "已招到合适人选", "工作经验不符合要求", "本人未按时参加面试"]
INTERVIEW_NOTES = ["约定下周一上午面试", "请携带身份证和证书原件面试", "电话面试", ""]
OFFER_NOTES = ["试用期三个月", "试用期一个月，转正后缴纳五险", ""]
WITHDRAW_NOTES = ["已找到其他工作", "离家太远", "家中老人需要照顾", "薪资低于预期", ""]
SERVICE_OUTCOMES = {
    "counselling": [
        "完成职业测评，建议从事电商运营类岗位",
        "讲解就业政策和应届生补贴申领",
        "修改简历，明确求职方向",
        "建议先参加技能培训再求职",
    ],
    "job_introduction": ["推荐岗位并约定面试", "陪同参加面试", "推荐岗位，本人表示考虑", "推荐后已录用"],
    "legal_aid": ["咨询拖欠工资问题，已转法律援助中心", "解答劳动合同签订问题", "协助申请劳动仲裁"],
    "training_referral": ["推荐参加电商直播培训班", "推荐参加叉车司机培训", "推荐参加育婴员培训", "推荐参加电工培训"],
}
RETENTION_NOTES = {
    "still_employed": ["工作稳定，收入按时发放", "已转正", "本人表示满意", ""],
    "changed_job": ["已跳槽到其他单位", "转到亲戚开的店里工作"],
    "left": ["因家庭原因离职", "身体原因离职", "合同到期未续签"],
    "unreachable": ["电话无人接听", "手机号已停机"],
}


def _org_code(rng: random.Random) -> str:
    """A GB 11714 organisation code of the "MA" series (issued with the credit codes since 2015):
    eight characters and its own check character."""
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    body = "MA" + "".join(rng.choice(alphabet) for _ in range(6))
    values = [int(c) if c.isdigit() else ord(c) - 55 for c in body]
    check = 11 - sum(v * w for v, w in zip(values, (3, 7, 9, 10, 5, 8, 4, 2), strict=True)) % 11
    return body + {10: "X", 11: "0"}.get(check, str(check))


def _uscc(rng: random.Random, kind: str, region: str) -> str:
    from stdnum.cn.uscc import calc_check_digit

    body = f"{kind}{region}{_org_code(rng)}"
    return body + calc_check_digit(body)


def _months_later(day: dt.date, months: int) -> dt.date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


class _own_timestamps:
    """Let bulk_create keep the timestamps the demo history sets: auto_now / auto_now_add fields
    would stamp every row with the moment of seeding."""

    def __init__(self, *models: type) -> None:
        self.fields = [
            f
            for m in models
            for f in m._meta.concrete_fields  # type: ignore[attr-defined]
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        ]
        self.saved = [(f, f.auto_now, f.auto_now_add) for f in self.fields]

    def __enter__(self) -> None:
        for f in self.fields:
            f.auto_now = f.auto_now_add = False

    def __exit__(self, *exc: object) -> None:
        for f, auto_now, auto_now_add in self.saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def seed_matches(*, verbose: Callable[[str], None] = print) -> int:
    """Stored matches for the demo, so that the demo worker, employer and organizers see them at
    once: the nightly re-match, run here in-process (inside the seed's transaction, where Celery
    workers could not see the rows yet). Skipped when matches are already stored; returns the rows
    written."""
    from matching import services as matching
    from matching.models import Match

    if Match.objects.exists():
        return 0
    matching.forget_market()
    chunks, thresholds = matching.rematch_plan()
    written = sum(matching.rematch_chunk(chunk, thresholds) for chunk in chunks)
    matching.forget_market()  # built inside this transaction: let the next reader build its own
    verbose(f"Stored {written} matches (each seeker's best jobs and each job's best people).")
    return written


@dataclass
class JobsDemoResult:
    created: bool
    employers: int = 0
    postings: int = 0
    applications: int = 0
    placements: int = 0


INDUSTRY_WORDS = {
    "mining": "煤炭开采与洗选",
    "chemicals": "煤化工产品生产",
    "energy": "发电、供热与新能源",
    "construction": "房屋建筑与市政工程施工",
    "manufacturing": "机械加工与食品制造",
    "textiles": "羊绒制品加工",
    "logistics": "道路货物运输与仓储",
    "retail": "商品零售",
    "catering": "餐饮住宿",
    "services": "家政与生活服务",
    "care": "养老护理服务",
    "agriculture": "绒山羊养殖与牧业生产",
    "tourism": "草原旅游",
    "it": "电子商务与直播带货",
    "education": "学前教育与培训",
    "public": "物业管理与环境卫生",
}
HEAVY_INDUSTRIES = {"mining", "chemicals", "energy", "construction", "manufacturing"}
QUALITIES = ["吃苦耐劳", "有责任心", "身体健康", "服从安排", "有团队精神"]  # written often, never a skill


def _age(birth: dt.date, today: dt.date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def _timeline(rng: random.Random, start: dt.datetime, limit: dt.datetime, steps: int) -> list[dt.datetime]:
    """``steps`` moments after ``start``, a few days apart, squeezed to end by ``limit``."""
    gaps = [dt.timedelta(days=rng.uniform(0.3, 8)) for _ in range(steps)]
    room = max(limit - start, dt.timedelta(minutes=steps or 1))
    total = sum(gaps, dt.timedelta())
    if total > room:
        gaps = [g * (room / total) for g in gaps]
    moments, at = [], start
    for gap in gaps:
        at += gap
        moments.append(at)
    return moments


def _path(rng: random.Random, final: str, invited: bool) -> list[str]:
    """The states an application went through to ``final``, each step one the state machine
    allows (``jobs.services.EMPLOYER_MOVES`` / ``WORKER_MOVES``; closing and hiring are the
    services' own steps)."""
    states = ["invited"] if invited else []
    if final == "invited":
        return states
    if invited and final in ("withdrawn", "closed") and rng.random() < 0.3:
        return [*states, final]
    states.append("applied")

    def up_to(stage: str) -> list[str]:
        if stage == "applied":
            return []
        if stage == "viewed":
            return ["viewed"]
        if stage == "interview":
            return (["viewed"] if rng.random() < 0.6 else []) + ["interview"]
        return [*up_to("interview"), "offered"]

    if final in ("applied", "viewed", "interview", "offered"):
        return states + up_to(final)
    if final == "hired":
        return [*states, *up_to("offered"), "hired"]
    stop = rng.choices(["applied", "viewed", "interview", "offered"], [40, 30, 20, 10])[0]
    return [*states, *up_to(stop), final]  # rejected, withdrawn or closed


EMPLOYER_STATES = {"viewed", "interview", "offered", "rejected", "hired"}
OPEN_APPLICATION_STATES = {"invited", "applied", "viewed", "interview", "offered"}


def seed_jobs(
    *, seed_value: int = 2027, verbose: Callable[[str], None] = print, password_hash: str | None = None
) -> JobsDemoResult:
    """阳光就业 demo: 326 companies of the region with their logins, about 1,700 postings, a few
    thousand applications with their logged steps, a few hundred hires with their follow-ups, and
    employment services for graduates. Needs the archive (``seed``) and is skipped when the demo
    employer login already acts for a company."""
    if EmployerMembership.objects.filter(user__username="employer_demo").exists():
        return JobsDemoResult(
            created=False,
            employers=Employer.objects.count(),
            postings=JobPosting.objects.count(),
            applications=Application.objects.count(),
            placements=Placement.objects.count(),
        )
    rng = random.Random(seed_value)
    now = timezone.now()
    today = timezone.localdate()
    password_hash = password_hash or make_password(DEMO_PASSWORD)
    units = {u.code: u for u in OrgUnit.objects.filter(code__startswith="ETK") if u.code}
    staff = {u.username: u for u in User.objects.filter(username__in=["org_county", "org_energy", "employer_demo"])}
    county_organizer = staff["org_county"]

    # Companies, and a login for each (the demo one is ``employer_demo``).
    regions, region_weights = list(JOB_REGIONS), list(JOB_REGIONS.values())
    taken_names = set(Employer.objects.values_list("name", flat=True))
    taken_codes = set(Employer.objects.values_list("uscc", flat=True))
    employers: list[Employer] = []
    offers: list[tuple[str, tuple[int, int], tuple[str, ...]]] = []  # industry, postings range, jobs
    for kind in EMPLOYER_KINDS:
        for _ in range(kind.count):
            demo = kind.industry == "logistics" and DEMO_EMPLOYER_NAME not in taken_names
            region = "150624" if demo or kind.unit == "gacha" else rng.choices(regions, region_weights)[0]
            gacha, gacha_unit = rng.choice(GACHAS)
            pattern, jobs = kind.names[0] if demo else rng.choice(kind.names)
            name = DEMO_EMPLOYER_NAME if demo else ""
            while not name or name in taken_names:
                place = (
                    rng.choice(["鄂托克旗", "鄂尔多斯市", "棋盘井", "蒙西"])
                    if region == "150624"
                    else COUNTY_NAMES[region]
                )
                name = pattern.format(place=place, brand=rng.choice(BRANDS), gacha=gacha)
            taken_names.add(name)
            code = _uscc(rng, kind.uscc_type, region)
            while code in taken_codes:
                code = _uscc(rng, kind.uscc_type, region)
            taken_codes.add(code)
            unit_code = gacha_unit if kind.unit == "gacha" else kind.unit
            if region != "150624":
                unit_code = "ETK"  # no union unit of our own there: the federation answers for them
            status = (
                Employer.Status.VERIFIED
                if demo
                else rng.choices(
                    [Employer.Status.VERIFIED, Employer.Status.PENDING, Employer.Status.REJECTED], [86, 9, 5]
                )[0]
            )
            created = now - dt.timedelta(days=rng.uniform(40, 720))
            address = f"{rng.choice(WORKPLACES[region])}{rng.randrange(1, 300)}号"
            employer = Employer(
                name=name,
                uscc=code,
                contact_name=_name(rng, rng.random() < 0.6, rng.random() < 0.2),
                contact_phone=f"1{rng.choice([3, 5, 8])}{rng.randrange(10**8, 10**9)}",
                region_id=region,
                address=address,
                industry=kind.industry,
                description=f"{name}位于{address}，主要从事{INDUSTRY_WORDS[kind.industry]}。",
                org_unit=units[unit_code],
                status=status,
                created_at=created,
            )
            if status != Employer.Status.PENDING:
                employer.verified_by = staff["org_energy"] if unit_code == "ETK-EN" else county_organizer
                employer.verified_at = created + dt.timedelta(days=rng.uniform(1, 10))
            if status == Employer.Status.REJECTED:
                employer.status_note = rng.choice(
                    [
                        "营业执照信息与统一社会信用代码不一致",
                        "经营范围不含相关业务，请补充材料",
                        "联系人电话无法接通，请核实",
                    ]
                )
            employers.append(employer)
            offers.append((kind.industry, kind.postings, jobs))
    with _own_timestamps(Employer):
        bulk_create_with_history(employers, Employer, batch_size=500, default_date=now)
    logins = []
    for index, employer in enumerate(employers):
        if employer.name == DEMO_EMPLOYER_NAME:
            logins.append(staff["employer_demo"])
            continue
        login = User(username=f"employer_{index + 1:03d}", full_name=employer.contact_name, role=Role.EMPLOYER)
        login.password = password_hash
        logins.append(login)
    User.objects.bulk_create([u for u in logins if u.pk is None], batch_size=500)
    EmployerMembership.objects.bulk_create(
        [EmployerMembership(user=u, employer=e) for u, e in zip(logins, employers, strict=True)], batch_size=500
    )
    login_of = {e.pk: u.pk for e, u in zip(employers, logins, strict=True)}

    # Postings, their titles coded to CSCO and their skills understood.
    postings: list[JobPosting] = []
    skill_plan: list[list[tuple[str, bool]]] = []
    withdrawn_at: dict[int, dt.datetime] = {}  # position in ``postings`` -> when it was taken down
    for employer, (industry, count, jobs) in zip(employers, offers, strict=True):
        demo = employer.name == DEMO_EMPLOYER_NAME
        n = 12 if demo else rng.randint(*count)
        for k in range(n):
            job = JOBS[rng.choice(jobs)]
            if demo:
                state = ["draft", "review", "filled", "expired"][k] if k < 4 else "published"
            elif employer.status == Employer.Status.VERIFIED:
                state = rng.choices(
                    ["published", "filled", "expired", "withdrawn", "draft", "review"], [70, 8, 8, 4, 5, 5]
                )[0]
            elif employer.status == Employer.Status.PENDING:
                state = rng.choice(["draft", "review"])
            else:
                state = "draft"
            accommodation = rng.random() < (
                0.75
                if industry in HEAVY_INDUSTRIES
                else 0.4
                if industry in ("catering", "agriculture", "tourism")
                else 0.1
            )
            title = job.title
            if rng.random() < 0.2:
                title = rng.choice(["急招", "诚聘", "高薪诚聘", "长期招聘"]) + title
            if rng.random() < 0.2:
                title += rng.choice(
                    [
                        "（包吃住）" if accommodation else "（五险一金）",
                        "（长白班）",
                        "（两班倒）",
                        "（可接收应届毕业生）" if job.graduates else "（有经验者优先）",
                    ]
                )
            heavy_industry = industry in HEAVY_INDUSTRIES
            headcount = rng.choice([1, 2, 2, 3, 3, 5, 5, 8, 10, 15, 20] if heavy_industry else [1, 1, 1, 2, 2, 3, 5])
            if state == "filled":
                headcount = min(headcount, 3)
            low = max(2500, round(job.low * rng.uniform(0.9, 1.08) / 100) * 100)
            high = min(12000, max(low + 500, round(job.high * rng.uniform(0.92, 1.1) / 100) * 100))
            low = min(low, high - 500)
            region = employer.region_id
            if industry in ("construction", "logistics") and rng.random() < 0.12:
                region = rng.choice(regions)
            if state == "published":
                valid_until = today + dt.timedelta(days=rng.randrange(0, 150))
                published = now - dt.timedelta(days=rng.uniform(0.05, 120))
            elif state == "expired":
                valid_until = today - dt.timedelta(days=rng.randrange(1, 240))
                published = timezone.make_aware(
                    dt.datetime.combine(valid_until - dt.timedelta(days=rng.randrange(20, 120)), dt.time(9))
                ) + dt.timedelta(minutes=rng.randrange(600))
            elif state in ("filled", "withdrawn"):
                published = now - dt.timedelta(days=rng.uniform(15, 300))
                valid_until = published.date() + dt.timedelta(days=rng.randrange(30, 180))
            else:
                valid_until = today + dt.timedelta(days=rng.randrange(20, 120))
                published = None
            created = (published or now - dt.timedelta(days=rng.uniform(0, 25))) - dt.timedelta(
                days=rng.uniform(0.5, 4)
            )
            created = max(created, (employer.created_at or created) + dt.timedelta(hours=1))
            posting = JobPosting(
                employer=employer,
                title=title,
                description=(
                    f"{employer.name}招聘{job.title}{headcount}名。工作地点：{rng.choice(WORKPLACES[region])}。"
                    f"{rng.choice(SHIFTS)}{'，'.join(rng.sample(BENEFITS, k=rng.randint(2, 4)))}。"
                    f"{'欢迎应届毕业生报名。' if job.graduates else ''}"
                ),
                headcount=headcount,
                region_id=region,
                address=f"{rng.choice(WORKPLACES[region])}{rng.randrange(1, 200)}号",
                salary_min=low,
                salary_max=high,
                physical_demand=job.demand,
                education=job.education,
                accommodation=accommodation,
                recruits_other_regions=heavy_industry and rng.random() < 0.35,
                for_graduates=job.graduates and rng.random() < 0.8,
                valid_until=valid_until,
                state=state,
                employer_verified=employer.is_verified,
                submitted_at=(published or now) - dt.timedelta(days=rng.uniform(0.1, 2)) if state != "draft" else None,
                published_at=published,
                reviewed_by=(staff["org_energy"] if employer.org_unit.code == "ETK-EN" else county_organizer)
                if published
                else None,
                created_by_id=login_of[employer.pk],
                created_at=created,
                updated_at=published or created,
            )
            if state == "withdrawn" and published is not None:
                withdrawn_at[len(postings)] = published + dt.timedelta(days=rng.uniform(3, 25))
                posting.updated_at = withdrawn_at[len(postings)]
            postings.append(posting)
            phrases = [(p, True) for p in job.required] + [(p, False) for p in job.preferred if rng.random() < 0.7]
            if rng.random() < 0.25:
                phrases.append((rng.choice(QUALITIES), True))
            skill_plan.append(phrases)
    coder = occupation_coder()
    occupation_ids = dict(Occupation.objects.values_list("code", "id"))
    title_counts: dict[str, int] = {}
    for posting in postings:
        title_counts[posting.title] = title_counts.get(posting.title, 0) + 1
    coded = {title: coder.code(title) for title in title_counts}
    for posting in postings:
        match = coded[posting.title]
        if match.code in occupation_ids:
            posting.occupation_id = occupation_ids[match.code]
            posting.occupation_score = round(match.score, 3)
    guesses = {o.code: o for o in Occupation.objects.filter(code__in={m.code for m in coded.values() if m.code})}
    for title, match in coded.items():
        if match.score < OCCUPATION_CERTAIN:
            review_record(
                kind=PhraseKind.OCCUPATION,
                text=title,
                score=match.score,
                guess_occupation=guesses.get(match.code or ""),
                times=title_counts[title],
            )
    assert connection.features.can_return_rows_from_bulk_insert, "the demo needs ids back from bulk inserts"
    with _own_timestamps(JobPosting):
        bulk_create_with_history(postings, JobPosting, batch_size=500, default_date=now)
    resolver = skill_resolver()
    distinct = {phrase for phrases in skill_plan for phrase, _required in phrases}
    qualities = {p for p in distinct if resolver.resolve(p).method == "not_a_skill"}  # kept out, as the service does
    understood = skills_understand_many([p for phrases in skill_plan for p, _r in phrases if p not in qualities])
    posting_skills = []
    for posting, phrases in zip(postings, skill_plan, strict=True):
        seen: set[int] = set()
        for phrase, required in phrases:
            if phrase in qualities:
                continue
            skill_id = understood.get(phrase)
            if skill_id is not None:
                if skill_id in seen:
                    continue
                seen.add(skill_id)
            posting_skills.append(PostingSkill(posting=posting, phrase=phrase, skill_id=skill_id, required=required))
    PostingSkill.objects.bulk_create(posting_skills, batch_size=2000)

    # Applications: who applied where, and every step they went through.
    household_states = [Household.State.ACTIVE, Household.State.EXITED]
    people: list[dict[str, Any]] = [
        dict(m)
        for m in Member.objects.filter(
            household__org_unit__code__startswith="ETK", is_current=True, household__state__in=household_states
        )
        .exclude(work_capacity=Member.WorkCapacity.NONE)
        .values(
            "id", "household_id", "birth_date", "work_capacity", "consent_to_be_found", "user_id", "graduation_year"
        )
        .order_by("id")
        if 18 <= _age(m["birth_date"], today) < 60
    ]
    full_capacity = [m for m in people if m["work_capacity"] == Member.WorkCapacity.FULL]
    helper_of = dict(
        Pairing.objects.filter(ended_on__isnull=True, household__org_unit__code__startswith="ETK").values_list(
            "household_id", "helper_id"
        )
    )
    worker = next((m for m in people if m["user_id"]), None)
    applications: list[Application] = []
    paths: list[list[tuple[str, dt.datetime, int | None, str]]] = []  # state, when, actor, note
    hired_at: dict[int, tuple[int, dt.datetime]] = {}  # member -> (application index, when)

    def add(
        posting: JobPosting,
        member: dict[str, Any],
        final: str,
        start: dt.datetime,
        limit: dt.datetime,
        *,
        last_at: dt.datetime | None = None,
    ) -> None:
        employer_login = login_of[posting.employer_id]
        self_service = member["user_id"] is not None
        helper = member["user_id"] if self_service else helper_of.get(member["household_id"], county_organizer.pk)
        invited = not self_service and member["consent_to_be_found"] and rng.random() < 0.25
        if final == "invited" and not invited:
            final = "applied"
        states = _path(rng, final, invited)
        created = start
        moments = [created, *_timeline(rng, created, limit, len(states) - 1)]
        if last_at is not None and len(moments) > 1:
            moments[-1] = max(last_at, moments[-2])
        steps: list[tuple[str, dt.datetime, int | None, str]] = []
        for position, (state, at) in enumerate(zip(states, moments, strict=True)):
            if position == 0:
                actor = employer_login if state == "invited" else helper
                note = "" if state == "invited" or self_service else rng.choice(CONSENT_NOTES)
            elif state in EMPLOYER_STATES:
                actor = employer_login
                note = {
                    "interview": rng.choice(INTERVIEW_NOTES),
                    "offered": rng.choice(OFFER_NOTES),
                    "rejected": rng.choice(REJECT_NOTES),
                }.get(state, "")
            elif state == "closed":
                actor = employer_login
                note = "岗位已招满" if posting.state == "filled" else "用人单位已撤回岗位"
            else:  # applied after an invitation, withdrawn: the worker's side
                actor = helper
                note = rng.choice(WITHDRAW_NOTES) if state == "withdrawn" else ""
            steps.append((state, at, actor, note))
        touched = [at for state, at, _a, _n in steps if state in EMPLOYER_STATES] or [created]
        via = (
            Application.Via.INVITATION if invited else Application.Via.SELF if self_service else Application.Via.HELPER
        )
        applications.append(
            Application(
                posting=posting,
                member_id=member["id"],
                state=states[-1],
                via=via,
                message="您好，看到您的求职意向，欢迎来面试。" if invited else "",
                created_by_id=employer_login if invited else helper,
                consent_recorded_at=created if via == Application.Via.HELPER else None,
                consent_note=steps[0][3] if via == Application.Via.HELPER else "",
                created_at=created,
                employer_touched_at=max(touched),
                updated_at=steps[-1][1],
            )
        )
        paths.append(steps)
        if states[-1] == "hired":
            hired_at[member["id"]] = (len(applications) - 1, steps[-1][1])

    for position, posting in enumerate(postings):
        if posting.published_at is None:
            continue
        pool = people if posting.physical_demand == "light" else full_capacity
        start = posting.published_at
        if posting.state == "filled":
            end = min(now - dt.timedelta(days=1), start + dt.timedelta(days=rng.uniform(10, 60)))
        elif posting.state == "withdrawn":
            end = withdrawn_at[position]
        elif posting.state == "expired":
            end = min(now, timezone.make_aware(dt.datetime.combine(posting.valid_until, dt.time(18))))
        else:
            end = now
        window = max(end - start, dt.timedelta(hours=1))
        if posting.state == "filled":
            free = [m for m in rng.sample(pool, k=min(len(pool), 60)) if m["id"] not in hired_at]
            chosen = free[: posting.headcount + rng.randint(1, 5)]
            for rank, member in enumerate(chosen):
                applied = start + window * rng.uniform(0, 0.5)
                if rank < posting.headcount:
                    add(posting, member, "hired", applied, end, last_at=end if rank == 0 else None)
                else:
                    final = rng.choices(["rejected", "withdrawn", "closed"], [35, 10, 55])[0]
                    add(posting, member, final, applied, end, last_at=end if final == "closed" else None)
            continue
        applicants = {
            "published": rng.choices(range(9), [12, 16, 16, 14, 12, 10, 8, 7, 5])[0],
            "expired": rng.randint(0, 6),
            "withdrawn": rng.randint(0, 3),
        }[posting.state]
        hires = 0
        for member in rng.sample(pool, k=min(applicants, len(pool))):
            applied = start + window * rng.uniform(0, 0.8)
            if posting.state == "withdrawn":
                final = rng.choices(["closed", "rejected", "withdrawn"], [60, 25, 15])[0]
                add(posting, member, final, applied, end, last_at=end if final == "closed" else None)
                continue
            weights = [4, 28, 18, 14, 6, 4, 18, 8] if posting.state == "published" else [0, 10, 8, 4, 2, 10, 50, 16]
            final = rng.choices(
                ["invited", "applied", "viewed", "interview", "offered", "hired", "rejected", "withdrawn"], weights
            )[0]
            if final == "hired" and (member["id"] in hired_at or hires + 1 >= posting.headcount):
                final = "offered" if posting.state == "published" else "rejected"
            if final in OPEN_APPLICATION_STATES and now - applied > dt.timedelta(days=30) and rng.random() < 0.75:
                # Most employers answer within a month; the rest are what the stalled list is for.
                final = rng.choices(["rejected", "withdrawn"], [70, 30])[0]
            hires += final == "hired"
            add(posting, member, final, applied, end)
    # The demo worker has a few applications of their own, one with the demo company.
    if worker is not None:
        demo_open = [p for p in postings if p.state == "published" and p.employer.name == DEMO_EMPLOYER_NAME]
        others = [p for p in postings if p.state == "published" and p.physical_demand == "light"][:40]
        mine = {a.posting_id for a in applications if a.member_id == worker["id"]}
        for posting, final in zip(
            [*demo_open[:1], *rng.sample(others, k=2)], ["applied", "viewed", "interview"], strict=False
        ):
            if posting.pk not in mine and worker["id"] not in hired_at:
                mine.add(posting.pk)
                add(posting, worker, final, now - dt.timedelta(days=rng.uniform(2, 20)), now)
    # A hire closes the worker's other applications that were still open at that moment.
    for member_id, (hire_index, hire_time) in hired_at.items():
        hiring_login = login_of[applications[hire_index].posting.employer_id]
        for index, application in enumerate(applications):
            if (
                application.member_id != member_id
                or index == hire_index
                or application.state not in OPEN_APPLICATION_STATES
                or application.created_at > hire_time
            ):
                continue
            at = min(now, max(hire_time, paths[index][-1][1] + dt.timedelta(minutes=5)))
            paths[index].append(("closed", at, hiring_login, "已在其他单位就业"))
            application.state, application.updated_at = "closed", at
    with _own_timestamps(Application):
        Application.objects.bulk_create(applications, batch_size=1000)
    events = [
        ApplicationEvent(
            application=application,
            from_state=steps[k - 1][0] if k else "",
            to_state=state,
            actor_id=actor,
            at=at,
            note=note,
        )
        for application, steps in zip(applications, paths, strict=True)
        for k, (state, at, actor, note) in enumerate(steps)
    ]
    with _own_timestamps(ApplicationEvent):
        ApplicationEvent.objects.bulk_create(events, batch_size=2000)

    # Hires: placements, their follow-ups, and what they changed in the archive.
    household_of = {m["id"]: m["household_id"] for m in people}
    placements: list[Placement] = []
    placement_helpers: list[int] = []
    left_work: set[int] = set()  # positions of placements that ended with the person out of work
    for member_id, (index, hire_time) in sorted(hired_at.items(), key=lambda item: item[1][1]):
        application = applications[index]
        posting = application.posting
        placements.append(
            Placement(
                application=application,
                member_id=member_id,
                employer_id=posting.employer_id,
                posting=posting,
                start_date=(hire_time + dt.timedelta(days=rng.randint(2, 15))).date(),
                monthly_wage=round(rng.uniform(posting.salary_min, posting.salary_max) / 100) * 100,
                created_by_id=login_of[posting.employer_id],
                created_at=hire_time,
            )
        )
        placement_helpers.append(helper_of.get(household_of[member_id], county_organizer.pk))
    with _own_timestamps(Placement):
        bulk_create_with_history(placements, Placement, batch_size=500, default_date=now)
    checks = []
    for position, (placement, helper) in enumerate(zip(placements, placement_helpers, strict=True)):
        ended: str | None = None
        for months in settings.RETENTION_CHECK_MONTHS:
            due = _months_later(placement.start_date, months)
            check = RetentionCheck(placement=placement, months=months, due_on=due)
            if due <= today - dt.timedelta(days=3) and (ended or rng.random() < 0.85):
                check.done_on = min(today, due + dt.timedelta(days=rng.randint(0, 10)))
                check.outcome = (
                    ended or rng.choices(["still_employed", "changed_job", "left", "unreachable"], [75, 8, 10, 7])[0]
                )
                check.note = rng.choice(RETENTION_NOTES[check.outcome])
                check.done_by_id = helper
                if check.outcome in ("left", "changed_job") and not ended:
                    ended = check.outcome
                    placement.ended_on = check.done_on
                    if ended == "left":
                        left_work.add(position)
            checks.append(check)
    RetentionCheck.objects.bulk_create(checks, batch_size=1000)
    Placement.objects.bulk_update([p for p in placements if p.ended_on], ["ended_on"], batch_size=500)
    _record_hires_in_archive(placements, left_work, today)

    # 阳光就业 services, graduates above all.
    open_postings = [p for p in postings if p.state == "published"]
    graduates = [m for m in people if m["graduation_year"] and m["graduation_year"] >= today.year - 4]
    served = graduates + rng.sample(people, k=min(len(people), 80))
    services = []
    for member in served:
        for _ in range(rng.choice([1, 1, 2]) if member in graduates else 1):
            service_kind = rng.choices(list(SERVICE_OUTCOMES), [35, 35, 10, 20])[0]
            services.append(
                EmploymentService(
                    member_id=member["id"],
                    kind=service_kind,
                    held_on=today - dt.timedelta(days=rng.randrange(1, 330)),
                    provided_by_id=helper_of.get(member["household_id"], county_organizer.pk),
                    posting=rng.choice(open_postings) if service_kind == "job_introduction" and open_postings else None,
                    outcome=rng.choice(SERVICE_OUTCOMES[service_kind]),
                )
            )
    EmploymentService.objects.bulk_create(services, batch_size=1000)

    result = JobsDemoResult(
        created=True,
        employers=len(employers),
        postings=len(postings),
        applications=len(applications),
        placements=len(placements),
    )
    verified = sum(e.status == Employer.Status.VERIFIED for e in employers)
    still_open = sum(p.state == "published" for p in postings)
    verbose(
        f"Created {result.employers} employers ({verified} verified), {result.postings} postings ({still_open} open), "
        f"{result.applications} applications ({len(events)} logged steps), {result.placements} placements "
        f"({len(checks)} follow-ups) and {len(services)} employment services."
    )
    return result


def _record_hires_in_archive(placements: list[Placement], left_work: set[int], today: dt.date) -> None:
    """What ``households.services.member_hired`` does for one hire, done in bulk for the demo: the
    member employed at the wage, the household's income per head adjusted by the change, the
    active plan's open job goals met. People who have since left the job are out of work again."""
    members = {m.pk: m for m in Member.objects.filter(pk__in=[p.member_id for p in placements])}
    households = {h.pk: h for h in Household.objects.filter(pk__in={m.household_id for m in members.values()})}
    sizes = dict(
        Member.objects.filter(household_id__in=list(households), is_current=True)
        .values("household_id")
        .annotate(n=Count("id"))
        .values_list("household_id", "n")
    )
    employer_names = dict(Employer.objects.filter(pk__in={p.employer_id for p in placements}).values_list("id", "name"))
    working: dict[int, Placement] = {}  # household -> the hire that meets its job goals
    for position, placement in enumerate(placements):
        member = members[placement.member_id]
        if position in left_work:
            member.employment_status = Member.EmploymentStatus.UNEMPLOYED
            continue
        household = households[member.household_id]
        previous = member.monthly_income or Decimal(0)
        member.employment_status = Member.EmploymentStatus.EMPLOYED
        member.monthly_income = Decimal(placement.monthly_wage).quantize(Decimal("0.01"))
        size = sizes.get(household.pk) or 1
        total = (household.income_per_head or Decimal(0)) * size - previous + member.monthly_income
        household.income_per_head = max(Decimal(0), total / size).quantize(Decimal("0.01"))
        working.setdefault(household.pk, placement)
        working[-member.pk] = placement  # the member's own goals
    Member.objects.bulk_update(list(members.values()), ["employment_status", "monthly_income"], batch_size=500)
    Household.objects.bulk_update(list(households.values()), ["income_per_head"], batch_size=500)
    goals = list(
        PlanGoal.objects.filter(
            track=Track.JOB, plan__status=ReliefPlan.Status.ACTIVE, plan__household_id__in=list(working)
        )
        .exclude(status=PlanGoal.Status.MET)
        .select_related("plan")
    )
    met = []
    for goal in goals:
        hire = working.get(-goal.member_id) if goal.member_id else working.get(goal.plan.household_id)
        if hire is None:
            continue
        goal.status = PlanGoal.Status.MET
        goal.met_on = min(hire.start_date, today)
        goal.evidence = f"在{employer_names[hire.employer_id]}就业（{hire.start_date.isoformat()}起）"[:200]
        met.append(goal)
    PlanGoal.objects.bulk_update(met, ["status", "met_on", "evidence"], batch_size=500)
