"""Tencent Cloud SMS (短信 SendSms, API 2021-01-11) through its Python SDK.

Configured by environment (or ``settings.SMS_TENCENT`` overriding it):
``PCRM_SMS_SECRET_ID``, ``PCRM_SMS_SECRET_KEY``, ``PCRM_SMS_APP_ID`` (SmsSdkAppId),
``PCRM_SMS_SIGN`` (签名), ``PCRM_SMS_REGION`` (default ap-guangzhou),
``PCRM_SMS_TEMPLATE_IDS`` ("walk_in_alert:123456,referral_new:123457"), and
``PCRM_SMS_ENDPOINT`` / ``PCRM_SMS_PROTOCOL`` to reach a private gateway or a
local fake in tests.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from pcrm.notify.backends.base import BaseSmsBackend
from pcrm.notify.models import SmsMessage, SmsStatus

ENV = {
    "secret_id": "PCRM_SMS_SECRET_ID",
    "secret_key": "PCRM_SMS_SECRET_KEY",
    "app_id": "PCRM_SMS_APP_ID",
    "sign": "PCRM_SMS_SIGN",
    "region": "PCRM_SMS_REGION",
    "template_ids": "PCRM_SMS_TEMPLATE_IDS",
    "endpoint": "PCRM_SMS_ENDPOINT",
    "protocol": "PCRM_SMS_PROTOCOL",
}


def tencent_config() -> dict[str, str]:
    """The gateway settings: ``settings.SMS_TENCENT`` entries win over the environment."""
    overrides: dict[str, str] = getattr(settings, "SMS_TENCENT", {}) or {}
    config = {key: overrides.get(key, os.environ.get(env, "")) for key, env in ENV.items()}
    config["region"] = config["region"] or "ap-guangzhou"
    config["endpoint"] = config["endpoint"] or "sms.tencentcloudapi.com"
    config["protocol"] = config["protocol"] or "https"
    missing = [ENV[k] for k in ("secret_id", "secret_key", "app_id", "sign") if not config[k]]
    if missing:
        raise ImproperlyConfigured("Tencent Cloud SMS needs " + ", ".join(missing))
    return config


def _template_ids(spec: str) -> dict[str, str]:
    pairs = (item.split(":", 1) for item in spec.split(",") if ":" in item)
    return {code.strip(): tid.strip() for code, tid in pairs}


def _e164(phone: str) -> str:
    # Mainland numbers are sent in E.164 as the API expects.
    digits = "".join(ch for ch in phone if ch.isdigit() or ch == "+")
    return digits if digits.startswith("+") else "+86" + digits


class TencentSmsBackend(BaseSmsBackend):
    """One SendSms call per message (each may use a different template)."""

    uses_network = True

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.config = tencent_config()
        self.template_ids = _template_ids(self.config["template_ids"])

    def _client(self) -> Any:
        from tencentcloud.common import credential
        from tencentcloud.common.profile.client_profile import ClientProfile
        from tencentcloud.common.profile.http_profile import HttpProfile
        from tencentcloud.sms.v20210111 import sms_client

        http = HttpProfile(
            protocol=self.config["protocol"], endpoint=self.config["endpoint"], reqTimeout=10
        )
        cred = credential.Credential(self.config["secret_id"], self.config["secret_key"])
        return sms_client.SmsClient(cred, self.config["region"], ClientProfile(httpProfile=http))

    def send_messages(self, messages: Sequence[SmsMessage]) -> int:
        from tencentcloud.common.exception.tencent_cloud_sdk_exception import (
            TencentCloudSDKException,
        )

        client, accepted = self._client(), 0
        for message in messages:
            try:
                accepted += self._send_one(client, message)
            except TencentCloudSDKException as exc:
                message.status, message.error = SmsStatus.FAILED, f"{exc.code}: {exc.message}"[:255]
                if not self.fail_silently:
                    raise
        return accepted

    def _send_one(self, client: Any, message: SmsMessage) -> int:
        from tencentcloud.sms.v20210111 import models

        template_id = self.template_ids.get(message.template)
        if not template_id:
            message.status = SmsStatus.FAILED
            message.error = f"no Tencent template id for {message.template}"
            return 0
        request = models.SendSmsRequest()
        request.SmsSdkAppId = self.config["app_id"]
        request.SignName = self.config["sign"]
        request.TemplateId = template_id
        request.TemplateParamSet = [str(p) for p in message.params]
        request.PhoneNumberSet = [_e164(message.phone)]
        response = client.SendSms(request)
        status = (response.SendStatusSet or [None])[0]
        if status is not None and status.Code == "Ok":
            message.status, message.provider_ref = SmsStatus.SENT, status.SerialNo or ""
            message.sent_at = timezone.now()
            return 1
        message.status = SmsStatus.FAILED
        message.error = (f"{status.Code}: {status.Message}" if status else "no status")[:255]
        return 0
