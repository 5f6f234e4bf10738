"""Value plans on the dashboards (issue 10 item 3: "value plans on track / off track and
their effect"), read live: one page of plans costs a fixed number of queries.

On/off track is the value app's rule (an action overdue, AUM progress behind the time
used, or the date passed with goals unmet), computed in bulk by
:func:`pcrm.value.selectors.plan_figures`; the nightly snapshot counts plans with the
same function, so a tile and the list behind it agree on the day it was taken.
Effect = AUM of the plan's customers now less the baseline taken when the plan started,
and the goal products they hold now against the baseline.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.core.paginator import Page, Paginator
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from pcrm.reports.dashboard import Table
from pcrm.value.models import ValuePlan
from pcrm.value.selectors import PlanFigures, active_plans, plan_figures

PLAN_METRICS = frozenset({"plans_on_track", "plans_off_track", "plans_aum_change"})
PAGE_SIZE = 20
CHUNK = 1000

COLUMNS: list[str | Promise] = [
    _("计划"), _("负责人"), _("客户数"), _("开始日期"), _("目标日期"), _("计划行动"),
    _("已完成行动"), _("逾期行动"), _("基线资产（元）"), _("当前资产（元）"),
    _("资产变化（元）"), _("资产目标进度（%）"), _("目标产品：基线"), _("目标产品：当前"),
    _("目标产品：目标"), _("进度"),
]  # fmt: skip


def _money(value: Decimal) -> float:
    return float(round(value, 2))


def plan_row(fig: PlanFigures) -> list[Any]:
    plan = fig.plan
    return [
        plan.title, plan.owner.name, fig.customers, plan.starts_on.isoformat(),
        plan.due_on.isoformat(), fig.actions_planned, fig.actions_done, fig.actions_overdue,
        _money(fig.aum_base), _money(fig.aum_now), _money(fig.aum_change),
        round(float(fig.aum_progress) * 100, 1), fig.products_base, fig.products_now,
        fig.products_goal, str(_("滞后") if fig.off_track else _("正常")),
    ]  # fmt: skip


def _table() -> Table:
    return Table(
        key="plans",
        title=_("价值提升计划：进度与效果（实时）"),
        columns=COLUMNS,
        empty=_("没有执行中的价值提升计划。"),
    )


def plan_table_page(*, branch_id: int | None, number: Any) -> tuple[Table, Page[ValuePlan]]:
    """One page of the active plans (of a branch, or the bank), each row linking to
    its plan; at most six queries whatever the page holds."""
    page = Paginator(active_plans(branch_id=branch_id), PAGE_SIZE).get_page(number)
    table = _table()
    for fig in plan_figures(list(page.object_list)):
        table.rows.append(plan_row(fig))
        table.hrefs.append(reverse("value:plan", args=[fig.plan.pk]))
    return table, page


def scoped_figures(*, branch_id: int | None, owner_id: int | None) -> Iterator[PlanFigures]:
    """Every active plan of the scope with its figures, a chunk at a time."""
    plans = active_plans(branch_id=branch_id)
    if owner_id is not None:
        plans = plans.filter(owner_id=owner_id)
    last = 0
    while True:
        chunk = list(plans.filter(pk__gt=last).order_by("pk")[:CHUNK])
        if not chunk:
            return
        last = chunk[-1].pk
        yield from plan_figures(chunk)


def plan_table_all(*, branch_id: int | None) -> Table:
    """Every active plan of the scope (the XLSX export)."""
    table = _table()
    table.rows = [plan_row(f) for f in scoped_figures(branch_id=branch_id, owner_id=None)]
    return table


def plan_drill_rows(*, metric: str, branch_id: int | None, owner_id: int | None) -> list[list[Any]]:
    """The plans behind a plan tile: on track, off track, or (AUM change) all active."""
    rows = []
    for fig in scoped_figures(branch_id=branch_id, owner_id=owner_id):
        if metric == "plans_on_track" and fig.off_track:
            continue
        if metric == "plans_off_track" and not fig.off_track:
            continue
        rows.append(plan_row(fig))
    return rows
