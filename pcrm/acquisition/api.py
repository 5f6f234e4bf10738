"""API endpoints of the acquisition app (mounted under /api/v1/).

``POST queue/swipes``: the branch queue system (SIMS) reports a card or ID swipe.
Token-authenticated as a queue device bound to one branch; see issue 5.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.urls import path
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import permissions, serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from pcrm.acquisition.choices import SwipeFlag
from pcrm.acquisition.services.walkin import swipe_record
from pcrm.org.api_auth import ApiTokenAuthentication
from pcrm.org.models import ApiToken


class SwipeIn(serializers.Serializer[dict[str, Any]]):
    """The queue machine's report: exactly one of card_no and id_no."""

    branch_code = serializers.CharField(max_length=32)
    card_no = serializers.RegexField(r"^\d{12,19}$", required=False, allow_blank=False)
    id_no = serializers.RegexField(r"^[0-9A-Za-z]{6,32}$", required=False, allow_blank=False)
    ticket_no = serializers.CharField(max_length=32)
    swiped_at = serializers.DateTimeField()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if bool(attrs.get("card_no")) == bool(attrs.get("id_no")):
            raise serializers.ValidationError("give exactly one of card_no and id_no")
        return attrs


SwipeOut = inline_serializer(
    "SwipeResult",
    {
        "swipe_id": serializers.IntegerField(),
        "customer_no": serializers.CharField(allow_null=True),
        "tier": serializers.CharField(allow_null=True),
        "flags": serializers.ListField(child=serializers.ChoiceField(SwipeFlag.choices)),
        "notified": serializers.ListField(child=serializers.CharField()),
    },
)


class IsQueueDevice(permissions.BasePermission):
    message = "only a queue device token may report swipes"

    def has_permission(self, request: Request, view: Any) -> bool:
        token = request.auth
        return isinstance(token, ApiToken) and token.kind == ApiToken.Kind.QUEUE_DEVICE


class SwipeView(APIView):
    """Identify a walked-in customer and tell the right member of staff."""

    authentication_classes = [ApiTokenAuthentication]
    permission_classes = [IsQueueDevice]

    def perform_authentication(self, request: Request) -> None:
        start = time.perf_counter()
        super().perform_authentication(request)
        self._auth_ms = (time.perf_counter() - start) * 1000

    @extend_schema(
        request=SwipeIn,
        responses={
            201: SwipeOut,
            400: OpenApiResponse(description="malformed body"),
            401: OpenApiResponse(description="unknown or revoked token"),
            403: OpenApiResponse(description="not a queue device, or another branch"),
        },
    )
    def post(self, request: Request) -> Response:
        token: ApiToken = request.auth  # type: ignore[assignment]
        body = request.data
        if not isinstance(body, dict):
            raise ValidationError("the body must be a JSON object")
        if body.get("branch_code") != token.branch.code:  # type: ignore[union-attr]
            raise PermissionDenied("this device is bound to another branch")
        incoming = SwipeIn(data=body)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        timings: dict[str, float] = {"auth": getattr(self, "_auth_ms", 0.0)}
        swipe = swipe_record(
            token=token,
            branch=token.branch,  # type: ignore[arg-type]
            ticket_no=data["ticket_no"],
            swiped_at=data["swiped_at"],
            card_no=data.get("card_no", ""),
            id_no=data.get("id_no", ""),
            timings=timings,
        )
        response = Response(
            {
                "swipe_id": swipe.pk,
                "customer_no": swipe.customer.customer_no if swipe.customer else None,
                "tier": swipe.tier or None,
                "flags": swipe.flags,
                "notified": swipe.notified,
            },
            status=status.HTTP_201_CREATED,
        )
        # Where the time went (ms), for bench/walkin.py and the browser's dev tools;
        # in debug mode also when the alert was committed (this host's monotonic clock).
        committed_at = timings.pop("committed_at", None)
        parts = [f"{name};dur={ms:.3f}" for name, ms in timings.items()]
        if settings.DEBUG and committed_at is not None:
            parts.append(f'committed;desc="{committed_at:.6f}"')
        response["Server-Timing"] = ", ".join(parts)
        return response


swipe_view = SwipeView.as_view()
urlpatterns = [path("queue/swipes", swipe_view, name="queue-swipes")]
