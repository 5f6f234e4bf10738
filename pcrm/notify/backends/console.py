"""Print messages to standard output (development)."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any, TextIO

from django.utils import timezone

from pcrm.notify.backends.base import BaseSmsBackend
from pcrm.notify.models import SmsMessage, SmsStatus


class ConsoleBackend(BaseSmsBackend):
    """Write each message (masked number, rendered text) to a stream."""

    def __init__(self, *, stream: TextIO | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.stream = stream or sys.stdout

    def send_messages(self, messages: Sequence[SmsMessage]) -> int:
        now = timezone.now()
        for message in messages:
            self.stream.write(f"SMS to {message.phone_masked}: {message.body}\n")
            message.status, message.sent_at = SmsStatus.SENT, now
        self.stream.flush()
        return len(messages)
