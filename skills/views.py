"""The skill catalogue and the two small htmx endpoints the profile form uses while a worker types.

The taxonomy is public reference data: every signed-in user may read it.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from skills.models import Skill, SkillCategory
from skills.selectors import skill_search
from skills.services import skill_resolve_exact

PAGE_SIZE = 50
SUGGESTIONS = 10


def _query(request: HttpRequest) -> str:
    # The profile form sends its own field ("phrase"); links and the catalogue send "q".
    return (request.GET.get("q") or request.GET.get("phrase") or "").strip()[:100]


def skill_name(skill: Skill) -> str:
    return skill.name_en if (get_language() or "").startswith("en") else skill.name_zh


@login_required
@require_GET
def catalogue(request: HttpRequest) -> HttpResponse:
    query = _query(request)
    category = request.GET.get("category", "")
    if category not in SkillCategory.values:
        category = ""
    page = Paginator(skill_search(query=query, category=category), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "skills/catalogue.html",
        {
            "page": page,
            "query": query,
            "category": category,
            "categories": SkillCategory.choices,
        },
    )


@login_required
@require_GET
def suggest(request: HttpRequest) -> HttpResponse:
    """``<option>``s for a ``<datalist>``: skills whose names or synonyms contain what was typed."""
    query = _query(request)
    skills = list(skill_search(query=query)[:SUGGESTIONS]) if query else []
    return render(
        request,
        "skills/_suggestions.html",
        {
            "suggestions": [(skill_name(s), s) for s in skills],
        },
    )


@login_required
@require_GET
def resolve(request: HttpRequest) -> HttpResponse:
    """The "understood as" hint: the skill the phrase will be saved as, if it matches one exactly."""
    query = _query(request)
    skill = skill_resolve_exact(query) if query else None
    return render(request, "skills/_resolve_hint.html", {"query": query, "skill": skill})
