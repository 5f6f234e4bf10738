import pytest
from django.urls import reverse

from pcrm.audit.models import AuditEvent
from pcrm.audit.services import audit_record
from pcrm.org.models import Branch
from tests.factories import HoldingFactory

pytestmark = pytest.mark.django_db

CUSTOMER_ADMINS = ["customer", "holding", "transaction", "interaction"]


def test_admin_index_lists_configuration_but_no_customer_data(client, personas):
    client.force_login(personas.admin)
    body = client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:org_branch_changelist") in body
    assert reverse("admin:customers_product_changelist") in body
    for model in CUSTOMER_ADMINS:
        assert reverse(f"admin:customers_{model}_changelist") not in body
        assert client.get(reverse(f"admin:customers_{model}_changelist")).status_code == 403


def test_admin_pages_render(client, personas):
    HoldingFactory(customer=personas.mine)
    client.force_login(personas.admin)
    for name in (
        "org_bank",
        "org_branch",
        "org_staff",
        "org_apitoken",
        "customers_product",
        "worklist_workitem",
        "audit_auditevent",
    ):
        assert client.get(reverse(f"admin:{name}_changelist")).status_code == 200, name
    staff = client.get(reverse("admin:org_staff_change", args=[personas.manager.pk]))
    assert staff.status_code == 200
    assert "pbkdf2" not in staff.content.decode().lower()
    assert "md5$" not in staff.content.decode()


def test_audit_events_are_read_only_in_admin(client, personas):
    event = audit_record(actor=personas.manager, action="customer.reveal", data={"x": 1})
    client.force_login(personas.admin)
    assert client.get(reverse("admin:audit_auditevent_add")).status_code == 403
    assert client.post(reverse("admin:audit_auditevent_delete", args=[event.pk])).status_code == 403
    page = client.get(reverse("admin:audit_auditevent_change", args=[event.pk])).content.decode()
    assert 'name="_save"' not in page
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_branch_saved_through_the_service_is_audited(client, personas):
    client.force_login(personas.admin)
    response = client.post(
        reverse("admin:org_branch_add"),
        {"code": "B5", "name": "新开支行", "parent": personas.branch.pk},
    )
    assert response.status_code == 302
    assert Branch.objects.get(code="B5").parent == personas.branch
    assert AuditEvent.objects.filter(action="branch.create", branch_code="B5").count() == 1


def test_staff_without_admin_role_cannot_enter(client, personas):
    client.force_login(personas.manager)
    assert client.get(reverse("admin:index")).status_code == 302


def test_staff_change_goes_through_the_service_and_keeps_the_phone(client, personas):
    from pcrm.lib.masking import mask_phone
    from pcrm.org.models import Staff

    personas.manager.phone, personas.manager.phone_masked = "13712345678", mask_phone("13712345678")
    personas.manager.save()
    client.force_login(personas.admin)
    response = client.post(
        reverse("admin:org_staff_change", args=[personas.manager.pk]),
        {"name": "吴新经理", "role": "wealth_advisor", "branch": personas.branch.pk},
    )
    assert response.status_code == 302
    staff = Staff.objects.get(pk=personas.manager.pk)
    assert (staff.name, staff.role, staff.phone) == ("吴新经理", "wealth_advisor", "13712345678")
    event = AuditEvent.objects.get(action="staff.update")
    assert event.data["phone"] == "137****5678"
