"""The seeded county the sweeps run against: the demo county, its logins by role, and (for the
matrix) one object of every kind that belongs to another owner (``County.foreign``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import MD5PasswordHasher

from accounts.models import OrgUnit, Role, User
from web import demo

# The roles the sweeps act as, and the demo login of each (None: not signed in).
ROLES = ("anonymous", "worker", "employer", "helper", "organizer", "auditor", "admin")
LOGINS = {
    "worker": "worker_demo",
    "employer": "employer_demo",
    "helper": "helper_etk_wl_1_1",  # 乌兰镇职工帮扶站
    "organizer": "org_wulan",  # 乌兰镇总工会 and its stations
    "auditor": "auditor_wulan",  # made here: the demo's auditor reads the whole county
    "admin": "admin",
}
PASSWORD = "county-pass-2026"
# Every login above acts inside 乌兰镇 (ETK-WL); another owner's objects are found elsewhere.
HOME_UNIT = "ETK-WL"


@dataclass
class County:
    users: dict[str, User]
    foreign: dict[str, Any] = field(default_factory=dict)  # kind -> an object none of the logins owns

    def user(self, role: str) -> User | None:
        return self.users.get(role)


def build_county() -> County:
    demo.seed(households=30, verbose=lambda _text: None)
    wulan = OrgUnit.objects.get(code=HOME_UNIT)
    User.objects.get_or_create(
        username=LOGINS["auditor"], defaults={"role": Role.AUDITOR, "org_unit": wulan, "full_name": "乌兰审计"}
    )
    users = {role: User.objects.get(username=name) for role, name in LOGINS.items()}
    # A cheap hash: the sweeps may log in with Basic authentication thousands of times.
    # (tests/conftest.py makes MD5 the hasher of every test.)
    hashed = MD5PasswordHasher().encode(PASSWORD, MD5PasswordHasher().salt())
    User.objects.filter(pk__in=[u.pk for u in users.values()]).update(password=hashed)
    users = {role: User.objects.get(pk=user.pk) for role, user in users.items()}  # the new hash, for sessions
    county = County(users=users)
    from tests.security.county.kinds import find_foreign

    county.foreign = find_foreign(county)
    return county
