from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from pcrm.org.navigation import ENTRIES
from pcrm.org.roles import rule_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Menu entries for the signed-in member of staff, by role."""
    rule = rule_for(getattr(request, "user", None))
    items = []
    for key in rule.nav if rule else ():
        entry = ENTRIES.get(key)
        if entry is None:
            continue
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:
            continue
        items.append({"key": key, "label": entry.label, "url": url, "active": False})
    # Highlight only the most specific entry the current path is under.
    under = [i for i in items if request.path.startswith(str(i["url"])) and i["url"] != "/"]
    if under:
        max(under, key=lambda i: len(str(i["url"])))["active"] = True
    return {"nav_items": items, "role_rule": rule, "bank_name": settings.UNFOLD["SITE_TITLE"]}
