"""API endpoints of the ingest app (mounted under /api/v1/).

``POST imports/{kind}/``: core banking (a *system* token) or a staff session with
``import.run`` posts an interchange file (multipart field ``file``); the
answer is the same summary `pcrm import` prints. ``GET imports/{id}/`` reads a
ledger entry back.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from pcrm.ingest.models import ImportBatch
from pcrm.ingest.policy import ingest_policy
from pcrm.ingest.reader import FileRefused
from pcrm.ingest.schemas import SPECS
from pcrm.ingest.selectors import import_batch_list_for
from pcrm.ingest.services import import_file, import_scope
from pcrm.lib.api import error_response

ImportSummary = inline_serializer(
    "ImportSummary",
    {
        "kind": serializers.CharField(),
        "rows": serializers.IntegerField(),
        "inserted": serializers.IntegerField(),
        "updated": serializers.IntegerField(),
        "unchanged": serializers.IntegerField(),
        "errors": serializers.IntegerField(),
        "error_report": serializers.CharField(allow_null=True),
        "seconds": serializers.FloatField(),
        "file_seen_before": serializers.BooleanField(),
        "status": serializers.CharField(),
        "batch": serializers.IntegerField(),
    },
)


def _flag(request: Request, name: str) -> bool:
    data = request.data if isinstance(request.data, dict) else {}
    value = request.query_params.get(name) or data.get(name) or ""
    return str(value).lower() in {"1", "true", "yes", "on"}


class ImportUpload(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        parameters=[
            OpenApiParameter("dry_run", bool, description="validate and count only"),
            OpenApiParameter("all_or_nothing", bool, description="commit nothing if a row is bad"),
        ],
        request={
            "multipart/form-data": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}},
            }
        },
        responses={201: ImportSummary, 200: ImportSummary},
    )
    def post(self, request: Request, kind: str) -> Response:
        if kind not in SPECS:
            raise NotFound(f"unknown file kind: {kind}")
        try:
            import_scope(request.user)  # 403 before the upload is even read
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        upload = request.FILES.get("file")
        if upload is None:
            raise ValidationError({"file": "a multipart field 'file' is required"})
        limit = ingest_policy().max_upload_bytes
        if upload.size and upload.size > limit:
            return error_response(
                "too_large",
                f"file larger than {limit} bytes",
                status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
            )
        dry_run = _flag(request, "dry_run")
        with tempfile.TemporaryDirectory(prefix="pcrm-api-import-") as folder:
            saved = Path(folder) / ("upload" + Path(upload.name or "").suffix.lower()[:6])
            with saved.open("wb") as out:
                for block in upload.chunks():
                    out.write(block)
            try:
                result = import_file(
                    actor=request.user,
                    kind=kind,
                    path=saved,
                    file_name=upload.name or "",
                    source="api",
                    dry_run=dry_run,
                    all_or_nothing=_flag(request, "all_or_nothing"),
                    max_bytes=limit,
                )
            except FileRefused as exc:
                return error_response("file_refused", str(exc))
        code = status.HTTP_200_OK if dry_run else status.HTTP_201_CREATED
        return Response(result.summary, status=code)


def _batch_summary(batch: ImportBatch) -> dict[str, Any]:
    return {
        "kind": batch.kind,
        "rows": batch.rows,
        "inserted": batch.inserted,
        "updated": batch.updated,
        "unchanged": batch.unchanged,
        "errors": batch.errors,
        "error_report": batch.error_report or None,
        "file_seen_before": batch.seen_before,
        "status": batch.status,
        "batch": batch.pk,
        "seconds": (
            (batch.finished_at - batch.started_at).total_seconds() if batch.finished_at else 0.0
        ),
    }


class ImportDetail(APIView):
    @extend_schema(responses={200: ImportSummary})
    def get(self, request: Request, pk: int) -> Response:
        token = getattr(request.user, "token", None)
        if token is not None:
            batches = ImportBatch.objects.filter(source="api", actor_label=str(request.user))
        else:
            batches = import_batch_list_for(user=request.user)
        batch = batches.filter(pk=pk).first()
        if batch is None:
            raise NotFound()
        return Response(_batch_summary(batch))


urlpatterns = [
    path("imports/<int:pk>/", ImportDetail.as_view(), name="ingest-import-detail"),
    path("imports/<str:kind>/", ImportUpload.as_view(), name="ingest-import"),
]
