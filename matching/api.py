"""REST API of matching: the worker's matched jobs, a posting's ranked candidates, a household's
jobs within reach, and the skills that block the most people. Thin: every read is a selector of
``matching.selectors`` (scoped to the caller); domain errors become answers in
``core.api.exception_handler``.

Each row carries its score, percent, plain-word reasons, the skills matched and missing (code and
name), the engine version and when it was computed. What an employer sees of a person is
``jobs.api.CandidateSerializer``: never the ID number, household, income, health, phone or address.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts import visibility
from accounts.api import acting_user
from accounts.visibility import Action
from core import params
from core.errors import Forbidden
from households.models import Member
from jobs.api import CandidateSerializer
from jobs.models import JobPosting
from matching import selectors
from skills.models import Skill

MAX_LIMIT = 200
LIMIT = OpenApiParameter("limit", int, description=f"rows, best first (default 50, at most {MAX_LIMIT})")


class SkillRefSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="name_zh", read_only=True)

    class Meta:
        model = Skill
        fields = ["code", "name", "name_en"]


class MatchedPostingSerializer(serializers.ModelSerializer):
    employer_name = serializers.CharField(source="employer.name", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)

    class Meta:
        model = JobPosting
        fields = [
            "id",
            "title",
            "employer",
            "employer_name",
            "region",
            "region_name",
            "salary_min",
            "salary_max",
            "physical_demand",
            "recruits_other_regions",
            "accommodation",
            "valid_until",
        ]


class MatchRowSerializer(serializers.Serializer):
    score = serializers.FloatField(help_text="0..1, higher is better")
    percent = serializers.IntegerField()
    reasons = serializers.ListField(child=serializers.CharField(), help_text="why, in plain words")
    matched = SkillRefSerializer(many=True, help_text="required and preferred skills the person has")
    missing = SkillRefSerializer(many=True, help_text="required skills the person lacks")
    applied = serializers.BooleanField(help_text="the person already applied to this posting")
    engine_version = serializers.CharField()
    computed_at = serializers.DateTimeField()


class PostingMatchSerializer(MatchRowSerializer):
    posting = MatchedPostingSerializer()


class CandidateMatchSerializer(MatchRowSerializer):
    candidate = CandidateSerializer(source="member")


class MatchingMemberSerializer(serializers.ModelSerializer):
    class Meta:
        model = Member
        fields = ["id", "name", "work_capacity", "employment_status", "consent_to_be_found"]


class MemberMatchingSerializer(serializers.Serializer):
    member = MatchingMemberSerializer()
    reachable = serializers.BooleanField(help_text="at least one feasible open posting")
    blocking = SkillRefSerializer(many=True, help_text="missing required skills most often seen in the best matches")
    matches = PostingMatchSerializer(many=True)


class HouseholdMatchingSerializer(serializers.Serializer):
    household = serializers.IntegerField(source="household.pk")
    number = serializers.CharField(source="household.number")
    members = MemberMatchingSerializer(many=True)


class BlockingSkillSerializer(serializers.Serializer):
    skill = SkillRefSerializer()
    people = serializers.IntegerField(help_text="people of your reach it blocks")


class UnreachableMemberSerializer(serializers.ModelSerializer):
    household_number = serializers.CharField(source="household.number", read_only=True)

    class Meta:
        model = Member
        fields = ["id", "name", "household", "household_number", "work_capacity", "employment_status"]


def _skill(skill: Skill) -> dict[str, str]:
    return {"code": skill.code, "name": skill.name_zh, "name_en": skill.name_en}


def _posting_match(row: selectors.MatchRow) -> dict[str, Any]:
    """``PostingMatchSerializer``'s output, written out: the worker's list is the hot path (the issue's
    p95 of 25 ms), and DRF's nested serializers cost a third of it. ``test_api`` checks both agree."""
    p = row.posting
    assert p is not None
    return {
        "score": row.score,
        "percent": row.percent,
        "reasons": row.reasons,
        "matched": [_skill(s) for s in row.matched],
        "missing": [_skill(s) for s in row.missing],
        "applied": row.applied,
        "engine_version": row.engine_version,
        "computed_at": serializers.DateTimeField().to_representation(row.computed_at),
        "posting": {
            "id": p.pk,
            "title": p.title,
            "employer": p.employer_id,
            "employer_name": p.employer.name,
            "region": p.region_id,
            "region_name": p.region.name,
            "salary_min": p.salary_min,
            "salary_max": p.salary_max,
            "physical_demand": p.physical_demand,
            "recruits_other_regions": p.recruits_other_regions,
            "accommodation": p.accommodation,
            "valid_until": p.valid_until.isoformat(),
        },
    }


def _limit(request: Request, default: int = 50) -> int:
    limit = params.whole_number(request.query_params.get("limit"), default=default, minimum=1)
    return min(limit, MAX_LIMIT)


class MatchViewSet(viewsets.ViewSet):
    """Stored matches, each side seeing what it may."""

    @extend_schema(parameters=[LIMIT], responses=PostingMatchSerializer(many=True))
    @action(detail=False, methods=["get"])
    def mine(self, request: Request) -> Response:
        """我的推荐岗位: the worker's open jobs that fit, best first, each saying why."""
        user = acting_user(request)
        if not visibility.may(user, Action.APPLY):
            raise Forbidden(_("Only workers have jobs matched to them."))
        rows = selectors.my_matches(user, limit=_limit(request))
        return Response([_posting_match(row) for row in rows])

    @extend_schema(parameters=[LIMIT], responses=CandidateMatchSerializer(many=True))
    @action(detail=False, methods=["get"], url_path=r"for-posting/(?P<posting_pk>\d+)")
    def for_posting(self, request: Request, posting_pk: str) -> Response:
        """A posting's ranked candidates: for its employer, the people who agreed to be found or
        applied to it; for union staff in reach, also the people of their reach."""
        rows = selectors.candidates_for_posting(acting_user(request), posting_pk, limit=_limit(request))
        return Response(CandidateMatchSerializer(rows, many=True).data)

    @extend_schema(responses=HouseholdMatchingSerializer)
    @action(detail=False, methods=["get"], url_path=r"household/(?P<household_pk>\d+)")
    def household(self, request: Request, household_pk: str) -> Response:
        """A household of the caller's reach: per member who seeks work, the best matches, whether a
        job is within reach, and the skills that stand in the way."""
        matching = selectors.household_matching(acting_user(request), household_pk)
        return Response(HouseholdMatchingSerializer(matching).data)

    @extend_schema(parameters=[LIMIT], responses=BlockingSkillSerializer(many=True))
    @action(detail=False, methods=["get"], url_path="blocking-skills")
    def blocking_skills(self, request: Request) -> Response:
        """The missing required skills that block the most people of the caller's reach."""
        user = acting_user(request)
        if not visibility.may(user, Action.VIEW_JOBS):
            raise Forbidden(_("Your role does not allow this."))
        pairs = selectors.blocking_skills(user, limit=_limit(request, default=20))
        return Response(BlockingSkillSerializer([{"skill": s, "people": n} for s, n in pairs], many=True).data)

    @extend_schema(parameters=[LIMIT], responses=UnreachableMemberSerializer(many=True))
    @action(detail=False, methods=["get"])
    def unreachable(self, request: Request) -> Response:
        """People of the caller's reach who seek work and have no job within reach."""
        user = acting_user(request)
        if not visibility.may(user, Action.VIEW_JOBS):
            raise Forbidden(_("Your role does not allow this."))
        members = selectors.unreachable_members(user)[: _limit(request, default=MAX_LIMIT)]
        return Response(UnreachableMemberSerializer(members, many=True).data)
