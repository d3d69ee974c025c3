"""送温暖's endpoints under /api/v1/relief/warmth/: campaigns, and a campaign's need ranking with how
far its budget reaches."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from accounts.api import acting_user
from funds.api import YuanField
from relief.warmth import selectors
from relief.warmth.models import Campaign


class WarmthCampaignSerializer(serializers.ModelSerializer):
    occasion = serializers.CharField(read_only=True)
    limit = YuanField(read_only=True)
    limit_fen = serializers.IntegerField(source="limit", read_only=True)
    cash_per_household_fen = serializers.IntegerField(source="cash_per_household", read_only=True)
    per_household_fen = serializers.IntegerField(source="per_household", read_only=True)

    class Meta:
        model = Campaign
        fields = [
            "id",
            "name",
            "occasion",
            "org_unit",
            "budget",
            "limit",
            "limit_fen",
            "cash_per_household_fen",
            "goods",
            "per_household_fen",
            "opens_on",
            "closes_on",
        ]


class WarmthCandidateSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    household = serializers.IntegerField(source="household_id")
    number = serializers.CharField()
    score = serializers.IntegerField()
    reasons = serializers.ListField(child=serializers.CharField())
    received_this_year_fen = serializers.IntegerField(source="received_this_year")
    reached = serializers.BooleanField(help_text="within what is left of the campaign's budget")


class WarmthRankingSerializer(serializers.Serializer):
    committed_fen = serializers.IntegerField()
    paid_fen = serializers.IntegerField()
    remaining_fen = serializers.IntegerField()
    reach = serializers.IntegerField(help_text="how many more households the budget left covers")
    over_cap = serializers.IntegerField(help_text="households left out: at the yearly cap")
    candidates = WarmthCandidateSerializer(many=True)


class WarmthCampaignViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """送温暖 campaigns run by a unit in the caller's reach or above it."""

    lookup_value_regex = "[0-9]+"
    serializer_class = WarmthCampaignSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.campaign_list_for(acting_user(self.request)).order_by("-opens_on", "-id")

    def get_object(self) -> Campaign:
        return selectors.campaign_get_for(acting_user(self.request), self.kwargs["pk"])

    @extend_schema(responses=WarmthRankingSerializer)
    @action(detail=True, methods=["get"])
    def ranking(self, request: Request, pk: Any = None) -> Response:
        """The households in reach not listed yet, by need, and how far the budget reaches."""
        standing = selectors.standing_for(acting_user(request), self.get_object())
        return Response(
            WarmthRankingSerializer(
                {
                    "committed_fen": standing.committed,
                    "paid_fen": standing.paid,
                    "remaining_fen": standing.remaining,
                    "reach": standing.reach,
                    "over_cap": standing.over_cap,
                    "candidates": standing.candidates[:1000],
                }
            ).data
        )


def register(router: BaseRouter) -> None:
    router.register("relief/warmth/campaigns", WarmthCampaignViewSet, basename="relief-warmth-campaign")
