"""Stored match facts (``ml.matching.Explanation`` plus the values quoted) in plain words.

The engine states facts; this module words them, translated (English message ids, Chinese in the
catalogue). Two readers: the worker ("you") and the employer or organizer, who read about the
person ("they"). The sentences never quote the archive (no household, income or health).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext as _

from ml.relatedness import SAME_OCCUPATION as CLOSE
from skills.models import Skill


def skill_codes(facts: Mapping[str, Any]) -> set[str]:
    """Every skill code the facts name (to read their names in one query for many matches)."""
    codes = {
        str(code)
        for key in ("matched_required", "missing_required", "matched_preferred")
        for code in facts.get(key) or ()
    }
    codes.update(str(code) for row in facts.get("related_required") or () for code in row[:2])
    return codes


def _names(codes: Iterable[str], skills: Mapping[str, Skill]) -> str:
    named = [str(skills[c]) if c in skills else c for c in codes]
    return _(", ").join(named) if named else ""


def _money(value: Any) -> str:
    return f"¥{int(value):,}"


def reasons(
    facts: Mapping[str, Any],
    skills: Mapping[str, Skill],
    *,
    for_worker: bool = True,
    posting_region: str = "",
) -> list[str]:
    """The sentences that say why this match, in the order a reader weighs them: skills, where,
    physical demand, pay, kind of work."""
    out: list[str] = []
    matched = list(facts.get("matched_required") or ())
    missing = list(facts.get("missing_required") or ())
    preferred = list(facts.get("matched_preferred") or ())
    if facts.get("no_resolved_skills"):
        out.append(_("This posting lists no skill the system understands; matched on its description."))
    if matched:
        text = (
            _("You have the required skills: %(skills)s.") if for_worker else _("Has the required skills: %(skills)s.")
        )
        out.append(text % {"skills": _names(matched, skills)})
    if missing:
        text = (
            _("Required skills you lack: %(skills)s.") if for_worker else _("Lacks these required skills: %(skills)s.")
        )
        out.append(text % {"skills": _names(missing, skills)})
    for row in facts.get("related_required") or ():
        required, held = row[0], row[1]
        closeness = float(row[2]) if len(row) > 2 else 0.0
        # "Close" for skills of one occupation or a specialisation (瓦斯抽采, 瓦斯检查); weaker
        # relatedness (one minor group: 肉牛养殖, 抓绒) is only "related".
        if closeness >= CLOSE:
            text = (
                _("Your experience in %(held)s is close to %(required)s.")
                if for_worker
                else _("Their experience in %(held)s is close to %(required)s.")
            )
        else:
            text = (
                _("Your experience in %(held)s is related to %(required)s.")
                if for_worker
                else _("Their experience in %(held)s is related to %(required)s.")
            )
        out.append(text % {"held": _names([held], skills), "required": _names([required], skills)})
    if preferred:
        text = (
            _("You also have skills the employer would like: %(skills)s.")
            if for_worker
            else _("Also has skills the employer would like: %(skills)s.")
        )
        out.append(text % {"skills": _names(preferred, skills)})

    location = facts.get("location")
    where = f" ({posting_region})" if posting_region else ""
    if location == "same_region":
        out.append(
            (_("The job is in your county%(where)s.") if for_worker else _("Lives in the county of the job."))
            % {"where": where}
        )
    elif location == "preferred_region":
        out.append(
            (_("The job is in a county you chose%(where)s.") if for_worker else _("Chose this county to work in."))
            % {"where": where}
        )
    elif location == "relocation":
        out.append(
            _("You will work in another region, and this employer recruits from other regions.")
            if for_worker
            else _("Willing to work in another region, and the employer recruits from other regions.")
        )

    # Said only of people whose capacity is partial ("light_work_ok"); a light job offered to
    # someone with full capacity is just light work ("light_work").
    if facts.get("capacity") == "light_work_ok":
        out.append(
            _("Light work: it suits partial work capacity.")
            if for_worker
            else _("Has partial work capacity, which suits this light work.")
        )
    elif facts.get("capacity") == "light_work" and for_worker:
        out.append(_("This is light physical work."))

    salary, expected = facts.get("salary"), facts.get("expected_salary")
    top = facts.get("salary_max")
    if salary == "meets" and expected:
        text = (
            _("The pay (up to %(top)s a month) meets your expected %(expected)s.")
            if for_worker
            else _("Expects %(expected)s a month; the job pays up to %(top)s.")
        )
        out.append(text % {"top": _money(top or 0), "expected": _money(expected)})
    elif salary == "below" and expected:
        gap = facts.get("salary_gap") or (int(expected) - int(top or 0))
        text = (
            _("The pay (up to %(top)s a month) is %(gap)s below what you expect (%(expected)s).")
            if for_worker
            else _("Expects %(expected)s a month, %(gap)s more than the job pays at most.")
        )
        out.append(text % {"top": _money(top or 0), "gap": _money(gap), "expected": _money(expected)})
    elif top and for_worker:
        low = facts.get("salary_min") or 0
        out.append(
            _("The job pays %(low)s–%(top)s a month; you have not said what you expect.")
            % {"low": _money(low), "top": _money(top)}
        )

    occupation = facts.get("occupation")
    if facts.get("occupation_from_skills"):
        # Read from their skills, not stated: never "the kind of work you want".
        if occupation in ("same", "group"):
            out.append(_("It is work in the trade of your skills.") if for_worker else _("Works in this trade."))
    elif occupation == "same":
        out.append(_("It is the kind of work you want.") if for_worker else _("Wants exactly this kind of work."))
    elif occupation == "group":
        out.append(_("It is close to the kind of work you want.") if for_worker else _("Wants work close to this job."))
    elif occupation == "related":
        out.append(
            _("It is related to the kind of work you want.") if for_worker else _("Wants work related to this job.")
        )
    return out
