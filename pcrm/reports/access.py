"""Who may see which report (roles.toml): a branch head sees the dashboards of their
branch and its sub-branches (``report.branch``); holders of ``report.bank`` see the
bank view and every branch. Anything else answers 404, as a hidden record does."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from pcrm.org.models import Branch
from pcrm.org.roles import can, rule_for
from pcrm.org.selectors import branch_subtree_ids


def sees_bank(user: Any) -> bool:
    return can(user, "report.bank")


def report_branches_for(*, user: Any) -> list[Branch]:
    """The branches whose dashboard the user may open (empty: none)."""
    if sees_bank(user):
        return list(Branch.objects.order_by("code"))
    rule = rule_for(user)
    if not can(user, "report.branch") or rule is None or rule.customer_scope != "branch":
        return []
    if not user.branch_id:
        return []
    ids = branch_subtree_ids(branch_id=user.branch_id)
    return list(Branch.objects.filter(id__in=ids).order_by("code"))


def report_branch_get(*, user: Any, code: str) -> Branch:
    """The branch, or 404 when it does not exist or the user may not see its reports."""
    for branch in report_branches_for(user=user):
        if branch.code == code:
            return branch
    raise Http404


def require_bank(user: Any) -> None:
    if not sees_bank(user):
        raise Http404
