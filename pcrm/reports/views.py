"""Branch dashboard, bank view, drill-down lists and their XLSX exports (thin views).

Figures come from the daily snapshots (pcrm.reports.figures); a drill-down list is
read live (pcrm.reports.drilldown). A branch the user may not see answers 404.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from pcrm.campaigns.surveys import may_see_results
from pcrm.org.models import Branch
from pcrm.reports.access import report_branch_get, report_branches_for, require_bank, sees_bank
from pcrm.reports.dashboard import Table, branch_page, comparison_chart, comparison_table
from pcrm.reports.drilldown import Scope, drill_page, drillable
from pcrm.reports.export import xlsx_response
from pcrm.reports.figures import Range, figures_for, latest_snapshot_day, range_for
from pcrm.reports.plans import plan_table_all, plan_table_page
from pcrm.reports.survey_tables import survey_table

PAGE_SIZE = 50


def _link(base: str, span: Range, metric: str, dim: str = "", staff: int | None = None) -> str:
    query = {"start": span.start.isoformat(), "end": span.end.isoformat()}
    if dim:
        query["dim"] = dim
    if staff:
        query["staff"] = str(staff)
    return f"{base}{metric}/?{urlencode(query)}"


def _link_page(page: dict[str, Any], base: str, span: Range) -> None:
    """Give every tile and table row the address of the list behind it."""
    tiles = [*page["goals"], *(t for group in page["sections"].values() for t in group)]
    for tile in tiles:
        if tile.metric and drillable(tile.metric):
            tile.href = _link(base, span, tile.metric, tile.dimension)
    for table in page["tables"].values():
        if table.drills:
            table.hrefs = [_link(base, span, *drill) if drill else "" for drill in table.drills]
        table.cell_hrefs = [
            {col: _link(base, span, *drill) for col, drill in cells.items()}
            for cells in table.cell_drills
        ]


def _with_plans(page: dict[str, Any], branch: Branch | None, request: HttpRequest) -> None:
    """Add the live, paginated table of active plans (each row opens its plan)."""
    table, pager = plan_table_page(
        branch_id=branch.pk if branch else None, number=request.GET.get("plans_page")
    )
    table.pager = pager
    page["tables"]["plans"] = table


def _day(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _span(request: HttpRequest) -> Range:
    return range_for(
        _day(request.GET.get("start")), _day(request.GET.get("end")), latest_snapshot_day()
    )


def _staff_id(request: HttpRequest) -> int | None:
    value = request.GET.get("staff", "")
    if not value:
        return None
    if not value.isdigit():
        raise Http404
    return int(value)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The bank view for management, else the user's own branch dashboard."""
    if sees_bank(request.user):
        return redirect("reports:bank")
    branches = report_branches_for(user=request.user)
    if not branches:
        raise Http404
    own_id = getattr(request.user, "branch_id", None)
    own = next((b for b in branches if b.pk == own_id), branches[0])
    return redirect("reports:branch", code=own.code)


@login_required
def branch_dashboard(request: HttpRequest, code: str) -> HttpResponse:
    """A branch's figures over a date range, with trends, each tile drilling down."""
    branch = report_branch_get(user=request.user, code=code)
    span = _span(request)
    page = branch_page(figures_for(branch=branch, span=span), span)
    _with_plans(page, branch, request)
    drill_base = reverse("reports:branch_drill", args=[branch.code, "_"])[:-2]
    _link_page(page, drill_base, span)
    context = {
        **page,
        "branch": branch,
        "branches": report_branches_for(user=request.user),
        "span": span,
        "base": reverse("reports:branch", args=[branch.code]),
        "drill_base": drill_base,
        "charts_json": page["charts"],
    }
    return render(request, "reports/branch.html", context)


@login_required
def bank_view(request: HttpRequest) -> HttpResponse:
    """The same figures for the bank, and the branches compared side by side."""
    require_bank(request.user)
    span = _span(request)
    fig = figures_for(branch=None, span=span, with_staff=False)
    page = branch_page(fig, span)
    _with_plans(page, None, request)
    branches = list(Branch.objects.order_by("code"))
    comparison = comparison_table(span, branches)
    drill_base = reverse("reports:bank_drill", args=["_"])[:-2]
    _link_page(page, drill_base, span)
    links = {b.code: reverse("reports:branch", args=[b.code]) for b in branches}
    comparison.hrefs = [
        f"{links[d[1]]}?start={span.start}&end={span.end}" if d else "" for d in comparison.drills
    ]
    chart = comparison_chart(comparison)
    for dataset in chart["datasets"]:
        dataset["links"] = comparison.hrefs
    context = {
        **page,
        "span": span,
        "comparison": comparison,
        "base": reverse("reports:bank"),
        "drill_base": drill_base,
        "charts_json": {**page["charts"], "branches": chart},
    }
    return render(request, "reports/bank.html", context)


def _drill(request: HttpRequest, branch: Branch | None, metric: str) -> HttpResponse:
    if not drillable(metric):
        raise Http404
    scope = Scope(branch=branch, staff_id=_staff_id(request), span=_span(request))
    dimension = request.GET.get("dim", "")
    if request.GET.get("format") == "xlsx":
        page = drill_page(scope, metric, dimension, limit=None)
        name = f"{branch.code if branch else 'bank'}-{metric}-{scope.span.end:%Y%m%d}"
        return xlsx_response(filename=name, title=metric, columns=page.columns, rows=page.rows)
    number = request.GET.get("page", "1")
    number_int = int(number) if number.isdigit() and int(number) > 0 else 1
    page = drill_page(
        scope, metric, dimension, limit=PAGE_SIZE, offset=(number_int - 1) * PAGE_SIZE
    )
    paginator = Paginator(range(page.total), PAGE_SIZE)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "branch": branch,
        "metric": metric,
        "dimension": dimension,
        "page": page,
        "pager": paginator.get_page(number_int),
        "span": scope.span,
        "query": query,
        "back": reverse("reports:branch", args=[branch.code])
        if branch
        else reverse("reports:bank"),
    }
    return render(request, "reports/drill.html", context)


@login_required
def branch_drill(request: HttpRequest, code: str, metric: str) -> HttpResponse:
    """The live list behind one of a branch's tiles (paginated, masked) or its XLSX."""
    return _drill(request, report_branch_get(user=request.user, code=code), metric)


@login_required
def bank_drill(request: HttpRequest, metric: str) -> HttpResponse:
    """The live list behind one of the bank's tiles."""
    require_bank(request.user)
    return _drill(request, None, metric)


def _table_response(table: Table, name: str) -> HttpResponse:
    return xlsx_response(
        filename=name, title=str(table.title), columns=table.columns, rows=table.rows
    )


@login_required
def branch_table_export(request: HttpRequest, code: str, key: str) -> HttpResponse:
    """One table of the branch dashboard as XLSX."""
    branch = report_branch_get(user=request.user, code=code)
    span = _span(request)
    if key == "plans":
        return _table_response(plan_table_all(branch_id=branch.pk), f"{branch.code}-plans")
    tables: dict[str, Table] = branch_page(figures_for(branch=branch, span=span), span)["tables"]
    if key not in tables:
        raise Http404
    return _table_response(tables[key], f"{branch.code}-{key}-{span.end:%Y%m%d}")


@login_required
def bank_table_export(request: HttpRequest, key: str) -> HttpResponse:
    """The bank view's tables as XLSX (the comparison and the bank-wide tables)."""
    require_bank(request.user)
    span = _span(request)
    if key == "branches":
        table = comparison_table(span, list(Branch.objects.order_by("code")))
    elif key == "plans":
        table = plan_table_all(branch_id=None)
    else:
        fig = figures_for(branch=None, span=span, with_staff=False)
        tables: dict[str, Table] = branch_page(fig, span)["tables"]
        if key not in tables:
            raise Http404
        table = tables[key]
    return _table_response(table, f"bank-{key}-{span.end:%Y%m%d}")


@login_required
def satisfaction_table_export(request: HttpRequest, key: str) -> HttpResponse:
    """A table of the satisfaction results page as XLSX, with the page's filters (the
    query string) and its scope; 404 for roles without results."""
    if not may_see_results(request.user):
        raise Http404
    table = survey_table(user=request.user, params=request.GET, key=key)
    if table is None:
        raise Http404
    return _table_response(table, f"satisfaction-{key}-{timezone.localdate():%Y%m%d}")
