from django.contrib import admin

from notifications.models import Delivery, KindPreference, Notification, Preferences


class DeliveryInline(admin.TabularInline):
    model = Delivery
    extra = 0
    can_delete = False
    readonly_fields = [
        "channel",
        "state",
        "attempts",
        "address",
        "reason",
        "error",
        "claimed_at",
        "sent_at",
        "idempotency_key",
    ]
    fields = tuple(readonly_fields)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "kind", "read_at"]
    list_filter = ["kind"]
    search_fields = ["recipient__username", "key"]
    raw_id_fields = ["recipient", "unit"]
    readonly_fields = ["created_at"]
    inlines = [DeliveryInline]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["id", "notification", "channel", "state", "attempts", "reason", "sent_at"]
    list_filter = ["channel", "state", "reason"]
    raw_id_fields = ["notification"]
    readonly_fields = ["idempotency_key", "address", "provider_id", "claimed_at", "sent_at", "error"]


@admin.register(Preferences)
class PreferencesAdmin(admin.ModelAdmin):
    list_display = ["user", "sms", "wechat", "email", "quiet_from", "quiet_until", "language"]
    raw_id_fields = ["user"]


@admin.register(KindPreference)
class KindPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "channel", "enabled"]
    raw_id_fields = ["user"]
