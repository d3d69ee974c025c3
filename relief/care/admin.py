from django.contrib import admin

from relief.care.models import Station


@admin.register(Station)
class StationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "place", "org_unit", "opened_on", "inspected_on"]
    list_filter = ["kind"]
    raw_id_fields = ["employer", "org_unit", "created_by"]
