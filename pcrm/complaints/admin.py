"""Admin of the complaint policy (policy is data). Cases stay out of the admin: they hold PII."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from pcrm.audit.services import audit_record
from pcrm.complaints.models import ComplaintPolicy
from pcrm.org.admin import CapabilityAdmin


@admin.register(ComplaintPolicy)
class ComplaintPolicyAdmin(CapabilityAdmin):
    """Each save adds a new version (the newest is in force); old versions stay as they were."""

    capability = "policy.edit"
    list_display = ("version", "note", "created_at")
    readonly_fields = ("created_at",)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def save_model(
        self, request: HttpRequest, obj: ComplaintPolicy, form: Any, change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            action="complaint_policy.save",
            target=obj,
            data={"version": obj.version, "data": obj.data},
        )
