from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pcrm.customers.choices import Channel, Outcome
from pcrm.worklist.choices import Content, Kind, Status


class WorkItem(models.Model):
    """One thing a member of staff should do for a customer: the queue every part feeds.

    ``item_key`` = kind + customer + subject makes generation idempotent.
    """

    item_key = models.CharField(_("工作项标识"), max_length=200, unique=True)
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.CASCADE,
        related_name="work_items",
        verbose_name=_("客户"),
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="work_items",
        verbose_name=_("负责人"),
    )
    branch = models.ForeignKey("org.Branch", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("类型"), max_length=32, choices=Kind.choices, db_index=True)
    subject = models.CharField(_("事项"), max_length=120, blank=True)
    due_on = models.DateField(_("应办日期"), db_index=True)
    channel = models.CharField(_("渠道"), max_length=16, choices=Channel.choices)
    content = models.CharField(_("内容"), max_length=20, choices=Content.choices)
    priority = models.PositiveSmallIntegerField(_("优先级"))
    reason = models.TextField(_("原因"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    created_for = models.DateField(_("生成日期"), null=True, blank=True, db_index=True)
    run_id = models.BigIntegerField(_("生成批次"), null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    outcome = models.CharField(_("联系结果"), max_length=16, choices=Outcome.choices, blank=True)
    note = models.TextField(_("处理说明"), blank=True)

    class Meta:
        verbose_name = _("工作项")
        verbose_name_plural = _("工作项")
        ordering = ["due_on", "priority", "id"]
        indexes = [
            models.Index(fields=["staff", "status", "due_on"]),
            models.Index(fields=["customer", "status", "due_on"]),
            models.Index(fields=["branch", "status", "due_on"]),
        ]

    def __str__(self) -> str:
        return self.item_key
