"""Users, their roles, and the union's tree of units."""

from __future__ import annotations

from typing import ClassVar, Self

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class OrgUnit(models.Model):
    """A union unit. ``path`` is a materialised path ("0001.0007.") so a subtree is one prefix match."""

    class Kind(models.TextChoices):
        FEDERATION = "federation", _("County federation of trade unions")
        INDUSTRY_UNION = "industry_union", _("Industry union")
        GRASSROOTS_UNION = "grassroots_union", _("Grassroots union")
        ASSISTANCE_CENTRE = "assistance_centre", _("Assistance centre")
        STATION = "station", _("Assistance station")

    PATH_STEP = 4

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name=_("parent unit")
    )
    path = models.CharField(max_length=255, editable=False)
    depth = models.PositiveSmallIntegerField(editable=False, default=0)
    region = models.ForeignKey(
        "core.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("region")
    )
    code = models.CharField(_("unit code"), max_length=32, unique=True, null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["path"]
        verbose_name = _("union unit")
        verbose_name_plural = _("union units")
        indexes = [models.Index(fields=["path"], name="orgunit_path_prefix", opclasses=["varchar_pattern_ops"])]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        if self.pk is None:
            # The path embeds our own id, which we only learn on insert.
            with transaction.atomic():
                self.path = ""
                super().save(*args, **kwargs)
                self.path = self._compute_path()
                self.depth = self.parent.depth + 1 if self.parent else 0
                type(self).objects.filter(pk=self.pk).update(path=self.path, depth=self.depth)
            return
        super().save(*args, **kwargs)

    def _compute_path(self) -> str:
        prefix = self.parent.path if self.parent else ""
        return f"{prefix}{self.pk:0{self.PATH_STEP}d}."

    def is_ancestor_of(self, other: OrgUnit) -> bool:
        """True when ``other`` sits strictly below this unit."""
        return other.path.startswith(self.path) and other.path != self.path

    def contains(self, other: OrgUnit) -> bool:
        """True when ``other`` is this unit or below it."""
        return other.path.startswith(self.path)

    def ancestors(self) -> models.QuerySet[OrgUnit]:
        # Ids are padded to at least PATH_STEP digits but may grow past it: split, don't slice.
        parts = self.path.split(".")[:-2]
        prefixes = [".".join(parts[: i + 1]) + "." for i in range(len(parts))]
        return OrgUnit.objects.filter(path__in=prefixes).order_by("depth")

    def subtree(self) -> models.QuerySet[OrgUnit]:
        return OrgUnit.objects.filter(path__startswith=self.path)


class Role(models.TextChoices):
    WORKER = "worker", _("Worker")
    EMPLOYER = "employer", _("Employer")
    ORGANIZER = "organizer", _("Organizer")
    HELPER = "helper", _("Helper")
    AUDITOR = "auditor", _("Auditor")
    ADMIN = "admin", _("Administrator")


UNIT_ROLES = (Role.ORGANIZER, Role.HELPER, Role.AUDITOR)


class User(AbstractUser):
    """A person who logs in: with the username or with the mobile number."""

    full_name = models.CharField(_("full name"), max_length=64, blank=True)
    phone = models.CharField(_("mobile number"), max_length=20, unique=True, null=True, blank=True)
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.WORKER)
    org_unit = models.ForeignKey(
        OrgUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="users", verbose_name=_("union unit")
    )
    # 大字模式 (elder-friendly): larger text, larger touch targets, higher contrast, a simpler home.
    # Remembered for the person here; before login, for the device in a cookie (accounts/views.py).
    large_text = models.BooleanField(_("large text"), default=False)
    # Set when a helper gave the person a temporary password by phone (accounts.services
    # .user_temporary_password_set): every page sends them to change it, the API refuses them,
    # until they have chosen their own (accounts/middleware.py, accounts/permissions.py).
    must_change_password = models.BooleanField(_("must change password"), default=False)

    objects: ClassVar[UserManager[Self]] = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                name="unit_roles_have_a_unit",
                condition=~Q(role__in=[r.value for r in UNIT_ROLES]) | Q(org_unit__isnull=False),
                violation_error_message=_("Organizers, helpers and auditors belong to a union unit."),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username
