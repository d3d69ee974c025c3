from django.contrib import admin

from matching.models import RematchChunk, RematchRun, RematchThresholdPart

# Stored matches (``Match``) have no page here: they are keyed by (member, posting), and Django's
# admin does not take models with a composite primary key. They are computed rows, never edited by
# hand; people read them on a posting's candidates page and a member's matched jobs, and the runs
# that wrote them are below.


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
