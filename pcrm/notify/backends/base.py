"""The SMS backend interface."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pcrm.notify.models import SmsMessage


class BaseSmsBackend:
    """Send stored messages; set each message's status. Returns how many were accepted."""

    # A backend that calls the network sends after commit (sms_dispatch), not inside
    # the business transaction.
    uses_network = False

    def __init__(self, *, fail_silently: bool = True, **kwargs: Any) -> None:
        # A failed gateway must not fail the business call that wanted to notify
        # (a walk-in is still recorded); the failure is kept on the message row.
        self.fail_silently = fail_silently

    def send_messages(self, messages: Sequence[SmsMessage]) -> int:
        raise NotImplementedError
