"""API error shape shared by every endpoint: ``{"error": code, "detail": text}``."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.APIException):
        code = exc.get_codes()
        code = code if isinstance(code, str) else "invalid"
        detail: Any = exc.detail
        if isinstance(detail, (list, dict)):
            detail = _flatten(detail)
        response.data = {"error": code, "detail": str(detail)}
    return response


def _flatten(detail: Any, prefix: str = "") -> str:
    if isinstance(detail, dict):
        return "; ".join(_flatten(v, f"{k}: ") for k, v in detail.items())
    if isinstance(detail, list):
        return "; ".join(prefix + _flatten(v) for v in detail)
    return prefix + str(detail)


def error_response(
    code: str, detail: str, http_status: int = status.HTTP_400_BAD_REQUEST
) -> Response:
    return Response({"error": code, "detail": detail}, status=http_status)
