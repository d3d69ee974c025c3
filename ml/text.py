"""Normalising what people type, before any comparison."""

from __future__ import annotations

import re
import unicodedata

_PUNCT_OR_SPACE = re.compile(r"[\s\u3000\-_·•/\\|,，.。、;；:：!！?？'\"“”‘’()（）\[\]【】{}<>《》~～*#+=]+")


def normalize(text: str) -> str:
    """Comparison key for a short phrase.

    Full-width forms become half-width (NFKC), Latin letters lower case, punctuation and spaces go.
    ``"  Forklift-驾驶（A2）"`` and ``"forklift驾驶a2"`` get the same key.
    """
    folded = unicodedata.normalize("NFKC", text or "").casefold()
    return _PUNCT_OR_SPACE.sub("", folded)
