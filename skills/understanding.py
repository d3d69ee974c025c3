"""Understanding what people write, inside the service.

The pure resolver and coder live in ``ml/``; this module builds them from the database (the
taxonomy as organizers keep it, and their answers in ``PhraseMapping``), keeps one built copy per
process, and rebuilds it when the data behind it changes. It also files what could not be
understood for organizers to review, most frequent first.

Freshness: every call reads a fingerprint of the taxonomy and of the mappings (two small aggregate
queries) and rebuilds only what changed. The taxonomy part is slow to build (jieba's dictionary),
the learned part is a cheap copy, so an organizer's answer takes effect on the very next request,
in every web process.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Max
from django.utils import timezone

from core.reference import REGIONS_CSV
from ml.occupations import UNCERTAIN_BELOW, OccupationCoder, OccupationMatch, read_csco
from ml.skill_resolver import ACCEPT, SkillMatch, SkillResolver
from ml.taxonomy import TaxonomyEntry
from ml.text import normalize
from skills.models import Occupation, PhraseKind, PhraseMapping, ReviewPhrase, Skill, SkillSynonym
from skills.reference import OCCUPATIONS_CSV

# A skill phrase below this confidence is saved as written, without a skill, and queued for review.
# The resolver's own threshold, set from its calibration (docs/resolve-skills.md).
SKILL_ACCEPT = ACCEPT
# A title coded below this confidence keeps the guess but is queued for an organizer to confirm
# (the coder's own threshold, from its calibration: docs/code-occupations.md).
OCCUPATION_CERTAIN = UNCERTAIN_BELOW

_lock = threading.Lock()


@dataclass
class _Built:
    """What one process has built. The resolver and the coder are built when first asked for (the
    coder takes a second or two: a skill hint should not wait for it), and rebuilt when the
    taxonomy changes; organizers' answers are layered on with a cheap copy."""

    taxonomy_key: Any = None
    learned_key: Any = None
    entries: list[TaxonomyEntry] | None = None
    base_resolver: SkillResolver | None = None
    base_coder: OccupationCoder | None = None
    skill_answers: dict[str, str | None] | None = None
    title_answers: dict[str, str] | None = None
    resolver: SkillResolver | None = None
    coder: OccupationCoder | None = None


_built = _Built()


def _taxonomy_key() -> tuple[Any, ...]:
    skills = Skill.objects.filter(is_active=True).aggregate(n=Count("id"), changed=Max("updated_at"))
    return (skills["n"], skills["changed"], SkillSynonym.objects.count())


def _learned_key() -> tuple[Any, ...]:
    mappings = PhraseMapping.objects.aggregate(n=Count("id"), last=Max("id"))
    return (mappings["n"], mappings["last"])


def _entries() -> list[TaxonomyEntry]:
    skills = Skill.objects.filter(is_active=True).prefetch_related("synonyms", "occupations").order_by("code")
    return [
        TaxonomyEntry(
            id=s.code,
            name_zh=s.name_zh,
            name_en=s.name_en,
            category=s.category,
            synonyms=tuple(x.text for x in s.synonyms.all()),
            occupations=tuple(o.code for o in s.occupations.all()),
        )
        for s in skills
    ]


def _place_names() -> list[str]:
    import csv

    names: set[str] = set()
    with REGIONS_CSV.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            names.update(n for n in (row["name"], row["short_name"]) if n and len(n) >= 2)
    return sorted(names)


def _sync() -> _Built:
    """Forget what is stale. Called under the lock."""
    taxonomy_key, learned_key = _taxonomy_key(), _learned_key()
    if _built.taxonomy_key != taxonomy_key or _built.entries is None:
        _built.entries = _entries()
        # The coder reads the skills too (skill -> occupation bridge): both follow the taxonomy.
        _built.base_resolver = _built.base_coder = _built.resolver = _built.coder = None
        _built.taxonomy_key, _built.learned_key = taxonomy_key, None
    if _built.learned_key != learned_key:
        skill_answers: dict[str, str | None] = {}
        title_answers: dict[str, str] = {}
        for mapping in PhraseMapping.objects.select_related("skill", "occupation"):
            if mapping.kind == PhraseKind.SKILL:
                skill_answers[mapping.normalized] = mapping.skill.code if mapping.skill else None
            elif mapping.occupation is not None:
                title_answers[mapping.normalized] = mapping.occupation.code
        _built.skill_answers, _built.title_answers = skill_answers, title_answers
        _built.resolver = _built.coder = None
        _built.learned_key = learned_key
    return _built


def taxonomy_entries() -> list[TaxonomyEntry]:
    """The active taxonomy as ``ml`` reads it (kept with the resolver; rebuilt when it changes)."""
    with _lock:
        return list(_sync().entries or [])


def skill_resolver() -> SkillResolver:
    with _lock:
        built = _sync()
        if built.resolver is None:
            if built.base_resolver is None:
                built.base_resolver = SkillResolver(built.entries or [])
            built.resolver = built.base_resolver.with_learned(built.skill_answers or {})
        return built.resolver


def occupation_coder() -> OccupationCoder:
    with _lock:
        built = _sync()
        if built.coder is None:
            if built.base_coder is None:
                built.base_coder = OccupationCoder(
                    read_csco(OCCUPATIONS_CSV), skills=built.entries or [], place_names=_place_names()
                )
            built.coder = built.base_coder.with_learned(built.title_answers or {})
        return built.coder


# --- one phrase --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Understood:
    """A phrase as the service understood it: the skill it will be saved as, if any."""

    text: str
    match: SkillMatch
    skill: Skill | None

    @property
    def accepted(self) -> bool:
        return self.skill is not None

    @property
    def not_a_skill(self) -> bool:
        return self.match.skill is None and self.match.method == "not_a_skill"


def skill_understand(text: str, *, record: bool = True, resolver: SkillResolver | None = None) -> Understood:
    """Resolve a skill phrase. Phrases that cannot be placed are filed for review when ``record``."""
    match = (resolver or skill_resolver()).resolve(text)
    skill = None
    if match.skill is not None and match.score >= SKILL_ACCEPT:
        skill = Skill.objects.filter(code=match.skill, is_active=True).first()
    if record and skill is None and match.method != "not_a_skill" and normalize(text):
        guess_code = match.skill or match.guess
        guess = Skill.objects.filter(code=guess_code).first() if guess_code else None
        review_record(kind=PhraseKind.SKILL, text=text, guess_skill=guess, score=match.score)
    return Understood(text=text, match=match, skill=skill)


@dataclass(frozen=True)
class Coded:
    text: str
    match: OccupationMatch
    occupation: Occupation | None

    @property
    def certain(self) -> bool:
        return self.occupation is not None and self.match.score >= OCCUPATION_CERTAIN


def occupation_understand(text: str, *, record: bool = True) -> Coded:
    """Code a job title or a desired-work phrase to CSCO 2022. Uncertain codes are filed for review."""
    match = occupation_coder().code(text)
    occupation = Occupation.objects.filter(code=match.code).first() if match.code else None
    coded = Coded(text=text, match=match, occupation=occupation)
    if record and not coded.certain and normalize(text):
        review_record(kind=PhraseKind.OCCUPATION, text=text, guess_occupation=occupation, score=match.score)
    return coded


def skills_understand_many(phrases: list[str]) -> dict[str, int | None]:
    """Resolve many phrases at once (imports): phrase -> skill id or None. Each distinct phrase
    that could not be placed is filed for review once, counted as often as it occurred."""
    from collections import Counter

    resolver = skill_resolver()
    ids = dict(Skill.objects.filter(is_active=True).values_list("code", "id"))
    result: dict[str, int | None] = {}
    missed: Counter[str] = Counter()
    guesses: dict[str, tuple[str | None, float]] = {}
    for phrase in phrases:
        if phrase in result:
            if result[phrase] is None and phrase in guesses:
                missed[phrase] += 1
            continue
        match = resolver.resolve(phrase)
        accepted = match.skill is not None and match.score >= SKILL_ACCEPT and match.skill in ids
        result[phrase] = ids[match.skill] if accepted and match.skill else None
        if not accepted and match.method != "not_a_skill" and normalize(phrase):
            missed[phrase] += 1
            guesses[phrase] = (match.skill or match.guess, match.score)
    guess_skills = {s.code: s for s in Skill.objects.filter(code__in={g for g, _s in guesses.values() if g})}
    for phrase, times in missed.items():
        code, score = guesses[phrase]
        review_record(
            kind=PhraseKind.SKILL, text=phrase, score=score, guess_skill=guess_skills.get(code or ""), times=times
        )
    return result


# --- the review queue --------------------------------------------------------------------------------


def review_record(
    *,
    kind: str,
    text: str,
    score: float,
    guess_skill: Skill | None = None,
    guess_occupation: Occupation | None = None,
    times: int = 1,
) -> None:
    """Count more sightings of a phrase that needs an organizer (a new row the first time)."""
    key = normalize(text)[:200]
    if not key:
        return
    rows = ReviewPhrase.objects.filter(kind=kind, normalized=key)
    if rows.update(count=F("count") + times, last_seen=timezone.now()):
        return
    try:
        with transaction.atomic():
            ReviewPhrase.objects.create(
                kind=kind,
                normalized=key,
                text=text.strip()[:200],
                count=times,
                guess_skill=guess_skill,
                guess_occupation=guess_occupation,
                guess_score=round(score, 3),
            )
    except IntegrityError:  # someone filed it at the same moment: count these sightings on their row
        rows.update(count=F("count") + times, last_seen=timezone.now())
