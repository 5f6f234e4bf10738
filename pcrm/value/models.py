"""Opportunities (商机) and saved wealth diagnoses (财富诊断)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pcrm.lib.money import MoneyField


class Stage(models.TextChoices):
    IDENTIFIED = "identified", _("已识别")
    CONTACTED = "contacted", _("已联系")
    PROPOSED = "proposed", _("已方案")
    WON = "won", _("已成交")
    LOST = "lost", _("已流失")


OPEN_STAGES = (Stage.IDENTIFIED, Stage.CONTACTED, Stage.PROPOSED)
# The forward order of the open stages; won/lost close an opportunity.
STAGE_ORDER = (Stage.IDENTIFIED, Stage.CONTACTED, Stage.PROPOSED, Stage.WON)


class Source(models.TextChoices):
    MATURITY = "maturity", _("产品到期")
    LARGE_INFLOW = "large_inflow", _("大额资金流入")
    IDLE_DEPOSIT = "idle_deposit", _("活期资金闲置")
    LIFT = "lift", _("高潜力低资产")
    REFERRAL = "referral", _("推荐")
    WALK_IN = "walk_in", _("到店")
    EVENT = "event", _("客户活动")
    COMPLAINT = "complaint", _("投诉")
    DIAGNOSIS = "diagnosis", _("财富诊断")
    RECOMMENDATION = "recommendation", _("交叉销售")


class Opportunity(models.Model):
    """A chance to sell a product to a customer, followed through its stages.

    ``signal_key`` identifies an automatically suggested opportunity so that suggesting
    twice does not duplicate it."""

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="opportunities"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="opportunities",
        verbose_name=_("负责人"),
    )
    branch = models.ForeignKey("org.Branch", on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey(
        "customers.Product",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("产品"),
    )
    amount = MoneyField(_("金额"), default=0)
    source = models.CharField(_("来源"), max_length=16, choices=Source.choices)
    stage = models.CharField(
        _("阶段"), max_length=12, choices=Stage.choices, default=Stage.IDENTIFIED, db_index=True
    )
    note = models.TextField(_("说明"), blank=True)
    lost_reason = models.CharField(_("流失原因"), max_length=200, blank=True)
    signal_key = models.CharField(_("信号标识"), max_length=120, blank=True)
    # The customer event (campaigns) the opportunity came from; the event's results count it.
    # A reference by model label only: value never imports campaigns (same layer).
    event = models.ForeignKey(
        "campaigns.CustomerEvent",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("来源活动"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("商机")
        verbose_name_plural = _("商机")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["owner", "stage"]),
            models.Index(fields=["branch", "stage"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "signal_key"],
                condition=~models.Q(signal_key=""),
                name="uniq_opportunity_signal",
            )
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.get_stage_display()}"


class Diagnosis(models.Model):
    """A saved wealth diagnosis: the computed report as a JSON snapshot (masked data only),
    kept so later diagnoses can be compared."""

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="diagnoses"
    )
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    made_on = models.DateField(_("诊断日期"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    snapshot = models.JSONField(_("诊断快照"))

    class Meta:
        verbose_name = _("财富诊断")
        verbose_name_plural = _("财富诊断")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.made_on}"


class PlanStatus(models.TextChoices):
    ACTIVE = "active", _("执行中")
    DONE = "done", _("已完成")
    CANCELLED = "cancelled", _("已取消")


class ValuePlan(models.Model):
    """A value-enhancement plan (客户价值提升计划) for one customer or a group.

    Goals are targets; progress and effect are computed from actions and current data
    against ``baseline`` (taken at start), never typed in."""

    title = models.CharField(_("计划名称"), max_length=120)
    branch = models.ForeignKey("org.Branch", on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("负责人"),
    )
    customers = models.ManyToManyField("customers.Customer", related_name="value_plans")
    goal_aum = MoneyField(_("目标资产规模"), default=0)
    goal_tier = models.CharField(_("目标等级"), max_length=16, blank=True)
    goal_products = models.ManyToManyField(
        "customers.Product", blank=True, related_name="+", verbose_name=_("目标新增产品")
    )
    starts_on = models.DateField(_("开始日期"))
    due_on = models.DateField(_("目标日期"))
    baseline = models.JSONField(_("基线快照"), default=dict)
    status = models.CharField(
        _("状态"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.ACTIVE
    )
    next_review_on = models.DateField(_("下次检视"), null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("价值提升计划")
        verbose_name_plural = _("价值提升计划")
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.title


class PlanAction(models.Model):
    """One planned action with an owner and a date; ``done_on`` is set when it is done."""

    plan = models.ForeignKey(ValuePlan, on_delete=models.CASCADE, related_name="actions")
    title = models.CharField(_("行动"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("负责人"),
    )
    due_on = models.DateField(_("计划日期"))
    done_on = models.DateField(_("完成日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("计划行动")
        verbose_name_plural = _("计划行动")
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.title


class PlanComment(models.Model):
    """A review comment on a plan (by the branch head or the owner)."""

    plan = models.ForeignKey(ValuePlan, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("意见"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("计划检视意见")
        verbose_name_plural = _("计划检视意见")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.plan_id} {self.created_at:%Y-%m-%d}"
