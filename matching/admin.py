from django.contrib import admin

from matching.models import Match, RematchChunk, RematchRun, RematchThresholdPart


@admin.register(Match)
class MatchAdmin(admin.ModelAdmin):
    """Stored matches are computed (``matching.services``): read them here, never edit them by hand;
    the next refresh would undo it anyway."""

    list_display = ["member", "posting", "score", "engine_version", "computed_at"]
    list_filter = ["engine_version"]
    search_fields = ["posting__title"]
    raw_id_fields = ["member", "posting"]
    list_select_related = ["member", "posting"]
    ordering = ["-computed_at"]
    show_full_result_count = False  # millions of rows: no COUNT(*) on every page

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


class RematchChunkInline(admin.TabularInline):
    model = RematchChunk
    fields = readonly_fields = ("index", "state", "attempts", "started_at", "finished_at", "written")
    extra = 0
    can_delete = False


class RematchThresholdPartInline(admin.TabularInline):
    model = RematchThresholdPart
    fields = readonly_fields = ("index", "state", "attempts", "started_at", "finished_at")
    extra = 0
    can_delete = False


@admin.register(RematchRun)
class RematchRunAdmin(admin.ModelAdmin):
    """The nightly re-match runs and which of their threshold parts and chunks finished
    (``matching.services``)."""

    list_display = ["started_at", "state", "part_count", "thresholds_at", "chunk_count", "finished_at"]
    list_filter = ["state"]
    fields = readonly_fields = ("state", "started_at", "part_count", "thresholds_at", "finished_at", "chunk_count")
    inlines = [RematchThresholdPartInline, RematchChunkInline]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False
