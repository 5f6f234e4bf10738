"""The daily snapshot: hand-counted figures, idempotency, the command and the nightly run."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from pcrm.audit.models import AuditEvent
from pcrm.playbook.loyalty import customer_score
from pcrm.playbook.models import DailySnapshot
from pcrm.playbook.snapshots import snapshot_take
from pcrm.playbook.tests import snapshot_bank
from pcrm.playbook.tests.snapshot_bank import today

pytestmark = pytest.mark.django_db


def figure(metric, *, branch=None, staff=None, dimension=""):
    return DailySnapshot.objects.get(
        as_of=today(), branch=branch, staff=staff, metric=metric, dimension=dimension
    ).value


@pytest.fixture
def bank(personas):
    snapshot_bank.build(personas)
    return personas


def test_customer_figures_match_the_hand_count(bank):
    snapshot_take(actor=None, as_of=today())
    b1 = bank.branch
    assert figure("customers", branch=b1) == 2
    assert figure("customers") == 4
    assert figure("aum", branch=b1) == 1_700_000
    assert figure("customers_by_tier", branch=b1, dimension="gold") == 1
    assert figure("customers_by_tier", branch=b1, dimension="platinum") == 1
    assert figure("customers_by_tier", branch=bank.sub_branch, dimension="none") == 1
    assert figure("aum_by_quadrant", branch=b1, dimension="lift") == 1_500_000
    assert figure("coverage_by_quadrant", branch=b1, dimension="core") == 100
    assert figure("coverage_by_quadrant", branch=b1, dimension="lift") == 0
    assert figure("coverage_by_tier", dimension="gold") == 100  # C1 and C9
    assert figure("loyalty", branch=b1) == pytest.approx((250 / 3 + 40) / 2, abs=1e-3)
    assert figure("loyalty", branch=b1, staff=bank.manager) == pytest.approx(250 / 3, abs=1e-3)
    assert figure("retention_rate") == 50  # C3 has no AUM, C9 was lost
    assert figure("income", branch=b1) == pytest.approx(1400)
    assert figure("products", branch=b1) == 2


def test_work_complaint_and_retention_figures(bank):
    snapshot_take(actor=None, as_of=today())
    b1, m1 = bank.branch, bank.manager
    assert figure("wi_created", branch=b1, staff=m1) == 3
    assert figure("wi_completed", branch=b1, staff=m1) == 1
    assert figure("wi_overdue", branch=b1, staff=m1) == 1
    assert figure("wi_open", branch=b1) == 2
    assert figure("complaints_open", branch=b1) == 2
    assert figure("complaints_due_soon", branch=b1) == 1
    assert figure("complaints_overdue", branch=b1) == 1
    assert figure("complaints_decided_in_time", branch=b1) == 1
    assert figure("satisfaction", branch=b1) == 4
    assert figure("satisfaction") == 4
    assert figure("survey_satisfaction", branch=b1) == 2
    assert figure("survey_satisfaction", branch=b1, staff=m1) == 2
    assert figure("survey_satisfaction_count", branch=b1) == 1
    assert figure("winback_lost", branch=bank.other_branch) == 1
    assert not DailySnapshot.objects.filter(metric="complaints_open", branch=bank.other_branch)


def test_taking_the_same_day_twice_gives_the_same_rows(bank):
    first = snapshot_take(actor=None, as_of=today())
    rows = set(DailySnapshot.objects.values_list("branch", "staff", "metric", "dimension", "value"))
    second = snapshot_take(actor=None, as_of=today())
    again = set(
        DailySnapshot.objects.values_list("branch", "staff", "metric", "dimension", "value")
    )
    assert first["rows"] == second["rows"] == len(rows) > 50
    assert rows == again
    assert DailySnapshot.objects.count() == len(rows)
    assert AuditEvent.objects.filter(action="snapshot.take").count() == 2


def test_the_customer_score_equals_the_snapshot(bank):
    score = customer_score(customer=bank.mine, as_of=today())
    assert score.loyalty == pytest.approx(83.3, abs=0.05)
    assert score.products == 2
    assert score.income == 1400
    assert score.contacts == 3
    assert score.retained
    lost = customer_score(customer=bank.elsewhere, as_of=today())
    assert lost.loyalty == 0
    assert not lost.retained


def test_command_prints_a_summary(bank):
    out = StringIO()
    call_command("snapshots", "take", "--as-of", today().isoformat(), stdout=out)
    summary = json.loads(out.getvalue().strip().splitlines()[-1])
    assert summary["ok"] is True
    assert summary["customers"] == 4
    assert summary["rows"] == DailySnapshot.objects.count()


def test_command_rejects_a_bad_date(bank, capsys):
    with pytest.raises(SystemExit) as exc:
        call_command("snapshots", "take", "--as-of", "2026-13-40")
    assert exc.value.code == 2


def test_customer_360_shows_the_loyalty_panel(client, bank):
    client.force_login(bank.manager)
    body = client.get("/customers/C1/").content.decode()
    assert 'class="loyalty-score">83.3<' in body
    assert "¥1,400.00" in body
    client.force_login(bank.lobby)  # masked-identity roles see no financial figures
    assert 'id="loyalty"' not in client.get("/customers/C1/").content.decode()


def test_the_nightly_task_takes_the_snapshot_of_its_day(personas):
    from pcrm.playbook.tasks import playbook_nightly

    result = playbook_nightly.call(as_of=today().isoformat())
    assert result["status"] == "succeeded"
    assert result["snapshot"]["customers"] == 4
    assert figure("customers", branch=personas.branch) == 2
    # The run just segmented every customer, so no customer is left without a tier row.
    tiers = DailySnapshot.objects.filter(as_of=today(), branch=None, metric="customers_by_tier")
    assert sum(tiers.values_list("value", flat=True)) == 4
