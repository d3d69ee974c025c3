"""REST API of the inbox: the signed-in user's notifications (newest first), marking them read,
the unread count, and the user's preferences. Thin: selectors read, services write."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from accounts.api import acting_user
from accounts.models import User
from notifications import selectors, services
from notifications.models import Channel, Notification


class NotificationSerializer(serializers.ModelSerializer):
    title = serializers.SerializerMethodField()
    read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "read", "created_at", "link"]

    def get_title(self, obj: Notification) -> str:
        return selectors.title_of(obj)

    def get_read(self, obj: Notification) -> bool:
        return obj.read_at is not None


class ChannelSwitchesSerializer(serializers.Serializer[Any]):
    sms = serializers.BooleanField(required=False)
    wechat = serializers.BooleanField(required=False)
    email = serializers.BooleanField(required=False)


class KindChoiceSerializer(serializers.Serializer[Any]):
    kind = serializers.CharField(max_length=64)
    channel = serializers.ChoiceField(choices=Channel.choices)
    enabled = serializers.BooleanField()


class KindChannelsSerializer(serializers.Serializer[Any]):
    kind = serializers.CharField()
    description = serializers.CharField()
    in_app = serializers.BooleanField()
    sms = serializers.BooleanField()
    wechat = serializers.BooleanField()
    email = serializers.BooleanField()


class PreferencesSerializer(serializers.Serializer[Any]):
    channels = ChannelSwitchesSerializer(required=False)
    quiet_from = serializers.CharField(required=False, max_length=8, help_text="HH:MM; no SMS or WeChat from then")
    quiet_until = serializers.CharField(required=False, max_length=8, help_text="HH:MM")
    language = serializers.CharField(required=False, max_length=8)
    kinds = KindChoiceSerializer(many=True, required=False, help_text="Changes per kind and channel")


class PreferencesOutSerializer(serializers.Serializer[Any]):
    channels = ChannelSwitchesSerializer()
    quiet_from = serializers.CharField()
    quiet_until = serializers.CharField()
    language = serializers.CharField()
    kinds = KindChannelsSerializer(many=True)


def preferences_body(user: User) -> dict[str, Any]:
    from notifications import registry

    preferences = services.preferences_of(user)
    choices = services.kind_choices_of(user)
    kinds = registry.kinds() if user.is_superuser else registry.kinds_for(user.role)
    return {
        "channels": {c: preferences.channel_on(c) for c in Channel.values},
        "quiet_from": preferences.quiet_from.strftime("%H:%M"),
        "quiet_until": preferences.quiet_until.strftime("%H:%M"),
        "language": preferences.language,
        "kinds": [
            {
                "kind": k.code,
                "description": str(k.label),
                "in_app": True,
                **{c: choices[(k.code, c)] for c in Channel.values},
            }
            for k in kinds
        ],
    }


class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[Notification]):
    """The signed-in user's notifications, newest first. Another user's notification is a 404."""

    serializer_class = NotificationSerializer

    def get_queryset(self) -> Any:
        unread = self.request.query_params.get("unread") in ("1", "true")
        return selectors.inbox_for(acting_user(self.request), unread=unread)

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: str | None = None) -> Response:
        notification = services.notification_mark_read(user=acting_user(request), notification_id=pk)
        return Response(NotificationSerializer(notification).data)

    @extend_schema(request=None, responses=inline_serializer("MarkedRead", {"marked": serializers.IntegerField()}))
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request: Request) -> Response:
        return Response({"marked": services.notifications_mark_all_read(user=acting_user(request))})

    @extend_schema(responses=inline_serializer("UnreadCount", {"unread": serializers.IntegerField()}))
    @action(detail=False, methods=["get"], url_path="unread-count")
    def unread_count(self, request: Request) -> Response:
        return Response({"unread": selectors.unread_count(acting_user(request))})

    @extend_schema(methods=["GET"], responses=PreferencesOutSerializer)
    @extend_schema(methods=["PUT", "PATCH"], request=PreferencesSerializer, responses=PreferencesOutSerializer)
    @action(detail=False, methods=["get", "put", "patch"])
    def preferences(self, request: Request) -> Response:
        user = acting_user(request)
        if request.method != "GET":
            shape = PreferencesSerializer(data=request.data)
            shape.is_valid(raise_exception=True)
            data = shape.validated_data
            services.preferences_update(
                user=user,
                channel_switches=data.get("channels"),
                quiet_from=data.get("quiet_from"),
                quiet_until=data.get("quiet_until"),
                language=data.get("language"),
                kind_choices=data.get("kinds", ()),
            )
        return Response(preferences_body(user))


def register(router: BaseRouter) -> None:
    router.register("notifications", NotificationViewSet, basename="notification")
