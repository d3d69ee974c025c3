"""A layoff batch's advice (issue 18): "what to learn" comes from skills training through the slot
that ``web`` fills (``relief/restructuring/advice.py``: training is in relief's own layer); the
skills are shown by name, not code; with the slot empty the page and the API say it is not
available instead of failing."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from households.models import Member
from relief.restructuring import advice
from relief.restructuring.models import Enterprise, LayoffBatch
from skills.models import Skill
from tests.conftest import People
from tests.relief.test_restructuring import _batch, enterprise, workers

__all__ = ["enterprise", "workers"]  # fixtures shared with test_restructuring


@pytest.fixture
def batch(people: People, enterprise: Enterprise, workers: list[Member]) -> LayoffBatch:
    return _batch(people, enterprise, workers[:3])


def _pages(people: People, batch: LayoffBatch) -> tuple[str, dict[str, Any]]:
    client = Client()
    client.force_login(people.olga)
    page = client.get(reverse("relief:restructuring:batch_advice", args=[batch.pk]))
    api = APIClient()
    api.force_authenticate(people.olga)
    data = api.get(f"/api/v1/relief/restructuring/batches/{batch.pk}/advice/")
    assert page.status_code == 200 and data.status_code == 200
    return page.content.decode(), data.json()


def test_web_wires_trainings_group_advice_into_the_slot() -> None:
    from training import selectors as training_selectors

    assert advice.provider is training_selectors.group_learning_advice


def test_the_skills_to_learn_are_shown_by_name(
    people: People, batch: LayoffBatch, monkeypatch: pytest.MonkeyPatch
) -> None:
    skill = Skill.objects.create(code="forklift_operation_x", name_zh="叉车驾驶", name_en="Forklift driving")
    asked: list[list[int]] = []

    def fake(user: Any, member_ids: list[int]) -> list[tuple[Skill, int, Any]]:
        asked.append(sorted(member_ids))
        return [(skill, 2, None)]

    monkeypatch.setattr(advice, "provider", fake)
    page, data = _pages(people, batch)
    assert "叉车驾驶" in page and "forklift_operation_x" not in page
    assert "data-learn-unavailable" not in page
    assert data["learning_available"] is True
    assert data["skills"] == [
        {"skill": "forklift_operation_x", "name": "叉车驾驶", "people": 2, "cohort": None, "course": ""}
    ]
    assert asked[0] == sorted(batch.workers.values_list("member_id", flat=True))


def test_without_a_provider_the_advice_says_not_available(
    people: People, batch: LayoffBatch, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(advice, "provider", None)
    page, data = _pages(people, batch)
    assert "data-learn-unavailable" in page and "data-jobs" in page
    assert data["learning_available"] is False and data["skills"] == []
    assert len(data["people"]) == 3  # the jobs within reach are still offered
