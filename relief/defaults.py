"""Each track's starting configuration (rates, rules), loaded by its own data migration and, after
a test flushed the tables, by ``web.reference``: the core loops over the registry."""

from __future__ import annotations

from relief.registry import tracks


def load_all() -> int:
    return sum(track.load_defaults() for track in tracks if track.load_defaults is not None)
