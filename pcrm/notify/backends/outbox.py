"""The default backend: messages stay in the outbox table, visible to admins."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils import timezone

from pcrm.notify.backends.base import BaseSmsBackend
from pcrm.notify.models import SmsMessage, SmsStatus


class OutboxBackend(BaseSmsBackend):
    """Store only: for installations without a gateway, demos and tests."""

    def send_messages(self, messages: Sequence[SmsMessage]) -> int:
        now = timezone.now()
        for message in messages:
            message.status, message.sent_at = SmsStatus.STORED, now
        return len(messages)
