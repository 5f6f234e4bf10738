"""The live list behind a tile (issue 10 item 5), with the same definition as its figure.

Customer figures re-run the loyalty query for the scope; the other figures filter the
model of their :class:`~pcrm.playbook.snapshot_sources.Source` with the same filter
(a flow over a range: the filters of each day, OR-ed). Names are always masked.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import QuerySet
from django.http import Http404
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from pcrm.customers.models import Customer
from pcrm.lib.masking import mask_name
from pcrm.org.models import Branch, Staff
from pcrm.playbook.loyalty import COLUMNS, scores_sql
from pcrm.playbook.snapshot_sources import (
    SOURCE_BY_METRIC,
    TRAINING_METRICS,
    Source,
    training_pairs,
)
from pcrm.reports.figures import FLOWS, Range
from pcrm.reports.plans import COLUMNS as PLAN_COLUMNS
from pcrm.reports.plans import PLAN_METRICS, plan_drill_rows
from pcrm.training.models import Paper

CUSTOMER_METRICS = {
    "customers", "aum", "loyalty", "income", "retention_rate", "aum_growth", "products",
}  # fmt: skip
BY_DIMENSION = {
    "customers_by_tier": ("tier", None),
    "aum_by_tier": ("tier", None),
    "coverage_by_tier": ("tier", 0),
    "uncovered_by_tier": ("tier", 0),
    "customers_by_quadrant": ("quadrant", None),
    "aum_by_quadrant": ("quadrant", None),
    "coverage_by_quadrant": ("quadrant", 0),
    "uncovered_by_quadrant": ("quadrant", 0),
}

CUSTOMER_COLUMNS: list[str | Promise] = [
    _("客户号"), _("姓名"), _("客户经理"), _("等级"), _("象限"), _("管理资产（元）"),
    _("忠诚度"), _("收入估算（元）"), _("持有产品数"), _("资产净流入（元）"),
]  # fmt: skip
MODEL_COLUMNS: dict[str, list[tuple[str | Promise, str]]] = {
    "workitem": [(_("客户号"), "customer.customer_no"), (_("类型"), "kind"),
                 (_("负责人"), "staff.name"), (_("应办日期"), "due_on"), (_("状态"), "status")],
    "referral": [(_("推荐时间"), "created_at"), (_("推荐人"), "referrer.name"),
                 (_("接收人"), "target.name"), (_("状态"), "status")],
    "swipe": [(_("刷卡时间"), "swiped_at"), (_("客户号"), "customer.customer_no")],
    "prospect": [(_("登记时间"), "created_at"), (_("成为客户时间"), "converted_at"),
                 (_("客户号"), "customer.customer_no")],
    "valueplan": [(_("计划"), "title"), (_("负责人"), "owner.name"),
                  (_("开始日期"), "starts_on"), (_("目标日期"), "due_on"), (_("状态"), "status")],
    "opportunity": [(_("客户号"), "customer.customer_no"), (_("负责人"), "owner.name"),
                    (_("阶段"), "stage")],
    "complaintcase": [(_("投诉编号"), "case_no"), (_("受理时间"), "received_at"),
                      (_("承诺答复时间"), "reply_due_at"), (_("状态"), "status"),
                      (_("满意度"), "satisfaction")],
    "surveyinvitation": [(_("答复时间"), "answered_at"), (_("客户号"), "customer.customer_no"),
                         (_("客户经理"), "manager.name"), (_("总体满意度"), "overall")],
    "winbackcase": [(_("客户号"), "customer.customer_no"), (_("月份"), "subject"),
                    (_("状态"), "status"), (_("挽回资产"), "aum_saved")],
    "attempt": [(_("员工"), "staff.name"), (_("交卷时间"), "submitted_at"),
                (_("得分"), "score"), (_("及格"), "passed")],
}  # fmt: skip


@dataclass(frozen=True)
class Scope:
    """Whose list: a branch (None: the bank), optionally one member of staff."""

    branch: Branch | None
    staff_id: int | None
    span: Range


@dataclass
class Page:
    columns: list[str | Promise]
    rows: list[list[Any]]
    total: int


def _value(obj: Any, path: str) -> Any:
    *heads, last = path.split(".")
    for head in heads:
        obj = getattr(obj, head, None)
        if obj is None:
            return None
    display = getattr(obj, f"get_{last}_display", None)
    value = display() if callable(display) else getattr(obj, last, None)
    if isinstance(value, dt.datetime):
        return value.astimezone().strftime("%Y-%m-%d %H:%M")
    return str(value) if isinstance(value, Promise) else value


# Customer figures -----------------------------------------------------------------


def _customer_where(scope: Scope, metric: str, dimension: str) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if scope.branch is not None:
        clauses.append("branch_id = %s")
        params.append(scope.branch.pk)
    if scope.staff_id is not None:
        clauses.append("manager_id = %s")
        params.append(scope.staff_id)
    if metric in BY_DIMENSION:
        column, covered = BY_DIMENSION[metric]
        clauses.append(f"{column} = %s")
        params.append("" if dimension == "none" else dimension)
        if covered is not None:
            clauses.append("covered = %s")
            params.append(covered)
    return " AND ".join(clauses) or "1 = 1", params


def _customer_rows(
    scope: Scope, metric: str, dimension: str, limit: int | None, offset: int
) -> tuple[int, list[list[Any]]]:
    inner, params = scores_sql(scope.span.end)
    where, where_params = _customer_where(scope, metric, dimension)
    base = f"FROM ({inner}) scored WHERE {where}"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) {base}", [*params, *where_params])
        total = int(cursor.fetchone()[0])
        page_sql = f"SELECT * {base} ORDER BY aum DESC, customer_id"
        page_params = [*params, *where_params]
        if limit is not None:
            page_sql += " LIMIT %s OFFSET %s"
            page_params += [limit, offset]
        cursor.execute(page_sql, page_params)
        scored = [dict(zip(COLUMNS, row, strict=False)) for row in cursor.fetchall()]
    customers = (
        Customer.objects.filter(pk__in=[s["customer_id"] for s in scored])
        .select_related("manager")
        .only("customer_no", "name", "manager__name")
    )
    by_id = {c.pk: c for c in customers}
    rows = []
    for s in scored:
        c = by_id[s["customer_id"]]
        rows.append([
            c.customer_no, mask_name(c.name), c.manager.name if c.manager else "",
            s["tier"], s["quadrant"], round(float(s["aum"] or 0), 2),
            round(float(s["loyalty"] or 0), 1), round(float(s["income"] or 0), 2),
            int(s["products"] or 0), round(float(s["growth"] or 0), 2),
        ])  # fmt: skip
    return total, rows


# Other figures ---------------------------------------------------------------------


def _source_queryset(source: Source, scope: Scope, dimension: str) -> QuerySet[Any]:
    if source.metric in FLOWS:
        where = functools.reduce(operator.or_, (source.where(d) for d in scope.span.days()))
    else:
        where = source.where(scope.span.end)
    qs = source.model._default_manager.filter(where)
    if scope.branch is not None:
        qs = qs.filter(**{source.branch: scope.branch.pk})
    if scope.staff_id is not None:
        if source.staff is None:
            raise Http404
        qs = qs.filter(**{source.staff: scope.staff_id})
    if source.dimension:
        qs = qs.filter(**{source.dimension: dimension})
    relations = [p.rsplit(".", 1)[0].replace(".", "__") for _l, p in _columns(source) if "." in p]
    if relations:
        qs = qs.select_related(*relations)
    return qs.order_by("-pk")


def _columns(source: Source) -> list[tuple[str | Promise, str]]:
    return MODEL_COLUMNS[source.model._meta.model_name or ""]


def drill_page(
    scope: Scope, metric: str, dimension: str, *, limit: int | None, offset: int = 0
) -> Page:
    """One page of the list behind ``metric`` (``limit`` None: every row, for export)."""
    if metric in CUSTOMER_METRICS or metric in BY_DIMENSION:
        if metric not in CUSTOMER_METRICS and not dimension:
            raise Http404
        total, rows = _customer_rows(scope, metric, dimension, limit, offset)
        return Page(columns=CUSTOMER_COLUMNS, rows=rows, total=total)
    if metric in TRAINING_METRICS:
        return _training_page(scope, metric, limit, offset)
    if metric in PLAN_METRICS:
        branch_id = scope.branch.pk if scope.branch else None
        rows = plan_drill_rows(metric=metric, branch_id=branch_id, owner_id=scope.staff_id)
        shown = rows if limit is None else rows[offset : offset + limit]
        return Page(columns=PLAN_COLUMNS, rows=shown, total=len(rows))
    source = SOURCE_BY_METRIC.get(metric)
    if source is None:
        raise Http404
    qs = _source_queryset(source, scope, dimension)
    columns = _columns(source)
    total = qs.count()
    window = qs if limit is None else qs[offset : offset + limit]
    rows = [[_value(obj, path) for _label, path in columns] for obj in _iterate(window, limit)]
    return Page(columns=[label for label, _p in columns], rows=rows, total=total)


TRAINING_COLUMNS: list[str | Promise] = [_("员工"), _("工号"), _("试卷"), _("已完成")]


def _training_page(scope: Scope, metric: str, limit: int | None, offset: int) -> Page:
    """The (staff, paper) pairs behind a training tile, as the snapshot counted them."""
    pairs = [
        p
        for p in training_pairs(scope.span.end)
        if p.branch_id is not None
        and (scope.branch is None or p.branch_id == scope.branch.pk)
        and (scope.staff_id is None or p.staff_id == scope.staff_id)
        and (metric == "training_assigned" or p.completed)
    ]
    shown = pairs if limit is None else pairs[offset : offset + limit]
    staff = {s.pk: s for s in Staff.objects.filter(pk__in={p.staff_id for p in shown})}
    papers = dict(
        Paper.objects.filter(pk__in={p.paper_id for p in shown}).values_list("pk", "name")
    )
    rows = [
        [staff[p.staff_id].name, staff[p.staff_id].staff_code, papers.get(p.paper_id, ""),
         str(_("是") if p.completed else _("否"))]
        for p in shown
    ]  # fmt: skip
    return Page(columns=TRAINING_COLUMNS, rows=rows, total=len(pairs))


def _iterate(qs: QuerySet[Any], limit: int | None) -> Iterator[Any]:
    return qs.iterator(chunk_size=2000) if limit is None else iter(qs)


def drillable(metric: str) -> bool:
    return (
        metric in CUSTOMER_METRICS
        or metric in BY_DIMENSION
        or metric in SOURCE_BY_METRIC
        or metric in PLAN_METRICS
        or metric in TRAINING_METRICS
    )


__all__ = ["Page", "Scope", "drill_page", "drillable"]
