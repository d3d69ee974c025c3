"""Django admin for superusers. The ledger (transactions, entries) and the flags' facts are
read-only here: the database refuses any change to a posted row anyway, and money moves only
through ``funds.services`` (maker-checker, budgets, idempotency). Funds, budgets and purposes can
be corrected; a budget is never set below what it has paid (use the service for that)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from funds.models import (
    Account,
    AnomalyFlag,
    Budget,
    FundSource,
    LedgerEntry,
    LedgerTransaction,
    PaymentRequest,
    Purpose,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Purpose)
class PurposeAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "name_en", "cap", "order"]


@admin.register(FundSource)
class FundSourceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "org_unit", "is_active", "created_at"]
    list_filter = ["kind", "is_active"]
    raw_id_fields = ["org_unit", "created_by"]


@admin.register(Budget)
class BudgetAdmin(admin.ModelAdmin):
    list_display = ["source", "year", "org_unit", "purpose", "amount"]
    list_filter = ["year", "purpose"]
    raw_id_fields = ["source", "org_unit", "created_by"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["amount"] if obj is not None else []


@admin.register(Account)
class AccountAdmin(ReadOnlyAdmin):
    list_display = ["source", "kind", "purpose"]
    list_filter = ["kind"]


class LedgerEntryInline(admin.TabularInline):
    model = LedgerEntry
    fields = ["account", "amount"]
    readonly_fields = ["account", "amount"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(LedgerTransaction)
class LedgerTransactionAdmin(ReadOnlyAdmin):
    list_display = ["short_id", "created_at", "kind", "source", "payee_name", "purpose", "period"]
    list_filter = ["kind", "purpose"]
    search_fields = ["idempotency_key", "payee_name", "reference"]
    inlines = [LedgerEntryInline]


@admin.register(PaymentRequest)
class PaymentRequestAdmin(ReadOnlyAdmin):
    list_display = ["payee_name", "amount", "state", "requested_by", "decided_by", "requested_at"]
    list_filter = ["state", "kind"]


@admin.register(AnomalyFlag)
class AnomalyFlagAdmin(ReadOnlyAdmin):
    list_display = ["kind", "detail", "created_at", "resolved_at"]
    list_filter = ["kind"]
