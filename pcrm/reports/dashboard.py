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

from pcrm.acquisition.policy import referral as referral_policy
from pcrm.org.models import Branch
from pcrm.playbook.choices import Quadrant, Tier
from pcrm.reports.figures import Figures, Range, as_chart, branch_comparison, branch_flows, rate

NONE_LABEL = _("未分层")
TIER_LABELS: dict[str, Any] = {**dict(Tier.choices), "none": NONE_LABEL}
QUADRANT_LABELS: dict[str, Any] = {**dict(Quadrant.choices), "none": NONE_LABEL}
# Per-staff figures that put a member of staff in the work table.
WORK_METRICS = frozenset({"wi_created", "wi_completed", "wi_overdue", "wi_open", "customers"})
# The referrer credit table: one column per referral outcome, in funnel order.
REFERRER_COLUMNS = [
    ("referrals", _("推荐")),
    ("referrals_accepted", _("已接收")),
    ("referrals_contacted", _("已联系")),
    ("referrals_established", _("确立关系")),
    ("referrals_sold", _("成交产品")),
]
# Policy credit step → the figure counting it.
CREDIT_STEPS = [
    ("contacted", "referrals_contacted"),
    ("established", "referrals_established"),
    ("product_sold", "referrals_sold"),
]
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


Drill = tuple[str, str, int | None]  # metric, dimension, member of staff


@dataclass
class Table:
    """A table of the page. ``drills`` link a row's first cell to the list behind it;
    ``cell_drills`` link other cells (column index → drill) to theirs. The view turns
    both into addresses (``hrefs``, ``cell_hrefs``). ``pager``: the page of a live
    table that is paginated."""

    key: str
    title: str | Promise
    columns: list[str | Promise]
    rows: list[list[Any]] = field(default_factory=list)
    drills: list[Drill | None] = field(default_factory=list)
    hrefs: list[str] = field(default_factory=list)
    cell_drills: list[dict[int, Drill]] = field(default_factory=list)
    cell_hrefs: list[dict[int, str]] = field(default_factory=list)
    pager: Any = None
    empty: str | Promise = ""  # what an empty table says, when not "no snapshot yet"

    def linked_rows(self) -> list[list[tuple[Any, str]]]:
        """Each row as (cell, address or "") pairs."""
        linked = []
        for i, row in enumerate(self.rows):
            links = dict(self.cell_hrefs[i]) if i < len(self.cell_hrefs) else {}
            if i < len(self.hrefs) and self.hrefs[i]:
                links[0] = self.hrefs[i]
            linked.append([(cell, links.get(j, "")) for j, cell in enumerate(row)])
        return linked


def _tile(fig: Figures, label: Any, metric: str, dim: str = "", **kw: Any) -> Tile:
    return Tile(label=label, value=fig.value(metric, dim), metric=metric, dimension=dim, **kw)


def goal_tiles(fig: Figures) -> list[Tile]:
    """The three goal figures (满意度, 忠诚度, 贡献度) and their companions."""
    tiles = [
        _tile(fig, _("投诉满意度（1–5）"), "satisfaction", digits=2),
        _tile(fig, _("忠诚度（0–100）"), "loyalty", "", digits=1),
        _tile(fig, _("贡献度：年收入估算（元）"), "income"),
        _tile(fig, _("持有产品数"), "products"),
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
            _("管理资产（元）"),
            _("收入估算（元）"),
        ],
    )
    for staff_id, name in sorted(fig.staff_names.items(), key=lambda kv: kv[1]):
        if not any(metric in WORK_METRICS for metric, _dim in fig.staff[staff_id]):
            continue  # e.g. a teller who only referred customers
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
                round(fig.value("aum", staff=staff_id) or 0, 2),
                round(fig.value("income", staff=staff_id) or 0, 2),
            ]
        )
        table.drills.append(("wi_overdue", "", staff_id))
    return table


def referrer_table(fig: Figures) -> Table:
    """Referrer credit (推荐积分) per member of staff over the range: referrals made, and
    the outcomes that happened in the range, each drilling into its referrals; credit =
    the acquisition policy's points per outcome (contacted, established, product sold)."""
    points = referral_policy()["credit"]
    table = Table(
        key="referrers",
        title=_("推荐人积分"),
        columns=[_("推荐人"), *(label for _m, label in REFERRER_COLUMNS), _("积分")],
    )
    ranked = []
    for staff_id, name in fig.staff_names.items():
        counts = [int(fig.value(metric, staff=staff_id) or 0) for metric, _l in REFERRER_COLUMNS]
        if not any(counts):
            continue
        by_metric = dict(zip((m for m, _l in REFERRER_COLUMNS), counts, strict=True))
        credit = sum(int(points[step]) * by_metric[metric] for step, metric in CREDIT_STEPS)
        ranked.append((-credit, name, staff_id, counts, credit))
    for _neg, name, staff_id, counts, credit in sorted(ranked):
        table.rows.append([name, *counts, credit])
        table.drills.append(("referrals", "", staff_id))
        table.cell_drills.append(
            {i + 1: (metric, "", staff_id) for i, (metric, _l) in enumerate(REFERRER_COLUMNS)}
        )
    return table


def section_tiles(fig: Figures) -> dict[str, list[Tile]]:
    created, completed = fig.value("wi_created"), fig.value("wi_completed")
    taken, passed = fig.value("exams_taken"), fig.value("exams_passed")
    assigned, done = fig.value("training_assigned"), fig.value("training_completed")
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
            _tile(fig, _("执行中计划客户资产变化（元）"), "plans_aum_change"),
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
            _tile(fig, _("应完成考试（人次）"), "training_assigned"),
            _tile(fig, _("已完成考试（人次）"), "training_completed"),
            Tile(label=_("培训完成率"), value=rate(done, assigned), unit="%", digits=1),
            _tile(fig, _("参加考试"), "exams_taken"),
            _tile(fig, _("考试通过"), "exams_passed"),
            Tile(label=_("通过率"), value=rate(passed, taken), unit="%", digits=1),
        ],
    }


def _by_dimension(
    fig: Figures, days: list[Any], metric: str, labels: dict[str, Any], scale: float = 1.0
) -> dict[str, Any]:
    """One line per member of the dimension (tier, quadrant), each drilling into its list."""
    present = [d for d in labels if (metric, d) in fig.series]
    return as_chart(
        days,
        [
            {
                "label": str(labels[d]),
                "data": [round(v / scale, 1) if v is not None else None
                         for v in fig.trend(metric, d)],
                "drill": metric,
                "dimension": d,
            }
            for d in present
        ],
    )  # fmt: skip


def _times_20(values: list[float | None]) -> list[float | None]:
    """A 1–5 score on the 0–100 scale of loyalty, so both share one axis."""
    return [v * 20 if v else None for v in values]


def charts(fig: Figures, span: Range) -> dict[str, Any]:
    """Chart.js data: the three goals' trends (satisfaction, loyalty, contribution),
    customers and AUM by tier and quadrant over time, and the pipeline by stage."""
    days = span.days()
    stages = [s for s in STAGE_LABELS if ("opportunities", s) in fig.series]
    return {
        "goals": as_chart(
            days,
            [
                {"label": str(_("忠诚度")), "data": fig.trend("loyalty"), "drill": "loyalty"},
                {
                    "label": str(_("投诉满意度×20")),
                    "data": _times_20(fig.trend("satisfaction")),
                    "drill": "satisfaction",
                },
                {
                    "label": str(_("问卷满意度×20")),
                    "data": _times_20(fig.trend("survey_satisfaction")),
                    "drill": "survey_satisfaction",
                },
            ],
        ),
        "contribution": as_chart(
            days,
            [{"label": str(_("年收入估算（元）")), "data": fig.trend("income"), "drill": "income"}],
        ),
        "tiers": _by_dimension(fig, days, "customers_by_tier", TIER_LABELS),
        "aum_tiers": _by_dimension(fig, days, "aum_by_tier", TIER_LABELS, 10000),
        "quadrants": _by_dimension(fig, days, "customers_by_quadrant", QUADRANT_LABELS),
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
            "referrers": referrer_table(fig),
        },
        "charts": charts(fig, span),
    }


COMPARED = ["customers", "aum", "loyalty", "retention_rate", "income", "satisfaction",
            "survey_satisfaction", "wi_overdue", "complaints_open", "complaints_overdue",
            "winback_at_risk", "aum_growth", "plans_on_track", "plans_off_track",
            "training_assigned", "training_completed"]  # fmt: skip
COMPARED_FLOWS = ["wi_created", "wi_completed", "referrals", "conversions", "exams_taken",
                  "exams_passed"]  # fmt: skip


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
            _("管理资产增长（元）"),
            _("提升计划：正常"),
            _("提升计划：滞后"),
            _("推荐"),
            _("转化为客户"),
            _("考试通过率（%）"),
            _("培训完成率（%）"),
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
                round(s.get("aum_growth", 0), 2),
                int(s.get("plans_on_track", 0)),
                int(s.get("plans_off_track", 0)),
                int(f.get("referrals", 0)),
                int(f.get("conversions", 0)),
                rate(f.get("exams_passed"), f.get("exams_taken")),
                rate(s.get("training_completed"), s.get("training_assigned")),
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
