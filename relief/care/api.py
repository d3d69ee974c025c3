"""Care under /api/v1/relief/care/: the station register and the rights-month events (read;
recording is on the pages)."""

from __future__ import annotations

from rest_framework import mixins, serializers, viewsets
from rest_framework.routers import BaseRouter

from accounts.api import acting_user
from relief.care import selectors
from relief.care.models import RightsEvent, Station


class CareStationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Station
        fields = ["id", "kind", "name", "place", "employer", "org_unit", "opened_on", "inspected_on"]


class CareStationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    lookup_value_regex = "[0-9]+"
    serializer_class = CareStationSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.station_list_for(acting_user(self.request))


class RightsEventSerializer(serializers.ModelSerializer):
    attended = serializers.IntegerField(read_only=True)

    class Meta:
        model = RightsEvent
        fields = ["id", "name", "org_unit", "held_on", "place", "attended"]


class RightsEventViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The women workers' rights-month events in reach, with how many attended."""

    lookup_value_regex = "[0-9]+"
    serializer_class = RightsEventSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.event_list_for(acting_user(self.request))


def register(router: BaseRouter) -> None:
    router.register("relief/care/stations", CareStationViewSet, basename="relief-care-station")
    router.register("relief/care/events", RightsEventViewSet, basename="relief-care-event")
