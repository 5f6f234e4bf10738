"""Reads of complaint cases, scoped to who may see them; others get 404."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from pcrm.complaints.models import ComplaintCase
from pcrm.customers.selectors import customer_list_for
from pcrm.lib.masking import mask_name, surname
from pcrm.org.roles import can, sees_full_identity
from pcrm.org.selectors import branch_subtree_ids


def _reads_every_branch(user: Any) -> bool:
    """Auditors read every case (masked) for the bank's reports."""
    return can(user, "audit.read") and can(user, "report.bank")


def complaint_list_for(*, user: Any) -> QuerySet[ComplaintCase]:
    """Cases the user may see: their own as handler; with complaint.take/approve, their
    branch's; auditors every case. Everyone else sees none."""
    if not getattr(user, "is_authenticated", False):
        return ComplaintCase.objects.none()
    base = ComplaintCase.objects.select_related("branch", "customer", "handler")
    if _reads_every_branch(user):
        return base
    scope = Q(handler=user)
    if (can(user, "complaint.take") or can(user, "complaint.approve")) and user.branch_id:
        scope |= Q(branch_id__in=branch_subtree_ids(branch_id=user.branch_id))
    return base.filter(scope)


def complaint_get_for(*, user: Any, case_no: str) -> ComplaintCase:
    """The case, or 404 when it does not exist or the user may not see it."""
    case = (
        complaint_list_for(user=user)
        .select_related(
            "complained_staff", "escalated_to", "extension_approved_by", "customer__branch"
        )
        .prefetch_related("pauses", "steps", "commitments", "repeats", "contacts")
        .filter(case_no=case_no)
        .first()
    )
    if case is None:
        raise Http404
    return case


def visible_customer_ids(cases: list[ComplaintCase], *, user: Any) -> set[int]:
    """Which of the cases' customers the user may see in full (one query for a page)."""
    ids = {case.customer_id for case in cases if case.customer_id}
    if not ids or not sees_full_identity(user):
        return set()
    return set(customer_list_for(user=user).filter(pk__in=ids).values_list("pk", flat=True))


def complainant_label(
    case: ComplaintCase, *, user: Any, visible_ids: set[int] | None = None
) -> str:
    """The complainant as this user may see them: the full name only for roles that see
    identities and may see this customer; the surname otherwise. Phones always masked."""
    if case.customer is None:
        return case.visitor_name if sees_full_identity(user) else mask_name(case.visitor_name)
    if visible_ids is None:
        visible_ids = visible_customer_ids([case], user=user)
    name = case.customer.name
    return name if case.customer.pk in visible_ids else mask_name(name)


def honorific(case: ComplaintCase, *, user: Any) -> str:
    """Surname and honorific for the thank-you letter (先生/女士, or 客户 when unknown)."""
    name = case.customer.name if case.customer else case.visitor_name
    gender = case.customer.gender if case.customer else ""
    title = {"M": _("先生"), "F": _("女士")}.get(gender, _("客户"))
    return f"{surname(name)}{title}" if name else title
