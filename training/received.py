"""Certificates earned, for the household's list of what it received (``households.received``)."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.translation import gettext as _

from households.received import Received
from training.models import Certificate


def certificates(household_ids: list[int]) -> Iterator[Received]:
    rows = Certificate.objects.filter(member__household_id__in=household_ids).select_related(
        "member", "completion__enrolment__cohort__course"
    )
    for certificate in rows:
        yield Received(
            day=certificate.issued_on,
            programme=_("Skills training (技能培训促就业)"),
            what=_("Certificate %(number)s: %(course)s")
            % {"number": certificate.number, "course": certificate.completion.enrolment.cohort.course.title},
            household_id=certificate.member.household_id,
            member_name=certificate.member.name,
        )
