"""The SMS outbox, visible to admins (masked numbers, read-only)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from unfold.admin import ModelAdmin

from pcrm.notify.models import SmsMessage


@admin.register(SmsMessage)
class SmsMessageAdmin(ModelAdmin):  # type: ignore[misc]
    list_display = ("created_at", "template", "phone_masked", "status", "backend", "sent_at")
    list_filter = ("status", "template")
    search_fields = ("template", "phone_masked", "provider_ref")
    fields = (
        "created_at",
        "recipient",
        "phone_masked",
        "template",
        "body",
        "backend",
        "status",
        "provider_ref",
        "error",
        "sent_at",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
