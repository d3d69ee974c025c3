"""金秋助学: students of archived households, the support rates by level, and one award per student
per school year (the database holds it)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from funds.money import format_yuan


class Level(models.TextChoices):
    SENIOR = "senior", _("Senior secondary (高中)")
    VOCATIONAL = "vocational", _("Secondary vocational (中职)")
    COLLEGE = "college", _("Junior college (大专)")
    BACHELOR = "bachelor", _("Bachelor (本科)")
    POSTGRADUATE = "postgraduate", _("Postgraduate (研究生)")


class NationalAid(models.TextChoices):
    """The national student aid system (奖、助、贷、勤、减、免) a student may already receive."""

    SCHOLARSHIP = "scholarship", _("Scholarship (奖学金)")
    GRANT = "grant", _("Need-based grant (助学金)")
    LOAN = "loan", _("Student loan (助学贷款)")
    WORK_STUDY = "work_study", _("Work-study (勤工助学)")
    FEE_REDUCTION = "fee_reduction", _("Fee reduction (学费减免)")
    FEE_WAIVER = "fee_waiver", _("Fee waiver (学费免除)")


class SupportRate(models.Model):
    """What the union gives a year, by level: living support, and travel support for a student
    who studies away from home. Set by the county each year (the admin edits it)."""

    level = models.CharField(_("level"), max_length=16, choices=Level.choices, unique=True)
    living = models.BigIntegerField(_("living support a year (fen)"))
    travel = models.BigIntegerField(_("travel support a year (fen)"), default=0)

    class Meta:
        ordering = ["living"]
        verbose_name = _("student aid rate")
        verbose_name_plural = _("student aid rates")
        constraints = [
            models.CheckConstraint(name="student_aid_rate_positive", condition=Q(living__gt=0, travel__gte=0)),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()}: {format_yuan(self.living)} + {format_yuan(self.travel)}"


class Student(models.Model):
    """A member of an archived household at school: where, at what level, since when, and the
    enrolment proof (a scan of the admission letter or the student card)."""

    member = models.OneToOneField(
        "households.Member", on_delete=models.PROTECT, related_name="student", verbose_name=_("student")
    )
    school = models.CharField(_("school"), max_length=100)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    admission_year = models.PositiveSmallIntegerField(_("admission year"))
    studies_away = models.BooleanField(_("studies away from home"), default=False)
    enrolment_proof = models.FileField(_("enrolment proof"), upload_to="relief/student_aid/%Y/", blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("student")
        verbose_name_plural = _("students")

    def __str__(self) -> str:
        return f"{self.member} · {self.school}"


class Award(models.Model):
    """金秋助学 for one student and one school year: the application's own row. ``is_void`` is set
    when the application is refused or withdrawn, so the student may apply again."""

    application = models.OneToOneField("relief.Application", on_delete=models.PROTECT, related_name="student_award")
    member = models.ForeignKey(
        "households.Member", on_delete=models.PROTECT, related_name="student_awards", verbose_name=_("student")
    )
    school_year = models.CharField(_("school year"), max_length=9)
    school = models.CharField(_("school"), max_length=100)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    living = models.BigIntegerField(_("living support (fen)"))
    travel = models.BigIntegerField(_("travel support (fen)"), default=0)
    national_aid = models.JSONField(_("national aid already received"), default=list, blank=True)
    national_aid_note = models.CharField(_("national aid details"), max_length=200, blank=True)
    is_void = models.BooleanField(_("void"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-school_year", "member"]
        verbose_name = _("student aid award")
        verbose_name_plural = _("student aid awards")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "school_year"],
                condition=Q(is_void=False),
                name="one_student_aid_award_per_student_and_school_year",
                violation_error_message=_("This student has an award for that school year already."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.school_year}"
