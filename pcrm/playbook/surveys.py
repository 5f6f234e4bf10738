"""Who gets a satisfaction survey (满意度调查), decided by the nightly run.

* The periodic sample: on the policy's day of the month, per branch and segment
  (tier × quadrant of the latest playbook run), a random sample of the customers
  that consent and can be reached, sized by campaigns' policy.toml.
* Occasions: complaints closed, events attended, wealth diagnoses saved within the
  policy's look-back, each surveyed once.

Sending itself, the channel and consent rules and the "not twice within the
window" rule are campaigns' (pcrm.campaigns.surveys.survey_send); this module adds
the segment labels, which campaigns may not read (it is a layer below).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, Value, When, Window
from django.db.models.functions import Random, RowNumber
from django.utils import timezone

from pcrm.campaigns.models import Invitation, SurveyInvitation, SurveyTrigger
from pcrm.campaigns.policy import survey_policy
from pcrm.campaigns.surveys import SurveyTarget, survey_for, survey_send
from pcrm.complaints.choices import Status as ComplaintStatus
from pcrm.complaints.models import ComplaintCase
from pcrm.customers.models import Customer
from pcrm.playbook.models import CustomerSegment
from pcrm.value.models import Diagnosis


def _moment(as_of: dt.date) -> dt.datetime:
    """The send time for a run as of ``as_of``: now for today, noon for another day."""
    if as_of == timezone.localdate():
        return timezone.now()
    return timezone.make_aware(dt.datetime.combine(as_of, dt.time(12)))


def _send_grouped(
    *, targets: Iterable[SurveyTarget], trigger: str, now: dt.datetime
) -> dict[str, int]:
    """Send to each target the questionnaire of its branch and occasion."""
    by_branch: dict[int, list[SurveyTarget]] = {}
    for t in targets:
        by_branch.setdefault(t.customer.branch_id, []).append(t)
    totals: dict[str, int] = {}
    for branch_id, group in sorted(by_branch.items()):
        survey = survey_for(trigger=trigger, branch_id=branch_id)
        counts = survey_send(
            actor=None, survey=survey, customers_with_segment=group, trigger=trigger, now=now
        )
        for key, n in counts.items():
            totals[key] = totals.get(key, 0) + n
    return totals


def _with_segments(pairs: list[tuple[int, str]]) -> list[SurveyTarget]:
    """(customer id, subject) pairs as targets with their segment labels."""
    ids = {cid for cid, _s in pairs}
    customers = Customer.objects.select_related("branch").in_bulk(ids)
    segments = {
        s.customer_id: s
        for s in CustomerSegment.objects.filter(customer_id__in=ids).only(
            "customer_id", "tier", "quadrant"
        )
    }
    targets = []
    for cid, subject in pairs:
        seg = segments.get(cid)
        targets.append(
            SurveyTarget(
                customer=customers[cid],
                tier=seg.tier if seg else "",
                quadrant=seg.quadrant if seg else "",
                subject=subject,
            )
        )
    return targets


def occasion_targets(*, as_of: dt.date) -> dict[str, list[SurveyTarget]]:
    """The occasions of the look-back window ending on ``as_of``, by trigger."""
    pol = survey_policy()["triggers"]
    start = as_of - dt.timedelta(days=int(pol["lookback_days"]))
    found: dict[str, list[tuple[int, str]]] = {}
    if pol.get("complaint"):
        complaints = ComplaintCase.objects.filter(
            status=ComplaintStatus.CLOSED,
            customer__isnull=False,
            closed_at__date__gte=start,
            closed_at__date__lte=as_of,
        ).values_list("customer_id", "pk")
        found[SurveyTrigger.COMPLAINT] = [(c, f"complaint{pk}") for c, pk in complaints]
    if pol.get("event"):
        events = Invitation.objects.filter(
            attended=True, event__held_on__gte=start, event__held_on__lte=as_of
        ).values_list("customer_id", "event_id")
        found[SurveyTrigger.EVENT] = [(c, f"event{pk}") for c, pk in events]
    if pol.get("diagnosis"):
        diagnoses = Diagnosis.objects.filter(made_on__gte=start, made_on__lte=as_of).values_list(
            "customer_id", "pk"
        )
        found[SurveyTrigger.DIAGNOSIS] = [(c, f"diagnosis{pk}") for c, pk in diagnoses]
    return {trigger: _with_segments(pairs) for trigger, pairs in found.items() if pairs}


def periodic_targets(*, now: dt.datetime) -> list[SurveyTarget]:
    """A random sample per branch and segment of the customers who may be surveyed:
    marketing consent, a phone or an e-mail address, and no survey within the window
    of their contact preference (campaigns checks it again when sending)."""
    recent = Q()
    for preference, days in survey_policy()["window_days"].items():
        sent = SurveyInvitation.objects.filter(
            customer_id=OuterRef("customer_id"), sent_at__gt=now - dt.timedelta(days=int(days))
        )
        recent |= Q(customer__contact_preference=preference) & Q(Exists(sent))
    eligible = (
        CustomerSegment.objects.filter(customer__marketing_consent=True)
        .exclude(customer__phone_masked="", customer__email_masked="")
        .exclude(recent)
    )
    # One query: number the eligible customers of each (branch, tier, quadrant) in random
    # order and keep the first n of each (n by tier, policy data).
    pol = survey_policy()["periodic"]
    size = Case(
        *[When(tier=t, then=Value(int(n))) for t, n in pol.get("sample_by_tier", {}).items()],
        default=Value(int(pol["sample_per_segment"])),
        output_field=IntegerField(),
    )
    ranked = eligible.annotate(
        rank=Window(
            RowNumber(),
            partition_by=[F("customer__branch_id"), F("tier"), F("quadrant")],
            order_by=Random().asc(),
        ),
        size=size,
    ).filter(rank__lte=F("size"))
    chosen = sorted(ranked.values_list("customer_id", "tier", "quadrant"))
    customers = Customer.objects.select_related("branch").in_bulk([c for c, _t, _q in chosen])
    return [SurveyTarget(customer=customers[c], tier=t, quadrant=q) for c, t, q in chosen]


def surveys_send_due(*, as_of: dt.date, periodic: bool | None = None) -> dict[str, Any]:
    """Send the surveys due on ``as_of`` (idempotent for occasions; the periodic sample
    runs on the policy's day of the month, or when ``periodic`` is True)."""
    now = _moment(as_of)
    summary: dict[str, Any] = {"as_of": as_of.isoformat()}
    for trigger, targets in occasion_targets(as_of=as_of).items():
        summary[trigger] = _send_grouped(targets=targets, trigger=trigger, now=now)
    if periodic is None:
        periodic = as_of.day == int(survey_policy()["periodic"]["day_of_month"])
    if periodic:
        summary[SurveyTrigger.PERIODIC] = _send_grouped(
            targets=periodic_targets(now=now), trigger=SurveyTrigger.PERIODIC, now=now
        )
    summary["sent"] = sum(v.get("sent", 0) for v in summary.values() if isinstance(v, dict))
    return summary
