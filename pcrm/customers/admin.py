"""Admin for customer data: masked columns only, read-only, hidden unless ``customer.admin``.

No role has ``customer.admin`` by default (DESIGN §5: an admin sees no customer
data); a bank that wants a data steward adds it to that role in roles.toml.
Products are configuration and follow ``system.configure``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from pcrm.audit.services import audit_record
from pcrm.customers.models import Customer, Holding, Interaction, Product, Transaction
from pcrm.customers.selectors import LIST_COLUMNS
from pcrm.lib.masking import mask_name
from pcrm.org.admin import CapabilityAdmin


class CustomerDataAdmin(CapabilityAdmin):
    capability = "customer.admin"
    read_only = True


@admin.register(Customer)
class CustomerAdmin(CustomerDataAdmin):
    list_display = (
        "customer_no",
        "masked_name",
        "id_no_masked",
        "phone_masked",
        "branch",
        "manager",
        "service_established",
        "red_list",
    )
    list_filter = ("branch", "service_established", "red_list")
    search_fields = ("customer_no",)
    list_select_related = ("branch", "manager")
    # Sealed columns (id_no, phone, email, address) are never listed here.
    fields = (
        "customer_no",
        "masked_name",
        "id_type",
        "id_no_masked",
        "phone_masked",
        "email_masked",
        "address_masked",
        "branch",
        "manager",
        "service_established",
        "red_list",
        "orientation",
        "contact_preference",
        "marketing_consent",
    )
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[Customer]:
        columns = (*LIST_COLUMNS, "id_type", "email_masked", "address_masked")
        qs: QuerySet[Customer] = super().get_queryset(request)
        return qs.only(*columns, "marketing_consent")

    @admin.display(description=_("姓名"))
    def masked_name(self, obj: Customer) -> str:
        return mask_name(obj.name)


@admin.register(Holding)
class HoldingAdmin(CustomerDataAdmin):
    list_display = ("account_no_masked", "customer", "product", "market_value", "status")
    list_select_related = ("customer", "product")
    fields = (
        "account_no_masked",
        "customer",
        "product",
        "principal",
        "market_value",
        "opened_on",
        "matures_on",
        "status",
    )
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[Holding]:
        qs: QuerySet[Holding] = super().get_queryset(request)
        return qs.defer("account_no")


@admin.register(Transaction)
class TransactionAdmin(CustomerDataAdmin):
    list_display = ("txn_id", "customer", "booked_at", "amount", "channel")
    list_select_related = ("customer",)
    fields = ("txn_id", "customer", "booked_at", "amount", "channel")
    readonly_fields = fields


@admin.register(Interaction)
class InteractionAdmin(CustomerDataAdmin):
    list_display = ("customer", "staff", "occurred_at", "channel", "outcome")
    list_select_related = ("customer", "staff")
    fields = ("customer", "staff", "occurred_at", "channel", "method", "outcome", "purpose")
    readonly_fields = fields


@admin.register(Product)
class ProductAdmin(CapabilityAdmin):
    list_display = ("code", "name", "product_type", "risk_level")
    list_filter = ("product_type", "risk_level")
    search_fields = ("code", "name")

    def save_model(self, request: HttpRequest, obj: Product, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            action="product.update" if change else "product.create",
            target=obj,
            data={"code": obj.code, "name": obj.name, "product_type": obj.product_type},
        )
