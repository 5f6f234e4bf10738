"""Admin of the playbook: the working-day override table (editable), runs and policy versions
(read-only; a policy is published through the validated policy page)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from unfold.admin import ModelAdmin

from pcrm.playbook.models import PlaybookRun, Policy, WorkingDayOverride


@admin.register(WorkingDayOverride)
class WorkingDayOverrideAdmin(ModelAdmin):  # type: ignore[misc]
    list_display = ("day", "is_working_day", "name")
    list_filter = ("is_working_day",)
    date_hierarchy = "day"


class ReadOnlyAdmin(ModelAdmin):  # type: ignore[misc]
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PlaybookRun)
class PlaybookRunAdmin(ReadOnlyAdmin):
    list_display = ("as_of", "engine", "policy_version", "status", "segments", "started_at")
    list_filter = ("status", "engine")


@admin.register(Policy)
class PolicyAdmin(ReadOnlyAdmin):
    list_display = ("version", "active", "note", "created_by", "created_at")
