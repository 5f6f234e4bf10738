"""Referrals between posts (人工识别 → 推荐): lobby staff and tellers recommend a customer
or a prospect to a customer manager or wealth advisor, who follows up."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from pcrm.acquisition import policy
from pcrm.acquisition.choices import (
    Noticed,
    ProspectSource,
    ReferralOutcome,
    ReferralStatus,
)
from pcrm.acquisition.models import Referral
from pcrm.acquisition.services.prospects import prospect_find_or_create
from pcrm.audit.services import audit_record
from pcrm.customers.models import Customer
from pcrm.customers.services import customer_access_grant
from pcrm.lib.masking import mask_name
from pcrm.notify.services import notify_staff, sms_send
from pcrm.org.models import Role, Staff
from pcrm.org.roles import can
from pcrm.org.selectors import branch_subtree_ids
from pcrm.worklist.models import WorkItem
from pcrm.worklist.services import work_item_key, work_item_put, work_item_skip

TARGET_ROLES = (Role.CUSTOMER_MANAGER, Role.WEALTH_ADVISOR)


def referral_targets_for(*, user: Any) -> Any:
    """Customer managers and wealth advisors the user may refer to (their branch tree)."""
    if not user.branch_id:
        return Staff.objects.none()
    return Staff.objects.filter(
        branch_id__in=branch_subtree_ids(branch_id=user.branch_id),
        role__in=TARGET_ROLES,
        is_active=True,
    ).order_by("role", "staff_code")


def referral_auto_target(*, actor: Any, customer: Customer | None) -> Staff:
    """The customer's manager; else by asset band, the least loaded in the branch."""
    if customer is not None and customer.manager_id:
        manager = Staff.objects.filter(pk=customer.manager_id, is_active=True).first()
        if manager is not None:
            return manager
    rules = policy.referral()
    aum = customer.aum if customer is not None else Decimal(0)
    preferred = (
        Role.WEALTH_ADVISOR
        if aum >= Decimal(str(rules["advisor_floor"]))
        else Role.CUSTOMER_MANAGER
    )
    candidates = referral_targets_for(user=actor).annotate(
        load=Count(
            "work_items",
            filter=Q(
                work_items__kind="referral_followup", work_items__status__in=["open", "deferred"]
            ),
        )
    )
    chosen: Staff | None = (
        candidates.filter(role=preferred).order_by("load", "staff_code").first()
        or candidates.order_by("load", "staff_code").first()
    )
    if chosen is None:
        raise ValidationError(_("本网点没有可接收推荐的客户经理或理财顾问。"))
    return chosen


def _clean_noticed(noticed: list[str]) -> list[str]:
    chosen = [n for n in Noticed.values if n in set(noticed)]
    if not chosen or len(chosen) != len(set(noticed)):
        raise ValidationError(_("请选择发现的情况（大额业务、特殊业务、特定产品或客户特征）。"))
    return chosen


@transaction.atomic
def referral_make(
    *,
    actor: Any,
    noticed: list[str],
    customer: Customer | None = None,
    prospect_name: str = "",
    prospect_phone: str = "",
    target: Staff | None = None,
    note: str = "",
    flag_potential: bool = False,
    flag_red_list: bool = False,
) -> Referral:
    """Refer an existing customer (already visible to the actor) or a new prospect."""
    if not can(actor, "referral.make"):
        raise PermissionDenied(_("您的岗位无权推荐客户。"))
    chosen = _clean_noticed(noticed)
    prospect = None
    if customer is None:
        if not prospect_name.strip() or len(prospect_phone.strip()) < 7:
            raise ValidationError(_("请填写潜在客户的姓名和手机号码。"))
        prospect, _created = prospect_find_or_create(
            actor=actor,
            branch=actor.branch,
            name=prospect_name,
            phone=prospect_phone.strip(),
            source=ProspectSource.REFERRAL,
        )
        # A prospect the bank already knows is referred as the customer they are.
        customer = prospect.customer
    auto = target is None
    if target is None:
        target = referral_auto_target(actor=actor, customer=customer)
    elif not referral_targets_for(user=actor).filter(pk=target.pk).exists():
        raise ValidationError(_("只能推荐给本网点在职的客户经理或理财顾问。"))
    referral = Referral.objects.create(
        referrer=actor,
        target=target,
        branch=actor.branch,
        customer=customer,
        prospect=prospect,
        noticed=chosen,
        note=note.strip()[:500],
        flag_potential=flag_potential,
        flag_red_list=flag_red_list,
        auto_assigned=auto,
    )
    if customer is not None:
        _hand_over(actor, referral, customer, target)
    _tell_target(actor, referral, customer, prospect)
    audit_record(
        actor=actor,
        action="referral.make",
        target=referral,
        data={
            "customer_no": customer.customer_no if customer else None,
            "prospect": prospect.phone_masked if prospect else None,
            "target": target.staff_code,
            "auto": auto,
            "noticed": chosen,
        },
        branch_code=actor.branch.code,
    )
    return referral


def _hand_over(actor: Any, referral: Referral, customer: Customer, target: Staff) -> None:
    if customer.manager_id != target.pk:
        customer_access_grant(actor=actor, customer=customer, staff=target, reason="referral")
    labels = "、".join(str(Noticed(n).label) for n in referral.noticed)
    rules = policy.referral()
    work_item_put(
        actor=actor,
        customer=customer,
        staff=target,
        kind="referral_followup",
        subject=f"referral-{referral.pk}",
        due_on=timezone.localdate() + dt.timedelta(days=rules["item_due_days"]),
        channel="phone",
        content="marketing",
        priority=rules["item_priority"],
        reason=_("%(who)s推荐（%(noticed)s），请跟踪营销并确立服务关系。")
        % {"who": referral.referrer.name, "noticed": labels},
    )


@transaction.atomic
def referrals_attach_customers(*, actor: Any) -> int:
    """Referrals of prospects who have since become customers: the target gets the
    customer (access and a ``referral_followup`` item) as for a customer referral."""
    pending = (
        Referral.objects.filter(customer__isnull=True, prospect__customer__isnull=False)
        .exclude(status=ReferralStatus.DECLINED)
        .select_related("prospect__customer__branch", "target", "referrer")
    )
    attached = 0
    for referral in pending:
        customer = referral.prospect.customer  # type: ignore[union-attr]
        referral.customer = customer
        referral.save(update_fields=["customer"])
        _hand_over(actor, referral, customer, referral.target)  # type: ignore[arg-type]
        attached += 1
    return attached


def _tell_target(actor: Any, referral: Referral, customer: Customer | None, prospect: Any) -> None:
    name = mask_name(customer.name if customer else prospect.name)
    labels = "、".join(str(Noticed(n).label) for n in referral.noticed)
    notify_staff(
        staff=referral.target,
        event={
            "kind": "referral",
            "title": str(_("新的推荐客户")),
            "body": _("%(who)s向您推荐%(name)s：%(noticed)s")
            % {"who": actor.name, "name": name, "noticed": labels},
            "referral_id": referral.pk,
        },
    )
    sms_send(
        actor=actor,
        recipient=referral.target,
        template="referral_new",
        values={"referrer": actor.name, "name": name, "noticed": labels},
        branch_code=actor.branch.code,
    )


def _own(actor: Any, referral: Referral) -> Referral:
    locked = Referral.objects.select_for_update().get(pk=referral.pk)
    if locked.target_id != actor.pk or not can(actor, "referral.receive"):
        raise Http404
    return locked


@transaction.atomic
def referral_accept(*, actor: Any, referral: Referral) -> Referral:
    """The target takes the referral on."""
    locked = _own(actor, referral)
    if locked.status != ReferralStatus.PENDING:
        raise ValidationError(_("该推荐已处理。"))
    locked.status, locked.decided_at = ReferralStatus.ACCEPTED, timezone.now()
    locked.save(update_fields=["status", "decided_at"])
    audit_record(actor=actor, action="referral.accept", target=locked, data={"id": locked.pk})
    return locked


@transaction.atomic
def referral_decline(*, actor: Any, referral: Referral, reason: str) -> Referral:
    """The target declines with a reason; the follow-up item is skipped with it."""
    reason = reason.strip()
    if len(reason) < 2:
        raise ValidationError(_("请填写拒绝原因。"))
    locked = _own(actor, referral)
    if locked.status != ReferralStatus.PENDING:
        raise ValidationError(_("该推荐已处理。"))
    locked.status, locked.decided_at = ReferralStatus.DECLINED, timezone.now()
    locked.decline_reason = reason[:200]
    locked.save(update_fields=["status", "decided_at", "decline_reason"])
    if locked.customer_id:
        key = work_item_key(
            kind="referral_followup",
            customer_no=Customer.objects.only("customer_no").get(pk=locked.customer_id).customer_no,
            subject=f"referral-{locked.pk}",
        )
        item = WorkItem.objects.filter(item_key=key, status__in=["open", "deferred"]).first()
        if item is not None:
            work_item_skip(actor=actor, item=item, reason=reason)
    audit_record(
        actor=actor, action="referral.decline", target=locked, reason=reason, data={"id": locked.pk}
    )
    return locked


OUTCOME_FIELDS = {
    ReferralOutcome.CONTACTED: "contacted_at",
    ReferralOutcome.ESTABLISHED: "established_at",
    ReferralOutcome.PRODUCT_SOLD: "product_sold_at",
}


@transaction.atomic
def referral_outcome_record(
    *, actor: Any, referral: Referral, outcome: str, product_note: str = ""
) -> Referral:
    """Record what came of an accepted referral; later outcomes imply the earlier ones."""
    locked = _own(actor, referral)
    if locked.status != ReferralStatus.ACCEPTED:
        raise ValidationError(_("请先接收该推荐。"))
    if outcome not in OUTCOME_FIELDS:
        raise ValidationError(_("未知的跟进结果。"))
    now = timezone.now()
    order = list(OUTCOME_FIELDS)
    for step in order[: order.index(ReferralOutcome(outcome)) + 1]:
        name = OUTCOME_FIELDS[step]
        if getattr(locked, name) is None:
            setattr(locked, name, now)
    if outcome == ReferralOutcome.PRODUCT_SOLD:
        locked.product_note = product_note.strip()[:100]
    locked.save()
    audit_record(
        actor=actor,
        action="referral.outcome",
        target=locked,
        data={"id": locked.pk, "outcome": outcome},
    )
    return locked


def referral_credit(referral: Referral) -> int:
    """Credit points the referrer earns, by the policy's points per outcome."""
    points = policy.referral()["credit"]
    return sum(
        int(points[str(step)])
        for step, name in OUTCOME_FIELDS.items()
        if getattr(referral, name) is not None
    )
