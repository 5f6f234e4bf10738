"""The playbook's segment vocabulary: quadrants and tiers (DOMAIN §2)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Quadrant(models.TextChoices):
    CORE = "core", _("核心客户")
    LIFT = "lift", _("重点提升")
    KEEP = "keep", _("稳定维持")
    BASIC = "basic", _("基础维护")


class Tier(models.TextChoices):
    GOLD = "gold", _("金卡")
    PLATINUM = "platinum", _("白金")
    DIAMOND = "diamond", _("钻石")


class PotentialSignal(models.TextChoices):
    """The explainable signals behind an estimated growth potential (segments.sql)."""

    AUM_TREND = "aum_trend", _("近90天资产上升")
    LARGE_INFLOW = "large_inflow", _("有大额资金流入")
    PRODUCT_BREADTH = "product_breadth", _("持有多类产品")
    AGE_BAND = "age_band", _("处于高潜力年龄段")


class RunStatus(models.TextChoices):
    RUNNING = "running", _("运行中")
    SUCCEEDED = "succeeded", _("已完成")
    FAILED = "failed", _("失败")


class Engine(models.TextChoices):
    DUCKDB = "duckdb", _("DuckDB（内嵌）")
    SPARK = "spark", _("Spark")
