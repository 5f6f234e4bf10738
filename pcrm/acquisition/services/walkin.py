"""Walk-in identification (系统识别): a swipe at the queue machine finds the customer
through the blind index, flags them and tells the right member of staff at once."""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pcrm.acquisition import policy
from pcrm.acquisition.choices import SwipeFlag, Tier
from pcrm.acquisition.models import Swipe, WalkInNotice
from pcrm.audit.services import audit_record
from pcrm.customers.models import Customer
from pcrm.customers.pii import account_index, id_no_index
from pcrm.lib.compiled import CompiledFirst
from pcrm.lib.masking import mask_account, mask_id_no, mask_name
from pcrm.notify.services import notify_staff, sms_send
from pcrm.org.models import ApiToken, Branch, Staff
from pcrm.worklist.services import work_item_put

logger = logging.getLogger(__name__)

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


def _lookup_query(**where: object) -> QuerySet[Customer]:
    return (
        Customer.objects.select_related("manager")
        .only(*LOOKUP_COLUMNS, *MANAGER_COLUMNS)
        .filter(**where)
        .order_by("pk")
    )


# The two lookups, compiled once (pcrm.lib.compiled): one indexed query each.
_BY_CARD = CompiledFirst(
    lambda index: _lookup_query(
        holdings__account_no_index=index, holdings__product__product_type__in=CARD_PRODUCT_TYPES
    )
)
_BY_ID_NO = CompiledFirst(lambda index: _lookup_query(id_no_index=index))


def customer_for_swipe(*, card_no: str = "", id_no: str = "") -> Customer | None:
    """Find the customer by card number (card holdings) or ID number, via blind index,
    with their manager, in one indexed query."""
    if card_no:
        return _BY_CARD.first(account_index(card_no))
    return _BY_ID_NO.first(id_no_index(id_no))


def lookup_sql(*, card_no: str = "", id_no: str = "") -> tuple[str, list[object]]:
    """The SQL and parameters :func:`customer_for_swipe` runs (for EXPLAIN in bench/)."""
    if card_no:
        return _BY_CARD.sql_for(account_index(card_no))
    return _BY_ID_NO.sql_for(id_no_index(id_no))


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


def _wants_item(flags: list[str]) -> bool:
    """A red-list or potential customer not yet contacted gets a ``walk_in`` item."""
    wanted = SwipeFlag.RED_LIST in flags or SwipeFlag.POTENTIAL in flags
    return wanted and SwipeFlag.NOT_CONTACTED in flags


class _Clock:
    """Phase durations (ms) of one swipe, for the API's Server-Timing header."""

    def __init__(self, into: dict[str, float] | None) -> None:
        self.into = into
        self.mark = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        if self.into is not None:
            self.into[name] = (now - self.mark) * 1000
        self.mark = now


def swipe_record(
    *,
    token: ApiToken,
    branch: Branch,
    ticket_no: str,
    swiped_at: dt.datetime,
    card_no: str = "",
    id_no: str = "",
    timings: dict[str, float] | None = None,
) -> Swipe:
    """Record a queue-machine swipe, identify the customer and notify (once a day).

    The caller has checked the token's branch binding; nothing here rejects.

    Two transactions, so that the live alert does not wait for the slower writes:
    the first records the swipe, claims the customer's notice of the day, publishes
    the live alert and audits the swipe; its commit delivers the alert to the open
    streams. The second records the SMS to each member of staff told (outbox) and
    the ``walk_in`` work item, each audited by its own service. ``timings`` (if
    given) receives the phases in milliseconds (lookup, record, notify, commit,
    follow_up) and ``committed_at``, the ``time.monotonic()`` of the first commit.
    """
    clock = _Clock(timings)
    identified = walk_in_identify(customer_for_swipe(card_no=card_no, id_no=id_no))
    customer = identified.customer
    reason = _notice_reason(identified.flags) if customer is not None else ""
    recipients = _recipients(customer, branch, reason) if customer is not None and reason else []
    clock.lap("lookup")
    with transaction.atomic():
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
        told = False
        if customer is not None and recipients:
            told = _notice_claim(swipe, customer, reason)
            if not told:
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
        clock.lap("record")
        if customer is not None and told:
            event = _live_event(swipe, customer, identified, reason)
            for staff in recipients:
                notify_staff(staff=staff, event=event)
        clock.lap("notify")
    clock.lap("commit")  # the live alert is on its way to the open streams
    if timings is not None:
        timings["committed_at"] = time.monotonic()
    # Items are idempotent per customer and day, so the follow-up may also run when
    # nobody could be told (an unassigned customer in a branch without a lobby manager).
    item_due = reason in ("alert", "unassigned") and _wants_item(identified.flags)
    if customer is not None and (told or (item_due and reason == "unassigned")):
        try:
            with transaction.atomic():
                for staff in recipients:
                    _sms(staff, swipe, customer, identified, reason)
                if item_due:
                    _walk_in_item(_item_owner(reason, recipients, branch), customer, swipe)
        except Exception:
            # The swipe and the live alert are committed; a failed follow-up must not
            # turn the queue machine's call into an error it would retry.
            logger.exception("walk-in follow-up (SMS, work item) failed for swipe %s", swipe.pk)
    clock.lap("follow_up")
    return swipe


def _notice_claim(swipe: Swipe, customer: Customer, reason: str) -> bool:
    """Claim the customer's one notice of the day: ``INSERT … ON CONFLICT DO NOTHING``,
    one statement, no savepoint; False when today's notice was given already."""
    meta = WalkInNotice._meta
    fields = {f.name: f for f in meta.concrete_fields}
    quote = connection.ops.quote_name
    names = ("customer", "day", "swipe", "staff_codes", "reason")
    columns = [quote(str(fields[name].column)) for name in names]
    day = timezone.localdate(swipe.swiped_at)
    values = [
        customer.pk,
        fields["day"].get_db_prep_save(day, connection),
        swipe.pk,
        fields["staff_codes"].get_db_prep_save(swipe.notified, connection),
        reason,
    ]
    # Names come from the model's meta, values are parameters.
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(columns)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(columns))}) "
        f"ON CONFLICT ({columns[0]}, {columns[1]}) DO NOTHING "
        f"RETURNING {quote(str(fields['id'].column))}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        return cursor.fetchone() is not None


_TITLES = {
    "alert": gettext_lazy("重点客户到店"),
    "greet": gettext_lazy("贵宾客户到店，请前往问候"),
    "unassigned": gettext_lazy("未分配客户经理的客户到店"),
}


def _flag_text(flags: list[str]) -> str:
    return "、".join(str(SwipeFlag(f).label) for f in flags)


def _live_event(
    swipe: Swipe, customer: Customer, identified: Identified, reason: str
) -> dict[str, object]:
    tier_label = str(Tier(identified.tier).label) if identified.tier else ""
    return {
        "kind": "walk_in",
        "reason": reason,
        "title": str(_TITLES[reason]),
        "body": _("%(tier)s客户%(name)s 在%(branch)s取号 %(ticket)s（%(flags)s）")
        % {
            "tier": tier_label,
            "name": mask_name(customer.name),
            "branch": swipe.branch.name,
            "ticket": swipe.ticket_no,
            "flags": _flag_text(identified.flags),
        },
        "customer_no": customer.customer_no,
        "ticket_no": swipe.ticket_no,
        "swipe_id": swipe.pk,
        "flags": identified.flags,
    }


def _sms(
    staff: Staff, swipe: Swipe, customer: Customer, identified: Identified, reason: str
) -> None:
    template = {"alert": "walk_in_alert", "greet": "walk_in_greet"}.get(
        reason, "walk_in_unassigned"
    )
    sms_send(
        actor=None,
        recipient=staff,
        template=template,
        values={
            "tier": str(Tier(identified.tier).label) if identified.tier else "",
            "name": mask_name(customer.name),
            "id_no": customer.id_no_masked,
            "branch": swipe.branch.name,
            "ticket": swipe.ticket_no,
            "reason": _flag_text(identified.flags),
        },
        branch_code=swipe.branch.code,
    )


def _item_owner(reason: str, recipients: list[Staff], branch: Branch) -> Staff | None:
    """The customer's manager; for a customer without one, the first lobby manager
    told, else the branch head (as the playbook gives unassigned customers' items).
    Either way the item of an unassigned customer shows in the branch head's
    unassigned queue (worklist: items of the branch's customers without a manager)."""
    if recipients:
        return recipients[0]
    if reason != "unassigned":
        return None
    head: Staff | None = (
        Staff.objects.only(*STAFF_COLUMNS)
        .filter(
            branch=branch,
            role=policy.walk_in().get("unassigned_item_role", "branch_head"),
            is_active=True,
        )
        .order_by("pk")
        .first()
    )
    return head


def _walk_in_item(staff: Staff | None, customer: Customer, swipe: Swipe) -> None:
    day = timezone.localdate(swipe.swiped_at)
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
        % {"flags": _flag_text(swipe.flags), "ticket": swipe.ticket_no},
    )
