import pytest
from django.urls import reverse

from tests.browser import login
from tests.factories import PASSWORD, StaffFactory


@pytest.mark.django_db
def test_staff_sign_in_with_staff_code(client):
    StaffFactory(staff_code="M77", role="customer_manager")
    response = client.post(reverse("account_login"), {"login": "M77", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("workbench:home")).status_code == 200


@pytest.mark.django_db
def test_repeated_failures_lock_the_account(client, settings):
    StaffFactory(staff_code="M78", role="customer_manager")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post(reverse("account_login"), {"login": "M78", "password": "wrong"})
    locked = client.post(reverse("account_login"), {"login": "M78", "password": "wrong"})
    assert locked.status_code == 429
    assert "锁定" in locked.content.decode()
    # Even the right password no longer signs in while the lock holds.
    client.post(reverse("account_login"), {"login": "M78", "password": PASSWORD})
    assert client.get(reverse("workbench:home")).status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["branch_head", "admin"])
def test_privileged_roles_must_set_up_totp(client, role):
    staff = StaffFactory(staff_code=f"P-{role}", role=role, branch=None)
    client.force_login(staff)
    response = client.get(reverse("workbench:home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


@pytest.mark.django_db
def test_privileged_role_with_totp_gets_in(client, personas):
    client.force_login(personas.head)
    assert client.get(reverse("workbench:home")).status_code == 200


@pytest.mark.django_db
def test_manager_needs_no_second_factor(client, personas):
    client.force_login(personas.manager)
    assert client.get(reverse("workbench:home")).status_code == 200


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_login_page_in_the_browser(page, live_server):
    StaffFactory(staff_code="M79", name="浏览器经理", role="customer_manager")
    login(page, live_server.url, "M79")
    assert "浏览器经理" in page.content()
