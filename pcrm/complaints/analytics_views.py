"""The complaint analytics page (branch heads and auditors with a report capability)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from pcrm.complaints.analytics import complaint_figures
from pcrm.complaints.selectors import complaint_list_for
from pcrm.org.roles import can


@login_required
def analytics(request: HttpRequest) -> HttpResponse:
    if not (can(request.user, "report.branch") or can(request.user, "report.bank")):
        raise PermissionDenied
    figures = complaint_figures(complaint_list_for(user=request.user))
    chart = {
        "labels": [label for label, _n in figures.by_category],
        "counts": [n for _label, n in figures.by_category],
    }
    return render(request, "complaints/analytics.html", {"figures": figures, "chart": chart})
