import pytest

from pcrm.customers.selectors import (
    customer_list_for,
    customer_search,
    holding_list_for_customer,
    interaction_list_for_customer,
)
from pcrm.org.roles import matrix
from tests.factories import CustomerFactory, HoldingFactory, InteractionFactory

pytestmark = pytest.mark.django_db


def expected_customers(personas, who):
    """What the role matrix says this persona sees (roles.toml drives the expectation)."""
    user = getattr(personas, who)
    scope = matrix()[user.role].customer_scope
    if scope == "assigned":
        return {c for c in ("C1", "C2", "C3", "C9") if _manager_of(personas, c) == user}
    if scope == "branch":
        return {"C1", "C2", "C3"}  # B1 and its sub-branch B2, never B9
    return set()


def _manager_of(personas, no):
    return {
        "C1": personas.mine,
        "C2": personas.theirs,
        "C3": personas.sub,
        "C9": personas.elsewhere,
    }[no].manager


PERSONAS = ["manager", "manager2", "advisor", "lobby", "teller", "head", "auditor", "admin"]


@pytest.mark.parametrize("who", PERSONAS)
def test_customer_list_follows_the_role_matrix(personas, who):
    seen = set(customer_list_for(user=getattr(personas, who)).values_list("customer_no", flat=True))
    assert seen == expected_customers(personas, who)


@pytest.mark.parametrize("who", PERSONAS)
def test_pages_and_api_follow_the_role_matrix(client, personas, who):
    client.force_login(getattr(personas, who))
    expected = expected_customers(personas, who)
    for no in ("C1", "C2", "C3", "C9"):
        page = client.get(f"/customers/{no}/").status_code
        api = client.get(f"/api/v1/customers/{no}/").status_code
        assert (page, api) == ((200, 200) if no in expected else (404, 404)), no


def test_heteronym_surnames_are_found_by_every_reading(personas):
    qs = customer_list_for(user=personas.head)
    for query, no in [("zxm", "C1"), ("cxm", "C1"), ("sl", "C2"), ("dl", "C2"), ("zw", "C3")]:
        assert no in set(customer_search(qs, query=query).values_list("customer_no", flat=True))
    assert list(customer_search(qs, query="曾").values_list("customer_no", flat=True)) == ["C1"]
    assert customer_search(qs, query="").count() == 3


def test_search_does_not_match_partial_identity(personas):
    qs = customer_list_for(user=personas.head)
    assert not customer_search(qs, query=personas.mine.id_no[:10]).exists()
    assert list(customer_search(qs, query=personas.mine.id_no)) == [personas.mine]


def test_holdings_and_interactions_of_a_customer(personas):
    other = CustomerFactory(branch=personas.branch)
    HoldingFactory(customer=personas.mine)
    HoldingFactory(customer=other)
    InteractionFactory(customer=personas.mine, staff=personas.manager)
    holdings = list(holding_list_for_customer(customer=personas.mine))
    assert len(holdings) == 1
    assert "account_no" in holdings[0].get_deferred_fields()
    assert len(list(interaction_list_for_customer(customer=personas.mine))) == 1
