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
        NavEntry("worklist_branch", _("网点工作"), "worklist:branch"),
        NavEntry("complaints", _("投诉处理"), "complaints:list"),
        NavEntry("sifting", _("建立关系"), "acquisition:sifting"),
        NavEntry("referrals", _("推荐客户"), "acquisition:referrals"),
        NavEntry("training", _("培训学习"), "training:home"),
        NavEntry("training_admin", _("培训管理"), "training:manage"),
        NavEntry("audit", _("审计日志"), "audit:events"),
        NavEntry("policy", _("营销策略"), "playbook:policy"),
        NavEntry("admin", _("系统配置"), "admin:index"),
        NavEntry("ingest", _("数据导入"), "ingest:home"),
        NavEntry("exports", _("数据导出"), "ingest:exports"),
        NavEntry("retention", _("客户挽回"), "retention:home"),
        NavEntry("opportunities", _("商机"), "value:pipeline"),
        NavEntry("value_plans", _("价值提升"), "value:plans"),
        NavEntry("events", _("客户活动"), "campaigns:events"),
        NavEntry("satisfaction", _("满意度"), "campaigns:satisfaction"),
        NavEntry("satisfaction_setup", _("满意度问卷"), "campaigns:satisfaction_setup"),
        NavEntry("reports", _("经营看板"), "reports:home"),
    ]
}
