"""The auditors' page over the audit trail (data there is already masked)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from pcrm.audit.access import has_capability
from pcrm.audit.forms import AuditFilterForm
from pcrm.audit.selectors import audit_event_page

# Rows per page: a display choice, not a business rule.
PAGE_SIZE = 50


def _cursor(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@login_required
def events(request: HttpRequest) -> HttpResponse:
    """Filter the audit trail; 404 for roles without ``audit.read``."""
    if not has_capability(request.user, "audit.read"):
        raise Http404
    form = AuditFilterForm(request.GET)
    page = audit_event_page(
        filters=form.filters(),
        size=PAGE_SIZE,
        before=_cursor(request.GET.get("before")),
        after=_cursor(request.GET.get("after")),
    )
    params = request.GET.copy()
    for key in ("before", "after"):
        params.pop(key, None)
    context = {"form": form, "page": page, "query_string": params.urlencode()}
    return render(request, "audit/events.html", context)
