"""Writes to the skill taxonomy."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from accounts import visibility
from accounts.visibility import Action
from core.errors import Forbidden, InvalidInput
from core.tasks import enqueue_on_commit
from ml import taxonomy
from ml.text import normalize
from skills.models import Occupation, PhraseKind, PhraseMapping, ReviewPhrase, Skill, SkillCategory, SkillSynonym


@dataclass
class TaxonomyImportResult:
    created: int = 0
    updated: int = 0
    synonyms: int = 0


def upsert_taxonomy(
    entries: Iterable[taxonomy.TaxonomyEntry],
    *,
    skill_model: Any = Skill,
    synonym_model: Any = SkillSynonym,
    occupation_model: Any = Occupation,
) -> TaxonomyImportResult:
    """Insert or update skills by id and replace their synonyms. Model classes are parameters so
    that the data migration can pass its historical models."""
    entries = list(entries)
    result = TaxonomyImportResult()
    existing = {s.code: s for s in skill_model.objects.filter(code__in=[e.id for e in entries])}
    occupations = {o.code: o.pk for o in occupation_model.objects.only("pk", "code")}
    categories = set(SkillCategory.values)
    by_code = {}
    for entry in entries:
        values = {
            "name_zh": entry.name_zh,
            "name_en": entry.name_en,
            "category": entry.category if entry.category in categories else SkillCategory.OTHER,
            "description": entry.description,
            "is_active": True,
        }
        skill = existing.get(entry.id)
        if skill is None:
            skill = skill_model.objects.create(code=entry.id, **values)
            result.created += 1
        else:
            for key, value in values.items():
                setattr(skill, key, value)
            skill.save()
            result.updated += 1
        skill.occupations.set([occupations[c] for c in entry.occupations if c in occupations])
        by_code[entry.id] = skill
    # Synonyms: drop the old forms of these skills first so that a form may move between them.
    synonym_model.objects.filter(skill__in=list(by_code.values())).exclude(kind=SkillSynonym.Kind.LEARNED).delete()
    taken = {s.normalized: s.skill_id for s in synonym_model.objects.all()}
    rows = []
    for entry in entries:
        skill = by_code[entry.id]
        for form in entry.forms():
            key = normalize(form)
            if not key or key in taken:
                if key and taken[key] != skill.pk:
                    raise InvalidInput(_("“%(form)s” already belongs to another skill.") % {"form": form})
                continue
            taken[key] = skill.pk
            kind = SkillSynonym.Kind.ENGLISH if form.isascii() else SkillSynonym.Kind.SYNONYM
            rows.append(synonym_model(skill=skill, text=form[:128], normalized=key[:128], kind=kind))
    synonym_model.objects.bulk_create(rows, batch_size=500)
    result.synonyms = len(rows)
    return result


@transaction.atomic
def taxonomy_import(*, lines: Iterable[str]) -> TaxonomyImportResult:
    """Import a JSON Lines taxonomy. Any problem rejects the whole file, naming every line at fault."""
    try:
        entries = taxonomy.parse(lines)
    except taxonomy.TaxonomyFormatError as exc:
        raise InvalidInput(str(exc), details=[{"line": p.line, "message": p.message} for p in exc.problems]) from exc
    return upsert_taxonomy(entries)


def taxonomy_export() -> list[taxonomy.TaxonomyEntry]:
    skills = Skill.objects.filter(is_active=True).prefetch_related("synonyms", "occupations").order_by("code")
    result = []
    for skill in skills:
        names = {normalize(skill.name_zh), normalize(skill.name_en)}
        synonyms = tuple(s.text for s in skill.synonyms.all() if s.normalized not in names)
        result.append(
            taxonomy.TaxonomyEntry(
                id=skill.code,
                name_zh=skill.name_zh,
                name_en=skill.name_en,
                synonyms=synonyms,
                category=skill.category,
                description=skill.description,
                occupations=tuple(o.code for o in skill.occupations.all()),
            )
        )
    return result


def skill_resolve_exact(phrase: str) -> Skill | None:
    """The skill whose name or synonym matches ``phrase`` exactly after normalisation, if any."""
    key = normalize(phrase)
    if not key:
        return None
    synonym = SkillSynonym.objects.filter(normalized=key, skill__is_active=True).select_related("skill").first()
    return synonym.skill if synonym else None


# --- teaching the resolver and the coder ---------------------------------------------------------------


@transaction.atomic
def phrase_map(
    *,
    by: Any,
    kind: str,
    text: str,
    skill: Skill | None = None,
    not_a_skill: bool = False,
    occupation: Occupation | None = None,
) -> PhraseMapping:
    """An organizer says what a phrase means. The resolver (or coder) learns it at once, the phrase
    leaves the review queue, and profiles already holding the phrase are updated (a task in the
    households app, enqueued by name on commit)."""
    if not visibility.may(by, Action.MANAGE_TAXONOMY):
        raise Forbidden(_("Only organizers teach the resolver."))
    key = normalize(text)[:200]
    if not key:
        raise InvalidInput(_("Enter the phrase."), field="text")
    if kind == PhraseKind.SKILL:
        if (skill is None) == (not not_a_skill):
            raise InvalidInput(_("Choose the skill, or mark the phrase as not a skill."), field="skill")
        if skill is not None and not skill.is_active:
            raise InvalidInput(_("That skill is no longer in use."), field="skill")
        occupation = None
    elif kind == PhraseKind.OCCUPATION:
        if occupation is None:
            raise InvalidInput(_("Choose the occupation."), field="occupation")
        skill, not_a_skill = None, False
    else:
        raise InvalidInput(_("Unknown kind of phrase."), field="kind")
    mapping, _created = PhraseMapping.objects.update_or_create(
        kind=kind,
        normalized=key,
        defaults={
            "text": text.strip()[:200],
            "skill": skill,
            "not_a_skill": not_a_skill,
            "occupation": occupation,
            "created_by": by,
        },
    )
    ReviewPhrase.objects.filter(kind=kind, normalized=key).update(status=ReviewPhrase.Status.MAPPED)
    enqueue_on_commit("households.apply_phrase_mapping", mapping.pk)
    return mapping


@transaction.atomic
def review_dismiss(*, by: Any, review: ReviewPhrase) -> ReviewPhrase:
    """Take a phrase off the queue without an answer (nonsense, a one-off)."""
    if not visibility.may(by, Action.MANAGE_TAXONOMY):
        raise Forbidden(_("Only organizers review phrases."))
    review.status = ReviewPhrase.Status.DISMISSED
    review.save(update_fields=["status"])
    return review
