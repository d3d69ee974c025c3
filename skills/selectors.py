"""Reads of the taxonomy. The taxonomy is public reference data: every signed-in user may read it."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from accounts import visibility
from accounts.visibility import Action
from core.errors import NotFound
from core.ids import int_pk
from ml.text import normalize
from skills.models import Occupation, PhraseMapping, ReviewPhrase, Skill


def skill_search(*, query: str = "", category: str = "") -> QuerySet[Skill]:
    skills = Skill.objects.filter(is_active=True)
    if category:
        skills = skills.filter(category=category)
    if query.strip():
        key = normalize(query)
        skills = skills.filter(
            Q(name_zh__icontains=query.strip())
            | Q(name_en__icontains=query.strip())
            | Q(code__icontains=query.strip())
            | Q(synonyms__normalized__contains=key)
        ).distinct()
    return skills.prefetch_related("synonyms").order_by("category", "code")


def occupation_search(*, query: str = "", level: int | None = None) -> QuerySet[Occupation]:
    occupations = Occupation.objects.all()
    if level:
        occupations = occupations.filter(level=level)
    if query.strip():
        occupations = occupations.filter(Q(name__icontains=query.strip()) | Q(code__startswith=query.strip()))
    return occupations.order_by("code")


def review_queue_for(user: Any, *, kind: str) -> QuerySet[ReviewPhrase]:
    """Phrases waiting for an organizer, most frequent first. Only roles that teach the resolver see it."""
    if not visibility.may(user, Action.MANAGE_TAXONOMY):
        return ReviewPhrase.objects.none()
    return (
        ReviewPhrase.objects.filter(kind=kind, status=ReviewPhrase.Status.OPEN)
        .select_related("guess_skill", "guess_occupation")
        .order_by("-count", "-last_seen")
    )


def review_get_for(user: Any, pk: Any) -> ReviewPhrase:
    allowed = visibility.may(user, Action.MANAGE_TAXONOMY)
    review = ReviewPhrase.objects.filter(pk=int_pk(pk)).first() if allowed else None
    if review is None:
        raise NotFound(_("No such phrase."))
    return review


def mappings_for(user: Any, *, kind: str, limit: int = 30) -> QuerySet[PhraseMapping]:
    if not visibility.may(user, Action.MANAGE_TAXONOMY):
        return PhraseMapping.objects.none()
    return PhraseMapping.objects.filter(kind=kind).select_related("skill", "occupation", "created_by")[:limit]
