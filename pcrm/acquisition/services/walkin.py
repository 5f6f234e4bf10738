"""Walk-in identification (系统识别): a swipe at the queue machine finds the customer
through the blind index, flags them and tells the right member of staff at once."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pcrm.acquisition import policy
from pcrm.acquisition.choices import SwipeFlag, Tier
from pcrm.acquisition.models import Swipe, WalkInNotice
from pcrm.audit.services import audit_record
from pcrm.customers.models import Customer
from pcrm.customers.pii import account_index, id_no_index
from pcrm.lib.masking import mask_account, mask_id_no, mask_name
from pcrm.notify.services import notify_staff, sms_send
from pcrm.org.models import ApiToken, Branch, Staff
from pcrm.worklist.services import work_item_put

# Card products a queue machine can read (a classification, not a threshold).
CARD_PRODUCT_TYPES = ("debit_card", "credit_card")
# What a walk-in lookup needs of the customer; sealed columns stay in the database.
LOOKUP_COLUMNS = (
    "id",
    "customer_no",
    "name",
    "id_no_masked",
    "red_list",
    "potential",
    "service_established",
    "aum",
    "branch_id",
    "manager_id",
)
STAFF_COLUMNS = ("id", "staff_code", "name", "phone", "branch_id", "role", "is_active")
MANAGER_COLUMNS = tuple(f"manager__{name}" for name in STAFF_COLUMNS)


@dataclass
class Identified:
    """What the swipe tells about the customer (None when unknown)."""

    customer: Customer | None
    tier: str | None
    flags: list[str] = field(default_factory=list)


def customer_for_swipe(*, card_no: str = "", id_no: str = "") -> Customer | None:
    """Find the customer by card number (card holdings) or ID number, via blind index,
    with their manager, in one query."""
    qs = Customer.objects.select_related("manager").only(*LOOKUP_COLUMNS, *MANAGER_COLUMNS)
    if card_no:
        qs = qs.filter(
            holdings__account_no_index=account_index(card_no),
            holdings__product__product_type__in=CARD_PRODUCT_TYPES,
        )
    else:
        qs = qs.filter(id_no_index=id_no_index(id_no))
    return qs.order_by("pk").first()


def walk_in_identify(customer: Customer | None) -> Identified:
    """Tier and flags of a walked-in customer, by the acquisition policy."""
    if customer is None:
        return Identified(customer=None, tier=None, flags=[SwipeFlag.UNKNOWN.value])
    rules = policy.walk_in()
    tier = policy.tier_of(customer.aum)
    flags = []
    if customer.red_list:
        flags.append(SwipeFlag.RED_LIST.value)
    if customer.potential is not None and customer.potential >= rules["potential_floor"]:
        flags.append(SwipeFlag.POTENTIAL.value)
    if not customer.service_established:
        flags.append(SwipeFlag.NOT_CONTACTED.value)
    if tier in rules["greet_tiers"]:
        flags.append(SwipeFlag.VIP.value)
    if customer.manager_id is None:
        flags.append(SwipeFlag.UNASSIGNED.value)
    return Identified(customer=customer, tier=tier, flags=flags)


def _notice_reason(flags: list[str]) -> str:
    """alert (red list/potential not yet contacted), greet (VIP), unassigned, or ''."""
    wanted = SwipeFlag.RED_LIST in flags or SwipeFlag.POTENTIAL in flags
    if SwipeFlag.UNASSIGNED in flags:
        return "unassigned"
    if wanted and SwipeFlag.NOT_CONTACTED in flags:
        return "alert"
    if SwipeFlag.VIP in flags:
        return "greet"
    return ""


def _recipients(customer: Customer, branch: Branch, reason: str) -> list[Staff]:
    if reason != "unassigned":
        manager = customer.manager
        return [manager] if manager is not None and manager.is_active else []
    roles = policy.walk_in()["lobby_roles"]
    return list(
        Staff.objects.only(*STAFF_COLUMNS)
        .filter(branch=branch, role__in=roles, is_active=True)
        .order_by("staff_code")
    )


@transaction.atomic
def swipe_record(
    *,
    token: ApiToken,
    branch: Branch,
    ticket_no: str,
    swiped_at: dt.datetime,
    card_no: str = "",
    id_no: str = "",
) -> Swipe:
    """Record a queue-machine swipe, identify the customer and notify (once a day).

    The caller has checked the token's branch binding; nothing here rejects.
    """
    identified = walk_in_identify(customer_for_swipe(card_no=card_no, id_no=id_no))
    customer = identified.customer
    reason = _notice_reason(identified.flags) if customer is not None else ""
    recipients = _recipients(customer, branch, reason) if customer is not None and reason else []
    swipe = Swipe.objects.create(
        branch=branch,
        token=token,
        ticket_no=ticket_no,
        swiped_at=swiped_at,
        medium="card" if card_no else "id",
        number_masked=mask_account(card_no) if card_no else mask_id_no(id_no),
        number_index=account_index(card_no) if card_no else id_no_index(id_no),
        customer=customer,
        tier=identified.tier or "",
        flags=identified.flags,
        # Optimistic: cleared below when today's notice was already given.
        notified=[s.staff_code for s in recipients],
    )
    if (
        customer is not None
        and recipients
        and not _notify_once(swipe, customer, identified, reason, recipients)
    ):
        swipe.notified = []
        Swipe.objects.filter(pk=swipe.pk).update(notified=[])
    audit_record(
        actor=None,
        action="walk_in.swipe",
        target=swipe,
        data={
            "token": token.prefix,
            "number": swipe.number_masked,
            "customer_no": customer.customer_no if customer else None,
            "flags": swipe.flags,
            "notified": swipe.notified,
        },
        branch_code=branch.code,
    )
    return swipe


def _notify_once(
    swipe: Swipe, customer: Customer, identified: Identified, reason: str, recipients: list[Staff]
) -> bool:
    """Tell the recipients unless the customer's notice of the day was given already."""
    day = timezone.localdate(swipe.swiped_at)
    try:
        with transaction.atomic():
            WalkInNotice.objects.create(
                customer=customer, day=day, swipe=swipe, staff_codes=swipe.notified, reason=reason
            )
    except IntegrityError:
        return False  # one notice per customer per day
    for staff in recipients:
        _tell(staff, swipe, customer, identified, reason)
    if reason == "alert":
        _walk_in_item(recipients[0], customer, swipe, day)
    return True


def _tell(
    staff: Staff, swipe: Swipe, customer: Customer, identified: Identified, reason: str
) -> None:
    tier_label = str(Tier(identified.tier).label) if identified.tier else ""
    name = mask_name(customer.name)
    branch_name = swipe.branch.name
    title = {
        "alert": _("重点客户到店"),
        "greet": _("贵宾客户到店，请前往问候"),
        "unassigned": _("未分配客户经理的客户到店"),
    }[reason]
    flag_text = "、".join(str(SwipeFlag(f).label) for f in identified.flags)
    notify_staff(
        staff=staff,
        event={
            "kind": "walk_in",
            "reason": reason,
            "title": str(title),
            "body": _("%(tier)s客户%(name)s 在%(branch)s取号 %(ticket)s（%(flags)s）")
            % {
                "tier": tier_label,
                "name": name,
                "branch": branch_name,
                "ticket": swipe.ticket_no,
                "flags": flag_text,
            },
            "customer_no": customer.customer_no,
            "ticket_no": swipe.ticket_no,
            "swipe_id": swipe.pk,
            "flags": identified.flags,
        },
    )
    template = {"alert": "walk_in_alert", "greet": "walk_in_greet"}.get(
        reason, "walk_in_unassigned"
    )
    sms_send(
        actor=None,
        recipient=staff,
        template=template,
        values={
            "tier": tier_label,
            "name": name,
            "id_no": customer.id_no_masked,
            "branch": branch_name,
            "ticket": swipe.ticket_no,
            "reason": flag_text,
        },
        branch_code=swipe.branch.code,
    )


def _walk_in_item(staff: Staff, customer: Customer, swipe: Swipe, day: dt.date) -> None:
    # Customer rows loaded for the lookup are partial; work_item_put reads the branch code.
    customer.branch = swipe.branch if swipe.branch_id == customer.branch_id else customer.branch
    work_item_put(
        actor=None,
        customer=customer,
        staff=staff,
        kind="walk_in",
        subject=day.isoformat(),
        due_on=day,
        channel="visit",
        content="marketing",
        priority=policy.walk_in()["item_priority"],
        reason=_("重点客户（%(flags)s）到店取号 %(ticket)s，请当面接待、完善资料并确立服务关系。")
        % {
            "flags": "、".join(str(SwipeFlag(f).label) for f in swipe.flags),
            "ticket": swipe.ticket_no,
        },
    )
