from django.contrib import admin

from relief.models import Application, Benefit, BenefitItem, Case, CaseDocument, CaseStep, Decision, DibaoLine


class DecisionInline(admin.TabularInline):
    model = Decision
    extra = 0
    can_delete = False
    readonly_fields = ["step", "reviewer", "approved", "note", "decided_at"]

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # decisions are made on the pages (maker-checker), never typed in here


@admin.register(DibaoLine)
class DibaoLineAdmin(admin.ModelAdmin):
    list_display = ["region", "year", "monthly_per_head", "note"]
    list_filter = ["year"]


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["id", "track", "member", "org_unit", "period", "amount", "goods_value", "state", "created_at"]
    list_filter = ["track", "state", "channel"]
    search_fields = ["household__number", "member__name"]
    raw_id_fields = ["member", "household", "org_unit", "budget", "cash_request", "goods_request", "created_by"]
    readonly_fields = ["state", "amount", "goods_value", "cash_request", "goods_request", "decided_at"]
    inlines = [DecisionInline]


class BenefitItemInline(admin.TabularInline):
    model = BenefitItem
    extra = 0


@admin.register(Benefit)
class BenefitAdmin(admin.ModelAdmin):
    list_display = ["id", "track", "member", "kind", "amount", "goods_value", "received_on"]
    list_filter = ["track", "kind"]
    search_fields = ["household__number", "member__name"]
    raw_id_fields = [
        "application",
        "member",
        "household",
        "org_unit",
        "cash_transaction",
        "goods_transaction",
        "goal",
        "recorded_by",
    ]
    readonly_fields = ["amount", "goods_value", "cash_transaction", "goods_transaction"]
    inlines = [BenefitItemInline]


class CaseStepInline(admin.TabularInline):
    model = CaseStep
    extra = 0
    raw_id_fields = ["by"]


class CaseDocumentInline(admin.TabularInline):
    model = CaseDocument
    extra = 0
    readonly_fields = ["content_type", "size", "uploaded_by", "uploaded_at"]

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # uploads are checked by content on the case's page


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ["id", "track", "kind", "household", "member", "helper", "next_action_due", "state", "outcome"]
    list_filter = ["track", "state", "outcome", "office"]
    search_fields = ["household__number", "member__name", "summary"]
    raw_id_fields = ["household", "member", "org_unit", "helper", "employer", "goal", "created_by", "closed_by"]
    readonly_fields = ["goal", "closed_by"]
    inlines = [CaseStepInline, CaseDocumentInline]
