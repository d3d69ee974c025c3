"""Django admin for superusers. Interviews, check-ins and outcomes change only through
``fairs.services`` (outcomes move applications; check-ins count people once), so they are
read-only here; large tables are picked by raw id."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from fairs.models import Attendee, Booth, CheckIn, Interview, JobFair, ScheduleRun


@admin.register(JobFair)
class JobFairAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "kind", "state", "org_unit", "starts_on", "ends_on", "capacity"]
    list_filter = ["kind", "state"]
    search_fields = ["name", "venue"]
    raw_id_fields = ["org_unit", "created_by"]
    date_hierarchy = "starts_on"


@admin.register(Booth)
class BoothAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["fair", "code", "employer", "status", "slot_count", "slot_minutes", "slot_capacity"]
    list_filter = ["status"]
    search_fields = ["employer__name", "code"]
    raw_id_fields = ["fair", "employer", "postings", "decided_by", "created_by"]


@admin.register(Attendee)
class AttendeeAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["member", "fair", "via", "priority", "registered_at", "cancelled_at", "checked_in_at"]
    list_filter = ["via", "priority"]
    raw_id_fields = ["fair", "member", "registered_by"]
    readonly_fields = ["code", "checked_in_at"]


class ReadOnly(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Interview)
class InterviewAdmin(ReadOnly):
    list_display = ["booth", "slot", "seat", "attendee", "state", "outcome", "score"]
    list_filter = ["state", "outcome"]


@admin.register(CheckIn)
class CheckInAdmin(ReadOnly):
    list_display = ["attendee", "scanned_at", "repeat", "by"]


@admin.register(ScheduleRun)
class ScheduleRunAdmin(ReadOnly):
    list_display = ["fair", "at", "reason", "objective", "greedy", "bound", "interviews", "kept", "untimed", "seconds"]
