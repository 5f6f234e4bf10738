"""Building relationships: walk-ins, prospects, referrals, the red list, batch marketing."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pcrm.acquisition.choices import (
    DriveType,
    JointSegment,
    ProspectSource,
    ReferralStatus,
    TargetClass,
)
from pcrm.lib.crypto import EncryptedTextField
from pcrm.lib.money import MoneyField

STAFF = settings.AUTH_USER_MODEL


class Swipe(models.Model):
    """A card or ID swipe at a branch's queue machine (系统识别); the number itself is not
    kept, only its masked copy and blind index."""

    branch = models.ForeignKey("org.Branch", on_delete=models.PROTECT, related_name="+")
    token = models.ForeignKey("org.ApiToken", on_delete=models.PROTECT, related_name="+")
    ticket_no = models.CharField(_("排队号"), max_length=32)
    swiped_at = models.DateTimeField(_("刷卡时间"), db_index=True)
    medium = models.CharField(_("介质"), max_length=8)  # "card" or "id"
    number_masked = models.CharField(_("卡号/证件号"), max_length=40)
    number_index = models.CharField(max_length=32, db_index=True)
    customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    tier = models.CharField(_("客户等级"), max_length=16, blank=True)
    flags = models.JSONField(_("识别标记"), default=list)
    notified = models.JSONField(_("已通知员工"), default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("刷卡取号")
        verbose_name_plural = _("刷卡取号")
        ordering = ["-swiped_at"]

    def __str__(self) -> str:
        return f"{self.ticket_no} {self.number_masked}"


class WalkInNotice(models.Model):
    """The one notice a customer's walk-in raises per day (unique per customer and day)."""

    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("日期"))
    swipe = models.ForeignKey(Swipe, on_delete=models.CASCADE, related_name="notices")
    staff_codes = models.JSONField(_("通知员工"), default=list)
    reason = models.CharField(_("原因"), max_length=32)

    class Meta:
        verbose_name = _("到店通知")
        verbose_name_plural = _("到店通知")
        constraints = [
            models.UniqueConstraint(fields=["customer", "day"], name="uniq_walk_in_notice_day")
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.day}"


class Prospect(models.Model):
    """A person who is not (yet known as) a customer: name and sealed phone, with masked
    copies and blind indexes so duplicates are found by ID number or phone."""

    name = models.CharField(_("姓名"), max_length=64)
    phone = EncryptedTextField(_("手机号码"), blank=True)
    phone_masked = models.CharField(_("手机号码"), max_length=32, blank=True)
    phone_index = models.CharField(max_length=32, blank=True, db_index=True)
    id_no = EncryptedTextField(_("证件号码"), blank=True)
    id_no_masked = models.CharField(_("证件号码"), max_length=32, blank=True)
    id_no_index = models.CharField(max_length=32, blank=True, db_index=True)
    work_unit = models.CharField(_("工作单位"), max_length=200, blank=True)
    branch = models.ForeignKey("org.Branch", on_delete=models.PROTECT, related_name="+")
    source = models.CharField(_("来源"), max_length=12, choices=ProspectSource.choices)
    customer = models.ForeignKey(
        "customers.Customer",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("已成为客户"),
    )
    converted_at = models.DateTimeField(_("成为客户时间"), null=True, blank=True)
    created_by = models.ForeignKey(STAFF, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("潜在客户")
        verbose_name_plural = _("潜在客户")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name[:1]}* {self.phone_masked}"


class Referral(models.Model):
    """A customer or prospect recommended by a lobby manager or teller to a customer
    manager or wealth advisor (人工识别 → 推荐), and what came of it."""

    referrer = models.ForeignKey(
        STAFF, on_delete=models.PROTECT, related_name="+", verbose_name=_("推荐人")
    )
    target = models.ForeignKey(
        STAFF, on_delete=models.PROTECT, related_name="+", verbose_name=_("接收人")
    )
    branch = models.ForeignKey("org.Branch", on_delete=models.PROTECT, related_name="+")
    customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    prospect = models.ForeignKey(
        Prospect, null=True, blank=True, on_delete=models.PROTECT, related_name="referrals"
    )
    noticed = models.JSONField(_("发现的情况"), default=list)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    flag_potential = models.BooleanField(_("潜力客户"), default=False)
    flag_red_list = models.BooleanField(_("红名单客户"), default=False)
    auto_assigned = models.BooleanField(_("自动分配"), default=False)
    status = models.CharField(
        _("状态"), max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.PENDING
    )
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    decline_reason = models.CharField(_("拒绝原因"), max_length=200, blank=True)
    contacted_at = models.DateTimeField(_("联系时间"), null=True, blank=True)
    established_at = models.DateTimeField(_("确立关系时间"), null=True, blank=True)
    product_sold_at = models.DateTimeField(_("销售时间"), null=True, blank=True)
    product_note = models.CharField(_("销售产品"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("推荐时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("客户推荐")
        verbose_name_plural = _("客户推荐")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["target", "status"]),
            models.Index(fields=["referrer", "created_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(customer__isnull=False) | models.Q(prospect__isnull=False),
                name="referral_has_subject",
            )
        ]

    def __str__(self) -> str:
        return f"referral {self.pk}"


class RedListEntry(models.Model):
    """One change of a customer's red-list mark, with who and why (by hand or by import)."""

    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="+")
    on_list = models.BooleanField(_("列入红名单"))
    reason = models.CharField(_("原因"), max_length=200)
    source = models.CharField(_("来源"), max_length=10, default="manual")
    actor = models.ForeignKey(
        STAFF, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("操作人")
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("红名单记录")
        verbose_name_plural = _("红名单记录")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.customer_id} {'+' if self.on_list else '-'}"


class MarketingDrive(models.Model):
    """A batch-marketing campaign (批量营销) into a government office, an enterprise, a
    community or a specialised market (四进), aimed at one class of quality customers or,
    for joint marketing (公私联动), a corporate client's staff."""

    name = models.CharField(_("活动名称"), max_length=100)
    drive_type = models.CharField(_("类型"), max_length=12, choices=DriveType.choices)
    target_class = models.CharField(_("目标客群"), max_length=24, choices=TargetClass.choices)
    venue = models.CharField(_("单位/社区/市场"), max_length=200)
    corporate_client = models.CharField(_("对公客户"), max_length=200, blank=True)
    branch = models.ForeignKey("org.Branch", on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(
        STAFF, on_delete=models.PROTECT, related_name="+", verbose_name=_("负责人")
    )
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("批量营销活动")
        verbose_name_plural = _("批量营销活动")
        ordering = ["-starts_on", "-id"]

    def __str__(self) -> str:
        return self.name


class Lead(models.Model):
    """A person met in a drive: a prospect, linked to the customer they are or become."""

    drive = models.ForeignKey(MarketingDrive, on_delete=models.CASCADE, related_name="leads")
    prospect = models.ForeignKey(Prospect, on_delete=models.PROTECT, related_name="leads")
    customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    segment = models.CharField(
        _("联动客群"), max_length=16, choices=JointSegment.choices, blank=True
    )
    # AUM when the lead was linked to a customer: what the drive brought in is the growth.
    aum_at_entry = MoneyField(_("登记时资产"), default=0)
    existing_customer = models.BooleanField(_("原有客户"), default=False)
    created_by = models.ForeignKey(STAFF, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("营销线索")
        verbose_name_plural = _("营销线索")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["drive", "prospect"], name="uniq_lead_per_drive")
        ]

    def __str__(self) -> str:
        return f"lead {self.pk}"
