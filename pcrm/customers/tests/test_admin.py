import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_customer_admin_shows_masked_columns_when_granted(client, personas, monkeypatch):
    from pcrm.customers import admin as customers_admin

    monkeypatch.setattr(customers_admin.CustomerDataAdmin, "capability", "system.configure")
    client.force_login(personas.admin)
    body = client.get(reverse("admin:customers_customer_changelist")).content.decode()
    assert personas.mine.phone_masked in body
    assert personas.mine.phone not in body
    assert "曾小明" not in body
    change = client.get(reverse("admin:customers_customer_change", args=[personas.mine.pk]))
    assert personas.mine.id_no not in change.content.decode()
    assert personas.mine.address not in change.content.decode()
