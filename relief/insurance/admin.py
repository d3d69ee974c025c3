from django.contrib import admin

from relief.insurance.models import Arrears, InsuranceStatus


@admin.register(InsuranceStatus)
class InsuranceStatusAdmin(admin.ModelAdmin):
    list_display = ["member", "kind", "insured", "since", "employer", "flexible"]
    list_filter = ["kind", "insured", "flexible"]
    raw_id_fields = ["member", "employer", "updated_by"]


@admin.register(Arrears)
class ArrearsAdmin(admin.ModelAdmin):
    list_display = ["case", "kind", "months", "amount", "agreed_amount", "paid_amount"]
    raw_id_fields = ["case"]
