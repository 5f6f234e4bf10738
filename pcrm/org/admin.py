"""Admin (django-unfold) for the organisation, and the capability rule every PCRM admin follows.

Admin pages answer to the role matrix, not to Django's per-model permissions:
each ModelAdmin names the capability it needs (``system.configure`` by default);
customer-level admins need ``customer.admin``, which no role has by default.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin

from pcrm.audit.services import audit_record
from pcrm.org.models import ApiToken, Bank, Branch, Staff
from pcrm.org.roles import can
from pcrm.org.services import api_token_revoke, branch_save, staff_save


class CapabilityAdmin(ModelAdmin):  # type: ignore[misc]
    """A ModelAdmin gated by one capability of roles.toml; ``read_only`` forbids writes."""

    capability = "system.configure"
    read_only = False

    def _allowed(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and user.is_staff and can(user, self.capability))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self._allowed(request) and not self.read_only

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request) and not self.read_only

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # removal goes through services (deactivation, revocation), never a DELETE


@admin.register(Bank)
class BankAdmin(CapabilityAdmin):
    list_display = ("name",)

    def save_model(self, request: HttpRequest, obj: Bank, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        audit_record(actor=request.user, action="bank.save", target=obj, data={"name": obj.name})


@admin.register(Branch)
class BranchAdmin(CapabilityAdmin):
    list_display = ("code", "name", "parent")
    search_fields = ("code", "name")
    fields = ("code", "name", "parent")

    def save_model(self, request: HttpRequest, obj: Branch, form: Any, change: bool) -> None:
        saved = branch_save(actor=request.user, code=obj.code, name=obj.name, parent=obj.parent)
        obj.pk = saved.pk


@admin.register(Staff)
class StaffAdmin(CapabilityAdmin):
    """Staff: role and branch are edited here; contact details stay sealed (masked only)."""

    list_display = ("staff_code", "name", "role", "branch", "phone_masked", "is_active")
    list_filter = ("role", "branch", "is_active")
    search_fields = ("staff_code", "name")
    fields = ("staff_code", "name", "role", "branch", "phone_masked", "email_masked", "is_active")
    readonly_fields = ("phone_masked", "email_masked", "is_active")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # The staff code is the sign-in name: fixed once created.
        return (*self.readonly_fields, "staff_code") if obj else self.readonly_fields

    def save_model(self, request: HttpRequest, obj: Staff, form: Any, change: bool) -> None:
        saved = staff_save(
            actor=request.user,
            staff_code=obj.staff_code,
            name=obj.name,
            role=obj.role,
            branch=obj.branch,
            phone=obj.phone or "",
            email=obj.email or "",
        )
        obj.pk = saved.pk


@admin.register(ApiToken)
class ApiTokenAdmin(CapabilityAdmin):
    """Tokens are created on the command line (the raw value is shown once); here: list, revoke."""

    read_only = True
    list_display = ("name", "kind", "branch", "prefix", "created_at", "revoked_at")
    list_filter = ("kind",)
    fields = ("name", "kind", "branch", "prefix", "created_at", "revoked_at")
    readonly_fields = fields
    actions = ("revoke",)

    @admin.action(description=_("吊销所选令牌"))
    def revoke(self, request: HttpRequest, queryset: Any) -> None:
        for token in queryset.filter(revoked_at__isnull=True):
            api_token_revoke(actor=request.user, token=token)
