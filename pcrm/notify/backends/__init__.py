"""SMS gateway backends behind one interface, like Django's e-mail backends.

``settings.SMS_BACKEND`` names the class; :func:`get_backend` builds it. A backend
receives stored :class:`~pcrm.notify.models.SmsMessage` rows, sends them and sets
each row's ``status``/``provider_ref``/``error``; the caller saves them.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

from pcrm.notify.backends.base import BaseSmsBackend


def get_backend(path: str | None = None, **kwargs: Any) -> BaseSmsBackend:
    backend_class = import_string(path or settings.SMS_BACKEND)
    backend: BaseSmsBackend = backend_class(**kwargs)
    return backend
