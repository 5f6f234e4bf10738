"""API endpoints of the complaints app (mounted under /api/v1/).

``POST /api/v1/complaints``: the call centre (a ``system`` token) or a member of
staff with ``complaint.take`` (session) files a complaint. Bad input is a 400
``{"error", "detail"}`` and nothing is written; a repeat of an open complaint is
merged into it (200, ``merged: true``).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from pcrm.complaints.choices import Category, IntakeChannel
from pcrm.complaints.services import Intake, complaint_due_at, complaint_open
from pcrm.customers.models import Customer
from pcrm.customers.selectors import customer_list_for
from pcrm.lib.api import error_response
from pcrm.org.api_auth import ApiClient, ApiTokenAuthentication
from pcrm.org.models import ApiToken, Branch, Staff
from pcrm.org.roles import can


class ComplaintIntakeSerializer(serializers.Serializer[dict[str, Any]]):
    customer_no = serializers.CharField(required=False, allow_blank=True, max_length=32)
    visitor_name = serializers.CharField(required=False, allow_blank=True, max_length=64)
    visitor_phone = serializers.RegexField(
        r"^\+?[0-9][0-9 -]{5,19}$", required=False, allow_blank=True
    )
    branch_code = serializers.CharField(required=False, allow_blank=True, max_length=32)
    channel = serializers.ChoiceField(choices=IntakeChannel.choices)
    category = serializers.ChoiceField(choices=Category.choices)
    description = serializers.CharField(max_length=4000)
    received_at = serializers.DateTimeField()
    quality_complaint = serializers.BooleanField(required=False, default=False)
    complained_staff_code = serializers.CharField(required=False, allow_blank=True, max_length=32)


class ComplaintCreatedSerializer(serializers.Serializer[dict[str, Any]]):
    case_no = serializers.CharField()
    merged = serializers.BooleanField()
    status = serializers.CharField()
    due_at = serializers.DateTimeField()


class MayFileComplaints(permissions.BasePermission):
    """A system token (the call centre) or staff who take complaints."""

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if isinstance(user, ApiClient):
            return user.token.kind == ApiToken.Kind.SYSTEM
        return can(user, "complaint.take")


class ComplaintCreateView(APIView):
    # The token scheme comes first so that a missing or bad token answers 401.
    authentication_classes = [ApiTokenAuthentication, SessionAuthentication]
    permission_classes = [permissions.IsAuthenticated, MayFileComplaints]

    @extend_schema(request=ComplaintIntakeSerializer, responses=ComplaintCreatedSerializer)
    def post(self, request: Request) -> Response:
        incoming = ComplaintIntakeSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        caller: Any = request.user
        system = isinstance(caller, ApiClient)
        intake = _intake_from(data, caller, system)
        if isinstance(intake, Response):
            return intake
        source = f"token:{caller.token.prefix}" if system else "staff_api"
        try:
            case, merged = complaint_open(
                actor=None if system else caller, intake=intake, source=source
            )
        except DjangoValidationError as exc:
            return error_response("invalid", "; ".join(exc.messages))
        except DjangoPermissionDenied as exc:
            return error_response("permission_denied", str(exc), status.HTTP_403_FORBIDDEN)
        body = {
            "case_no": case.case_no,
            "merged": merged,
            "status": case.status,
            "due_at": complaint_due_at(case).isoformat(),
        }
        return Response(body, status=status.HTTP_200_OK if merged else status.HTTP_201_CREATED)


def _intake_from(data: dict[str, Any], user: Any, system: bool) -> Intake | Response:
    """Resolve customer, branch and staff codes; a code that resolves to nothing is a 400."""
    customer: Customer | None = None
    if data.get("customer_no"):
        pool = Customer.objects.all() if system else customer_list_for(user=user)
        customer = pool.select_related("branch").filter(customer_no=data["customer_no"]).first()
        if customer is None:
            return error_response("unknown_customer", "客户号不存在或无权访问")
    branch = None
    if data.get("branch_code"):
        branch = Branch.objects.filter(code=data["branch_code"]).first()
        if branch is None:
            return error_response("unknown_branch", "网点代码不存在")
    complained = None
    if data.get("complained_staff_code"):
        complained = Staff.objects.filter(staff_code=data["complained_staff_code"]).first()
        if complained is None:
            return error_response("unknown_staff", "被投诉员工不存在")
    return Intake(
        channel=data["channel"],
        category=data["category"],
        description=data["description"],
        received_at=data["received_at"],
        customer=customer,
        visitor_name=data.get("visitor_name", ""),
        visitor_phone=data.get("visitor_phone", "").replace(" ", "").replace("-", ""),
        branch=branch,
        quality_complaint=data["quality_complaint"],
        complained_staff=complained,
        # A member of staff filing through the API takes the case, as on the pages.
        handler=None,
    )


urlpatterns = [
    path("complaints", ComplaintCreateView.as_view(), name="complaints-create"),
]
