"""API endpoints of the customers app (mounted under /api/v1/).

``GET customers/`` and ``GET customers/<customer_no>/``: masked fields only, scoped to
the caller by ``customer_list_for``. Staff see what their role sees on the pages
(names in full or surname only, AUM only for roles with full identity).

Token clients (queue devices and other systems) are not members of staff and have no
role, so they see no customer-level data here: the list is empty and a detail is 404.
Systems get what they need through their own endpoints (work items, swipes).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import path
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.pagination import CursorPagination

from pcrm.customers.models import Customer
from pcrm.customers.selectors import LIST_COLUMNS, customer_list_for
from pcrm.lib.masking import mask_name
from pcrm.org.roles import sees_full_identity

API_COLUMNS = (
    *LIST_COLUMNS,
    "id_type",
    "email_masked",
    "marketing_consent",
    "branch__code",
    "manager__staff_code",
)


class ApiTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    """Describes ``Authorization: Bearer pcrm_…`` in the schema (for every endpoint).

    Defining the class registers it; it lives here because this module is the first
    API module loaded (its natural home is pcrm.org.api_auth).
    """

    target_class = "pcrm.org.api_auth.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "http", "scheme": "bearer", "description": "pcrm token create"}


class CustomerSerializer(serializers.ModelSerializer[Customer]):
    """A customer with masked identity; never a sealed column."""

    name = serializers.SerializerMethodField()
    branch = serializers.CharField(source="branch.code", read_only=True)
    manager = serializers.CharField(
        source="manager.staff_code", read_only=True, allow_null=True, default=None
    )
    aum = serializers.SerializerMethodField()

    class Meta:
        model = Customer
        fields = (
            "customer_no",
            "name",
            "id_type",
            "id_no_masked",
            "phone_masked",
            "email_masked",
            "branch",
            "manager",
            "service_established",
            "red_list",
            "orientation",
            "contact_preference",
            "marketing_consent",
            "aum",
        )
        read_only_fields = fields

    def _full(self) -> bool:
        return sees_full_identity(self.context["request"].user)

    def get_name(self, obj: Customer) -> str:
        return obj.name if self._full() else mask_name(obj.name)

    def get_aum(self, obj: Customer) -> str | None:
        """Assets under management (yuan); null for roles that see masked identity only."""
        return f"{obj.aum:.2f}" if self._full() else None


class CustomerCursor(CursorPagination):
    ordering = "customer_no"
    page_size = 50


class _Scoped:
    request: Any

    def get_queryset(self) -> QuerySet[Customer]:
        qs = customer_list_for(user=self.request.user)
        return qs.select_related("branch", "manager").only(*API_COLUMNS)


@extend_schema(
    tags=["customers"],
    summary="客户列表（脱敏，按调用者可见范围）",
    description=(
        "Masked fields only, scoped to the signed-in member of staff. Token clients "
        "(queue devices, systems) hold no role and get an empty list."
    ),
)
class CustomerListView(_Scoped, generics.ListAPIView[Customer]):
    serializer_class = CustomerSerializer
    pagination_class = CustomerCursor


@extend_schema(tags=["customers"], summary="客户详情（脱敏；不可见时 404）")
class CustomerDetailView(_Scoped, generics.RetrieveAPIView[Customer]):
    serializer_class = CustomerSerializer
    lookup_field = "customer_no"


urlpatterns = [
    path("customers/", CustomerListView.as_view(), name="customer-list"),
    path("customers/<str:customer_no>/", CustomerDetailView.as_view(), name="customer-detail"),
]
