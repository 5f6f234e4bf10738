"""The marker of a generated demo bank: `pcrm demo` reuses it instead of generating twice."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DemoBank(models.Model):
    """One row per generated demo bank: the seed and size it was made from and what it holds."""

    seed = models.BigIntegerField(_("随机种子"))
    customers = models.PositiveIntegerField(_("客户数"))
    branches = models.PositiveSmallIntegerField(_("网点数"))
    as_of = models.DateField(_("生成基准日"))
    counts = models.JSONField(_("数据量"), default=dict)
    generated_at = models.DateTimeField(_("生成时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("演示银行")
        verbose_name_plural = _("演示银行")

    def __str__(self) -> str:
        return f"seed={self.seed} customers={self.customers}"
