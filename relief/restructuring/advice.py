"""The slot for "what to learn" for a whole layoff batch. Skills training (``training``) sits in
the same layer as ``relief`` and so may not be imported by it (ARCHITECTURE.md): the composition
root fills the slot at start-up (``web/apps.py``: ``training.selectors.group_learning_advice``).
Unfilled (a deployment without training, a test), the advice page says it is not available."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from accounts.models import User
from skills.models import Skill

# (user, member ids) -> [(skill, people advised to learn it, the nearest open cohort or None)]
LearningAdvice = Callable[[User, list[int]], list[tuple[Skill, int, Any]]]

provider: LearningAdvice | None = None


def provide(function: LearningAdvice | None) -> None:
    """Fill (or, with None, empty) the slot."""
    global provider
    provider = function


def available() -> bool:
    return provider is not None


def learning_advice(user: User, member_ids: list[int]) -> list[tuple[Skill, int, Any]] | None:
    """The skills most worth learning for these people, or None when no provider is wired."""
    if provider is None:
        return None
    return provider(user, member_ids)
