"""The file exchange's own records: the ledger of imports, row fingerprints, export requests."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportKind(models.TextChoices):
    BRANCHES = "branches", _("网点")
    STAFF = "staff", _("员工")
    CUSTOMERS = "customers", _("客户")
    HOLDINGS = "holdings", _("持有产品")
    TRANSACTIONS = "transactions", _("交易流水")
    INTERACTIONS = "interactions", _("联系记录")


class ImportBatch(models.Model):
    """One imported file (the ledger): its hash, who sent it, when, and what it changed.

    The same file sent again (same sha256 and kind) is flagged ``seen_before``.
    """

    class Status(models.TextChoices):
        RUNNING = "running", _("进行中")
        DONE = "done", _("已完成")
        DRY_RUN = "dry_run", _("仅校验")
        ROLLED_BACK = "rolled_back", _("已整体回滚")
        REFUSED = "refused", _("已拒绝")

    kind = models.CharField(_("文件类型"), max_length=16, choices=ImportKind.choices)
    file_name = models.CharField(_("文件名"), max_length=255)
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.BigIntegerField(_("大小（字节）"), default=0)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("操作人"),
    )
    actor_label = models.CharField(_("操作人标识"), max_length=64, blank=True)
    source = models.CharField(_("来源"), max_length=16, default="cli")
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices)
    all_or_nothing = models.BooleanField(_("全部或不导入"), default=False)
    seen_before = models.BooleanField(_("曾导入过"), default=False)
    rows = models.PositiveIntegerField(_("行数"), default=0)
    inserted = models.PositiveIntegerField(_("新增"), default=0)
    updated = models.PositiveIntegerField(_("更新"), default=0)
    unchanged = models.PositiveIntegerField(_("未变"), default=0)
    errors = models.PositiveIntegerField(_("错误"), default=0)
    error_report = models.CharField(_("错误报告"), max_length=500, blank=True)
    message = models.CharField(_("说明"), max_length=500, blank=True)
    started_at = models.DateTimeField(_("开始时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("导入批次")
        verbose_name_plural = _("导入批次")
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["kind", "sha256"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.file_name}"


class ImportFingerprint(models.Model):
    """The hash of the normalised row last imported for one key of one kind.

    Written in the same transaction as the row itself, so after a crash the
    fingerprint and the data agree and a re-run skips exactly what was written.
    """

    kind = models.CharField(max_length=16, choices=ImportKind.choices)
    key = models.CharField(max_length=200)
    digest = models.CharField(max_length=32)
    # The hash of the line as written: the same file again is recognised without parsing it.
    raw_digest = models.CharField(max_length=32, blank=True, default="")

    class Meta:
        verbose_name = _("导入指纹")
        verbose_name_plural = _("导入指纹")
        constraints = [
            models.UniqueConstraint(fields=["kind", "key"], name="uniq_import_fingerprint")
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.key}"


class ExportKind(models.TextChoices):
    CUSTOMERS = "customers", _("客户")
    HOLDINGS = "holdings", _("持有产品")
    WORKLIST = "worklist", _("工作项")


class ExportRequest(models.Model):
    """An export of customer data: requested → (approved by a branch head when large) → downloaded.

    ``reveal_reason`` non-empty means the requester asked for clear values
    (audited); otherwise every protected column is exported masked.
    """

    class Status(models.TextChoices):
        REQUESTED = "requested", _("待审批")
        APPROVED = "approved", _("已批准")
        REJECTED = "rejected", _("已驳回")
        DOWNLOADED = "downloaded", _("已下载")

    kind = models.CharField(_("导出内容"), max_length=16, choices=ExportKind.choices)
    file_format = models.CharField(_("格式"), max_length=8, default="csv")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("申请人"),
    )
    branch = models.ForeignKey(
        "org.Branch",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("网点"),
    )
    row_count = models.PositiveIntegerField(_("行数"), default=0)
    reveal_reason = models.CharField(_("明文事由"), max_length=200, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("审批人"),
    )
    requested_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    downloaded_at = models.DateTimeField(_("下载时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("导出申请")
        verbose_name_plural = _("导出申请")
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"
