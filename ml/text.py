"""Normalising what people type, before any comparison.

``normalize`` is the comparison key used everywhere (the database's ``SkillSynonym.normalized`` is
built with it): full-width forms become half-width (NFKC), letters lower case, traditional Chinese
characters simplified (OpenCC ``t2s``), and everything that is not a letter, a digit or a combining
mark goes: punctuation, spaces, emoji, control and zero-width characters.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Any

# Anything that is not a word character (letters and digits of any script), except the combining
# marks of Latin and Mongolian script, and the underscore. Emoji, symbols, punctuation, spaces,
# control and format characters (zero-width space, BOM) are all "not a word character".
_NOT_WORD = re.compile(r"(?:[^\w\u0300-\u036f\u1800-\u18af]|_)+")

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")

_converter_lock = threading.Lock()
_converter: Any = None
_needs_t2s: re.Pattern[str] | None = None


def _load_t2s() -> tuple[Any, re.Pattern[str]]:
    """The OpenCC converter and a pattern matching every character it may change (built once).

    Converting is pure Python and slow (about 6 µs a character), so it only runs on text that has
    a character some entry of the traditional-to-simplified tables changes. Text without one comes
    out of OpenCC unchanged: a dictionary entry that matches it maps every character to itself.
    """
    global _converter, _needs_t2s
    if _converter is not None and _needs_t2s is not None:
        return _converter, _needs_t2s
    with _converter_lock:
        if _converter is None or _needs_t2s is None:
            import opencc
            from opencc import OpenCC

            converter = OpenCC("t2s")
            triggers: set[str] = set()
            folder = Path(opencc.__file__).resolve().parent / "dictionary"
            try:
                for name in ("TSCharacters.txt", "TSPhrases.txt"):
                    with (folder / name).open(encoding="utf-8") as handle:
                        for line in handle:
                            source, _tab, target = line.rstrip("\n").partition("\t")
                            first = target.split(" ")[0]
                            if not source or source == first:
                                continue
                            if len(source) == len(first):
                                # Only the characters that change: a phrase entry such as 乾隆 or
                                # 著名 is mostly characters that stay (会, 作, 工 ...), and taking
                                # them all would send nearly every Chinese text through OpenCC.
                                triggers.update(a for a, b in zip(source, first, strict=True) if a != b)
                            else:
                                triggers.update(source)
                pattern = re.compile("[" + "".join(sorted(re.escape(c) for c in triggers)) + "]")
            except OSError:  # an unusual install without the text tables: convert any Chinese text
                pattern = _CJK
            _needs_t2s = pattern
            _converter = converter
    assert _converter is not None and _needs_t2s is not None
    return _converter, _needs_t2s


def to_simplified(text: str) -> str:
    """Traditional Chinese characters to simplified; other text is returned as it is (fast)."""
    converter, needs = _load_t2s()
    if not needs.search(text):
        return text
    return str(converter.convert(text))


def fold(text: str) -> str:
    """NFKC, case folding and traditional-to-simplified, keeping punctuation and spaces."""
    return to_simplified(unicodedata.normalize("NFKC", text or "").casefold())


@lru_cache(maxsize=65536)
def _normalize_short(text: str) -> str:
    return _NOT_WORD.sub("", fold(text))


def normalize(text: str) -> str:
    """Comparison key for a short phrase.

    ``"  Forklift-驾驶（A2）"``, ``"forklift驾驶a2"`` and ``"ＦＯＲＫＬＩＦＴ駕駛 A2 🚜"`` get the same
    key, ``"forklift驾驶a2"``.
    """
    if not text:
        return ""
    if len(text) <= 64:
        return _normalize_short(text)
    return _NOT_WORD.sub("", fold(text))


def normalize_spaced(text: str) -> str:
    """Like ``normalize``, but every run of removed characters becomes one space (word boundaries
    stay visible: ``"I drive a forklift!"`` -> ``"i drive a forklift"``). Removing the spaces gives
    ``normalize(text)``."""
    if not text:
        return ""
    return _NOT_WORD.sub(" ", fold(text)).strip()


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


def is_cjk(char: str) -> bool:
    return bool(_CJK.match(char))
