"""Django admin for superusers, read-only: targets, scorecards, snapshots, plans and reviews change
only through ``assessment.services`` (who sets a target, the acceptance that freezes a scorecard,
an idempotent snapshot run), so the admin shows them and changes nothing."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from assessment.models import HouseholdReview, Scheme, Scorecard, Snapshot, Target, WorkPlan, WorkTask


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Target)
class TargetAdmin(ReadOnlyAdmin):
    list_display = ["org_unit", "year", "indicator", "value", "set_by", "set_at"]
    list_filter = ["year", "indicator"]
    search_fields = ["org_unit__name", "org_unit__code"]


@admin.register(Scheme)
class SchemeAdmin(ReadOnlyAdmin):
    list_display = ["title", "org_unit", "year", "created_by"]
    list_filter = ["year"]


@admin.register(Scorecard)
class ScorecardAdmin(ReadOnlyAdmin):
    list_display = ["org_unit", "year", "state", "total_score", "frozen_at"]
    list_filter = ["year", "state"]
    search_fields = ["org_unit__name", "org_unit__code"]


@admin.register(Snapshot)
class SnapshotAdmin(ReadOnlyAdmin):
    list_display = ["org_unit", "indicator", "month", "numerator", "denominator", "computed_at"]
    list_filter = ["month", "indicator"]


@admin.register(WorkPlan)
class WorkPlanAdmin(ReadOnlyAdmin):
    list_display = ["title", "org_unit", "year"]
    list_filter = ["year"]


@admin.register(WorkTask)
class WorkTaskAdmin(ReadOnlyAdmin):
    list_display = ["title", "plan", "owner", "deadline", "status", "progress"]
    list_filter = ["status", "kind"]


@admin.register(HouseholdReview)
class HouseholdReviewAdmin(ReadOnlyAdmin):
    list_display = ["household", "year", "reviewed_on", "reviewer", "outcome"]
    list_filter = ["year", "outcome"]
