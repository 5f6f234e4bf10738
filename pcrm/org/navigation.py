"""The menu entries a role may see; roles.toml lists the keys per role."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavEntry:
    key: str
    label: str | Promise
    url_name: str


ENTRIES: dict[str, NavEntry] = {
    entry.key: entry
    for entry in [
        NavEntry("workbench", _("工作台"), "workbench:home"),
        NavEntry("book", _("名下客户"), "workbench:book"),
        NavEntry("worklist", _("工作清单"), "worklist:mine"),
        NavEntry("audit", _("审计日志"), "audit:events"),
        NavEntry("admin", _("系统配置"), "admin:index"),
    ]
}
