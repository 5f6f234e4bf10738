"""Churn management (DOMAIN §6): the trained model, the scores, and the win-back cases."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pcrm.lib.money import MoneyField


class ModelKind(models.TextChoices):
    LEARNED = "learned", _("机器学习模型")
    RULES = "rules", _("规则评分（历史不足）")


class ChurnModel(models.Model):
    """One training run: the fitted model (joblib bytes), its data window and held-out quality."""

    kind = models.CharField(_("类型"), max_length=8, choices=ModelKind.choices)
    trained_at = models.DateTimeField(_("训练时间"), auto_now_add=True)
    window_start = models.DateField(_("数据起始日"))
    window_end = models.DateField(_("数据截止日"))
    rows = models.PositiveIntegerField(_("样本数"), default=0)
    positives = models.PositiveIntegerField(_("流失样本数"), default=0)
    auc = models.FloatField(_("留出集AUC"), null=True, blank=True)
    top_precision = models.FloatField(_("前10%精确率"), null=True, blank=True)
    features = models.JSONField(_("特征"), default=list)
    coefficients = models.JSONField(_("系数"), default=dict)
    blob = models.BinaryField(_("模型"), blank=True, default=b"")

    class Meta:
        verbose_name = _("流失模型")
        verbose_name_plural = _("流失模型")
        ordering = ["-trained_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.trained_at:%Y-%m-%d}"


class RiskScore(models.Model):
    """A customer's latest churn score with its signals and top reasons (Chinese, with facts)."""

    customer = models.OneToOneField(
        "customers.Customer", on_delete=models.CASCADE, related_name="churn_risk"
    )
    model = models.ForeignKey(ChurnModel, null=True, on_delete=models.SET_NULL, related_name="+")
    scored_on = models.DateField(_("评分日"))
    score = models.FloatField(_("流失风险"), db_index=True)
    signals = models.JSONField(_("信号"), default=list)
    reasons = models.JSONField(_("主要原因"), default=list)
    aum_then = MoneyField(_("90天前资产"), default=0)

    class Meta:
        verbose_name = _("流失风险评分")
        verbose_name_plural = _("流失风险评分")

    def __str__(self) -> str:
        return f"{self.customer_id} {self.score:.2f}"


class CaseStatus(models.TextChoices):
    AT_RISK = "at_risk", _("待挽回")
    CONTACTED = "contacted", _("已联系")
    RESTORED = "restored", _("已挽回")
    LOST = "lost", _("已流失")


class WinBackCase(models.Model):
    """One month's win-back effort for an at-risk customer (pairs with a `win_back` work item)."""

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="win_back_cases"
    )
    branch = models.ForeignKey("org.Branch", on_delete=models.PROTECT, related_name="+")
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    subject = models.CharField(_("月份"), max_length=16)
    status = models.CharField(
        _("状态"), max_length=10, choices=CaseStatus.choices, default=CaseStatus.AT_RISK
    )
    score = models.FloatField(_("流失风险"))
    approach = models.CharField(_("建议方式"), max_length=200)
    reasons = models.JSONField(_("原因"), default=list)
    aum_at_risk = MoneyField(_("风险资产"), default=0)
    aum_saved = MoneyField(_("挽回资产"), default=0)
    opened_at = models.DateTimeField(_("建立时间"), auto_now_add=True)
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("挽回案例")
        verbose_name_plural = _("挽回案例")
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["customer", "subject"], name="uniq_win_back_month")
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.subject} {self.status}"


class WinBackAction(models.Model):
    """One recorded action (or outcome) on a win-back case."""

    case = models.ForeignKey(WinBackCase, on_delete=models.CASCADE, related_name="actions")
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    note = models.CharField(_("行动"), max_length=500)
    outcome = models.CharField(_("结果"), max_length=10, choices=CaseStatus.choices, blank=True)

    class Meta:
        verbose_name = _("挽回行动")
        verbose_name_plural = _("挽回行动")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.outcome or self.note[:20]}"
