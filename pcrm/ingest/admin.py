"""Admin: the import ledger and export requests, read-only (writes go through the services)."""

from __future__ import annotations

from django.contrib import admin

from pcrm.ingest.models import ExportRequest, ImportBatch
from pcrm.org.admin import CapabilityAdmin


@admin.register(ImportBatch)
class ImportBatchAdmin(CapabilityAdmin):
    capability = "import.run"
    read_only = True
    list_display = (
        "started_at",
        "kind",
        "file_name",
        "status",
        "actor_label",
        "rows",
        "inserted",
        "updated",
        "unchanged",
        "errors",
        "seen_before",
    )
    list_filter = ("kind", "status", "seen_before")
    search_fields = ("file_name", "sha256", "actor_label")


@admin.register(ExportRequest)
class ExportRequestAdmin(CapabilityAdmin):
    capability = "system.configure"
    read_only = True
    list_display = (
        "requested_at",
        "kind",
        "file_format",
        "requested_by",
        "row_count",
        "status",
        "approved_by",
    )
    list_filter = ("kind", "status")
