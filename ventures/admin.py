"""Django admin for superusers. Products can be corrected here; everything else is read-only:
ventures, loans, schedules and repayments change only through ``ventures.services`` (the review
chain, and money through ``funds.services``)."""

from __future__ import annotations

from django.contrib import admin

from funds.admin import ReadOnlyAdmin
from ventures.models import (
    GuidanceSession,
    Instalment,
    Loan,
    LoanProduct,
    Repayment,
    ReviewStep,
    SubsidyClaim,
    Venture,
    WriteOff,
)


@admin.register(LoanProduct)
class LoanProductAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "cap", "term_months", "grace_months", "review_threshold", "is_active"]
    list_filter = ["kind", "is_active"]


class ReviewInline(admin.TabularInline):
    model = ReviewStep
    extra = 0
    can_delete = False
    readonly_fields = ["step", "reviewer", "approved", "note", "decided_at"]


class GuidanceInline(admin.TabularInline):
    model = GuidanceSession
    extra = 0
    can_delete = False
    readonly_fields = ["mentor", "held_on", "notes", "recorded_by"]


@admin.register(Venture)
class VentureAdmin(ReadOnlyAdmin):
    list_display = ["business_name", "member", "org_unit", "product", "amount", "state", "created_at"]
    list_filter = ["state", "product"]
    search_fields = ["business_name", "member__name"]
    inlines = [ReviewInline, GuidanceInline]


class InstalmentInline(admin.TabularInline):
    model = Instalment
    extra = 0
    can_delete = False
    readonly_fields = ["number", "due_on", "principal", "interest", "amount", "paid", "paid_on", "state"]


@admin.register(Loan)
class LoanAdmin(ReadOnlyAdmin):
    list_display = ["venture", "kind", "principal", "state", "disbursed_on"]
    list_filter = ["kind", "state"]
    inlines = [InstalmentInline]


@admin.register(Repayment)
class RepaymentAdmin(ReadOnlyAdmin):
    list_display = ["loan", "amount", "paid_on", "transaction", "recorded_by"]


@admin.register(WriteOff)
class WriteOffAdmin(ReadOnlyAdmin):
    list_display = ["loan", "amount", "state", "requested_by", "decided_by"]


@admin.register(SubsidyClaim)
class SubsidyClaimAdmin(ReadOnlyAdmin):
    list_display = ["loan", "period", "interest_paid", "refund", "state"]
