"""The satisfaction-survey results page's tables as XLSX (issue 10 items 1 and 5).

The campaigns layer may not import the reports layer, so the exports live here and
read the results through the same selectors as the page (same filters, same scope).
Customer names are masked; free-text comments are not exported.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pcrm.campaigns.surveys import (
    answer_row,
    survey_answered,
    survey_invitations_filtered,
    survey_results,
)
from pcrm.reports.dashboard import Table

GROUP_TABLES = {
    "tier": ("by_tier", _("客户等级")),
    "quadrant": ("by_quadrant", _("客户象限")),
    "branch": ("by_branch", _("网点")),
    "staff": ("by_staff", _("客户经理")),
}
SURVEY_TABLES = (*GROUP_TABLES, "aspects", "distribution", "answers")


def survey_table(*, user: Any, params: Mapping[str, str], key: str) -> Table | None:
    """One results table for the user's invitations filtered by ``params``; None for an
    unknown key."""
    qs, _chosen = survey_invitations_filtered(user=user, params=params)
    if key == "answers":
        return _answers(qs)
    if key not in SURVEY_TABLES:
        return None
    results = survey_results(qs)
    if key in GROUP_TABLES:
        group, title = GROUP_TABLES[key]
        table = Table(key=key, title=title, columns=[title, _("答卷数"), _("平均分")])
        table.rows = [[str(r["label"]), r["n"], r["avg"]] for r in results[group]]
    elif key == "aspects":
        table = Table(key=key, title=_("服务方面平均分"),
                      columns=[_("服务方面"), _("答卷数"), _("平均分")])  # fmt: skip
        table.rows = [[r["label"], r["n"], r["avg"]] for r in results["aspects"]]
    else:
        table = Table(key=key, title=_("总体评分分布"), columns=[_("总体评分"), _("答卷数")])
        table.rows = [[score, n] for score, n in results["distribution"]]
    return table


def _answers(qs: Any) -> Table:
    table = Table(
        key="answers",
        title=_("答卷"),
        columns=[_("客户"), _("等级"), _("象限"), _("网点"), _("客户经理"), _("场景"),
                 _("总体"), _("答复时间")],
    )  # fmt: skip
    for inv in survey_answered(qs).iterator(chunk_size=2000):
        r = answer_row(inv)
        at = timezone.localtime(r["answered_at"]).strftime("%Y-%m-%d %H:%M")
        table.rows.append([r["name"], str(r["tier"]), str(r["quadrant"]), r["branch"],
                           r["staff"], str(r["trigger"]), r["overall"], at])  # fmt: skip
    return table
