from __future__ import annotations

from django.db.models import QuerySet

from pcrm.org.models import Branch, Role, Staff


def branch_subtree_ids(*, branch_id: int) -> list[int]:
    """The branch and every branch below it (hierarchies are shallow and small)."""
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in Branch.objects.values_list("id", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    found, stack = [], [branch_id]
    while stack:
        current = stack.pop()
        found.append(current)
        stack.extend(children.get(current, []))
    return found


def staff_list_for_branch(*, branch: Branch, roles: list[str] | None = None) -> QuerySet[Staff]:
    qs = Staff.objects.filter(branch=branch, is_active=True)
    return qs.filter(role__in=roles) if roles else qs


def branch_heads_of(*, branch: Branch) -> QuerySet[Staff]:
    return staff_list_for_branch(branch=branch, roles=[Role.BRANCH_HEAD])
