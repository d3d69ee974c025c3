from __future__ import annotations

from typing import Any

from django.http import StreamingHttpResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action, api_view
from rest_framework.parsers import FileUploadParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from accounts import visibility
from accounts.api import acting_user
from accounts.visibility import Action
from core import params
from core.errors import Forbidden, InvalidInput
from ml import taxonomy
from skills import selectors, services
from skills.models import Occupation, PhraseKind, ReviewPhrase, Skill
from skills.selectors import review_get_for, review_queue_for
from skills.services import phrase_map, review_dismiss
from skills.understanding import occupation_understand, skill_understand


class SkillSerializer(serializers.ModelSerializer):
    synonyms = serializers.SerializerMethodField()
    occupations = serializers.SlugRelatedField[Occupation](slug_field="code", many=True, read_only=True)

    class Meta:
        model = Skill
        fields = ["id", "code", "name_zh", "name_en", "category", "description", "synonyms", "occupations"]

    def get_synonyms(self, skill: Skill) -> list[str]:
        return [s.text for s in skill.synonyms.all()]


class OccupationSerializer(serializers.ModelSerializer):
    # A declared field, which DRF's serializer metaclass moves into ``_declared_fields``: it does not
    # replace ``Field.parent`` (the enclosing serializer) at runtime, as the stubs cannot tell.
    parent = serializers.SlugRelatedField[Occupation](slug_field="code", read_only=True)  # type: ignore[assignment]

    class Meta:
        model = Occupation
        fields = ["id", "code", "level", "name", "definition", "aliases", "parent", "is_digital", "is_green"]


class TaxonomyUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="JSON Lines, one skill a line")


class SkillViewSet(viewsets.ReadOnlyModelViewSet):
    """The skill taxonomy. Search with ``q`` (names, synonyms, colloquial forms) and ``category``."""

    serializer_class = SkillSerializer
    lookup_field = "code"
    lookup_value_regex = r"[^/]+"  # codes hold dots ("logistics.forklift"); the router's default refuses them
    filterset_fields: list[str] = []

    def get_queryset(self):  # type: ignore[no-untyped-def]
        params = self.request.query_params
        return selectors.skill_search(query=params.get("q", ""), category=params.get("category", "")).prefetch_related(
            "occupations"
        )

    @extend_schema(parameters=[OpenApiParameter("q", str), OpenApiParameter("category", str)])
    def list(self, request: Request, *args, **kwargs) -> Response:  # type: ignore[no-untyped-def]
        return super().list(request, *args, **kwargs)

    @extend_schema(responses={(200, "application/jsonl"): str})
    @action(detail=False, methods=["get"], url_path="export")
    def export(self, request: Request) -> StreamingHttpResponse:
        """The whole taxonomy as JSON Lines (the import format)."""
        response = StreamingHttpResponse(
            taxonomy.dump(services.taxonomy_export()), content_type="application/jsonl; charset=utf-8"
        )
        response["Content-Disposition"] = 'attachment; filename="skills.jsonl"'
        return response

    @extend_schema(request={"multipart/form-data": TaxonomyUploadSerializer})
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[MultiPartParser, FileUploadParser])
    def import_(self, request: Request) -> Response:
        """Insert or update skills from a JSON Lines file; any bad line rejects the whole file."""
        if not visibility.may(acting_user(request), Action.MANAGE_TAXONOMY):
            raise Forbidden("Only organizers maintain the skill taxonomy.")
        upload = request.FILES.get("file")
        if upload is None:
            raise InvalidInput("Attach the taxonomy file as 'file'.", field="file")
        try:
            lines = upload.read().decode("utf-8-sig").splitlines()
        except UnicodeDecodeError as exc:
            raise InvalidInput("The file is not UTF-8 text.", field="file") from exc
        result = services.taxonomy_import(lines=lines)
        return Response({"created": result.created, "updated": result.updated, "synonyms": result.synonyms})


class OccupationViewSet(viewsets.ReadOnlyModelViewSet):
    """CSCO 2022 occupations. Search with ``q`` (name or code prefix) and ``level`` (1-4)."""

    serializer_class = OccupationSerializer
    lookup_field = "code"

    def get_queryset(self):  # type: ignore[no-untyped-def]
        level = params.whole_number(self.request.query_params.get("level"), minimum=1, maximum=9)
        return selectors.occupation_search(
            query=params.text(self.request.query_params.get("q"), max_length=100), level=level
        ).select_related("parent")

    @extend_schema(parameters=[OpenApiParameter("q", str), OpenApiParameter("level", int)])
    def list(self, request: Request, *args, **kwargs) -> Response:  # type: ignore[no-untyped-def]
        return super().list(request, *args, **kwargs)


# --- understanding what people write -------------------------------------------------------------------


class SkillUnderstoodSerializer(serializers.Serializer):
    text = serializers.CharField()
    skill = serializers.CharField(allow_null=True, help_text="taxonomy code, or null")
    name = serializers.CharField(allow_null=True)
    score = serializers.FloatField()
    method = serializers.CharField()
    not_a_skill = serializers.BooleanField()


class OccupationCodedSerializer(serializers.Serializer):
    text = serializers.CharField()
    code = serializers.CharField(allow_null=True, help_text="CSCO 2022 code, or null")
    name = serializers.CharField(allow_null=True)
    level = serializers.IntegerField()
    score = serializers.FloatField()
    certain = serializers.BooleanField()


@extend_schema(parameters=[OpenApiParameter("q", str, required=True)], responses=SkillUnderstoodSerializer)
@api_view(["GET"])
def understand_skill(request: Request) -> Response:
    """What a skill phrase is understood as (nothing is saved)."""
    text = request.query_params.get("q", "")[:1000]
    understood = skill_understand(text, record=False)
    skill = understood.skill
    return Response(
        {
            "text": text,
            "skill": skill.code if skill else None,
            "name": skill.name_zh if skill else None,
            "score": round(understood.match.score, 3),
            "method": understood.match.method,
            "not_a_skill": understood.not_a_skill,
        }
    )


@extend_schema(parameters=[OpenApiParameter("q", str, required=True)], responses=OccupationCodedSerializer)
@api_view(["GET"])
def understand_occupation(request: Request) -> Response:
    """The CSCO 2022 occupation a job title or desired-work phrase codes to (nothing is saved)."""
    text = request.query_params.get("q", "")[:1000]
    coded = occupation_understand(text, record=False)
    occupation = coded.occupation
    return Response(
        {
            "text": text,
            "code": occupation.code if occupation else None,
            "name": occupation.name if occupation else None,
            "level": coded.match.level,
            "score": round(coded.match.score, 3),
            "certain": coded.certain,
        }
    )


class ReviewPhraseSerializer(serializers.ModelSerializer):
    guess_skill = serializers.SlugRelatedField[Skill](slug_field="code", read_only=True)
    guess_occupation = serializers.SlugRelatedField[Occupation](slug_field="code", read_only=True)

    class Meta:
        model = ReviewPhrase
        fields = [
            "id",
            "kind",
            "text",
            "count",
            "first_seen",
            "last_seen",
            "guess_skill",
            "guess_occupation",
            "guess_score",
            "status",
        ]


class ReviewAnswerSerializer(serializers.Serializer):
    skill = serializers.SlugRelatedField[Skill](
        slug_field="code", queryset=Skill.objects.filter(is_active=True), required=False, allow_null=True
    )
    not_a_skill = serializers.BooleanField(required=False, default=False)
    occupation = serializers.SlugRelatedField[Occupation](
        slug_field="code", queryset=Occupation.objects.all(), required=False, allow_null=True
    )


class ReviewPhraseViewSet(viewsets.ReadOnlyModelViewSet):
    """Phrases waiting for organizers (``kind`` = skill or occupation), most frequent first."""

    serializer_class = ReviewPhraseSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        kind = self.request.query_params.get("kind", PhraseKind.SKILL)
        return review_queue_for(acting_user(self.request), kind=kind if kind in PhraseKind.values else "skill")

    def get_object(self) -> ReviewPhrase:
        return review_get_for(acting_user(self.request), self.kwargs["pk"])

    @extend_schema(parameters=[OpenApiParameter("kind", str, enum=PhraseKind.values)])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=ReviewAnswerSerializer, responses=ReviewPhraseSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request: Request, pk: Any = None) -> Response:
        """Say what the phrase means: a skill, not a skill, or an occupation. Learned at once."""
        phrase = self.get_object()
        data = ReviewAnswerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        phrase_map(by=acting_user(request), kind=phrase.kind, text=phrase.text, **data.validated_data)
        phrase.refresh_from_db()
        return Response(ReviewPhraseSerializer(phrase).data)

    @extend_schema(request=None, responses=ReviewPhraseSerializer)
    @action(detail=True, methods=["post"])
    def dismiss(self, request: Request, pk: Any = None) -> Response:
        phrase = review_dismiss(by=acting_user(request), review=self.get_object())
        return Response(ReviewPhraseSerializer(phrase).data)
