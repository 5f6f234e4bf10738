from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models

from pcrm.audit.models import AuditEvent


def _label(actor: Any) -> str:
    if actor is None:
        return "system"
    return str(getattr(actor, "get_username", lambda: actor)())


def audit_record(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    data: Mapping[str, Any] | None = None,
    reason: str = "",
    branch_code: str = "",
) -> AuditEvent:
    """Append one audit event. Call inside the service's transaction.

    ``data`` must already be masked: the audit trail is readable by auditors.
    """
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=_label(actor),
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        branch_code=branch_code,
        reason=reason,
        data=dict(data or {}),
    )


def audit_record_bulk(
    *, actor: Any, action: str, rows: Iterable[Mapping[str, Any]], target_type: str = ""
) -> int:
    """One event per row for bulk services (imports, playbook runs)."""
    label = _label(actor)
    actor_obj = actor if getattr(actor, "pk", None) else None
    events = [
        AuditEvent(
            actor=actor_obj,
            actor_label=label,
            action=action,
            target_type=target_type,
            target_id=str(row.get("target_id", "")),
            branch_code=str(row.get("branch_code", "")),
            data={k: v for k, v in row.items() if k not in {"target_id", "branch_code"}},
        )
        for row in rows
    ]
    AuditEvent.objects.bulk_create(events, batch_size=2000)
    return len(events)
