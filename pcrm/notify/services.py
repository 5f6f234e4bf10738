"""Writes of the notify app: SMS to staff, e-mail, live in-app events."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from pcrm.audit.services import audit_record, audit_record_bulk
from pcrm.lib.masking import mask_email, mask_phone
from pcrm.notify.backends import get_backend
from pcrm.notify.live import live_publish
from pcrm.notify.messages import template_get
from pcrm.notify.models import SmsMessage, SmsStatus


@transaction.atomic(savepoint=False)  # part of the caller's transaction; no savepoint
def sms_send(
    *,
    actor: Any,
    template: str,
    values: Mapping[str, object],
    recipient: Any = None,
    phone: str = "",
    branch_code: str = "",
) -> SmsMessage | None:
    """Send one templated SMS to a member of staff (their phone) or to a number.

    Stored in the outbox with its status. A gateway that calls the network sends
    after the transaction commits, so no message goes out for a rolled-back action.
    Returns None when there is no number to send to.
    """
    number = phone or (getattr(recipient, "phone", "") if recipient is not None else "")
    if not number:
        return None
    chosen = template_get(template)
    backend = get_backend()
    message = SmsMessage(
        recipient=recipient,
        phone=number,
        phone_masked=mask_phone(number),
        template=chosen.code,
        params=chosen.ordered(values),
        body=chosen.render(values),
        backend=f"{type(backend).__module__}.{type(backend).__qualname__}",
    )
    if not getattr(backend, "uses_network", False):
        backend.send_messages([message])
    message.save()
    audit_record(
        actor=actor,
        action="sms.send",
        target=message,
        data={"template": chosen.code, "to": message.phone_masked, "status": message.status},
        branch_code=branch_code,
    )
    if getattr(backend, "uses_network", False):
        transaction.on_commit(lambda: sms_dispatch(message_ids=[message.pk]))
    return message


@dataclass(frozen=True)
class Sms:
    """One message of a bulk send: a number, the template's values, the branch audited."""

    phone: str
    values: Mapping[str, object]
    branch_code: str = ""


@transaction.atomic(savepoint=False)  # part of the caller's transaction; no savepoint
def sms_send_bulk(*, actor: Any, template: str, messages: Sequence[Sms]) -> list[SmsMessage]:
    """Send one templated SMS per number in one insert and one audit insert.

    The same outbox, statuses and audit events as :func:`sms_send`, for sends to many
    customers at once (survey invitations); messages without a number are left out.
    """
    chosen = template_get(template)
    backend = get_backend()
    label = f"{type(backend).__module__}.{type(backend).__qualname__}"
    rows = [
        SmsMessage(
            phone=sms.phone,
            phone_masked=mask_phone(sms.phone),
            template=chosen.code,
            params=chosen.ordered(sms.values),
            body=chosen.render(sms.values),
            backend=label,
        )
        for sms in messages
        if sms.phone
    ]
    if not rows:
        return []
    network = getattr(backend, "uses_network", False)
    if not network:
        backend.send_messages(rows)
    SmsMessage.objects.bulk_create(rows, batch_size=1000)
    branches = [sms.branch_code for sms in messages if sms.phone]
    audit_record_bulk(
        actor=actor,
        action="sms.send",
        target_type=SmsMessage._meta.label_lower,
        rows=[
            {
                "target_id": row.pk,
                "branch_code": branch,
                "template": chosen.code,
                "to": row.phone_masked,
                "status": row.status,
            }
            for row, branch in zip(rows, branches, strict=True)
        ],
    )
    if network:
        ids = [row.pk for row in rows]
        transaction.on_commit(lambda: sms_dispatch(message_ids=ids))
    return rows


def sms_dispatch(*, message_ids: list[int]) -> int:
    """Hand queued messages to the configured gateway and record each status."""
    messages = list(SmsMessage.objects.filter(pk__in=message_ids, status=SmsStatus.QUEUED))
    if not messages:
        return 0
    accepted = get_backend().send_messages(messages)
    SmsMessage.objects.bulk_update(messages, ["status", "provider_ref", "error", "sent_at"])
    return accepted


@transaction.atomic
def sms_status_set(*, message: SmsMessage, status: str, error: str = "") -> SmsMessage:
    """Record a delivery report from the gateway (delivered or failed)."""
    message.status, message.error = SmsStatus(status), error[:255]
    message.save(update_fields=["status", "error"])
    audit_record(
        actor=None,
        action="sms.status",
        target=message,
        data={"status": status, "to": message.phone_masked},
    )
    return message


def mail_send(*, actor: Any, recipient: Any, subject: str, body: str) -> bool:
    """E-mail a member of staff through Django's mail system (settings.MAILERS)."""
    address = getattr(recipient, "email", "")
    if not address:
        return False
    sent = send_mail(subject, body, None, [address]) > 0
    audit_record(
        actor=actor,
        action="mail.send",
        data={"to": mask_email(address), "subject": subject, "sent": sent},
    )
    return sent


def notify_staff(*, staff: Any, event: Mapping[str, Any]) -> None:
    """Show an event live in the member of staff's open pages (SSE), on commit.

    ``event`` carries masked data only: ``{"kind", "title", "body", "url"}``.
    """
    payload = {"at": timezone.now().isoformat(), **event}
    live_publish(staff_id=staff.pk, event=payload)
