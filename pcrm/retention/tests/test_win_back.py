"""Win-back: work items with a suggested approach, actions and outcomes (audited), lists, 404."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from pcrm.audit.models import AuditEvent
from pcrm.retention.models import CaseStatus, WinBackCase
from pcrm.retention.policy import section
from pcrm.retention.selectors import at_risk_list_for, lost_list_for, results_for
from pcrm.retention.services import (
    approach_for,
    risk_scores_refresh,
    win_back_action_record,
    win_back_open,
    win_back_outcome_record,
)
from pcrm.retention.tests.helpers import contact, customer, txn
from pcrm.worklist.models import WorkItem

pytestmark = pytest.mark.django_db
WB = section("win_back")


def _at_risk(personas, manager=None):  # type: ignore[no-untyped-def]
    """A customer of the manager who moved most money to another bank and complained."""
    c, d = customer(aum=30000, branch=personas.branch, manager=manager or personas.manager)
    contact(c, 3, purpose="投诉", staff=personas.manager)
    txn(c, d, 5, -70000, counterparty="他行（招商银行）")
    return c


def test_approach_follows_the_signals() -> None:
    assert approach_for(["transfer_out", "complaint"])[2] == WB["approach"]["complaint"][2]
    assert approach_for(["maturity_not_reinvested"])[2].startswith("再投资")
    assert approach_for(["neglect"])[2].startswith("关怀拜访")


def test_open_creates_case_and_work_item_once(personas) -> None:  # type: ignore[no-untyped-def]
    c = _at_risk(personas)
    risk_scores_refresh(actor=personas.admin)
    assert win_back_open(actor=personas.admin) == 1
    assert win_back_open(actor=personas.admin) == 0  # idempotent within the month
    case = WinBackCase.objects.get(customer=c)
    assert case.approach == WB["approach"]["complaint"][2]
    assert case.aum_at_risk == Decimal("100000.00")
    item = WorkItem.objects.get(customer=c, kind="win_back")
    assert item.subject == f"{timezone.localdate():%Y-%m}"
    assert item.staff == personas.manager
    assert "近期投诉" in item.reason
    assert "大额转出至他行" in item.reason
    assert [r.customer for r in at_risk_list_for(user=personas.manager)] == [c]
    assert list(at_risk_list_for(user=personas.manager2)) == []
    assert [r.customer for r in at_risk_list_for(user=personas.head)] == [c]


def test_action_then_restored_records_aum_saved(personas) -> None:  # type: ignore[no-untyped-def]
    c = _at_risk(personas)
    risk_scores_refresh(actor=personas.admin)
    win_back_open(actor=personas.admin)
    case = WinBackCase.objects.get(customer=c)
    win_back_action_record(actor=personas.manager, case=case, note="登门致歉，解决了投诉")
    assert case.status == CaseStatus.CONTACTED
    win_back_outcome_record(actor=personas.manager, case=case, outcome="restored")
    case.refresh_from_db()
    assert case.status == CaseStatus.RESTORED
    assert case.aum_saved == Decimal("30000.00")
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"retention.win_back_action", "retention.win_back_outcome"} <= actions
    with pytest.raises(ValidationError):
        win_back_outcome_record(actor=personas.manager, case=case, outcome="lost")
    row = results_for(user=personas.head)[0]
    assert (row["at_risk"], row["contacted"], row["restored"], row["lost"]) == (1, 1, 1, 0)
    assert row["aum_saved"] == Decimal("30000.00")


def test_lost_customers_are_listed(personas) -> None:  # type: ignore[no-untyped-def]
    c = _at_risk(personas)
    risk_scores_refresh(actor=personas.admin)
    win_back_open(actor=personas.admin)
    case = WinBackCase.objects.get(customer=c)
    win_back_outcome_record(actor=personas.manager, case=case, outcome="lost")
    assert [x.customer for x in lost_list_for(user=personas.head)] == [c]
    assert list(lost_list_for(user=personas.other_manager)) == []


def test_roles_without_contact_log_cannot_record(personas) -> None:  # type: ignore[no-untyped-def]
    c = _at_risk(personas)
    risk_scores_refresh(actor=personas.admin)
    win_back_open(actor=personas.admin)
    case = WinBackCase.objects.get(customer=c)
    with pytest.raises(PermissionDenied):
        win_back_action_record(actor=personas.teller, case=case, note="x")


def test_pages_scope_and_404(client, personas) -> None:  # type: ignore[no-untyped-def]
    c = _at_risk(personas)
    risk_scores_refresh(actor=personas.admin)
    win_back_open(actor=personas.admin)
    case = WinBackCase.objects.get(customer=c)
    client.force_login(personas.manager)
    page = client.get("/retention/")
    assert page.status_code == 200
    assert c.name in page.content.decode()
    detail = client.get(f"/retention/c/{c.customer_no}/").content.decode()
    assert "大额转出至他行" in detail
    assert WB["approach"]["complaint"][2] in detail
    assert client.get("/retention/model/").status_code == 200
    client.force_login(personas.other_manager)
    assert client.get(f"/retention/c/{c.customer_no}/").status_code == 404
    response = client.post(f"/retention/case/{case.pk}/action/", {"note": "x"})
    assert response.status_code == 404
    assert c.name not in client.get("/retention/").content.decode()
    client.force_login(personas.manager)
    client.post(f"/retention/case/{case.pk}/lost/", {"note": "已转他行"})  # no confirmation
    case.refresh_from_db()
    assert case.status == CaseStatus.AT_RISK
    client.post(f"/retention/case/{case.pk}/lost/", {"note": "已转他行", "confirm": "on"})
    case.refresh_from_db()
    assert case.status == CaseStatus.LOST


def test_head_sees_branch_list_per_manager(client, personas) -> None:  # type: ignore[no-untyped-def]
    mine = _at_risk(personas)
    theirs = _at_risk(personas, manager=personas.manager2)
    theirs.name = "单丽丽"
    theirs.save()
    risk_scores_refresh(actor=personas.admin)
    client.force_login(personas.head)
    both = client.get("/retention/").content.decode()
    assert mine.name in both
    assert theirs.name in both
    only = client.get(f"/retention/?manager={personas.manager2.pk}").content.decode()
    assert theirs.name in only
    assert f">{mine.name}<" not in only
    client.force_login(personas.manager)
    assert theirs.name not in client.get("/retention/").content.decode()
