"""Writes of the notify app: SMS to staff, e-mail, live in-app events."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from pcrm.audit.services import audit_record
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
