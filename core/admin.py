from django.contrib import admin

from core.models import OutboxMessage, Region, SensitiveAccess


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name", "pinyin"]
    raw_id_fields = ["parent"]


@admin.register(SensitiveAccess)
class SensitiveAccessAdmin(admin.ModelAdmin):
    """The access log is evidence: it can be read and searched, never changed."""

    list_display = ["at", "user", "record_type", "record_id", "field", "purpose", "ip_address"]
    list_filter = ["purpose", "record_type", "field"]
    search_fields = ["user__username", "record_id", "note"]
    date_hierarchy = "at"

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """Tasks waiting for the broker (core.outbox). Read-only: the relay sends and removes them
    (``manage.py relay_outbox --now`` sends them at once)."""

    list_display = ["created_at", "task_name", "args", "attempts", "available_at", "last_error"]
    list_filter = ["task_name"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
