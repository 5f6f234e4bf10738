"""Reads of the ingest app, scoped to the caller."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from pcrm.ingest.models import ExportRequest, ImportBatch
from pcrm.org.roles import can
from pcrm.org.selectors import branch_subtree_ids


def import_batch_list_for(*, user: Any) -> QuerySet[ImportBatch]:
    """Admins see every import; a branch head the imports they ran; others none."""
    if not can(user, "import.run"):
        return ImportBatch.objects.none()
    if user.role == "admin":
        return ImportBatch.objects.all()
    return ImportBatch.objects.filter(actor=user)


def export_request_list_for(*, user: Any) -> QuerySet[ExportRequest]:
    """The user's own requests, and for an approver those of their branches."""
    mine = Q(requested_by=user)
    if can(user, "export.approve") and user.branch_id:
        mine |= Q(branch_id__in=branch_subtree_ids(branch_id=user.branch_id))
    return ExportRequest.objects.filter(mine).select_related("requested_by", "approved_by")
