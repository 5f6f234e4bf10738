"""The generator: determinism, coverage of every segment band and product, valid identities,
sealed storage."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
from decimal import Decimal
from importlib.resources import files

import pytest
from django.db import connection
from django.utils import timezone
from lunar_python import Solar

from pcrm.customers.choices import ContactPreference, Orientation, ProductType, RiskLevel
from pcrm.customers.models import Customer, Holding, Interaction, Product, Transaction
from pcrm.demo.generator import bank_generate
from pcrm.demo.generator_customers import name_keys
from pcrm.demo.generator_interactions import COMPLAINT_PURPOSE
from pcrm.demo.profile import section
from pcrm.demo.reset import bank_reset
from pcrm.demo.tests.conftest import SEED, SMALL
from pcrm.lib import idcard
from pcrm.lib.pinyin import name_search_keys
from pcrm.org.models import Staff


def _fingerprint() -> dict[str, object]:
    return {
        "customers": list(
            Customer.objects.order_by("customer_no").values_list("customer_no", "name", "aum")
        ),
        "holdings": Holding.objects.count(),
        "transactions": Transaction.objects.count(),
        "interactions": Interaction.objects.count(),
    }


@pytest.mark.django_db
def test_same_seed_same_bank_other_seed_other_bank() -> None:
    today = timezone.localdate()
    bank_generate(seed=SEED, customers=150, branches=2, today=today)
    first = _fingerprint()
    bank_reset()
    bank_generate(seed=SEED, customers=150, branches=2, today=today)
    assert _fingerprint() == first
    bank_reset()
    bank_generate(seed=SEED + 1, customers=150, branches=2, today=today)
    other = _fingerprint()
    assert other["customers"] != first["customers"]
    numbers = {c[0] for c in first["customers"]}  # type: ignore[attr-defined]
    assert numbers.isdisjoint(c[0] for c in other["customers"])  # type: ignore[attr-defined]


@pytest.mark.django_db
@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
def test_chunks_drawn_in_worker_processes_give_the_same_bank() -> None:
    today = timezone.localdate()
    bank_generate(seed=SEED, customers=2100, branches=2, today=today, workers=1)
    serial = _fingerprint()
    bank_reset()
    bank_generate(seed=SEED, customers=2100, branches=2, today=today, workers=2)
    assert _fingerprint() == serial


def test_tier_floors_are_those_of_the_default_policy() -> None:
    policy = files("pcrm.playbook").joinpath("default_policy.json")
    if not policy.is_file():
        pytest.skip("the playbook's default policy is not there")
    tiers = json.loads(policy.read_text(encoding="utf-8"))["tiers"]
    assert [int(t["floor"]) for t in tiers] == section("segments")["tier_floors"]


def test_every_band_has_customers(demo_bank) -> None:  # type: ignore[no-untyped-def]
    floors = [Decimal(f) for f in section("segments")["tier_floors"]]
    bounds = [Decimal(0), *floors, Decimal(10) ** 12]
    customers = Customer.objects.all()
    for low, high in itertools.pairwise(bounds):
        assert customers.filter(aum__gte=low, aum__lt=high).exists(), (low, high)
    assert customers.filter(potential__isnull=True).exists()
    assert customers.filter(potential__gte=60).exists()
    assert customers.filter(potential__lt=60).exists()
    assert customers.filter(aum__gte=500_000, potential__gte=60).exists()
    assert customers.filter(aum__lt=500_000, potential__lt=60).exists()


def test_every_preference_orientation_and_gap(demo_bank) -> None:  # type: ignore[no-untyped-def]
    customers = Customer.objects.all()
    prefs = set(customers.values_list("contact_preference", flat=True))
    assert prefs == {*ContactPreference.values, ""}
    assert set(customers.values_list("orientation", flat=True)) == {*Orientation.values, ""}
    assert (
        customers.filter(marketing_consent=False)
        .exclude(marketing_consent_recorded_by=None)
        .exists()
    )
    assert customers.filter(risk_rating="").exists()
    stale = timezone.localdate() - dt.timedelta(days=365)
    assert customers.filter(risk_assessed_on__lt=stale).exists()
    assert customers.filter(manager__isnull=True).exists()
    assert customers.filter(red_list=True).exists()
    assert customers.filter(red_list=True, service_established=False).exists()
    assert customers.filter(service_established=False, manager__isnull=False).exists()
    for column in ("work_unit", "family", "relatives", "email_masked", "address_masked"):
        assert customers.filter(**{column: ""}).exists(), column
    assert customers.filter(manager__role="wealth_advisor").exists()


def test_every_product_type_and_risk_level(demo_bank) -> None:  # type: ignore[no-untyped-def]
    assert set(Holding.objects.values_list("product__product_type", flat=True)) == set(
        ProductType.values
    )
    assert set(Product.objects.exclude(risk_level="").values_list("risk_level", flat=True)) == set(
        RiskLevel.values
    )
    today = timezone.localdate()
    soon = Holding.objects.filter(
        status="active", matures_on__range=(today, today + dt.timedelta(days=45))
    )
    assert soon.count() >= 10
    assert len({h.matures_on for h in soon}) >= 10, "maturities spread over the coming weeks"
    priced = Holding.objects.filter(
        status="active", product__product_type__in=["fund", "wealth"], principal__gt=0
    )
    ratios = [h.market_value / h.principal - 1 for h in priced.only("principal", "market_value")]
    assert any(r <= Decimal("-0.10") for r in ratios)
    assert any(r >= Decimal("0.20") for r in ratios)


def test_transactions_include_large_recent_ones(demo_bank) -> None:  # type: ignore[no-untyped-def]
    now = timezone.now()
    txns = Transaction.objects.all()
    assert (
        txns.filter(booked_at__gte=now - dt.timedelta(days=330))
        .filter(booked_at__lt=now - dt.timedelta(days=300))
        .exists()
    )
    assert not txns.filter(booked_at__gt=now).exists()
    recent = txns.filter(booked_at__gte=now - dt.timedelta(days=3))
    assert recent.filter(amount__gte=50_000).exists() or recent.filter(amount__lte=-50_000).exists()


def test_birthdays_solar_and_lunar_in_the_next_days(demo_bank) -> None:  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    window = [today + dt.timedelta(days=d) for d in range(4)]
    solar = {(d.month, d.day) for d in window}
    lunar = set()
    for d in window:
        moon = Solar.fromYmd(d.year, d.month, d.day).getLunar()
        lunar.add((abs(moon.getMonth()), moon.getDay()))
    birthdays = Customer.objects.exclude(birth_date=None).values_list(
        "birth_date", "lunar_birthday"
    )
    assert any((b.month, b.day) in solar for b, is_lunar in birthdays if not is_lunar)
    found = []
    for birth, is_lunar in birthdays:
        if is_lunar:
            moon = Solar.fromYmd(birth.year, birth.month, birth.day).getLunar()
            found.append((abs(moon.getMonth()), moon.getDay()) in lunar)
    assert any(found)


def test_id_numbers_are_valid_and_match_birth_and_gender(demo_bank) -> None:  # type: ignore[no-untyped-def]
    rows = list(Customer.objects.filter(id_type="id_card"))
    assert len(rows) > SMALL * 0.9
    for customer in rows:
        assert idcard.is_valid(customer.id_no), customer.customer_no
        assert idcard.birth_date_of(customer.id_no) == customer.birth_date
        assert int(customer.id_no[16]) % 2 == (1 if customer.gender == "M" else 0)
    assert Customer.objects.exclude(id_type="id_card").exists()


def test_protected_values_are_sealed_in_the_database(demo_bank) -> None:  # type: ignore[no-untyped-def]
    clear = re.compile(r"\d{11}")
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_no, phone, email, address FROM customers_customer")
        raw = cursor.fetchall()
        cursor.execute("SELECT account_no FROM customers_holding")
        accounts = cursor.fetchall()
    assert raw
    assert accounts
    for row in raw:
        for value in row:
            assert not value or (value.startswith("t1$") and not clear.search(value))
    assert all(a.startswith("t1$") for (a,) in accounts)
    customer = Customer.objects.exclude(phone="").first()
    assert customer is not None
    assert customer.phone_masked[:3] == customer.phone[:3]
    assert "*" in customer.phone_masked


def test_heteronym_and_compound_surnames_are_searchable(demo_bank) -> None:  # type: ignore[no-untyped-def]
    names = list(Customer.objects.values_list("name", "name_pinyin"))
    heteronyms = [n for n, _ in names if n[0] in section("people")["heteronym_surnames"]]
    compounds = [n for n, _ in names if n[:2] in section("people")["compound_surnames"]]
    assert heteronyms
    assert compounds
    for name, keys in names[:200]:
        assert keys == name_search_keys(name)[0]


@pytest.mark.parametrize("name", ["曾小明", "单丽", "查文", "欧阳华", "司马相如", "张伟", "解放"])
def test_composed_name_keys_equal_the_library(name: str) -> None:
    assert name_keys(name) == name_search_keys(name)


def test_churn_leaves_warning_signs(demo_bank) -> None:  # type: ignore[no-untyped-def]
    assert Interaction.objects.filter(purpose=COMPLAINT_PURPOSE).exclude(notes="").exists()
    assert Transaction.objects.filter(counterparty__startswith="他行", amount__lt=0).exists()
    assert Holding.objects.filter(status="closed", product__product_type="demand_deposit").exists()
    today = timezone.localdate()
    unreinvested = Holding.objects.filter(
        status="closed", matures_on__lt=today, product__product_type__in=["time_deposit", "wealth"]
    )
    assert unreinvested.exists()
    assert Interaction.objects.filter(outcome="declined").exists()
    assert Staff.objects.filter(staff_code__startswith="DM").count() >= 12


@pytest.mark.django_db
def test_deferred_indexes_come_back_after_a_big_load(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from pcrm.demo import generator

    if connection.vendor != "sqlite":
        pytest.skip("indexes are deferred on SQLite only")

    def index_sql() -> set[str]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                "AND tbl_name LIKE 'customers_%'"
            )
            return {row[0] for row in cursor.fetchall()}

    before = index_sql()
    monkeypatch.setattr(generator, "PARALLEL_FROM", 100)
    bank_generate(seed=SEED, customers=120, branches=2, today=timezone.localdate(), workers=1)
    assert index_sql() == before
    assert Customer.objects.filter(name_initials__contains="|").count() == 120
