from django.contrib import admin

from relief.assistance.models import Referral


@admin.register(Referral)
class ReferralAdmin(admin.ModelAdmin):
    list_display = ["application", "scheme", "office", "referred_on", "outcome", "outcome_on", "monthly_amount"]
    list_filter = ["scheme", "outcome"]
    raw_id_fields = ["application", "recorded_by"]
