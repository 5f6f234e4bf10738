"""The branch dashboard and the bank view as tiles, tables and charts (issue 10 items 3–4).

Everything here is built from :class:`~pcrm.reports.figures.Figures`; no domain table
is read. Each tile and table row names the drill-down behind it (metric, dimension,
member of staff), which :mod:`pcrm.reports.drilldown` turns into the live list.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from pcrm.org.models import Branch
from pcrm.playbook.choices import Quadrant, Tier
from pcrm.reports.figures import Figures, Range, as_chart, branch_comparison, branch_flows, rate

NONE_LABEL = _("未分层")
TIER_LABELS: dict[str, Any] = {**dict(Tier.choices), "none": NONE_LABEL}
QUADRANT_LABELS: dict[str, Any] = {**dict(Quadrant.choices), "none": NONE_LABEL}
STAGE_LABELS = {
    "identified": _("已识别"),
    "contacted": _("已联系"),
    "proposed": _("已方案"),
    "won": _("已成交"),
}


@dataclass
class Tile:
    label: str | Promise
    value: float | None
    metric: str = ""
    dimension: str = ""
    unit: str | Promise = ""
    digits: int = 0
    note: str | Promise = ""
    href: str = ""

    @property
    def shown(self) -> str:
        if self.value is None:
            return "—"
        return f"{self.value:,.{self.digits}f}"


@dataclass
class Table:
    """A table of the page; ``drill`` of a row is (metric, dimension, staff id) or None."""

    key: str
    title: str | Promise
    columns: list[str | Promise]
    rows: list[list[Any]] = field(default_factory=list)
    drills: list[tuple[str, str, int | None] | None] = field(default_factory=list)
    hrefs: list[str] = field(default_factory=list)

    def linked_rows(self) -> list[tuple[str, list[Any]]]:
        return list(zip(self.hrefs or [""] * len(self.rows), self.rows, strict=False))


def _tile(fig: Figures, label: Any, metric: str, dim: str = "", **kw: Any) -> Tile:
    return Tile(label=label, value=fig.value(metric, dim), metric=metric, dimension=dim, **kw)


def goal_tiles(fig: Figures) -> list[Tile]:
    """The three goal figures (满意度, 忠诚度, 贡献度) and their companions."""
    tiles = [
        _tile(fig, _("投诉满意度（1–5）"), "satisfaction", digits=2),
        _tile(fig, _("忠诚度（0–100）"), "loyalty", "", digits=1),
        _tile(fig, _("贡献度：年收入估算（元）"), "income"),
        _tile(fig, _("客户数"), "customers"),
        _tile(fig, _("管理资产（元）"), "aum"),
        _tile(fig, _("12个月留存率"), "retention_rate", unit="%", digits=1),
    ]
    survey = _tile(fig, _("问卷满意度（1–5）"), "survey_satisfaction", digits=2)
    if survey.value is None:
        survey.note = _("该期间暂无问卷答复")
    tiles.insert(1, survey)
    return tiles


def _dim_table(fig: Figures, key: str, title: Any, kind: str, labels: dict[str, Any]) -> Table:
    table = Table(
        key=key,
        title=title,
        columns=[
            _("类别"),
            _("客户数"),
            _("管理资产（元）"),
            _("维护覆盖率（%）"),
            _("未覆盖客户"),
        ],
    )
    dims = [d for d in [*labels] if (f"customers_by_{kind}", d) in fig.series]
    for dim in dims:
        customers = fig.value(f"customers_by_{kind}", dim) or 0
        covered = fig.value(f"covered_by_{kind}", dim) or 0
        table.rows.append(
            [
                labels[dim],
                int(customers),
                round(fig.value(f"aum_by_{kind}", dim) or 0, 2),
                fig.value(f"coverage_by_{kind}", dim),
                int(customers - covered),
            ]
        )
        table.drills.append((f"customers_by_{kind}", dim, None))
    return table


def staff_table(fig: Figures) -> Table:
    """Work items per member of staff: created and completed in the range, overdue now."""
    table = Table(
        key="staff",
        title=_("员工工作完成情况"),
        columns=[
            _("员工"),
            _("新建"),
            _("完成"),
            _("逾期"),
            _("完成率（%）"),
            _("名下客户"),
            _("平均忠诚度"),
        ],
    )
    for staff_id, name in sorted(fig.staff_names.items(), key=lambda kv: kv[1]):
        created = fig.value("wi_created", staff=staff_id) or 0
        completed = fig.value("wi_completed", staff=staff_id) or 0
        loyalty = fig.value("loyalty", staff=staff_id)
        table.rows.append(
            [
                name,
                int(created),
                int(completed),
                int(fig.value("wi_overdue", staff=staff_id) or 0),
                rate(completed, created),
                int(fig.value("customers", staff=staff_id) or 0),
                round(loyalty, 1) if loyalty is not None else None,
            ]
        )
        table.drills.append(("wi_overdue", "", staff_id))
    return table


def section_tiles(fig: Figures) -> dict[str, list[Tile]]:
    created, completed = fig.value("wi_created"), fig.value("wi_completed")
    taken, passed = fig.value("exams_taken"), fig.value("exams_passed")
    decided, in_time = fig.value("complaints_decided"), fig.value("complaints_decided_in_time")
    return {
        "work": [
            _tile(fig, _("新建工作项"), "wi_created"),
            _tile(fig, _("已完成"), "wi_completed"),
            _tile(fig, _("逾期未办"), "wi_overdue"),
            Tile(label=_("完成率"), value=rate(completed, created), unit="%", digits=1),
        ],
        "acquisition": [
            _tile(fig, _("推荐"), "referrals"),
            _tile(fig, _("到店识别"), "walk_ins"),
            _tile(fig, _("红名单邀约"), "red_list_invites"),
            _tile(fig, _("转化为客户"), "conversions"),
            _tile(fig, _("推荐确立关系"), "referrals_established"),
            _tile(fig, _("推荐成交"), "referrals_sold"),
        ],
        "value": [
            _tile(fig, _("价值提升计划：正常"), "plans_on_track"),
            _tile(fig, _("价值提升计划：滞后"), "plans_off_track"),
            _tile(fig, _("价值提升计划：已完成"), "plans_done"),
            _tile(fig, _("管理资产增长（元）"), "aum_growth"),
        ],
        "complaints": [
            _tile(fig, _("处理中"), "complaints_open"),
            _tile(fig, _("3日内到期"), "complaints_due_soon"),
            _tile(fig, _("已超期"), "complaints_overdue"),
            _tile(fig, _("按时答复"), "complaints_decided_in_time"),
            Tile(label=_("按时答复率"), value=rate(in_time, decided), unit="%", digits=1),
        ],
        "retention": [
            _tile(fig, _("待挽回"), "winback_at_risk"),
            _tile(fig, _("已挽回"), "winback_restored"),
            _tile(fig, _("已流失"), "winback_lost"),
            _tile(fig, _("挽回资产（元）"), "aum_saved"),
        ],
        "training": [
            _tile(fig, _("参加考试"), "exams_taken"),
            _tile(fig, _("考试通过"), "exams_passed"),
            Tile(label=_("通过率"), value=rate(passed, taken), unit="%", digits=1),
        ],
    }


def charts(fig: Figures, span: Range) -> dict[str, Any]:
    """Chart.js data: goal trends, customers by tier over time, pipeline by stage."""
    days = span.days()
    tiers = [d for d in TIER_LABELS if ("customers_by_tier", d) in fig.series]
    stages = [s for s in STAGE_LABELS if ("opportunities", s) in fig.series]
    return {
        "goals": as_chart(
            days,
            [
                {"label": str(_("忠诚度")), "data": fig.trend("loyalty"), "drill": "loyalty"},
                {
                    "label": str(_("满意度×20")),
                    "data": [v * 20 if v else None for v in fig.trend("satisfaction")],
                    "drill": "satisfaction",
                },
            ],
        ),
        "tiers": as_chart(
            days,
            [
                {
                    "label": str(TIER_LABELS[t]),
                    "data": fig.trend("customers_by_tier", t),
                    "drill": "customers_by_tier",
                    "dimension": t,
                }
                for t in tiers
            ],
        ),
        "pipeline": as_chart(
            [str(STAGE_LABELS[s]) for s in stages],
            [
                {
                    "label": str(_("商机")),
                    "data": [fig.value("opportunities", s) for s in stages],
                    "drill": "opportunities",
                    "dimensions": stages,
                }
            ],
        ),
    }


def branch_page(fig: Figures, span: Range) -> dict[str, Any]:
    """Everything the branch dashboard shows."""
    return {
        "goals": goal_tiles(fig),
        "sections": section_tiles(fig),
        "tables": {
            "tiers": _dim_table(fig, "tiers", _("按客户等级"), "tier", TIER_LABELS),
            "quadrants": _dim_table(fig, "quadrants", _("按象限"), "quadrant", QUADRANT_LABELS),
            "staff": staff_table(fig),
        },
        "charts": charts(fig, span),
    }


COMPARED = ["customers", "aum", "loyalty", "retention_rate", "income", "satisfaction",
            "survey_satisfaction", "wi_overdue", "complaints_open", "complaints_overdue",
            "winback_at_risk"]  # fmt: skip
COMPARED_FLOWS = ["wi_created", "wi_completed"]


def comparison_table(span: Range, branches: list[Branch]) -> Table:
    """The bank view's table: one row per branch, the same figures side by side."""
    stocks = branch_comparison(day=span.end, metrics=COMPARED)
    flows = branch_flows(span=span, metrics=COMPARED_FLOWS)
    table = Table(
        key="branches",
        title=_("网点对比"),
        columns=[
            _("网点"),
            _("客户数"),
            _("管理资产（元）"),
            _("忠诚度"),
            _("留存率（%）"),
            _("收入估算（元）"),
            _("投诉满意度"),
            _("问卷满意度"),
            _("工作完成率（%）"),
            _("逾期工作项"),
            _("处理中投诉"),
            _("超期投诉"),
            _("待挽回"),
        ],
    )
    for branch in branches:
        s, f = stocks.get(branch.pk, {}), flows.get(branch.pk, {})
        if not s and not f:
            continue
        table.rows.append(
            [
                str(branch),
                int(s.get("customers", 0)),
                round(s.get("aum", 0), 2),
                _round(s.get("loyalty")),
                _round(s.get("retention_rate")),
                round(s.get("income", 0), 2),
                _round(s.get("satisfaction"), 2),
                _round(s.get("survey_satisfaction"), 2),
                rate(f.get("wi_completed"), f.get("wi_created")),
                int(s.get("wi_overdue", 0)),
                int(s.get("complaints_open", 0)),
                int(s.get("complaints_overdue", 0)),
                int(s.get("winback_at_risk", 0)),
            ]
        )
        table.drills.append(("branch", branch.code, None))
    return table


def _round(value: float | None, digits: int = 1) -> float | None:
    return round(value, digits) if value is not None else None


def comparison_chart(table: Table) -> dict[str, Any]:
    """AUM and loyalty per branch, side by side."""
    return as_chart(
        [row[0] for row in table.rows],
        [
            {
                "label": str(_("管理资产（万元）")),
                "data": [round(r[2] / 10000, 1) for r in table.rows],
            },
            {"label": str(_("忠诚度")), "data": [r[3] for r in table.rows]},
        ],
    )
