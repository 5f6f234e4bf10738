"""Who the nightly run surveys: the periodic sample per branch and segment, the window
between two surveys, and the occasions (complaints closed, events attended, diagnoses)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from pcrm.campaigns.models import CustomerEvent, Invitation, SurveyInvitation
from pcrm.campaigns.policy import survey_policy
from pcrm.complaints.models import ComplaintCase
from pcrm.playbook.models import CustomerSegment
from pcrm.playbook.surveys import surveys_send_due
from pcrm.value.models import Diagnosis
from tests.factories import BranchFactory, CustomerFactory, StaffFactory

pytestmark = pytest.mark.django_db

FIRST = dt.date(2026, 3, 1)


@pytest.fixture
def small_samples(monkeypatch: pytest.MonkeyPatch) -> None:
    periodic = survey_policy()["periodic"]
    monkeypatch.setitem(periodic, "day_of_month", 1)
    monkeypatch.setitem(periodic, "sample_per_segment", 2)
    monkeypatch.setitem(periodic, "sample_by_tier", {"diamond": 3})


def segmented(branch: Any, tier: str, quadrant: str, n: int, **kw: Any) -> list[Any]:
    made = []
    for _ in range(n):
        c = CustomerFactory(branch=branch, **kw)
        CustomerSegment.objects.create(
            customer=c,
            as_of=FIRST,
            aum=Decimal("100000"),
            potential=3,
            quadrant=quadrant,
            tier=tier,
            interval_days=30,
            policy_version=1,
        )
        made.append(c)
    return made


def test_periodic_sample_per_branch_and_segment(small_samples) -> None:  # type: ignore[no-untyped-def]
    b1, b2 = BranchFactory(), BranchFactory()
    gold_core = segmented(b1, "gold", "core", 5)
    segmented(b1, "diamond", "core", 5)
    segmented(b1, "gold", "basic", 1)
    segmented(b2, "gold", "core", 4)
    refused = segmented(b1, "gold", "lift", 3, marketing_consent=False)
    summary = surveys_send_due(as_of=FIRST)
    assert summary["periodic"]["sent"] == 2 + 3 + 1 + 2
    counts: dict[tuple[int, str, str], int] = {}
    for inv in SurveyInvitation.objects.all():
        key = (inv.branch_id, inv.tier, inv.quadrant)
        counts[key] = counts.get(key, 0) + 1
        assert inv.trigger == "periodic"
    assert counts == {
        (b1.pk, "gold", "core"): 2,
        (b1.pk, "diamond", "core"): 3,
        (b1.pk, "gold", "basic"): 1,
        (b2.pk, "gold", "core"): 2,
    }
    assert not SurveyInvitation.objects.filter(customer__in=refused).exists()
    assert SurveyInvitation.objects.filter(customer__in=gold_core).count() == 2


def test_not_on_other_days_unless_forced(small_samples) -> None:  # type: ignore[no-untyped-def]
    segmented(BranchFactory(), "gold", "core", 3)
    assert "periodic" not in surveys_send_due(as_of=FIRST + dt.timedelta(days=1))
    assert not SurveyInvitation.objects.exists()
    forced = surveys_send_due(as_of=FIRST + dt.timedelta(days=1), periodic=True)
    assert forced["periodic"]["sent"] == 2


def test_sampling_window(small_samples) -> None:  # type: ignore[no-untyped-def]
    branch = BranchFactory()
    customers = segmented(branch, "gold", "core", 5)
    window = int(survey_policy()["window_days"][""])
    assert window > 31
    surveys_send_due(as_of=FIRST)
    first = set(SurveyInvitation.objects.values_list("customer_id", flat=True))
    # A month later: only customers not surveyed in the window are drawn.
    surveys_send_due(as_of=dt.date(2026, 4, 1))
    second = set(SurveyInvitation.objects.values_list("customer_id", flat=True)) - first
    assert len(first) == 2
    assert len(second) == 2
    assert not first & second
    surveys_send_due(as_of=dt.date(2026, 5, 1))
    per_customer = [SurveyInvitation.objects.filter(customer=c).count() for c in customers]
    assert sorted(per_customer) == [1, 1, 1, 1, 1]  # one left, nobody twice
    # After the window every customer may be drawn again.
    later = FIRST + dt.timedelta(days=window + 31)
    surveys_send_due(as_of=later.replace(day=1), periodic=True)
    assert SurveyInvitation.objects.count() == 7


def test_occasions_surveyed_once() -> None:
    branch = BranchFactory()
    staff = StaffFactory(branch=branch, role="branch_head")
    day = dt.date(2026, 3, 10)
    noon = timezone.make_aware(dt.datetime(2026, 3, 9, 12))
    complainant, guest, diagnosed, old = (
        segmented(branch, "platinum", "lift", 1)[0],
        CustomerFactory(branch=branch),
        CustomerFactory(branch=branch),
        CustomerFactory(branch=branch),
    )
    ComplaintCase.objects.create(
        case_no="K1",
        branch=branch,
        customer=complainant,
        channel="counter",
        category="waiting",
        description="排队太久",
        received_at=noon - dt.timedelta(days=5),
        status="closed",
        closed_at=noon,
    )
    ComplaintCase.objects.create(
        case_no="K2",
        branch=branch,
        customer=old,
        channel="counter",
        category="waiting",
        description="旧投诉",
        received_at=noon - dt.timedelta(days=60),
        status="closed",
        closed_at=noon - dt.timedelta(days=30),
    )
    event = CustomerEvent.objects.create(
        title="名医巡诊",
        event_type="doctors",
        branch=branch,
        organiser=staff,
        held_on=day - dt.timedelta(days=1),
        venue="中心",
        capacity=10,
    )
    Invitation.objects.create(event=event, customer=guest, channel="phone", attended=True)
    Invitation.objects.create(event=event, customer=old, channel="phone", attended=False)
    Diagnosis.objects.create(customer=diagnosed, made_by=staff, made_on=day, snapshot={})

    summary = surveys_send_due(as_of=day)
    assert summary["sent"] == 3
    assert "periodic" not in summary
    got = {i.customer_id: (i.trigger, i.subject) for i in SurveyInvitation.objects.all()}
    assert got[complainant.pk][0] == "complaint"
    assert got[guest.pk] == ("event", f"event{event.pk}")
    assert got[diagnosed.pk][0] == "diagnosis"
    assert old.pk not in got
    inv = SurveyInvitation.objects.get(customer=complainant)
    assert (inv.tier, inv.quadrant) == ("platinum", "lift")
    # The next night sees the same occasions: nothing is sent twice.
    again = surveys_send_due(as_of=day + dt.timedelta(days=1))
    assert again["sent"] == 0
    assert SurveyInvitation.objects.count() == 3


def test_command_prints_summary(small_samples) -> None:  # type: ignore[no-untyped-def]
    segmented(BranchFactory(), "gold", "core", 3)
    out = StringIO()
    call_command("surveys", "send", "--as-of", FIRST.isoformat(), stdout=out)
    summary = json.loads(out.getvalue().strip().splitlines()[-1])
    assert summary["ok"] is True
    assert summary["sent"] == 2
    assert summary["periodic"]["sent"] == 2


def test_nightly_task_sends_surveys_on_fresh_segments(small_samples) -> None:  # type: ignore[no-untyped-def]
    from pcrm.playbook.tasks import playbook_nightly
    from tests.factories import HoldingFactory

    branch = BranchFactory()
    StaffFactory(branch=branch, role="branch_head")
    for _ in range(3):
        HoldingFactory(customer=CustomerFactory(branch=branch))
    result = playbook_nightly.call(as_of=FIRST.isoformat())
    assert result["status"] == "succeeded"
    assert result["surveys"]["periodic"]["sent"] == 2
    segments = dict(CustomerSegment.objects.values_list("customer_id", "tier"))
    for inv in SurveyInvitation.objects.all():
        assert inv.tier == segments[inv.customer_id]  # labels of the run just made
