"""The skill catalogue and the two small htmx endpoints the profile form uses while a worker types.

The taxonomy is public reference data: every signed-in user may read it.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts import visibility
from accounts.models import User
from accounts.visibility import Action
from core.errors import DomainError, NotFound
from skills.models import Occupation, PhraseKind, Skill, SkillCategory
from skills.selectors import mappings_for, occupation_search, review_get_for, review_queue_for, skill_search
from skills.services import phrase_map, review_dismiss
from skills.understanding import occupation_understand, skill_understand

# A page of the taxonomy or of the review queue: about eight phone screens at most (issue 19).
PAGE_SIZE = 20
SUGGESTIONS = 10


class AuthedRequest(HttpRequest):
    user: User  # type: ignore[assignment]


def _query(request: HttpRequest) -> str:
    # Forms send their own field name (the profile's "phrase", the review queue's "skill" or
    # "occupation"); links and the catalogue send "q".
    for name in ("q", "phrase", "skill", "occupation"):
        if request.GET.get(name):
            return request.GET[name].strip()[:100]
    return ""


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
            # The English names and spellings are for the English interface; in Chinese they
            # still find a skill when searched for, but are not shown.
            "english": (get_language() or "").startswith("en"),
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
    """The "understood as" hint while a worker types a skill: what the phrase will be saved as.
    Nothing is filed for review here; that happens when the phrase is saved."""
    query = _query(request)
    understood = skill_understand(query, record=False) if query else None
    return render(request, "skills/_resolve_hint.html", {"query": query, "understood": understood})


@login_required
@require_GET
def code_hint(request: HttpRequest) -> HttpResponse:
    """The "understood as" hint for desired work or a job title: the CSCO occupation it codes to."""
    query = (request.GET.get("q") or request.GET.get("desired_work") or "").strip()[:200]
    coded = occupation_understand(query, record=False) if query else None
    return render(request, "skills/_code_hint.html", {"query": query, "coded": coded})


@login_required
@require_GET
def occupation_suggest(request: HttpRequest) -> HttpResponse:
    """``<option>``s of occupations (code and name) for the organizers' correction form."""
    query = _query(request)
    occupations = list(occupation_search(query=query, level=None)[:SUGGESTIONS]) if query else []
    return render(request, "skills/_occupation_suggestions.html", {"occupations": occupations})


# --- organizers teach the resolver and the coder -------------------------------------------------------


def _need_taxonomy_role(request: AuthedRequest) -> None:
    if not visibility.may(request.user, Action.MANAGE_TAXONOMY):
        raise PermissionDenied(_("Your role does not allow this."))


@login_required
@require_GET
def review(request: AuthedRequest) -> HttpResponse:
    """The queue: skill phrases nobody could place, and uncertain occupation codes, most frequent first."""
    _need_taxonomy_role(request)
    kind = request.GET.get("kind", PhraseKind.SKILL)
    if kind not in PhraseKind.values:
        kind = PhraseKind.SKILL
    page = Paginator(review_queue_for(request.user, kind=kind), PAGE_SIZE).get_page(request.GET.get("page"))
    tabs = [(value, label, review_queue_for(request.user, kind=value).count()) for value, label in PhraseKind.choices]
    return render(
        request,
        "skills/review.html",
        {
            "kind": kind,
            "tabs": tabs,
            "page": page,
            "mappings": mappings_for(request.user, kind=kind),
        },
    )


@login_required
@require_POST
def review_answer(request: AuthedRequest, pk: int) -> HttpResponse:
    """Map a phrase to a skill, mark it as not a skill, correct an occupation code, or dismiss it."""
    _need_taxonomy_role(request)
    try:
        phrase = review_get_for(request.user, pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    action = request.POST.get("action", "map")
    try:
        if action == "dismiss":
            review_dismiss(by=request.user, review=phrase)
            messages.success(request, _("“%(p)s” was taken off the list.") % {"p": phrase.text})
        elif phrase.kind == PhraseKind.SKILL:
            skill = _skill_from(request.POST.get("skill", ""))
            phrase_map(
                by=request.user, kind=phrase.kind, text=phrase.text, skill=skill, not_a_skill=action == "not_a_skill"
            )
            messages.success(request, _("Learned: “%(p)s”.") % {"p": phrase.text})
        else:
            code = request.POST.get("occupation", "").strip().split(" ")[0]
            occupation = Occupation.objects.filter(code=code).first() if code else None
            if occupation is None and action == "confirm":
                occupation = phrase.guess_occupation
            phrase_map(by=request.user, kind=phrase.kind, text=phrase.text, occupation=occupation)
            messages.success(request, _("Learned: “%(p)s”.") % {"p": phrase.text})
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(f"{reverse('skills:review')}?kind={phrase.kind}")


def _skill_from(value: str) -> Skill | None:
    """The correction form's skill field holds a code, or a name picked from the suggestions."""
    value = value.strip()
    if not value:
        return None
    return (
        Skill.objects.filter(code=value, is_active=True).first()
        or Skill.objects.filter(name_zh=value, is_active=True).first()
        or Skill.objects.filter(name_en__iexact=value, is_active=True).first()
    )
