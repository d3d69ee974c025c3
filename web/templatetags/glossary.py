"""Plain words (适老化): a short explanation beside a term workers may not know.

``{% term "match_score" %}`` renders a small "匹配度是什么？" button that opens the explanation in a
native popover: opened by a tap, the keyboard or a screen reader (never by hovering only), closed
with its own button, Esc or a tap elsewhere. A browser without popovers shows the explanation as a
line of text instead. Each term is written once, here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import template
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

register = template.Library()


@dataclass(frozen=True)
class Term:
    label: Promise
    meaning: Promise


GLOSSARY = {
    "match_score": Term(
        _("match score"),
        _(
            "How well a job fits you, from 0 to 100: your skills, the work and pay you want, and where you "
            "can work. The higher the number, the better the job fits."
        ),
    ),
    "interest_subsidy": Term(
        _("interest subsidy"),
        _(
            "The union pays some or all of the interest on your bank loan for your business. You repay the "
            "loan; the interest it covers is paid back to you."
        ),
    ),
    "pairing": Term(
        _("pairing"),
        _(
            "One helper from the union is paired with your household (一帮一) and stays with you until the "
            "goals of your relief plan are met. Call them whenever you need help."
        ),
    ),
}


@register.inclusion_tag("includes/term.html", takes_context=True)
def term(context: Any, key: str) -> dict[str, Any]:
    entry = GLOSSARY[key]  # an unknown key is a programming error: fail loudly while rendering
    # One page may explain a term more than once (a list of cards): each popover needs its own id.
    counter = context.render_context.setdefault("glossary_terms", {})
    counter[key] = counter.get(key, 0) + 1
    return {"key": key, "term": entry, "id": f"term-{key}-{counter[key]}"}
