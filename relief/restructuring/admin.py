from django.contrib import admin

from relief.restructuring.models import Enterprise, LaidOffWorker, LayoffBatch


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ["name", "reason", "org_unit", "noted_on"]
    list_filter = ["reason"]
    search_fields = ["name"]
    raw_id_fields = ["employer", "org_unit", "created_by"]


class LaidOffWorkerInline(admin.TabularInline):
    model = LaidOffWorker
    extra = 0
    raw_id_fields = ["member", "case", "added_by"]


@admin.register(LayoffBatch)
class LayoffBatchAdmin(admin.ModelAdmin):
    list_display = ["enterprise", "name", "laid_off_on", "org_unit"]
    raw_id_fields = ["enterprise", "org_unit", "created_by"]
    inlines = [LaidOffWorkerInline]
