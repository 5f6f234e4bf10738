"""Notifications sent to staff: every SMS is stored with its delivery status."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pcrm.lib.crypto import EncryptedTextField


class SmsStatus(models.TextChoices):
    QUEUED = "queued", _("待发送")
    STORED = "stored", _("已存入发件箱")
    SENT = "sent", _("已提交网关")
    DELIVERED = "delivered", _("已送达")
    FAILED = "failed", _("发送失败")


class SmsMessage(models.Model):
    """One text message to a member of staff (or a phone), with its delivery status.

    The recipient's number is sealed; the body carries masked identities only, so the
    outbox can be shown to admins as it is.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("收件人"),
    )
    phone = EncryptedTextField(_("手机号码"), blank=True)
    phone_masked = models.CharField(_("手机号码"), max_length=32, blank=True)
    template = models.CharField(_("短信模板"), max_length=40)
    params = models.JSONField(_("模板参数"), default=list)
    body = models.TextField(_("短信内容"))
    backend = models.CharField(_("发送通道"), max_length=120)
    status = models.CharField(
        _("状态"), max_length=12, choices=SmsStatus.choices, default=SmsStatus.QUEUED
    )
    provider_ref = models.CharField(_("网关流水号"), max_length=120, blank=True)
    error = models.CharField(_("失败原因"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("短信")
        verbose_name_plural = _("短信发件箱")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.template} → {self.phone_masked}"
