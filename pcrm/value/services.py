"""Writes of opportunities (商机): create, advance through the stages, close as won or lost.

Proposing and winning pass the suitability gate; every write is audited."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from pcrm.audit.services import audit_record
from pcrm.customers.models import Customer, Product
from pcrm.customers.selectors import customer_list_for
from pcrm.org.roles import can
from pcrm.value.models import OPEN_STAGES, STAGE_ORDER, Opportunity, Source, Stage
from pcrm.value.suitability import suitability_check

# Stages at which the product must pass the suitability gate.
GATED_STAGES = (Stage.PROPOSED, Stage.WON)


def _authorise(actor: Any, customer: Customer) -> None:
    """The actor must see the customer (404 otherwise) and may work customers."""
    if actor is not None and not customer_list_for(user=actor).filter(pk=customer.pk).exists():
        raise Http404
    if actor is not None and not can(actor, "customer.edit"):
        raise PermissionDenied(_("您的岗位无权管理商机。"))


def _audit(actor: Any, opp: Opportunity, action: str, **data: Any) -> None:
    audit_record(
        actor=actor,
        action=f"opportunity.{action}",
        target=opp,
        data={"customer_no": opp.customer.customer_no, "stage": opp.stage, **data},
        branch_code=opp.customer.branch.code,
    )


@transaction.atomic
def opportunity_create(
    *,
    actor: Any,
    customer: Customer,
    source: str,
    product: Product | None = None,
    amount: Decimal = Decimal("0"),
    note: str = "",
    signal_key: str = "",
    owner: Any = None,
    event_id: int | None = None,
) -> Opportunity:
    """Open an opportunity at "identified". A product named must already be suitable
    (identifying is recommending). ``actor=None`` is the system (suggestions).
    ``event_id`` links an opportunity from a customer event (source ``event`` only); the
    caller (the workbench) checks that the customer was invited to that event."""
    _authorise(actor, customer)
    if source not in Source.values:
        raise ValidationError(_("未知的商机来源。"))
    if amount < 0:
        raise ValidationError(_("金额不能为负数。"))
    if event_id is not None and source != Source.EVENT:
        raise ValidationError(_("只有来源为客户活动的商机才能关联活动。"))
    if product is not None:
        suitability_check(customer=customer, product=product)
    opp = Opportunity.objects.create(
        customer=customer,
        owner=owner or customer.manager or actor,
        branch_id=customer.branch_id,
        product=product,
        amount=amount,
        source=source,
        note=note.strip(),
        signal_key=signal_key,
        event_id=event_id,
    )
    _audit(actor, opp, "create", source=source, amount=str(amount), event=event_id)
    return opp


@transaction.atomic
def opportunity_advance(
    *,
    actor: Any,
    opportunity: Opportunity,
    stage: str,
    product: Product | None = None,
    amount: Decimal | None = None,
) -> Opportunity:
    """Move an open opportunity forward (contacted, proposed, won). Proposing or winning
    needs a product that passes the suitability gate; no override."""
    opp = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    _authorise(actor, opp.customer)
    if opp.stage not in OPEN_STAGES:
        raise ValidationError(_("商机已关闭，不能再推进。"))
    if stage not in STAGE_ORDER or STAGE_ORDER.index(stage) <= STAGE_ORDER.index(opp.stage):
        raise ValidationError(_("只能向后推进商机阶段。"))
    if product is not None:
        opp.product = product
    if amount is not None:
        if amount < 0:
            raise ValidationError(_("金额不能为负数。"))
        opp.amount = amount
    if stage in GATED_STAGES:
        if opp.product is None:
            raise ValidationError(_("请先选择产品。"))
        suitability_check(customer=opp.customer, product=opp.product)
    opp.stage = stage
    if stage == Stage.WON:
        opp.closed_at = timezone.now()
    opp.save()
    _audit(actor, opp, "advance", amount=str(opp.amount))
    return opp


@transaction.atomic
def opportunity_close(
    *, actor: Any, opportunity: Opportunity, won: bool, reason: str = ""
) -> Opportunity:
    """Close as won (suitability-gated, like advancing to won) or lost (a reason is required)."""
    if won:
        return opportunity_advance(actor=actor, opportunity=opportunity, stage=Stage.WON)
    opp = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    _authorise(actor, opp.customer)
    if opp.stage not in OPEN_STAGES:
        raise ValidationError(_("商机已关闭。"))
    if not reason.strip():
        raise ValidationError(_("请填写流失原因。"))
    opp.stage, opp.lost_reason, opp.closed_at = Stage.LOST, reason.strip(), timezone.now()
    opp.save()
    _audit(actor, opp, "lose", reason=opp.lost_reason)
    return opp
