from __future__ import annotations

from django.http import StreamingHttpResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FileUploadParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from accounts import visibility
from accounts.api import acting_user
from accounts.visibility import Action
from core.errors import Forbidden, InvalidInput
from ml import taxonomy
from skills import selectors, services
from skills.models import Occupation, Skill


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
        level = self.request.query_params.get("level")
        return selectors.occupation_search(
            query=self.request.query_params.get("q", ""), level=int(level) if level and level.isdigit() else None
        ).select_related("parent")

    @extend_schema(parameters=[OpenApiParameter("q", str), OpenApiParameter("level", int)])
    def list(self, request: Request, *args, **kwargs) -> Response:  # type: ignore[no-untyped-def]
        return super().list(request, *args, **kwargs)
