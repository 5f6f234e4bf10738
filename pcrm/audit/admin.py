"""Admin for the audit trail: read-only (no add, change or delete), masked data only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from unfold.admin import ModelAdmin

from pcrm.audit.access import has_capability
from pcrm.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(ModelAdmin):  # type: ignore[misc]
    list_display = ("at", "actor_label", "action", "target_type", "target_id", "branch_code")
    list_filter = ("action", "branch_code")
    search_fields = ("actor_label", "action", "target_id")
    date_hierarchy = "at"
    fields = (
        "at",
        "actor_label",
        "action",
        "target_type",
        "target_id",
        "branch_code",
        "reason",
        "data",
    )
    readonly_fields = fields

    def _allowed(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(
            user.is_staff
            and (has_capability(user, "system.configure") or has_capability(user, "audit.read"))
        )

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
