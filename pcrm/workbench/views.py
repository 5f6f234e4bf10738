"""The workbench home and "my book" (名下客户). Thin: parse, one selector, render."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse

from pcrm.customers.models import Customer
from pcrm.lib.masking import mask_free_text, mask_name
from pcrm.org.roles import rule_for, sees_full_identity
from pcrm.playbook.models import CustomerSegment
from pcrm.training.selectors import review_due_count_for
from pcrm.workbench.forms import BookFilterForm
from pcrm.workbench.selectors import book_page_for, segment_of, work_counts_for


def display_name(customer: Customer, *, full: bool) -> str:
    """The name as this role may see it: in full, or surname only."""
    return customer.name if full else mask_name(customer.name)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Greeting, today's and overdue work counts, quick search into the book."""
    rule = rule_for(request.user)
    has_book = bool(rule and rule.customer_scope != "none")
    worklist_url = ""
    if rule and "worklist" in rule.nav:
        try:
            worklist_url = reverse("worklist:mine")
        except NoReverseMatch:  # the work-list pages are another feature; link when present
            worklist_url = ""
    context = {
        "counts": work_counts_for(user=request.user),
        "worklist_url": worklist_url,
        "has_book": has_book,
        "reviews_due": review_due_count_for(user=request.user),
    }
    return render(request, "workbench/home.html", context)


@dataclass
class BookRow:
    """A row of the book as the role may see it."""

    customer: Customer
    name: str
    segment: CustomerSegment | None


# The search box posts; an ID or phone number typed into it is kept in the session and
# the URL carries this marker instead, so a clear value never reaches a URL, the
# browser history or an access log.
PRIVATE_QUERY = "*"
SESSION_KEY = "book_private_query"


@login_required
def book(request: HttpRequest) -> HttpResponse:
    """名下客户: the customers the user may see, filtered, searched, keyset-paginated."""
    if request.method == "POST":
        return _search_redirect(request)
    data = request.GET.copy()
    private = data.get("q") == PRIVATE_QUERY
    if private:
        data["q"] = request.session.get(SESSION_KEY, "")
    form = BookFilterForm(data)
    page = book_page_for(
        user=request.user,
        filters=form.filters(),
        after=request.GET.get("after", "")[:32],
        before=request.GET.get("before", "")[:32],
    )
    if private:
        data["q"] = mask_free_text(str(data["q"]))
        form = BookFilterForm(data)
    full = sees_full_identity(request.user)
    rows = [
        BookRow(customer=c, name=display_name(c, full=full), segment=segment_of(c))
        for c in page.rows
    ]
    context: dict[str, Any] = {
        "form": form,
        "rows": rows,
        "page": page,
        "full": full,
        "query_string": _without_cursor(request),
        "filtered": any(v for k, v in request.GET.items() if k not in {"after", "before"}),
    }
    return render(request, "workbench/book.html", context)


def _search_redirect(request: HttpRequest) -> HttpResponse:
    params = request.POST.copy()
    for key in ("csrfmiddlewaretoken", "after", "before"):
        params.pop(key, None)
    query = params.get("q", "").strip()
    kept = request.session.get(SESSION_KEY, "")
    if query and kept and query == mask_free_text(kept):
        params["q"] = PRIVATE_QUERY  # the masked echo of the kept query: keep searching it
    elif mask_free_text(query) != query:
        request.session[SESSION_KEY] = query
        params["q"] = PRIVATE_QUERY
    return redirect(f"{reverse('workbench:book')}?{params.urlencode()}")


def _without_cursor(request: HttpRequest) -> str:
    params = request.GET.copy()
    for key in ("after", "before"):
        params.pop(key, None)
    return params.urlencode()
