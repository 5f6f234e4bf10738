"""Book sifting (梳理筛选), red list, face-to-face method report."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from pcrm.acquisition import policy
from pcrm.acquisition.models import RedListEntry
from pcrm.acquisition.selectors import (
    book_sifting_for,
    method_results_for,
    red_list_invite_conversion_for,
)
from pcrm.acquisition.services.redlist import red_list_reconcile, red_list_set
from pcrm.audit.models import AuditEvent
from pcrm.customers.models import Customer
from pcrm.customers.services import interaction_log
from pcrm.worklist.services import work_item_put
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_reached_contact_marks_relationship_established(personas: Any) -> None:
    before = book_sifting_for(user=personas.manager)
    assert (before.total, before.established) == (1, 0)
    interaction_log(
        actor=personas.manager,
        customer=personas.mine,
        channel="phone",
        outcome="reached",
        method="phone_invitation",
    )
    customer = Customer.objects.get(pk=personas.mine.pk)
    assert customer.service_established
    assert customer.established_by == personas.manager
    assert customer.established_at is not None
    after = book_sifting_for(user=personas.manager)
    assert (after.established, after.not_established) == (1, 0)
    assert after.weeks[-1][1] == 1
    assert after.weeks[-1][2] == 1


def test_not_reached_does_not_establish(personas: Any) -> None:
    interaction_log(
        actor=personas.manager, customer=personas.mine, channel="phone", outcome="not_reached"
    )
    assert book_sifting_for(user=personas.manager).established == 0


def test_weekly_progress_counts_by_established_at(personas: Any) -> None:
    today = timezone.localdate()
    weeks = policy.sifting()["progress_weeks"]
    old = timezone.now() - dt.timedelta(days=7 * (weeks + 2))
    recent = timezone.now() - dt.timedelta(days=7)
    for n, when in enumerate([old, recent, recent]):
        CustomerFactory(
            customer_no=f"C7{n}",
            branch=personas.branch,
            manager=personas.manager,
            service_established=True,
            established_at=when,
        )
    summary = book_sifting_for(user=personas.manager, today=today)
    assert len(summary.weeks) == weeks
    assert summary.weeks[0][2] == 1  # the old one counts before the window
    assert summary.weeks[-1][2] == 3
    assert sum(n for _w, n, _c in summary.weeks) == 2
    assert summary.established_share == 75


def test_sifting_page_shows_split_and_items(personas: Any, client: Any) -> None:
    work_item_put(
        actor=None,
        customer=personas.mine,
        staff=personas.manager,
        kind="establish_relationship",
        subject="2026",
        due_on=timezone.localdate(),
        channel="phone",
        content="care",
        priority=2,
        reason="新客户",
    )
    client.force_login(personas.manager)
    page = client.get("/acquisition/").content.decode()
    assert 'id="count-not-established">1<' in page
    assert "新客户" in page
    # Customer numbers as shown (in links or item lines), not inside a random token.
    assert "/customers/C1/" in page or " C1 " in page
    assert "/customers/C2/" not in page
    assert " C2 " not in page
    client.force_login(personas.admin)
    assert client.get("/acquisition/").status_code in (302, 403)


def test_red_list_by_hand_with_who_and_why(personas: Any) -> None:
    entry = red_list_set(
        actor=personas.manager, customer=personas.mine, on_list=True, reason="代发工资大户"
    )
    assert Customer.objects.get(pk=personas.mine.pk).red_list
    assert (entry.actor, entry.reason, entry.source) == (personas.manager, "代发工资大户", "manual")
    assert AuditEvent.objects.filter(action="red_list.add").exists()
    with pytest.raises(ValidationError):
        red_list_set(actor=personas.manager, customer=personas.mine, on_list=True, reason="再次")
    with pytest.raises(ValidationError):
        red_list_set(actor=personas.manager, customer=personas.mine, on_list=False, reason="")
    with pytest.raises(PermissionDenied):
        red_list_set(actor=personas.lobby, customer=personas.mine, on_list=False, reason="误列")


def test_red_list_import_is_reconciled_into_history(personas: Any) -> None:
    Customer.objects.filter(pk=personas.theirs.pk).update(red_list=True)
    assert red_list_reconcile(actor=None) == 1
    entry = RedListEntry.objects.get()
    assert (entry.customer_id, entry.on_list, entry.source) == (personas.theirs.pk, True, "import")
    assert red_list_reconcile(actor=None) == 0
    Customer.objects.filter(pk=personas.theirs.pk).update(red_list=False)
    assert red_list_reconcile(actor=None) == 1


def test_red_list_invite_conversion(personas: Any) -> None:
    for customer in (personas.mine, personas.theirs):
        work_item_put(
            actor=None,
            customer=customer,
            staff=customer.manager,
            kind="red_list_invite",
            subject="x",
            due_on=timezone.localdate(),
            channel="phone",
            content="care",
            priority=1,
            reason="红名单",
        )
    interaction_log(
        actor=personas.manager, customer=personas.mine, channel="phone", outcome="reached"
    )
    conversion = red_list_invite_conversion_for(user=personas.head)
    assert conversion["total"] == 2
    assert conversion["established"] == 1
    assert red_list_invite_conversion_for(user=personas.manager)["total"] == 1


def test_results_per_face_to_face_method(personas: Any, client: Any) -> None:
    now = timezone.now()
    interaction_log(
        actor=personas.manager,
        customer=personas.mine,
        channel="phone",
        outcome="reached",
        method="phone_invitation",
        occurred_at=now,
    )
    interaction_log(
        actor=personas.manager,
        customer=personas.mine,
        channel="visit",
        outcome="declined",
        method="experience",
        occurred_at=now - dt.timedelta(hours=1),
    )
    interaction_log(
        actor=personas.manager,
        customer=personas.mine,
        channel="phone",
        outcome="not_reached",
        method="phone_invitation",
        occurred_at=now - dt.timedelta(hours=2),
    )
    rows = {r["method"]: r for r in method_results_for(user=personas.manager)}
    assert (rows["phone_invitation"]["total"], rows["phone_invitation"]["reached"]) == (2, 1)
    assert (rows["experience"]["total"], rows["experience"]["declined"]) == (1, 1)
    assert method_results_for(user=personas.manager2) == []
    client.force_login(personas.manager)
    page = client.get("/acquisition/methods/").content.decode()
    assert "电话邀约" in page
    assert "50%" in page


def test_pages_render_for_every_role(personas: Any, client: Any) -> None:
    for user in (personas.manager, personas.advisor, personas.lobby, personas.teller):
        client.force_login(user)
        for url in (
            "/acquisition/",
            "/acquisition/walk-ins/",
            "/acquisition/red-list/",
            "/acquisition/methods/",
            "/acquisition/referrals/",
            "/acquisition/drives/",
        ):
            assert client.get(url).status_code == 200, (user.role, url)
