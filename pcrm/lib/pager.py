"""The ``pager`` template library: page links that keep the list's other filters.

Used by ``templates/includes/pager.html``; every paginated list renders its pager
through that include, so filters (status, tab, date range, scope …) survive paging
without each template spelling them out.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.http import QueryDict

register = template.Library()


@register.simple_tag(takes_context=True)
def page_url(context: dict[str, Any], number: int, param: str = "page") -> str:
    """``?<the current query with param=number>``."""
    query: QueryDict = context["request"].GET.copy()
    query[param] = str(number)
    return "?" + query.urlencode()
