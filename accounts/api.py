from __future__ import annotations

from typing import cast

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from accounts import selectors, visibility
from accounts.models import OrgUnit, User


def acting_user(request: Request) -> User:
    """The caller of an API view: a real ``User``, as every view is behind ``IsAuthenticated``
    (the default permission).

    A cast, not a check: drf-spectacular calls ``get_queryset()`` with an anonymous mock request
    when it writes the schema offline, and the selectors answer an anonymous user with nothing
    (``visibility.scope``), which still tells the schema the view's model.
    """
    return cast(User, request.user)


class OrgUnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrgUnit
        fields = ["id", "name", "kind", "parent", "depth", "region", "code", "is_active"]


class MeSerializer(serializers.ModelSerializer):
    org_unit = OrgUnitSerializer(read_only=True)
    actions = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "full_name", "role", "org_unit", "actions"]

    def get_actions(self, user: User) -> list[str]:
        return sorted(visibility.describe(user)["actions"])


class OrgUnitViewSet(viewsets.ReadOnlyModelViewSet):
    """The union units the caller may see: their own unit and every unit below it."""

    serializer_class = OrgUnitSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.org_unit_list_for(acting_user(self.request))


@extend_schema(responses=MeSerializer)
@api_view(["GET"])
def me(request: Request) -> Response:
    """Who the caller is, their unit and the actions their role allows."""
    return Response(MeSerializer(acting_user(request)).data)
