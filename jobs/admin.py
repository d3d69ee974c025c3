"""Django admin for superusers. Members appear by name only (``Member.__str__``): the ID number is
never shown here, and the large tables are picked by raw id, not loaded into drop-downs.

Applications change state only through ``jobs.services`` (the log must hold every step), so their
state and event log are read-only here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from jobs.models import (
    Application,
    ApplicationEvent,
    Employer,
    EmployerMembership,
    EmploymentService,
    JobPosting,
    Placement,
    PostingSkill,
    RetentionCheck,
)


class EmployerMembershipInline(admin.TabularInline):
    model = EmployerMembership
    raw_id_fields = ["user"]
    readonly_fields = ["created_at"]
    extra = 0


@admin.register(Employer)
class EmployerAdmin(SimpleHistoryAdmin):
    list_display = ["name", "uscc", "industry", "region", "org_unit", "status", "created_at"]
    list_filter = ["status", "industry"]
    search_fields = ["name", "uscc", "contact_name"]
    raw_id_fields = ["region", "org_unit", "verified_by"]
    readonly_fields = ["verified_at", "created_at"]
    inlines = [EmployerMembershipInline]
    list_select_related = ["region", "org_unit"]


@admin.register(EmployerMembership)
class EmployerMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "employer", "created_at"]
    search_fields = ["user__username", "employer__name"]
    raw_id_fields = ["user", "employer"]
    list_select_related = ["user", "employer"]


class PostingSkillInline(admin.TabularInline):
    model = PostingSkill
    raw_id_fields = ["skill"]
    extra = 0


@admin.register(JobPosting)
class JobPostingAdmin(SimpleHistoryAdmin):
    list_display = ["title", "employer", "state", "headcount", "salary_min", "salary_max", "valid_until"]
    list_filter = ["state", "physical_demand", "for_graduates", "accommodation"]
    search_fields = ["title", "employer__name"]
    raw_id_fields = ["employer", "occupation", "region", "reviewed_by", "created_by"]
    readonly_fields = ["submitted_at", "published_at", "created_at", "updated_at"]
    date_hierarchy = "valid_until"
    inlines = [PostingSkillInline]
    list_select_related = ["employer"]


@admin.register(PostingSkill)
class PostingSkillAdmin(admin.ModelAdmin):
    """Where the phrases the taxonomy did not understand (``skill`` empty) can be looked at."""

    list_display = ["phrase", "skill", "required", "posting"]
    list_filter = ["required", ("skill", admin.EmptyFieldListFilter)]
    search_fields = ["phrase", "posting__title"]
    raw_id_fields = ["posting", "skill"]
    list_select_related = ["skill", "posting"]


class ApplicationEventInline(admin.TabularInline):
    model = ApplicationEvent
    fields = readonly_fields = ("at", "from_state", "to_state", "actor", "note")
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["member", "posting", "state", "via", "created_at", "employer_touched_at"]
    list_filter = ["state", "via"]
    search_fields = ["member__name", "posting__title", "posting__employer__name"]
    raw_id_fields = ["posting", "member", "created_by"]
    readonly_fields = ["state", "consent_recorded_at", "created_at", "employer_touched_at", "updated_at"]
    date_hierarchy = "created_at"
    inlines = [ApplicationEventInline]
    list_select_related = ["member", "posting"]


@admin.register(ApplicationEvent)
class ApplicationEventAdmin(admin.ModelAdmin):
    """The transition log is evidence: it can be read and searched, never changed."""

    list_display = ["application", "from_state", "to_state", "actor", "at"]
    list_filter = ["to_state"]
    raw_id_fields = ["application", "actor"]
    date_hierarchy = "at"
    list_select_related = ["application__member", "application__posting", "actor"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class RetentionCheckInline(admin.TabularInline):
    model = RetentionCheck
    raw_id_fields = ["done_by"]
    extra = 0


@admin.register(Placement)
class PlacementAdmin(SimpleHistoryAdmin):
    list_display = ["member", "employer", "posting", "start_date", "monthly_wage", "ended_on"]
    list_filter = ["ended_on"]
    search_fields = ["member__name", "employer__name", "posting__title"]
    raw_id_fields = ["application", "member", "employer", "posting", "created_by"]
    date_hierarchy = "start_date"
    inlines = [RetentionCheckInline]
    list_select_related = ["member", "employer", "posting"]


@admin.register(RetentionCheck)
class RetentionCheckAdmin(admin.ModelAdmin):
    list_display = ["placement", "months", "due_on", "done_on", "outcome"]
    list_filter = ["months", "outcome"]
    raw_id_fields = ["placement", "done_by"]
    date_hierarchy = "due_on"
    list_select_related = ["placement__member", "placement__employer"]


@admin.register(EmploymentService)
class EmploymentServiceAdmin(admin.ModelAdmin):
    list_display = ["member", "kind", "held_on", "provided_by", "posting"]
    list_filter = ["kind"]
    search_fields = ["member__name", "outcome"]
    raw_id_fields = ["member", "provided_by", "posting"]
    date_hierarchy = "held_on"
    list_select_related = ["member", "provided_by", "posting"]
