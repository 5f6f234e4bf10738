import pytest
from django.urls import reverse

from pcrm.org.services import api_token_create
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/customers/"


def detail(no):
    return f"/api/v1/customers/{no}/"


def test_manager_lists_own_customers_masked(client, personas):
    client.force_login(personas.manager)
    data = client.get(LIST).json()
    assert [row["customer_no"] for row in data["results"]] == ["C1"]
    row = data["results"][0]
    assert row["name"] == "曾小明"
    assert row["phone_masked"] == personas.mine.phone_masked
    assert "phone" not in row
    assert "id_no" not in row
    assert personas.mine.id_no not in str(data)
    assert row["aum"] == "0.00"


def test_other_managers_customer_is_404_json(client, personas):
    client.force_login(personas.manager)
    response = client.get(detail("C2"))
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"
    assert set(response.json()) == {"error", "detail"}


def test_teller_gets_masked_names_and_no_aum(client, personas):
    client.force_login(personas.teller)
    rows = client.get(LIST).json()["results"]
    assert [r["customer_no"] for r in rows] == ["C1", "C2", "C3"]
    assert rows[0]["name"] == "曾**"
    assert all(r["aum"] is None for r in rows)


def test_branch_head_sees_branch_and_sub_branch(client, personas):
    client.force_login(personas.head)
    rows = client.get(LIST).json()["results"]
    assert [r["customer_no"] for r in rows] == ["C1", "C2", "C3"]
    assert client.get(detail("C9")).status_code == 404
    assert client.get(detail("C3")).json()["branch"] == "B2"


@pytest.mark.parametrize("who", ["admin", "auditor"])
def test_admin_and_auditor_see_no_customers(client, personas, who):
    client.force_login(getattr(personas, who))
    assert client.get(LIST).json()["results"] == []
    assert client.get(detail("C1")).status_code == 404


def test_cursor_pagination(client, personas, settings):
    for n in range(55):
        CustomerFactory(customer_no=f"X{n:03d}", branch=personas.branch, manager=personas.manager)
    client.force_login(personas.manager)
    first = client.get(LIST).json()
    assert len(first["results"]) == 50
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 6
    assert second["next"] is None


def test_system_token_sees_no_customer_data(client, personas):
    _token, raw = api_token_create(actor=None, name="核心系统", kind="system", branch=None)
    auth = {"Authorization": f"Bearer {raw}"}
    assert client.get(LIST, headers=auth).json()["results"] == []
    assert client.get(detail("C1"), headers=auth).status_code == 404


def test_anonymous_is_refused_with_json_error(client, personas):
    response = client.get(LIST)
    assert response.status_code in (401, 403)
    assert "error" in response.json()


def test_schema_and_docs_are_served_offline(client, personas):
    client.force_login(personas.manager)
    schema = client.get(reverse("api:schema"))
    assert schema.status_code == 200
    assert b"/api/v1/customers/{customer_no}/" in schema.content
    docs = client.get(reverse("api:docs"))
    assert docs.status_code == 200
    assert b"drf_spectacular_sidecar" in docs.content  # local assets, no CDN
    assert b"cdn." not in docs.content


def test_list_query_count_is_fixed(client, personas, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(personas.manager)
    with CaptureQueriesContext(connection) as small:
        client.get(LIST)
    for n in range(40):
        CustomerFactory(customer_no=f"Y{n:03d}", branch=personas.branch, manager=personas.manager)
    with CaptureQueriesContext(connection) as big:
        client.get(LIST)
    assert len(big.captured_queries) == len(small.captured_queries)
