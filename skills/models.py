"""The skill taxonomy and the occupation classification (CSCO 2022)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SkillCategory(models.TextChoices):
    MINING = "mining", _("Coal mining")
    COAL_CHEMICAL = "coal_chemical", _("Coal chemicals")
    POWER = "power", _("Power and energy")
    CONSTRUCTION = "construction", _("Construction")
    MANUFACTURING = "manufacturing", _("Manufacturing and machining")
    TEXTILES = "textiles", _("Cashmere and textiles")
    LOGISTICS = "logistics", _("Logistics and driving")
    CARE = "care", _("Elderly and infant care")
    HOUSEKEEPING = "housekeeping", _("Housekeeping and cleaning")
    CATERING = "catering", _("Catering")
    RETAIL = "retail", _("Retail and sales")
    ECOMMERCE = "ecommerce", _("E-commerce and live-stream selling")
    AGRICULTURE = "agriculture", _("Herding and farming")
    AUTO = "auto", _("Auto repair")
    OFFICE = "office", _("Office work")
    IT = "it", _("Computing and digital")
    TOURISM = "tourism", _("Tourism and hospitality")
    LANGUAGE = "language", _("Languages")
    HEALTH = "health", _("Health")
    SECURITY = "security", _("Security and property")
    SERVICES = "services", _("Personal services")
    EDUCATION = "education", _("Education")
    OTHER = "other", _("Other")


class Skill(models.Model):
    code = models.CharField(_("code"), max_length=64, unique=True)
    name_zh = models.CharField(_("Chinese name"), max_length=64)
    name_en = models.CharField(_("English name"), max_length=128)
    category = models.CharField(
        _("category"), max_length=24, choices=SkillCategory.choices, default=SkillCategory.OTHER, db_index=True
    )
    description = models.TextField(_("description"), blank=True)
    occupations = models.ManyToManyField(
        "skills.Occupation", blank=True, related_name="skills", verbose_name=_("occupations")
    )
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["category", "code"]
        verbose_name = _("skill")
        verbose_name_plural = _("skills")

    def __str__(self) -> str:
        from django.utils.translation import get_language

        return self.name_en if (get_language() or "").startswith("en") else self.name_zh


class SkillSynonym(models.Model):
    """Another way people write a skill: a synonym, a colloquial form, a typo, an English name.

    ``normalized`` is the comparison key (see ``skills.taxonomy.normalize``); one form belongs to
    one skill only, so the resolver never has to guess between two.
    """

    class Kind(models.TextChoices):
        SYNONYM = "synonym", _("Synonym")
        COLLOQUIAL = "colloquial", _("Colloquial form")
        TYPO = "typo", _("Common typo")
        ENGLISH = "english", _("English")
        LEARNED = "learned", _("Mapped by an organizer")

    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="synonyms", verbose_name=_("skill"))
    text = models.CharField(_("text"), max_length=128)
    normalized = models.CharField(max_length=128, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.SYNONYM)

    class Meta:
        ordering = ["skill", "text"]
        verbose_name = _("skill synonym")
        verbose_name_plural = _("skill synonyms")

    def __str__(self) -> str:
        return self.text


class Occupation(models.Model):
    """A CSCO 2022 entry: major group (1), middle (2), minor (3) or occupation (4)."""

    code = models.CharField(_("code"), max_length=16, unique=True)  # "2-02-09-04"
    level = models.PositiveSmallIntegerField(_("level"))
    name = models.CharField(_("name"), max_length=128)
    definition = models.TextField(_("definition"), blank=True)
    tasks = models.TextField(_("tasks"), blank=True)
    aliases = models.JSONField(_("aliases"), default=list, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name=_("parent")
    )
    is_digital = models.BooleanField(_("digital occupation"), default=False)
    is_green = models.BooleanField(_("green occupation"), default=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("occupation")
        verbose_name_plural = _("occupations")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class PhraseKind(models.TextChoices):
    SKILL = "skill", _("Skill phrase")
    OCCUPATION = "occupation", _("Job title or desired work")


class PhraseMapping(models.Model):
    """An organizer's answer to "what does this phrase mean?". The resolver and the coder read
    these before anything else, so one answer fixes every later occurrence of the phrase."""

    kind = models.CharField(_("kind"), max_length=16, choices=PhraseKind.choices)
    normalized = models.CharField(max_length=200)
    text = models.CharField(_("phrase"), max_length=200)
    skill = models.ForeignKey(
        Skill, null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("skill")
    )
    not_a_skill = models.BooleanField(_("not a skill"), default=False)
    occupation = models.ForeignKey(
        Occupation, null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("occupation")
    )
    created_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("phrase mapping")
        verbose_name_plural = _("phrase mappings")
        constraints = [
            models.UniqueConstraint(fields=["kind", "normalized"], name="one_mapping_per_phrase"),
            models.CheckConstraint(
                name="a_mapping_says_what_the_phrase_is",
                condition=(
                    models.Q(kind="skill", occupation__isnull=True)
                    & (
                        models.Q(skill__isnull=False, not_a_skill=False)
                        | models.Q(skill__isnull=True, not_a_skill=True)
                    )
                )
                | models.Q(kind="occupation", occupation__isnull=False, skill__isnull=True, not_a_skill=False),
            ),
        ]

    def __str__(self) -> str:
        return self.text


class ReviewPhrase(models.Model):
    """A phrase waiting for an organizer: a skill phrase the resolver could not place, or a title
    whose occupation code is uncertain. Counted each time it is seen, so the queue shows the most
    frequent first."""

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting")
        MAPPED = "mapped", _("Mapped")
        DISMISSED = "dismissed", _("Dismissed")

    kind = models.CharField(_("kind"), max_length=16, choices=PhraseKind.choices)
    normalized = models.CharField(max_length=200)
    text = models.CharField(_("phrase"), max_length=200)
    count = models.PositiveIntegerField(_("times seen"), default=1)
    first_seen = models.DateTimeField(auto_now_add=True)
    last_seen = models.DateTimeField(auto_now=True)
    guess_skill = models.ForeignKey(
        Skill, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("best guess")
    )
    guess_occupation = models.ForeignKey(
        Occupation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("best guess")
    )
    guess_score = models.FloatField(_("confidence"), default=0.0)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN)

    class Meta:
        ordering = ["-count", "-last_seen"]
        verbose_name = _("phrase to review")
        verbose_name_plural = _("phrases to review")
        constraints = [models.UniqueConstraint(fields=["kind", "normalized"], name="one_review_per_phrase")]
        indexes = [models.Index(fields=["kind", "status", "-count"], name="review_queue")]

    def __str__(self) -> str:
        return self.text
