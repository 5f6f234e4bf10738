import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from pcrm.audit.models import AuditEvent
from pcrm.audit.selectors import AuditFilters, audit_event_page
from pcrm.audit.services import audit_record

pytestmark = pytest.mark.django_db


def _events(personas, n=3):
    for i in range(n):
        audit_record(
            actor=personas.manager,
            action="customer.reveal" if i % 2 else "interaction.log",
            target=personas.mine,
            data={"customer_no": "C1", "phone": personas.mine.phone_masked},
            reason=f"事由{i}",
        )


def test_auditor_reads_the_audit_page(client, personas):
    _events(personas)
    client.force_login(personas.auditor)
    response = client.get(reverse("audit:events"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "customer.reveal" in body
    assert "事由1" in body
    assert personas.mine.phone_masked in body


@pytest.mark.parametrize("who", ["manager", "teller", "lobby", "head", "admin", "advisor"])
def test_other_roles_get_404(client, personas, who):
    client.force_login(getattr(personas, who))
    assert client.get(reverse("audit:events")).status_code == 404


def test_filters(personas):
    _events(personas, 4)
    audit_record(
        actor=personas.head,
        action="customer.profile",
        target=personas.theirs,
        data={"customer_no": "C2"},
    )

    def actions(**kw):
        return [e.action for e in audit_event_page(filters=AuditFilters(**kw), size=50).rows]

    assert actions(actor="H1") == ["customer.profile"]
    assert actions(action="customer.reveal") == ["customer.reveal"] * 2
    assert actions(target="C2") == ["customer.profile"]
    assert len(actions(target=str(personas.mine.pk))) == 4
    today = timezone.localdate()
    assert len(actions(date_from=today, date_to=today)) == 5
    assert actions(date_to=today - dt.timedelta(days=1)) == []


def test_keyset_pagination_newest_first(personas):
    _events(personas, 7)
    ids = list(AuditEvent.objects.order_by("-id").values_list("id", flat=True))
    first = audit_event_page(filters=AuditFilters(), size=3)
    assert [e.id for e in first.rows] == ids[:3]
    second = audit_event_page(filters=AuditFilters(), size=3, before=first.older_than)
    assert [e.id for e in second.rows] == ids[3:6]
    back = audit_event_page(filters=AuditFilters(), size=3, after=second.newer_than)
    assert [e.id for e in back.rows] == ids[:3]
    assert back.newer_than is None


def test_audit_page_query_count_is_fixed(client, personas, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _events(personas, 10)
    client.force_login(personas.auditor)
    with CaptureQueriesContext(connection) as ten:
        client.get(reverse("audit:events"))
    _events(personas, 45)
    with django_assert_num_queries(len(ten.captured_queries)):
        response = client.get(reverse("audit:events"))
    assert response.content.decode().count("<tr>") == 51  # header + a full page
