"""Django admin for superusers. Personal numbers stay masked here too: the full ID number is read
through the logged reveal on the household page, never through the admin."""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from households.models import (
    ExitRequest,
    HardshipCause,
    Household,
    ImportJob,
    Member,
    MemberSkill,
    Pairing,
    PlanGoal,
    PlanMeasure,
    ReliefPlan,
    TargetGroup,
    Visit,
)


class MemberInline(admin.TabularInline):
    model = Member
    fields = readonly_fields = (
        "name",
        "relation",
        "id_number_masked",
        "sex",
        "birth_date",
        "work_capacity",
        "employment_status",
    )
    extra = 0
    can_delete = False
    show_change_link = True


class PairingInline(admin.TabularInline):
    model = Pairing
    fields = readonly_fields = ("helper", "helping_unit", "started_on", "ended_on", "end_reason")
    extra = 0
    can_delete = False


@admin.register(Household)
class HouseholdAdmin(SimpleHistoryAdmin):
    list_display = ["number", "org_unit", "state", "dibao_status", "next_visit_due", "registered_on"]
    list_filter = ["state", "dibao_status", "target_groups", "hardship_causes"]
    search_fields = ["number", "address"]
    raw_id_fields = ["org_unit", "region", "created_by"]
    exclude = ["income_per_head"]
    readonly_fields = ["next_visit_due", "created_at", "updated_at"]
    inlines = [MemberInline, PairingInline]
    list_select_related = ["org_unit"]


@admin.register(Member)
class MemberAdmin(SimpleHistoryAdmin):
    list_display = ["name", "household", "relation", "id_number_masked", "work_capacity", "employment_status"]
    list_filter = ["relation", "work_capacity", "employment_status", "education", "consent_to_be_found"]
    search_fields = ["name", "household__number"]
    exclude = ["id_number", "health", "monthly_income"]
    readonly_fields = ["id_number_masked", "sex", "birth_date", "id_number_hash", "consent_changed_at"]
    raw_id_fields = ["household", "user"]
    list_select_related = ["household"]


@admin.register(MemberSkill)
class MemberSkillAdmin(SimpleHistoryAdmin):
    list_display = ["member", "phrase", "skill", "level", "certified", "source"]
    list_filter = ["level", "certified", "source", "skill__category"]
    search_fields = ["phrase", "member__name"]
    raw_id_fields = ["member", "skill"]


class GoalInline(admin.TabularInline):
    model = PlanGoal
    extra = 0
    raw_id_fields = ["member"]


class MeasureInline(admin.TabularInline):
    model = PlanMeasure
    extra = 0
    raw_id_fields = ["goal"]


@admin.register(ReliefPlan)
class ReliefPlanAdmin(SimpleHistoryAdmin):
    list_display = ["household", "status", "starts_on", "review_on"]
    list_filter = ["status"]
    search_fields = ["household__number"]
    raw_id_fields = ["household", "created_by"]
    inlines = [GoalInline, MeasureInline]


@admin.register(Pairing)
class PairingAdmin(SimpleHistoryAdmin):
    list_display = ["household", "helper", "helping_unit", "started_on", "ended_on"]
    raw_id_fields = ["household", "helper", "helping_unit"]
    search_fields = ["household__number", "helper__full_name"]


@admin.register(Visit)
class VisitAdmin(admin.ModelAdmin):
    list_display = ["household", "visited_on", "kind", "visited_by", "next_visit_due"]
    list_filter = ["kind"]
    raw_id_fields = ["household", "visited_by"]
    date_hierarchy = "visited_on"


@admin.register(ExitRequest)
class ExitRequestAdmin(SimpleHistoryAdmin):
    list_display = ["household", "status", "requested_by", "requested_at", "decided_by"]
    list_filter = ["status"]
    raw_id_fields = ["household", "requested_by", "decided_by"]


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ["original_name", "status", "uploaded_by", "households_created", "members_created", "created_at"]
    list_filter = ["status", "mode"]
    readonly_fields = [f.name for f in ImportJob._meta.fields]


admin.site.register(TargetGroup)
admin.site.register(HardshipCause)
