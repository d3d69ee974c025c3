"""Understanding inside the service: what workers write is resolved, what cannot be placed waits for
organizers, and their answers are learned at once and applied to what is already on file."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from core.errors import Forbidden, InvalidInput
from households import services as household_services
from households.models import JobPreference, MemberSkill
from skills import services
from skills.models import Occupation, PhraseKind, PhraseMapping, ReviewPhrase, Skill
from skills.understanding import occupation_understand, skill_understand

pytestmark = pytest.mark.django_db

# A phrase the built-in taxonomy does not know: playing the suona (a folk wind instrument) at weddings.
UNKNOWN = "红白喜事吹唢呐"


def wang_member(household: Any) -> Any:
    return household.members.get(user__username="wang")


class TestResolvingWhatWorkersWrite:
    def test_a_colloquial_phrase_is_saved_with_its_skill(self, people, household_a):
        entry = household_services.member_skill_add(member=wang_member(household_a), by=people.wang, phrase="开叉车")
        assert entry.skill.code == "logistics.forklift"
        assert entry.phrase == "开叉车"

    def test_a_homophone_typo_is_understood(self):
        understood = skill_understand("气修", record=False)
        assert understood.skill is not None and "汽" in understood.skill.name_zh

    def test_a_soft_quality_is_refused_with_a_clear_message(self, people, household_a):
        with pytest.raises(InvalidInput, match="not a skill"):
            household_services.member_skill_add(member=wang_member(household_a), by=people.wang, phrase="吃苦耐劳")
        assert MemberSkill.objects.count() == 0

    def test_an_unknown_phrase_is_kept_as_written_and_queued_for_organizers(self, people, household_a):
        entry = household_services.member_skill_add(member=wang_member(household_a), by=people.wang, phrase=UNKNOWN)
        assert entry.skill is None and entry.phrase == UNKNOWN
        queued = ReviewPhrase.objects.get(kind=PhraseKind.SKILL)
        assert (queued.text, queued.count, queued.status) == (UNKNOWN, 1, ReviewPhrase.Status.OPEN)

    def test_the_queue_counts_each_sighting(self, people, household_a):
        for _ in range(3):
            skill_understand(UNKNOWN)
        assert ReviewPhrase.objects.get(kind=PhraseKind.SKILL).count == 3

    def test_the_typing_hint_files_nothing(self, client, people, household_a):
        client.force_login(people.wang)
        page = client.get(reverse("skills:resolve"), {"phrase": UNKNOWN}, HTTP_ACCEPT_LANGUAGE="en")
        assert "Not a known skill yet" in page.content.decode()
        assert not ReviewPhrase.objects.exists()


class TestTeachingTheResolver:
    def test_mapping_a_phrase_teaches_the_resolver_and_fixes_profiles_on_file(
        self, people, household_a, django_capture_on_commit_callbacks, eager_tasks
    ):
        entry = household_services.member_skill_add(member=wang_member(household_a), by=people.wang, phrase=UNKNOWN)
        music = Skill.objects.create(
            code="services.suona", name_zh="唢呐演奏", name_en="Suona playing", category="services"
        )
        with django_capture_on_commit_callbacks(execute=True):
            services.phrase_map(by=people.alice, kind=PhraseKind.SKILL, text=UNKNOWN, skill=music)
        entry.refresh_from_db()
        assert entry.skill == music  # the profile already holding the phrase is updated
        assert ReviewPhrase.objects.get().status == ReviewPhrase.Status.MAPPED
        assert skill_understand("红白喜事 吹唢呐！", record=False).skill == music  # learned, any spelling

    def test_an_organizer_can_say_a_phrase_is_not_a_skill(self, people, household_a):
        services.phrase_map(by=people.alice, kind=PhraseKind.SKILL, text=UNKNOWN, not_a_skill=True)
        with pytest.raises(InvalidInput, match="not a skill"):
            household_services.member_skill_add(member=wang_member(household_a), by=people.wang, phrase=UNKNOWN)

    def test_a_mapping_must_say_what_the_phrase_is(self, people):
        with pytest.raises(InvalidInput):
            services.phrase_map(by=people.alice, kind=PhraseKind.SKILL, text=UNKNOWN)
        assert not PhraseMapping.objects.exists()

    def test_workers_and_helpers_cannot_teach_the_resolver(self, people):
        forklift = Skill.objects.get(code="logistics.forklift")
        for person in (people.wang, people.hana, people.aude):
            with pytest.raises(Forbidden):
                services.phrase_map(by=person, kind=PhraseKind.SKILL, text=UNKNOWN, skill=forklift)
        assert not PhraseMapping.objects.exists()


class TestDesiredWork:
    def test_desired_work_is_coded_to_an_occupation(self, people, household_a):
        member = wang_member(household_a)
        household_services.job_preference_update(member=member, by=people.wang, desired_work="叉车司机")
        preference = JobPreference.objects.get(member=member)
        assert preference.desired_occupation is not None
        assert preference.desired_occupation.code.startswith("6-30-05")
        assert preference.desired_occupation_score > 0

    def test_an_organizers_correction_recodes_every_preference_written_that_way(
        self, people, household_a, django_capture_on_commit_callbacks, eager_tasks
    ):
        member = wang_member(household_a)
        household_services.job_preference_update(member=member, by=people.wang, desired_work="啥活都行")
        cook = Occupation.objects.get(code="4-03-02-01")
        with django_capture_on_commit_callbacks(execute=True):
            services.phrase_map(by=people.olga, kind=PhraseKind.OCCUPATION, text="啥活都行！", occupation=cook)
        preference = JobPreference.objects.get(member=member)
        assert (preference.desired_occupation, preference.desired_occupation_score) == (cook, 1.0)
        assert occupation_understand("啥活都行", record=False).occupation == cook


class TestReviewPages:
    def test_the_queue_lists_the_most_frequent_phrases_first(self, client, people):
        skill_understand(UNKNOWN)
        for _ in range(2):
            skill_understand("会修理老式缝纫机和锁边机")
        client.force_login(people.alice)
        page = client.get(reverse("skills:review"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert page.index("会修理老式缝纫机和锁边机") < page.index(UNKNOWN)

    def test_an_organizer_maps_a_phrase_from_the_queue(self, client, people):
        skill_understand(UNKNOWN)
        phrase = ReviewPhrase.objects.get()
        client.force_login(people.alice)
        response = client.post(
            reverse("skills:review_answer", args=[phrase.pk]), {"action": "map", "skill": "叉车驾驶"}
        )
        assert response.status_code == 302
        assert PhraseMapping.objects.get().skill.code == "logistics.forklift"

    def test_workers_and_auditors_cannot_open_the_queue(self, client, people):
        for person in (people.wang, people.aude):
            client.force_login(person)
            assert client.get(reverse("skills:review")).status_code == 403

    def test_the_api_answers_what_a_phrase_means(self, people):
        api = APIClient()
        api.force_authenticate(people.wang)
        body = api.get("/api/v1/understand/skill/", {"q": "熟练掌握叉车驾驶技术"}).json()
        assert body["skill"] == "logistics.forklift" and body["score"] > 0.7
        body = api.get("/api/v1/understand/occupation/", {"q": "鄂托克旗急招叉车司机"}).json()
        assert body["code"].startswith("6-30-05")

    def test_the_review_api_is_for_organizers_only(self, people):
        skill_understand(UNKNOWN)
        phrase = ReviewPhrase.objects.get()
        api = APIClient()
        api.force_authenticate(people.wang)
        assert api.get("/api/v1/review-phrases/").json()["results"] == []
        assert api.post(f"/api/v1/review-phrases/{phrase.pk}/answer/", {"not_a_skill": True}).status_code == 404
        api.force_authenticate(people.alice)
        assert (
            api.post(f"/api/v1/review-phrases/{phrase.pk}/answer/", {"not_a_skill": True}, format="json").status_code
            == 200
        )
        assert PhraseMapping.objects.get().not_a_skill
