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


# --- Satisfaction surveys (满意度调查) -------------------------------------------------


class SurveyTrigger(models.TextChoices):
    """Why a customer was asked: the periodic sample of their segment, or an occasion."""

    PERIODIC = "periodic", _("定期抽样")
    COMPLAINT = "complaint", _("投诉办结")
    EVENT = "event", _("参加活动")
    DIAGNOSIS = "diagnosis", _("财富诊断")
    MANUAL = "manual", _("手工发送")


class QuestionKind(models.TextChoices):
    OVERALL = "overall", _("总体满意度（1–5 分）")
    ASPECT = "aspect", _("服务方面评分（1–5 分）")
    TEXT = "text", _("意见建议（文字）")


class SatisfactionSurvey(models.Model):
    """A questionnaire: its questions are configured by admins (bank-wide, no branch) or
    branch heads (their branch). ``trigger`` blank: used for any occasion."""

    name = models.CharField(_("问卷名称"), max_length=120)
    intro = models.TextField(_("开场白"), blank=True)
    trigger = models.CharField(
        _("适用场景"), max_length=16, choices=SurveyTrigger.choices, blank=True
    )
    branch = models.ForeignKey(
        "org.Branch",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("网点"),
    )
    active = models.BooleanField(_("启用"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("满意度问卷")
        verbose_name_plural = _("满意度问卷")
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.name


class SurveyQuestion(models.Model):
    survey = models.ForeignKey(
        SatisfactionSurvey, on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)
    kind = models.CharField(_("题型"), max_length=10, choices=QuestionKind.choices)
    label = models.CharField(_("题目"), max_length=200)

    class Meta:
        verbose_name = _("问卷题目")
        verbose_name_plural = _("问卷题目")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.label


class SurveyInvitation(models.Model):
    """One customer asked to answer one survey through a one-time link.

    Only the SHA-256 of the link's token is stored. The segment labels, branch and
    manager are recorded at send time so the results can be grouped as they were then.
    """

    survey = models.ForeignKey(
        SatisfactionSurvey, on_delete=models.PROTECT, related_name="invitations"
    )
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    trigger = models.CharField(_("场景"), max_length=16, choices=SurveyTrigger.choices)
    subject = models.CharField(_("触发对象"), max_length=64, blank=True)
    channel = models.CharField(_("渠道"), max_length=16, choices=Channel.choices)
    tier = models.CharField(_("客户等级"), max_length=16, blank=True)
    quadrant = models.CharField(_("象限"), max_length=16, blank=True)
    branch = models.ForeignKey("org.Branch", on_delete=models.PROTECT, related_name="+")
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("客户经理"),
    )
    sent_at = models.DateTimeField(_("发送时间"), db_index=True)
    expires_at = models.DateTimeField(_("失效时间"))
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True, db_index=True)
    overall = models.PositiveSmallIntegerField(_("总体满意度"), null=True, blank=True)
    work_item_key = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("满意度调查邀请")
        verbose_name_plural = _("满意度调查邀请")
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "subject"],
                condition=~models.Q(subject=""),
                name="uniq_survey_subject",
            ),
            models.CheckConstraint(
                condition=models.Q(overall__isnull=True) | models.Q(overall__gte=1, overall__lte=5),
                name="survey_overall_1_5",
            ),
        ]
        indexes = [models.Index(fields=["customer", "sent_at"])]

    def __str__(self) -> str:
        return f"{self.survey_id}:{self.customer_id}"


class SurveyAnswer(models.Model):
    invitation = models.ForeignKey(
        SurveyInvitation, on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(SurveyQuestion, on_delete=models.PROTECT, related_name="answers")
    score = models.PositiveSmallIntegerField(_("评分"), null=True, blank=True)
    text = models.TextField(_("意见"), blank=True)

    class Meta:
        verbose_name = _("问卷答案")
        verbose_name_plural = _("问卷答案")
        constraints = [
            models.UniqueConstraint(fields=["invitation", "question"], name="uniq_survey_answer"),
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__gte=1, score__lte=5),
                name="survey_score_1_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.invitation_id}:{self.question_id}"
