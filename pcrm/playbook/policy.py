"""The playbook policy: a versioned JSON document with shipped defaults (DESIGN §3 rule 4).

Every business number the engine uses lives here. :func:`policy_publish` validates a
document and stores it as the new active version; :func:`policy_active` returns the
version a run uses (the shipped defaults become version 1 on first use).
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from importlib import resources
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from pcrm.audit.services import audit_record
from pcrm.customers.choices import Channel, ContactPreference, Orientation, ProductType
from pcrm.playbook.choices import Quadrant, Tier
from pcrm.playbook.models import Policy
from pcrm.worklist.choices import Content

PREFERENCES = ["", *ContactPreference.values]


def default_document() -> dict[str, Any]:
    """The shipped default policy (pcrm/playbook/default_policy.json)."""
    text = resources.files("pcrm.playbook").joinpath("default_policy.json").read_text("utf-8")
    return dict(json.loads(text))


@dataclass(frozen=True)
class ActivePolicy:
    """A policy document with the version it came from."""

    version: int
    document: dict[str, Any]


def policy_active() -> ActivePolicy:
    """The active policy version; stores the shipped defaults as version 1 when none exists."""
    row = Policy.objects.filter(active=True).order_by("-version").first()
    if row is None:
        try:
            with transaction.atomic():
                row = Policy.objects.create(
                    version=1, document=default_document(), active=True, note="默认策略"
                )
        except IntegrityError:  # a concurrent first use stored it
            row = Policy.objects.get(version=1)
    return ActivePolicy(version=row.version, document=dict(row.document))


def _money(doc: dict[str, Any], key: str, errors: list[str]) -> Decimal | None:
    try:
        return Decimal(str(doc[key]))
    except (KeyError, InvalidOperation):
        errors.append(_("“%(key)s”必须是金额。") % {"key": key})
        return None


def _positive_int(value: Any, label: str, errors: list[str]) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        errors.append(_("“%(label)s”必须是正整数。") % {"label": label})


def _check_intervals(doc: dict[str, Any], errors: list[str]) -> None:
    intervals = doc.get("intervals") or {}
    for quadrant in Quadrant.values:
        _positive_int(intervals.get(quadrant), _("维护周期 %(q)s") % {"q": quadrant}, errors)


def _check_tiers(doc: dict[str, Any], errors: list[str]) -> None:
    tiers = doc.get("tiers") or []
    if [t.get("tier") for t in tiers] != Tier.values:
        errors.append(_("客户等级必须依次为 gold、platinum、diamond。"))
        return
    floors: list[Decimal] = []
    for tier in tiers:
        floors.append(_money(tier, "floor", errors) or Decimal(0))
        _positive_int(tier.get("interval_cap"), _("等级维护周期上限"), errors)
    if any(b <= a for a, b in itertools.pairwise(floors)) or floors[0] <= 0:
        errors.append(_("客户等级的资产门槛必须为正且逐级递增。"))


def _check_channels(doc: dict[str, Any], errors: list[str]) -> None:
    channels = doc.get("channels_by_preference") or {}
    never = doc.get("never_channels_by_preference") or {}
    for pref in PREFERENCES:
        chosen = channels.get(pref) or []
        if not chosen:
            errors.append(_("联系偏好“%(p)s”至少需要一个渠道。") % {"p": pref or "未填"})
        for ch in chosen:
            if ch not in Channel.values:
                errors.append(_("未知渠道“%(c)s”。") % {"c": ch})
            if ch in never.get(pref, []):
                errors.append(_("渠道“%(c)s”不允许用于联系偏好“%(p)s”。") % {"c": ch, "p": pref})
    for pref, ch in (doc.get("second_choice_by_preference") or {}).items():
        if ch in (channels.get(pref) or []):
            errors.append(_("联系偏好“%(p)s”的备选渠道不能同时是首选渠道。") % {"p": pref})
    notice = doc.get("service_notice_channels") or {}
    for pref, ch in notice.items():
        if ch not in Channel.values or ch in never.get(pref, []):
            errors.append(_("服务提醒渠道“%(c)s”不允许用于“%(p)s”。") % {"c": ch, "p": pref})


def _check_contents(doc: dict[str, Any], errors: list[str]) -> None:
    contents = doc.get("content_by_orientation") or {}
    for orientation in ["", *Orientation.values]:
        if contents.get(orientation) not in Content.values:
            errors.append(_("客户取向“%(o)s”的维护内容无效。") % {"o": orientation or "未填"})


def _check_numbers(doc: dict[str, Any], errors: list[str]) -> None:
    for key in (
        "potential_high",
        "tier_downgrade_days",
        "maturity_window_days",
        "large_change_lookback_days",
        "repeat_days",
        "establish_repeat_days",
        "red_list_no_contact_days",
        "risk_assessment_max_age_days",
        "birthday_window_days",
        "festival_window_days",
        "another_item_window_days",
        "capacity_per_staff_day",
        "capacity_horizon_days",
    ):
        _positive_int(doc.get(key), key, errors)
    for key in ("asset_high_aum", "large_change_amount", "large_change_aum_share_pct"):
        _money(doc, key, errors)
    loss, gain = _money(doc, "stop_loss_pct", errors), _money(doc, "gain_protect_pct", errors)
    if loss is not None and loss >= 0:
        errors.append(_("止损阈值必须为负数。"))
    if gain is not None and gain <= 0:
        errors.append(_("止盈阈值必须为正数。"))
    types = set(doc.get("aum_product_types") or [])
    if not types or not types <= set(ProductType.values):
        errors.append(_("资产产品类型无效。"))
    if not doc.get("festivals"):
        errors.append(_("至少需要一个节日。"))


def policy_validate(document: dict[str, Any]) -> list[str]:
    """All problems of a policy document, as Chinese sentences (empty when valid)."""
    errors: list[str] = []
    missing = sorted(set(default_document()) - set(document))
    if missing:
        errors.append(_("缺少策略项：%(keys)s。") % {"keys": "、".join(missing)})
        return errors
    for check in (_check_intervals, _check_tiers, _check_channels, _check_contents, _check_numbers):
        try:
            check(document, errors)
        except (AttributeError, TypeError, ValueError):
            errors.append(_("策略格式错误（%(part)s）。") % {"part": check.__name__[7:]})
    return errors


@transaction.atomic
def policy_publish(*, actor: Any, document: dict[str, Any], note: str = "") -> Policy:
    """Validate the document and store it as the new active version (audited)."""
    errors = policy_validate(document)
    if errors:
        raise ValidationError(errors)
    policy_active()  # make sure version 1 (the defaults) exists before the new version
    latest = Policy.objects.select_for_update().order_by("-version").first()
    version = (latest.version if latest else 0) + 1
    Policy.objects.filter(active=True).update(active=False)
    row = Policy.objects.create(
        version=version, document=document, active=True, note=note, created_by=actor
    )
    audit_record(actor=actor, action="policy.publish", target=row, data={"version": version})
    return row
