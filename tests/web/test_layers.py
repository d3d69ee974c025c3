"""The layers of ARCHITECTURE.md, checked on the code: every import (at the top of a module or
inside a function, ``TYPE_CHECKING`` ones too) of every app's modules is parsed (``ast``), and an
app that imports an app of its own layer or of a layer above fails the test. What the document
allows beyond "arrows point down" is written here as it says it; code that breaks the rule today
is listed as a known exception with the reason, to be removed when it is fixed (a stale exception
fails too, so the list only shrinks).

The picture (top to bottom), from ARCHITECTURE.md:

    web/                                 the composition root: imports every app
    assessment/
    training/ fairs/ ventures/ relief/   (relief's tracks are separate apps: no track imports another)
    matching/
    jobs/
    households/ funds/
    notifications/                       imports only accounts/ and core/
    accounts/ skills/
    core/
    ml/                                  pure Python: no Django
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

LAYERS: list[set[str]] = [
    {"web"},
    {"assessment"},
    {"training", "fairs", "ventures", "relief"},
    {"matching"},
    {"jobs"},
    {"households", "funds"},
    {"notifications"},
    {"accounts", "skills"},
    {"core"},
    {"ml"},
]
LEVEL = {app: depth for depth, apps in enumerate(LAYERS) for app in apps}
APPS = set(LEVEL)
RELIEF_TRACKS = {p.name for p in (ROOT / "relief").iterdir() if (p / "apps.py").exists()}

# "notifications/ imports only accounts/ and core/" (besides the layers' own rule).
ONLY = {"notifications": {"accounts", "core"}}

# (importing app, imported app): code that breaks the rule today, each with why it is tolerated.
KNOWN: dict[tuple[str, str], str] = {
    # funds pays members and households (grants, budgets by unit of the archive): its api, demo,
    # forms, services and views import households, drawn in the same layer. households does not
    # import funds, so the picture could put funds just above households.
    ("funds", "households"): "funds reads the archive it pays into",
    # skills' api, selectors, services and views ask accounts who may edit the taxonomy (roles,
    # visibility), drawn in the same layer. accounts does not import skills: skills could sit
    # just above accounts.
    ("skills", "accounts"): "skills checks roles through accounts",
}


def _known(module: str, target: str) -> bool:
    return (module.split(".")[0], target) in KNOWN


def _modules() -> Iterator[tuple[str, Path]]:
    for app in sorted(APPS):
        for path in sorted((ROOT / app).rglob("*.py")):
            if "locale" in path.parts or "__pycache__" in path.parts:
                continue
            module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            yield module.removesuffix(".__init__"), path


def _imports(module: str, path: Path) -> Iterator[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the module's package
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            yield target
            for alias in node.names:  # ``from relief import care`` names a track module
                yield f"{target}.{alias.name}"


def _unit(name: str) -> str:
    """The app (or, inside relief, the track) a dotted name belongs to."""
    parts = name.split(".")
    if parts[0] == "relief" and len(parts) > 1 and parts[1] in RELIEF_TRACKS:
        return f"relief.{parts[1]}"
    return parts[0]


def violations() -> dict[tuple[str, str], str]:
    found: dict[tuple[str, str], str] = {}
    for module, path in _modules():
        app, unit = module.split(".")[0], _unit(module)
        for name in _imports(module, path):
            target_app, target_unit = name.split(".")[0], _unit(name)
            if app == "ml" and target_app == "django":
                found[(module, "django")] = "ml/ imports no Django"
            if target_app not in APPS or target_app == app:
                if (
                    unit != target_unit
                    and unit.startswith("relief.")
                    and target_unit.startswith("relief.")
                    and target_unit != "relief"
                ):
                    found[(module, target_unit)] = "a relief track imports another track"
                continue
            if app in ONLY and target_app not in ONLY[app]:
                found[(module, target_app)] = f"{app} imports only {sorted(ONLY[app])}"
            elif LEVEL[target_app] < LEVEL[app]:
                found[(module, target_app)] = f"{app} imports {target_app}, a layer above it"
            elif LEVEL[target_app] == LEVEL[app]:
                found[(module, target_app)] = f"{app} imports {target_app}, of its own layer"
    return found


def test_no_app_imports_its_own_layer_or_a_layer_above() -> None:
    found = violations()
    new = {key: why for key, why in found.items() if not _known(*key)}
    assert not new, "layer rule broken (ARCHITECTURE.md):\n" + "\n".join(
        f"{module} -> {target}: {why}" for (module, target), why in sorted(new.items())
    )


def test_the_known_exceptions_are_still_needed() -> None:
    stale = set(KNOWN) - {(module.split(".")[0], target) for module, target in violations()}
    assert not stale, f"fixed, so remove from KNOWN: {sorted(stale)}"


@pytest.mark.parametrize(
    ("module", "source", "broken"),
    [
        ("relief.restructuring.selectors", "from training import selectors", True),
        ("relief.restructuring.selectors", "def f():\n    from training.selectors import x", True),
        ("relief.restructuring.selectors", "from matching import selectors", False),
        ("jobs.services", "import relief.models", True),
        ("households.services", "from funds import services", True),
        ("notifications.services", "from households.models import Member", True),
        ("notifications.services", "from accounts.models import User", False),
        ("ml.vectors", "from django.db import models", True),
        ("relief.care.services", "from relief.insurance import services", True),
        ("relief.care.services", "from ..insurance import services", True),
        ("relief.care.services", "from relief import case_services", False),
        ("relief.services", "from relief import care", False),
        ("web.apps", "from training import selectors", False),
    ],
)
def test_the_checker_sees_a_broken_rule(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, module: str, source: str, broken: bool
) -> None:
    """The checker itself, on one made-up module: it must be able to fail."""
    path = tmp_path / (module.replace(".", "/") + ".py")
    path.parent.mkdir(parents=True)
    path.write_text(source, encoding="utf-8")
    monkeypatch.setattr(__import__(__name__, fromlist=["_modules"]), "_modules", lambda: iter([(module, path)]))
    assert bool(violations()) is broken
