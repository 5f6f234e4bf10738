"""The playbook's data: customer segments, policy versions, runs and calendar overrides."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pcrm.lib.money import MoneyField
from pcrm.playbook.choices import Engine, PotentialSignal, Quadrant, RunStatus, Tier


class CustomerSegment(models.Model):
    """The segments of the latest run, per customer.

    The nightly run writes up to one row per customer in bulk, so the foreign key is not
    enforced by the database (``db_constraint=False``): its deferred per-row check ran at
    commit, once per new segment, and cost more than writing the rows. Deletes still
    cascade through the ORM; customers are never deleted outside it, and the run writes
    only customer ids it has just read.
    """

    customer = models.OneToOneField(
        "customers.Customer",
        primary_key=True,
        related_name="segment",
        on_delete=models.CASCADE,
        db_constraint=False,
        verbose_name=_("客户"),
    )
    as_of = models.DateField(_("计算日期"))
    aum = MoneyField(_("管理资产"))
    potential = models.PositiveSmallIntegerField(_("增长潜力"))
    potential_estimated = models.BooleanField(_("潜力为估算"), default=False)
    quadrant = models.CharField(_("象限"), max_length=8, choices=Quadrant.choices)
    tier = models.CharField(_("客户等级"), max_length=10, choices=Tier.choices, blank=True)
    tier_since = models.DateField(_("等级起始日"), null=True, blank=True)
    interval_days = models.PositiveSmallIntegerField(_("维护周期（天）"))
    last_reached_on = models.DateField(_("最近联系上"), null=True, blank=True)
    next_maintenance_on = models.DateField(_("下次维护日"), null=True, blank=True)
    explanation = models.JSONField(_("说明"), default=dict, blank=True)
    policy_version = models.PositiveIntegerField(_("策略版本"))
    # First day AUM was seen below the current tier's floor (for the slow downgrade).
    below_floor_since = models.DateField(_("低于等级门槛起始日"), null=True, blank=True)

    class Meta:
        verbose_name = _("客户分层")
        verbose_name_plural = _("客户分层")

    def __str__(self) -> str:
        return f"{self.customer_id} {self.quadrant} {self.tier}"

    def potential_signal_labels(self) -> list[str]:
        """The signals behind an estimated potential, in words (unknown codes as they are)."""
        labels = dict(PotentialSignal.choices)
        return [
            str(labels.get(code, code)) for code in self.explanation.get("potential_signals", [])
        ]


class Policy(models.Model):
    """One version of the playbook policy document; exactly one version is active."""

    version = models.PositiveIntegerField(_("版本"), unique=True)
    document = models.JSONField(_("策略内容"))
    active = models.BooleanField(_("生效"), default=False)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("创建人"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("营销策略")
        verbose_name_plural = _("营销策略")
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"v{self.version}"


class PlaybookRun(models.Model):
    """One run of the engine for an as-of date: what it used, produced and how long it took."""

    as_of = models.DateField(_("计算日期"))
    engine = models.CharField(_("引擎"), max_length=10, choices=Engine.choices)
    policy_version = models.PositiveIntegerField(_("策略版本"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=RunStatus.choices, default=RunStatus.RUNNING
    )
    counts = models.JSONField(_("各类工作项数"), default=dict, blank=True)
    segments = models.PositiveIntegerField(_("分层客户数"), default=0)
    read_seconds = models.FloatField(_("读取耗时"), default=0)
    compute_seconds = models.FloatField(_("计算耗时"), default=0)
    write_seconds = models.FloatField(_("写入耗时"), default=0)
    error = models.TextField(_("错误"), blank=True)
    started_at = models.DateTimeField(_("开始时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("策略运行")
        verbose_name_plural = _("策略运行")
        ordering = ["-started_at"]
        constraints = [
            # Two overlapping runs cannot both write: only one row may be running.
            models.UniqueConstraint(
                fields=["status"],
                condition=models.Q(status="running"),
                name="playbook_one_running_run",
            )
        ]

    def __str__(self) -> str:
        return f"{self.as_of} {self.engine} {self.status}"


class WorkingDayOverride(models.Model):
    """An official working/rest day the admin sets (years chinesecalendar does not cover)."""

    day = models.DateField(_("日期"), unique=True)
    is_working_day = models.BooleanField(_("工作日"))
    name = models.CharField(_("名称"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("工作日调整")
        verbose_name_plural = _("工作日调整")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day} {'班' if self.is_working_day else '休'}"


class DailySnapshot(models.Model):
    """One figure of one day for a branch (or the bank when ``branch`` is empty) and
    optionally one member of staff, written by the nightly run (issue 10); the
    dashboards read only these rows. Re-taking a day replaces all its rows in one
    transaction (bank-level rows have NULLs, which a unique constraint cannot catch)."""

    as_of = models.DateField(_("日期"))
    branch = models.ForeignKey(
        "org.Branch",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("网点"),
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("员工"),
    )
    metric = models.CharField(_("指标"), max_length=40)
    dimension = models.CharField(_("维度"), max_length=40, blank=True, default="")
    value = models.FloatField(_("数值"))

    class Meta:
        verbose_name = _("每日快照")
        verbose_name_plural = _("每日快照")
        constraints = [
            models.UniqueConstraint(
                fields=["as_of", "branch", "staff", "metric", "dimension"],
                name="playbook_snapshot_unique",
            )
        ]
        indexes = [models.Index(fields=["branch", "metric", "as_of"])]

    def __str__(self) -> str:
        return f"{self.as_of} {self.branch_id} {self.staff_id} {self.metric}:{self.dimension}"
