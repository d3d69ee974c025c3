"""The review chain that a request for help goes through (a relief application, a venture's loan).

The household's helper decides first, then an organizer of the household's unit, then, when the
amount is over what that unit may approve alone, an organizer of the unit above. Nobody decides two
steps of one request; who may not decide their own (or their household's) request is the caller's
rule, checked before these. Each app keeps its own states and its own log of decisions, written on
``ReviewDecision``; this module says who decides which step and what comes after it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import visibility
from accounts.models import OrgUnit, Role, User


class Step(models.TextChoices):
    HELPER = "helper", gettext_lazy("Helper")
    ORGANIZER = "organizer", gettext_lazy("Organizer of the unit")
    UPPER = "upper", gettext_lazy("Organizer of the unit above")


class ReviewDecision(models.Model):
    """One decision of a review chain: who, when, which step, what, why. The concrete model adds the
    request it decides and one-per-step and one-per-reviewer constraints."""

    Step = Step

    step = models.CharField(gettext_lazy("step"), max_length=12, choices=Step.choices)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=gettext_lazy("reviewer")
    )
    approved = models.BooleanField(gettext_lazy("approved"))
    note = models.CharField(gettext_lazy("note"), max_length=300, blank=True)
    decided_at = models.DateTimeField(gettext_lazy("decided at"), default=timezone.now)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.get_step_display()}: {self.reviewer}"


class Decided(Protocol):
    """What the rules read of a decision already logged."""

    step: str
    reviewer_id: int
    reviewer: User


def is_organizer(user: User) -> bool:
    return visibility.is_admin(user) or user.role == Role.ORGANIZER


def step_refusal(
    user: User,
    step: Step,
    *,
    unit: OrgUnit | None,
    decisions: Iterable[Decided],
    helper: User | None,
    needs_upper: bool,
    maker_id: int | None = None,
    already: str = "",
) -> str:
    """Why ``user`` may not decide ``step`` of a request of the household's ``unit`` ("" when they may).

    ``decisions``: the steps decided so far; ``helper``: the household's helper now; ``needs_upper``:
    whether the unit above decides a third step; ``maker_id``: who made the request for the household,
    when someone did (a helper who made it leaves the first step to another); ``already``: the
    request's own words for "you decided a step of this already"."""
    decisions = list(decisions)
    if any(d.reviewer_id == user.pk for d in decisions):
        return already or _("You have decided a step of this application already; someone else decides the next.")
    if step == Step.HELPER:
        # The household's helper decides the first step, unless they made the request (then any
        # other helper or organizer in reach does: never the maker).
        if helper is not None and helper.pk not in (user.pk, maker_id) and not visibility.is_admin(user):
            return _("The household's helper reviews this step.")
    elif step == Step.ORGANIZER:
        if not is_organizer(user):
            return _("An organizer of the household's unit reviews this step.")
        if needs_upper and not visibility.is_admin(user) and not getattr(user.org_unit, "parent_id", None):
            # The unit above must still be there to decide the third step.
            return _(
                "This amount is also reviewed by the unit above; an organizer below the top unit decides this step."
            )
    else:
        if not is_organizer(user):
            return _("An organizer of the unit above reviews this step.")
        previous = next((d for d in decisions if d.step == Step.ORGANIZER), None)
        below = previous.reviewer.org_unit if previous is not None else unit
        own = user.org_unit
        if not visibility.is_admin(user) and (own is None or below is None or not own.is_ancestor_of(below)):
            return _("An organizer of the unit above reviews this step.")
    return ""


def step_after(step: Step, *, needs_upper: bool) -> Step | None:
    """The step an approval of ``step`` leads to (None: the request is approved)."""
    if step == Step.HELPER:
        return Step.ORGANIZER
    if step == Step.ORGANIZER and needs_upper:
        return Step.UPPER
    return None
