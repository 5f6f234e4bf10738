from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pcrm.customers.choices import Channel, Outcome
from pcrm.worklist.choices import Content, Kind, Status


class WorkItem(models.Model):
    """One thing a member of staff should do for a customer: the queue every part feeds.

    ``item_key`` = kind + customer + subject makes generation idempotent.

    The playbook writes millions of rows a night (pcrm.worklist.generation), so the table
    carries only the indexes the queries use: the three (owner, status, due_on) composites
    (lists of a member of staff, a branch, a customer; their leading column also serves
    the foreign keys), the unique key and the export's ``created_for``. The foreign keys
    are not enforced by the database (``db_constraint=False``): a per-row trigger check
    would cost more than the whole bulk write. Deletes still cascade, set null or protect
    through the ORM; customers, staff and branches are never deleted outside it, and the
    bulk write only inserts identifiers it has just read.
    """

    # unique through Meta.constraints: no varchar_pattern_ops twin index on PostgreSQL;
    # collation "C" there (migration 0003), to be repeated by any later AlterField
    item_key = models.CharField(_("工作项标识"), max_length=200)
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.CASCADE,
        db_index=False,
        db_constraint=False,
        related_name="work_items",
        verbose_name=_("客户"),
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        db_index=False,
        db_constraint=False,
        related_name="work_items",
        verbose_name=_("负责人"),
    )
    branch = models.ForeignKey(
        "org.Branch",
        on_delete=models.PROTECT,
        db_index=False,
        db_constraint=False,
        related_name="+",
    )
    kind = models.CharField(_("类型"), max_length=32, choices=Kind.choices)
    subject = models.CharField(_("事项"), max_length=120, blank=True)
    due_on = models.DateField(_("应办日期"))
    channel = models.CharField(_("渠道"), max_length=16, choices=Channel.choices)
    content = models.CharField(_("内容"), max_length=20, choices=Content.choices)
    priority = models.PositiveSmallIntegerField(_("优先级"))
    reason = models.TextField(_("原因"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    created_for = models.DateField(_("生成日期"), null=True, blank=True, db_index=True)
    run_id = models.BigIntegerField(_("生成批次"), null=True, blank=True)
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
        constraints = [
            models.UniqueConstraint(fields=["item_key"], name="worklist_workitem_item_key_uniq")
        ]

    def __str__(self) -> str:
        return self.item_key
