"""Django admin for superusers: the catalogue (providers, courses, cohorts, sessions) can be
edited here. Enrolments, attendance, completions and certificates are read-only: seats, the waiting
list and certified skills change only through ``training.services``, which keep their rules."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from training.models import Attendance, Certificate, Cohort, Completion, Course, Enrolment, Provider, Session


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "contact"]
    list_filter = ["kind"]
    search_fields = ["name"]


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "provider",
        "org_unit",
        "level",
        "mode",
        "region",
        "hours",
        "cost",
        "subsidised",
        "is_active",
    ]
    list_filter = ["mode", "level", "subsidised", "is_active"]
    search_fields = ["title", "provider__name"]
    raw_id_fields = ["provider", "org_unit", "region"]
    filter_horizontal = ["skills", "target_groups"]


class SessionInline(admin.TabularInline):
    model = Session
    extra = 0


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ["course", "name", "starts_on", "ends_on", "enrolment_deadline", "seats", "is_cancelled"]
    list_filter = ["is_cancelled"]
    search_fields = ["course__title", "name"]
    raw_id_fields = ["course"]
    inlines = [SessionInline]


@admin.register(Enrolment)
class EnrolmentAdmin(ReadOnlyAdmin):
    list_display = ["member", "cohort", "state", "seat", "via", "created_at"]
    list_filter = ["state", "via"]
    raw_id_fields = ["member", "cohort", "enrolled_by"]


@admin.register(Attendance)
class AttendanceAdmin(ReadOnlyAdmin):
    list_display = ["enrolment", "session", "method", "recorded_at"]
    list_filter = ["method"]


@admin.register(Completion)
class CompletionAdmin(ReadOnlyAdmin):
    list_display = ["enrolment", "completed_on", "passed", "score"]
    list_filter = ["passed"]


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdmin):
    list_display = ["number", "member", "issuer", "issued_on"]
    search_fields = ["number", "issuer"]
