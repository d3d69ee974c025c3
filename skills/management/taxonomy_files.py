"""The taxonomies the file commands (``resolve_skills``, ``rank_files``) resolve phrases against:
the built-in one, and optionally a file of someone else's, read with errors a person can act on."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from django.core.management.base import CommandError

from ml import taxonomy
from skills.reference import BUILTIN_TAXONOMY


def read_entries(path: Path, *, strict: bool, warn: Callable[[str], object]) -> list[taxonomy.TaxonomyEntry]:
    """The entries of a taxonomy file. ``strict``: any malformed line is an error (the built-in
    file); otherwise malformed lines are skipped with a warning naming them."""
    try:
        with path.open(encoding="utf-8-sig") as handle:
            if strict:
                return taxonomy.parse(handle)
            entries, warnings = taxonomy.parse_lenient(handle)
    except OSError as exc:
        raise CommandError(f"Cannot read {path}: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise CommandError(f"{path} is not UTF-8 text.") from exc
    except taxonomy.TaxonomyFormatError as exc:
        raise CommandError(f"{path}: {exc}") from exc
    for warning in warnings:
        warn(f"warning: {path}: {warning}")
    return entries


def taxonomies(
    taxonomy_path: str | None, *, warn: Callable[[str], object]
) -> tuple[list[taxonomy.TaxonomyEntry], list[taxonomy.TaxonomyEntry] | None]:
    """The built-in entries, and those of ``taxonomy_path`` when one is given (never empty)."""
    builtin = read_entries(BUILTIN_TAXONOMY, strict=True, warn=warn)
    if taxonomy_path is None:
        return builtin, None
    external = read_entries(Path(taxonomy_path), strict=False, warn=warn)
    if not external:
        raise CommandError(f"{taxonomy_path}: no skills in the file.")
    return builtin, external
