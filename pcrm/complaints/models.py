"""Complaint cases (DOMAIN §5): intake, the nine steps, the regulatory clock and follow-up."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pcrm.complaints.choices import (
    AlertKind,
    Answer,
    Category,
    ClockStage,
    CommitmentKind,
    CommitmentStatus,
    ContactPurpose,
    IntakeChannel,
    RootCause,
    Status,
)
from pcrm.customers.choices import Channel
from pcrm.lib.crypto import EncryptedTextField
from pcrm.lib.money import MoneyField

STAFF = settings.AUTH_USER_MODEL


class ComplaintPolicy(models.Model):
    """A version of the complaint policy: values laid over policy.toml (the newest wins)."""

    version = models.PositiveIntegerField(_("版本"), unique=True)
    data = models.JSONField(_("策略内容"), default=dict)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("投诉处理策略")
        verbose_name_plural = _("投诉处理策略")
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"v{self.version}"


class ComplaintCase(models.Model):
    """One complaint, from receipt to follow-up. A visitor's phone is sealed (C2)."""

    case_no = models.CharField(_("投诉编号"), max_length=32, unique=True)
    branch = models.ForeignKey("org.Branch", on_delete=models.PROTECT, related_name="+")
    customer = models.ForeignKey(
        "customers.Customer",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
        verbose_name=_("客户"),
    )
    visitor_name = models.CharField(_("来访人姓名"), max_length=64, blank=True)
    visitor_phone = EncryptedTextField(_("来访人电话"), blank=True)
    visitor_phone_masked = models.CharField(_("来访人电话"), max_length=32, blank=True)
    visitor_phone_index = models.CharField(max_length=32, blank=True, db_index=True)
    channel = models.CharField(_("受理渠道"), max_length=16, choices=IntakeChannel.choices)
    category = models.CharField(_("投诉类别"), max_length=24, choices=Category.choices)
    description = models.TextField(_("投诉内容"))
    received_at = models.DateTimeField(_("受理时间"), db_index=True)
    quality_complaint = models.BooleanField(_("质量性投诉"), default=False)
    apology_at = models.DateTimeField(_("致歉时间"), null=True, blank=True)
    complained_staff = models.ForeignKey(
        STAFF,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("被投诉员工"),
    )
    handler = models.ForeignKey(
        STAFF,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints_handled",
        verbose_name=_("处理人"),
    )
    opened_by = models.ForeignKey(
        STAFF, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField(_("来源"), max_length=32, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    repeat_count = models.PositiveIntegerField(_("重复投诉次数"), default=0)
    # The clock.
    stage = models.CharField(
        _("时限类别"), max_length=10, choices=ClockStage.choices, default=ClockStage.STANDARD
    )
    complex_reason = models.TextField(_("复杂原因"), blank=True)
    extension_approved_by = models.ForeignKey(
        STAFF, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    extension_approved_at = models.DateTimeField(_("延期批准时间"), null=True, blank=True)
    extension_told_at = models.DateTimeField(_("延期告知客户时间"), null=True, blank=True)
    extension_reason = models.TextField(_("延期原因"), blank=True)
    decided_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    decision = models.TextField(_("处理结果"), blank=True)
    # Handling.
    solution = models.TextField(_("解决方案"), blank=True)
    answer = models.CharField(
        _("客户意见"), max_length=16, choices=Answer.choices, default=Answer.PENDING
    )
    reply_due_at = models.DateTimeField(_("承诺答复时间"), null=True, blank=True)
    escalated_to = models.ForeignKey(
        STAFF, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    escalated_at = models.DateTimeField(_("上报时间"), null=True, blank=True)
    options_considered = models.TextField(_("已考虑的方案"), blank=True)
    # Closing and follow-up.
    thanked_at = models.DateTimeField(_("致谢时间"), null=True, blank=True)
    opportunity_requested = models.BooleanField(_("已提出商机"), default=False)
    opportunity_notes = models.TextField(_("商机说明"), blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    root_cause = models.CharField(
        _("根本原因"), max_length=20, choices=RootCause.choices, blank=True
    )
    corrective_action = models.TextField(_("整改措施"), blank=True)
    root_cause_fixed_at = models.DateTimeField(_("问题解决时间"), null=True, blank=True)
    root_cause_told_at = models.DateTimeField(_("告知客户时间"), null=True, blank=True)
    survey_channel = models.CharField(
        _("回访渠道"), max_length=16, choices=Channel.choices, blank=True
    )
    survey_sent_at = models.DateTimeField(_("回访发出时间"), null=True, blank=True)
    satisfaction = models.PositiveSmallIntegerField(_("满意度"), null=True, blank=True)
    satisfaction_at = models.DateTimeField(_("满意度记录时间"), null=True, blank=True)
    letter_printed_at = models.DateTimeField(_("感谢函打印时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("投诉")
        verbose_name_plural = _("投诉")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["branch", "status", "received_at"]),
            models.Index(fields=["customer", "category", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(satisfaction__isnull=True)
                | models.Q(satisfaction__gte=1, satisfaction__lte=5),
                name="complaint_satisfaction_1_5",
            )
        ]

    def __str__(self) -> str:
        return self.case_no


class ComplaintRepeat(models.Model):
    """The same open complaint raised again by the same customer: kept on the first case."""

    case = models.ForeignKey(ComplaintCase, on_delete=models.CASCADE, related_name="repeats")
    received_at = models.DateTimeField(_("受理时间"))
    channel = models.CharField(_("受理渠道"), max_length=16, choices=IntakeChannel.choices)
    description = models.TextField(_("投诉内容"))
    recorded_by = models.ForeignKey(STAFF, null=True, blank=True, on_delete=models.SET_NULL)
    source = models.CharField(_("来源"), max_length=32, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("重复投诉")
        verbose_name_plural = _("重复投诉")
        ordering = ["received_at"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.received_at:%Y-%m-%d}"


class ComplaintStep(models.Model):
    """One of the nine techniques done on a case: ticked checklist items, notes, time."""

    case = models.ForeignKey(ComplaintCase, on_delete=models.CASCADE, related_name="steps")
    step = models.CharField(_("步骤"), max_length=20)
    position = models.PositiveSmallIntegerField(_("顺序"))
    checked = models.JSONField(_("已完成事项"), default=list)
    notes = models.TextField(_("记录"), blank=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    completed_at = models.DateTimeField(_("完成时间"))
    completed_by = models.ForeignKey(STAFF, on_delete=models.PROTECT, related_name="+")
    quick = models.BooleanField(_("快速记录"), default=False)

    class Meta:
        verbose_name = _("处理步骤")
        verbose_name_plural = _("处理步骤")
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["case", "step"], name="uniq_complaint_step")]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.step}"


class ClockPause(models.Model):
    """Time waiting for an outside appraisal: the regulatory clock stands still."""

    case = models.ForeignKey(ComplaintCase, on_delete=models.CASCADE, related_name="pauses")
    started_at = models.DateTimeField(_("暂停时间"))
    ended_at = models.DateTimeField(_("恢复时间"), null=True, blank=True)
    reason = models.CharField(_("原因"), max_length=200)
    started_by = models.ForeignKey(STAFF, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("计时暂停")
        verbose_name_plural = _("计时暂停")
        ordering = ["started_at"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.started_at:%Y-%m-%d}"


class Commitment(models.Model):
    """A promise made to the customer; beyond the handler's authority it needs approval."""

    case = models.ForeignKey(ComplaintCase, on_delete=models.CASCADE, related_name="commitments")
    kind = models.CharField(_("类型"), max_length=20, choices=CommitmentKind.choices)
    description = models.TextField(_("承诺内容"))
    amount = MoneyField(_("金额"), default=0)
    status = models.CharField(_("状态"), max_length=20, choices=CommitmentStatus.choices)
    made_by = models.ForeignKey(STAFF, on_delete=models.PROTECT, related_name="+")
    made_at = models.DateTimeField(_("承诺时间"))
    decided_by = models.ForeignKey(
        STAFF, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.TextField(_("审批意见"), blank=True)

    class Meta:
        verbose_name = _("对客承诺")
        verbose_name_plural = _("对客承诺")
        ordering = ["made_at"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.amount}"


class FollowUpContact(models.Model):
    """A follow-up contact with the complainant (thanks, survey, root cause fixed, …)."""

    case = models.ForeignKey(ComplaintCase, on_delete=models.CASCADE, related_name="contacts")
    occurred_at = models.DateTimeField(_("联系时间"))
    channel = models.CharField(_("渠道"), max_length=16, choices=Channel.choices)
    purpose = models.CharField(_("目的"), max_length=20, choices=ContactPurpose.choices)
    notes = models.TextField(_("备注"), blank=True)
    staff = models.ForeignKey(STAFF, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("回访记录")
        verbose_name_plural = _("回访记录")
        ordering = ["-occurred_at"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.purpose}"


class ClockAlert(models.Model):
    """A due-soon or overdue warning raised by the nightly run (once per case, kind, person)."""

    case = models.ForeignKey(ComplaintCase, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(_("类型"), max_length=10, choices=AlertKind.choices)
    staff = models.ForeignKey(STAFF, on_delete=models.CASCADE, related_name="+")
    due_at = models.DateTimeField(_("答复期限"))
    raised_on = models.DateField(_("提醒日期"))
    work_item_key = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("时限提醒")
        verbose_name_plural = _("时限提醒")
        constraints = [
            models.UniqueConstraint(fields=["case", "kind", "staff"], name="uniq_clock_alert")
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.staff_id}"
