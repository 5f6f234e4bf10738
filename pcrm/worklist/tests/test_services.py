import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from pcrm.audit.models import AuditEvent
from pcrm.customers.models import Customer, Interaction
from pcrm.worklist.models import WorkItem
from pcrm.worklist.services import (
    customers_allocate,
    work_item_complete,
    work_item_defer,
    work_item_may_act,
    work_item_skip,
)
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_complete_logs_the_interaction_and_establishes_the_relationship(personas, make_item):
    item = make_item(customer=personas.mine, staff=personas.manager, channel="visit")
    assert personas.mine.service_established is False

    done = work_item_complete(
        actor=personas.manager, item=item, outcome="reached", notes=" 聊得好 "
    )

    assert done.status == "done"
    assert done.outcome == "reached"
    assert done.note == "聊得好"
    assert done.closed_at is not None
    contact = Interaction.objects.get(customer=personas.mine)
    assert contact.work_item_key == item.item_key
    assert contact.channel == "visit"
    assert contact.outcome == "reached"
    assert contact.staff == personas.manager
    assert contact.purpose == "日常维护"
    personas.mine.refresh_from_db()
    assert personas.mine.service_established is True
    assert personas.mine.established_by == personas.manager
    event = AuditEvent.objects.get(action="work_item.complete")
    assert event.data["item_key"] == item.item_key
    assert event.data["interaction_logged"] is True
    assert "聊得好" not in str(event.data)


@pytest.mark.parametrize("outcome", ["not_reached", "declined"])
def test_complete_without_reaching_does_not_establish(personas, make_item, outcome):
    item = make_item(customer=personas.mine, staff=personas.manager)
    work_item_complete(actor=personas.manager, item=item, outcome=outcome)
    assert Interaction.objects.get(customer=personas.mine).outcome == outcome
    assert Customer.objects.get(pk=personas.mine.pk).service_established is False


def test_complete_needs_a_known_outcome(personas, make_item):
    item = make_item(customer=personas.mine, staff=personas.manager)
    with pytest.raises(ValidationError):
        work_item_complete(actor=personas.manager, item=item, outcome="maybe")
    assert WorkItem.objects.get(pk=item.pk).status == "open"
    assert not Interaction.objects.exists()


def test_a_closed_item_cannot_be_worked_again(personas, make_item):
    item = make_item(customer=personas.mine, staff=personas.manager)
    work_item_skip(actor=personas.manager, item=item, reason="客户已销户")
    with pytest.raises(ValidationError):
        work_item_complete(actor=personas.manager, item=item, outcome="reached")
    assert not Interaction.objects.exists()


def test_defer_moves_the_due_date_and_keeps_the_item_to_do(personas, make_item):
    item = make_item(customer=personas.mine, staff=personas.manager, due_in=-2)
    until = timezone.localdate() + dt.timedelta(days=1)
    deferred = work_item_defer(actor=personas.manager, item=item, until=until)
    assert (deferred.status, deferred.due_on) == ("deferred", until)
    event = AuditEvent.objects.get(action="work_item.defer")
    assert event.data["due_on"] == until.isoformat()
    # A deferred item is still to be worked: it can be completed later.
    work_item_complete(actor=personas.manager, item=deferred, outcome="reached")
    assert WorkItem.objects.get(pk=item.pk).status == "done"


@pytest.mark.parametrize("days", [0, -1])
def test_defer_must_be_after_today(personas, make_item, days):
    item = make_item(customer=personas.mine, staff=personas.manager)
    with pytest.raises(ValidationError):
        work_item_defer(
            actor=personas.manager, item=item, until=timezone.localdate() + dt.timedelta(days)
        )
    assert WorkItem.objects.get(pk=item.pk).due_on == timezone.localdate()


@pytest.mark.parametrize("reason", ["", "   "])
def test_skip_needs_a_reason(personas, make_item, reason):
    item = make_item(customer=personas.mine, staff=personas.manager)
    with pytest.raises(ValidationError):
        work_item_skip(actor=personas.manager, item=item, reason=reason)
    assert WorkItem.objects.get(pk=item.pk).status == "open"


def test_skip_closes_with_the_reason_audited(personas, make_item):
    item = make_item(customer=personas.mine, staff=personas.manager)
    skipped = work_item_skip(actor=personas.manager, item=item, reason=" 客户出国 ")
    assert (skipped.status, skipped.note) == ("skipped", "客户出国")
    assert not Interaction.objects.exists()
    assert AuditEvent.objects.get(action="work_item.skip").reason == "客户出国"


@pytest.mark.parametrize("who", ["manager2", "advisor", "lobby", "teller", "other_manager"])
def test_only_the_assignee_or_the_branch_head_may_act(personas, make_item, who):
    item = make_item(customer=personas.mine, staff=personas.manager)
    actor = getattr(personas, who)
    with pytest.raises(Http404):
        work_item_complete(actor=actor, item=item, outcome="reached")
    with pytest.raises(Http404):
        work_item_skip(actor=actor, item=item, reason="不是我的")
    with pytest.raises(Http404):
        work_item_defer(actor=actor, item=item, until=timezone.localdate() + dt.timedelta(1))
    assert WorkItem.objects.get(pk=item.pk).status == "open"


def test_branch_head_may_act_on_the_branch_and_its_sub_branch(personas, make_item):
    item = make_item(customer=personas.sub, staff=personas.manager2)
    assert work_item_may_act(actor=personas.head, item=item)
    work_item_complete(actor=personas.head, item=item, outcome="reached")
    assert Interaction.objects.get(customer=personas.sub).staff == personas.head


def test_branch_head_of_another_branch_may_not_act(personas, make_item):
    from tests.factories import StaffFactory

    other_head = StaffFactory(staff_code="H9", role="branch_head", branch=personas.other_branch)
    item = make_item(customer=personas.mine, staff=personas.manager)
    assert not work_item_may_act(actor=other_head, item=item)
    with pytest.raises(Http404):
        work_item_skip(actor=other_head, item=item, reason="越权")


def test_lobby_manager_closes_own_walk_in_without_a_contact_log(personas, make_item):
    # The lobby manager's role keeps no contact log (roles.toml has no contact.log).
    item = make_item(customer=personas.mine, staff=personas.lobby, kind="walk_in")
    done = work_item_complete(actor=personas.lobby, item=item, outcome="reached")
    assert done.status == "done"
    assert not Interaction.objects.exists()
    assert AuditEvent.objects.get(action="work_item.complete").data["interaction_logged"] is False


def test_allocate_gives_customers_and_their_open_items_to_the_manager(personas, make_item):
    loose = CustomerFactory(customer_no="U1", name="孙无", branch=personas.branch, manager=None)
    open_item = make_item(customer=loose, staff=personas.head)
    deferred = make_item(customer=loose, staff=personas.head, due_in=-1)
    work_item_defer(
        actor=personas.head, item=deferred, until=timezone.localdate() + dt.timedelta(3)
    )
    closed = make_item(customer=loose, staff=personas.head)
    work_item_skip(actor=personas.head, item=closed, reason="重复")

    assert customers_allocate(actor=personas.head, customers=[loose], manager=personas.advisor) == 1

    loose.refresh_from_db()
    assert loose.manager == personas.advisor
    staff_of = dict(WorkItem.objects.filter(customer=loose).values_list("pk", "staff_id"))
    assert staff_of[open_item.pk] == personas.advisor.pk
    assert staff_of[deferred.pk] == personas.advisor.pk
    assert staff_of[closed.pk] == personas.head.pk  # history stays with who closed it
    event = AuditEvent.objects.get(action="customer.manager_assign")
    assert event.data == {
        "customer_no": "U1",
        "manager": "W1",
        "previous": "",
        "work_items_moved": 2,
    }


@pytest.mark.parametrize("who", ["manager", "lobby", "teller"])
def test_only_a_branch_head_allocates(personas, who):
    loose = CustomerFactory(customer_no="U2", branch=personas.branch, manager=None)
    with pytest.raises(PermissionDenied):
        customers_allocate(
            actor=getattr(personas, who), customers=[loose], manager=personas.manager
        )
    loose.refresh_from_db()
    assert loose.manager is None


@pytest.mark.parametrize("target", ["lobby", "teller", "head", "other_manager"])
def test_allocate_only_to_managers_and_advisors_of_the_branch(personas, target):
    loose = CustomerFactory(customer_no="U3", branch=personas.branch, manager=None)
    with pytest.raises(ValidationError):
        customers_allocate(
            actor=personas.head, customers=[loose], manager=getattr(personas, target)
        )
    loose.refresh_from_db()
    assert loose.manager is None


def test_allocate_a_customer_of_another_branch_is_404(personas):
    with pytest.raises(Http404):
        customers_allocate(
            actor=personas.head, customers=[personas.elsewhere], manager=personas.manager
        )
    assert Customer.objects.get(pk=personas.elsewhere.pk).manager == personas.other_manager


def test_allocate_is_all_or_nothing(personas):
    first = CustomerFactory(customer_no="U4", branch=personas.branch, manager=None)
    with pytest.raises(Http404):
        customers_allocate(
            actor=personas.head, customers=[first, personas.elsewhere], manager=personas.manager
        )
    assert Customer.objects.get(pk=first.pk).manager is None
