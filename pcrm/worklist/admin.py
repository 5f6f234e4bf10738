"""Admin for work items: a read-only view for configuration staff (no customer names)."""

from __future__ import annotations

from django.contrib import admin

from pcrm.org.admin import CapabilityAdmin
from pcrm.worklist.models import WorkItem


@admin.register(WorkItem)
class WorkItemAdmin(CapabilityAdmin):
    read_only = True
    list_display = ("item_key", "kind", "staff", "branch", "due_on", "priority", "status")
    list_filter = ("kind", "status", "branch")
    search_fields = ("item_key",)
    date_hierarchy = "due_on"
    fields = (
        "item_key",
        "kind",
        "staff",
        "branch",
        "due_on",
        "channel",
        "content",
        "priority",
        "status",
        "created_for",
        "run_id",
        "closed_at",
    )
    readonly_fields = fields
    list_select_related = ("staff", "branch")
