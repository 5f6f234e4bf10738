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


class RunStatus(models.TextChoices):
    RUNNING = "running", _("运行中")
    SUCCEEDED = "succeeded", _("已完成")
    FAILED = "failed", _("失败")


class Engine(models.TextChoices):
    DUCKDB = "duckdb", _("DuckDB（内嵌）")
    SPARK = "spark", _("Spark")
