from django.contrib import admin

from matching.models import Match


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
