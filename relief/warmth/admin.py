from django.contrib import admin

from relief.warmth.models import Campaign, Delivery


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["name", "occasion", "org_unit", "limit", "cash_per_household", "opens_on", "closes_on"]
    list_filter = ["occasion"]
    raw_id_fields = ["budget", "org_unit", "created_by"]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["campaign", "household", "score", "received_by_name", "received_on", "signed_off_at"]
    raw_id_fields = ["application", "campaign", "household", "handed_over_by"]
