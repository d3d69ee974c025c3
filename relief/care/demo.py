"""Demo data of care (called by ``relief.demo``): rest stations and nursing rooms in the towns,
sanitation workers marked with their employer, free health checks, and this year's women workers'
rights-month event with who attended."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from django.utils import timezone

from accounts.models import OrgUnit, User
from households.models import Household, Member
from relief.care import services
from relief.care.models import Station

STATIONS = [
    ("rest_station", "乌兰镇环卫工人爱心驿站", "乌兰大街与团结路交叉口"),
    ("nursing_room", "旗政务服务中心爱心妈咪小屋", "旗政务服务中心二楼"),
    ("rest_station", "棋盘井镇户外劳动者驿站", "棋盘井镇工会一楼"),
    ("nursing_room", "乌兰镇卫生院爱心妈咪小屋", "乌兰镇卫生院门诊楼"),
]


def seed_care(*, rng: random.Random, verbose: Callable[[str], None] = print) -> int:
    if Station.objects.exists():
        return 0
    organizer = User.objects.filter(username="org_county").select_related("org_unit").first()
    if organizer is None or organizer.org_unit is None:
        return 0
    today = timezone.localdate()
    county: OrgUnit = organizer.org_unit
    for kind, name, place in STATIONS:
        opened = today - dt.timedelta(days=rng.randint(200, 900))
        services.station_record(
            by=organizer,
            org_unit=county,
            kind=kind,
            name=name,
            place=place,
            opened_on=opened,
            inspected_on=today - dt.timedelta(days=rng.randint(5, 150)),
        )
    members = list(
        Member.objects.filter(is_current=True, household__state=Household.State.ACTIVE)
        .filter(birth_date__lte=today.replace(year=today.year - 25), birth_date__gt=today.replace(year=today.year - 58))
        .select_related("household__org_unit")
        .order_by("pk")[:40]
    )
    for i, member in enumerate(members[:12]):
        services.mark_set(
            member=member,
            by=organizer,
            sanitation_worker=i % 2 == 0,
            employer_name="鄂托克旗环境卫生管理处" if i % 2 == 0 else "",
            women_care_needs="哺乳期" if member.sex == Member.Sex.FEMALE and i % 3 == 0 else "",
        )
        services.health_check_record(
            member=member,
            by=organizer,
            checked_on=today - dt.timedelta(days=rng.randint(10, 90)),
            result=rng.choice(["未见异常", "血压偏高，建议复查", "乳腺增生，建议专科随访"]),
            referral=rng.choice(["", "", "旗人民医院"]),
        )
    event = services.event_create(
        by=organizer,
        org_unit=county,
        name=f"{today.year}年女职工维权行动月法律宣讲",
        held_on=today - dt.timedelta(days=20),
        place="旗总工会职工之家",
    )
    women = [m for m in members if m.sex == Member.Sex.FEMALE][:15]
    for member in women:
        services.attendance_record(event=event, member=member, by=organizer)
    verbose(f"Care: {len(STATIONS)} stations, {min(12, len(members))} marked, {len(women)} at the rights month.")
    return len(STATIONS)
