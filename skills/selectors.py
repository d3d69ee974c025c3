"""Reads of the taxonomy. The taxonomy is public reference data: every signed-in user may read it."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from ml.text import normalize
from skills.models import Occupation, Skill


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
