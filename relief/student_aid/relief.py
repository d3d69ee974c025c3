"""金秋助学 on the relief registry: living and travel support for students of archived households,
by level, once per student per school year."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import Conflict, InvalidInput
from households.models import Household, Member, Track
from relief import rules
from relief.models import Application, Benefit
from relief.registry import Caps, Eligibility, Pays, Prepared, register
from relief.registry import Track as ReliefTrack
from relief.student_aid import defaults
from relief.student_aid.forms import StudentAidForm, school_year_of
from relief.student_aid.models import Award, NationalAid, Student, SupportRate

CODE = "student_aid"
AGES = (14, 30)


def eligibility(member: Member, on: dt.date) -> Eligibility:
    ok, why = rules.in_archive(member)
    if not ok:
        return Eligibility.no(why)
    low, high = AGES
    age = member.age_on(on)
    if not low <= age < high:
        return Eligibility.no(
            _("金秋助学 is for students aged %(low)s to %(high)s; %(name)s is %(age)s.")
            % {"low": low, "high": high - 1, "name": member.name, "age": age}
        )
    if (
        member.employment_status != Member.EmploymentStatus.STUDENT
        and not Student.objects.filter(member=member).exists()
    ):
        return Eligibility.no(
            _("%(name)s is not recorded as a student (now: %(status)s); update the archive first.")
            % {"name": member.name, "status": member.get_employment_status_display()}
        )
    return Eligibility.yes(_("%(name)s is a student of a household in the archive.") % {"name": member.name})


def prepare(member: Member, data: dict[str, Any], on: dt.date) -> Prepared:
    school_year = school_year_of(on)
    if Award.objects.filter(member=member, school_year=school_year, is_void=False).exists():
        raise Conflict(
            _("%(name)s has 金秋助学 for %(year)s already: one award per student per school year.")
            % {"name": member.name, "year": school_year},
            field="member",
            code="awarded_already",
        )
    rate = SupportRate.objects.filter(level=data["level"]).first()
    if rate is None:
        raise InvalidInput(_("No support rate is set for this level; ask the county's organizer."), field="level")
    student = Student.objects.filter(member=member).first()
    if data.get("enrolment_proof") is None and (student is None or not student.enrolment_proof):
        raise InvalidInput(_("Upload the enrolment proof (admission letter or student card)."), field="enrolment_proof")
    travel = rate.travel if data.get("studies_away") else 0
    level_label = dict(SupportRate._meta.get_field("level").choices or [])[data["level"]]
    return Prepared(
        amount=rate.living + travel,
        period=school_year,
        summary=_("金秋助学 %(year)s: %(school)s (%(level)s)")
        % {"year": school_year, "school": data["school"], "level": level_label},
        details={
            "school": data["school"],
            "level": data["level"],
            "admission_year": data["admission_year"],
            "studies_away": bool(data.get("studies_away")),
            "living": rate.living,
            "travel": travel,
            "national_aid": list(data.get("national_aid") or []),
            "national_aid_note": data.get("national_aid_note", ""),
        },
    )


def on_created(application: Application, data: dict[str, Any]) -> None:
    details = application.details
    student, _created = Student.objects.get_or_create(
        member=application.member,
        defaults={"school": details["school"], "level": details["level"], "admission_year": details["admission_year"]},
    )
    student.school, student.level = details["school"], details["level"]
    student.admission_year, student.studies_away = details["admission_year"], details["studies_away"]
    proof = data.get("enrolment_proof")
    if proof is not None:
        student.enrolment_proof.save(proof.name or "proof", proof, save=False)
    student.save()
    # The unique constraint is the last word when two requests for one student meet.
    Award.objects.create(
        application=application,
        member=application.member,
        school_year=application.period,
        school=details["school"],
        level=details["level"],
        living=details["living"],
        travel=details["travel"],
        national_aid=details["national_aid"],
        national_aid_note=details["national_aid_note"][:200],
        created_by=application.created_by,
    )


def on_refused(application: Application) -> None:
    Award.objects.filter(application=application).update(is_void=True)


def on_paid(application: Application, benefit: Benefit) -> None:
    return None


def not_yet_applied(members: QuerySet[Member], on: dt.date) -> QuerySet[Member]:
    """Students of active households (by status or by a student record) of school age with no
    award this school year: whom the helper should help apply."""
    low, high = AGES
    youngest = on.replace(year=on.year - low)
    oldest = on.replace(year=on.year - high)
    awarded = Award.objects.filter(member=OuterRef("pk"), school_year=school_year_of(on), is_void=False)
    return (
        members.filter(
            Q(employment_status=Member.EmploymentStatus.STUDENT) | Q(student__isnull=False),
            is_current=True,
            household__state=Household.State.ACTIVE,
            birth_date__lte=youngest,
            birth_date__gt=oldest,
        )
        .exclude(Exists(awarded))
        .select_related("household", "student")
    )


def renewal_initial(member: Member) -> dict[str, Any]:
    """Last year's answers, for the next year's application (renewal pre-filled)."""
    student = Student.objects.filter(member=member).first()
    last = Award.objects.filter(member=member, is_void=False).order_by("-school_year").first()
    initial: dict[str, Any] = {}
    if student is not None:
        initial.update(
            school=student.school,
            level=student.level,
            admission_year=student.admission_year,
            studies_away=student.studies_away,
        )
    if last is not None:
        initial.update(national_aid=last.national_aid, national_aid_note=last.national_aid_note)
    return initial


TRACK = register(
    ReliefTrack(
        code=CODE,
        name_zh="金秋助学",
        name_en="Golden-autumn student aid",
        eligibility=eligibility,
        prepare=prepare,
        pays=Pays.CASH,
        purpose="student_aid",
        goal_track=Track.STUDENT_AID,
        caps=Caps(per_household=1_000_000),  # ¥10,000 a school year for all the household's students
        period_of=school_year_of,
        review_threshold=500_000,  # above ¥5,000 the unit above reviews too
        form=lambda: StudentAidForm,
        on_created=on_created,
        on_refused=on_refused,
        on_paid=on_paid,
        worklist=not_yet_applied,
        worklist_title=gettext_lazy("Students who have not applied this school year"),
        rule_text=gettext_lazy(
            "Students aged 14 to 29 of a household in the archive, with their school, level, admission year and "
            "an enrolment proof. Living support by level, and travel support for those who study away from home. "
            "One award per student per school year; the national aid already received (奖、助、贷、勤、减、免) "
            "is recorded beside it."
        ),
        load_defaults=defaults.load,
        order=20,
        extra={"initial": renewal_initial, "national_aid": NationalAid},
    )
)
