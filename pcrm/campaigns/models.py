"""Customer events (客户活动) and invitations, market-information broadcasts, and customer
survey reports."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pcrm.customers.choices import Channel, Orientation
from pcrm.lib.money import MoneyField


class CustomerEvent(models.Model):
    """A VIP event at a branch; type codes come from policy.toml."""

    title = models.CharField(_("活动名称"), max_length=120)
    event_type = models.CharField(_("活动类型"), max_length=32)
    branch = models.ForeignKey("org.Branch", on_delete=models.PROTECT, related_name="+")
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    held_on = models.DateField(_("活动日期"))
    venue = models.CharField(_("地点"), max_length=200)
    capacity = models.PositiveIntegerField(_("名额"))
    orientation = models.CharField(
        _("目标取向"), max_length=16, choices=Orientation.choices, blank=True
    )
    min_tier = models.CharField(_("最低等级"), max_length=16, blank=True)
    follow_up = models.TextField(_("活动总结与跟进"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("客户活动")
        verbose_name_plural = _("客户活动")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return self.title


class Rsvp(models.TextChoices):
    INVITED = "invited", _("已邀请")
    ACCEPTED = "accepted", _("接受")
    DECLINED = "declined", _("谢绝")


class Invitation(models.Model):
    """A customer invited to an event through the channel their preference allows;
    ``aum_at_invite`` lets the results show the AUM change after the event."""

    event = models.ForeignKey(CustomerEvent, on_delete=models.CASCADE, related_name="invitations")
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(_("渠道"), max_length=16, choices=Channel.choices)
    rsvp = models.CharField(_("回复"), max_length=10, choices=Rsvp.choices, default=Rsvp.INVITED)
    attended = models.BooleanField(_("已出席"), default=False)
    aum_at_invite = MoneyField(_("邀请时资产"), default=0)
    work_item_key = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("活动邀请")
        verbose_name_plural = _("活动邀请")
        constraints = [
            models.UniqueConstraint(fields=["event", "customer"], name="uniq_event_invitation")
        ]

    def __str__(self) -> str:
        return f"{self.event_id}:{self.customer_id}"


class Broadcast(models.Model):
    """Market or product information composed once and sent to a segment."""

    title = models.CharField(_("标题"), max_length=120)
    body = models.TextField(_("内容"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    orientation = models.CharField(
        _("目标取向"), max_length=16, choices=Orientation.choices, blank=True
    )
    min_tier = models.CharField(_("最低等级"), max_length=16, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    recipients = models.PositiveIntegerField(_("发送人数"), default=0)
    skipped = models.PositiveIntegerField(_("未发送人数（无营销同意）"), default=0)

    class Meta:
        verbose_name = _("市场与产品信息")
        verbose_name_plural = _("市场与产品信息")
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.title


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    REVIEWED = "reviewed", _("已审阅")


class SurveyReport(models.Model):
    """A themed customer survey report, submitted to and reviewed by the branch head."""

    theme = models.CharField(_("调研主题"), max_length=120)
    body = models.TextField(_("报告内容"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    branch = models.ForeignKey("org.Branch", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("状态"), max_length=10, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    review_note = models.TextField(_("审阅意见"), blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("客户调研报告")
        verbose_name_plural = _("客户调研报告")
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.theme
