from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import ApiToken, AuditEvent, Job, OutboxMessage, User


@admin.register(User)
class MaaridUserAdmin(UserAdmin):
    list_display = ["username", "email", "phone", "first_name", "last_name", "is_active"]
    search_fields = ["username", "email", "phone", "first_name", "last_name"]
    fieldsets = [
        *(UserAdmin.fieldsets or ()),
        (
            "Maarid",
            {"fields": ["phone", "language", "consent_at", "show_contact_publicly", "erased_at"]},
        ),
    ]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "device", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "digest"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "user", "action", "model", "object_repr"]
    list_filter = ["action", "model"]
    search_fields = ["object_repr", "object_id"]

    def has_change_permission(self, request, obj=None):
        return False  # the trail is never edited

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "channel", "to", "subject", "status"]
    list_filter = ["channel", "status"]


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "user", "status", "progress", "message"]
    list_filter = ["kind", "status"]
    readonly_fields = ["result", "error"]
