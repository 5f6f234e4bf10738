"""factory_boy factories shared by every app's tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import factory
from django.utils import timezone

from pcrm.customers.models import Customer, Holding, Interaction, Product, Transaction
from pcrm.customers.pii import account_derived, customer_derived
from pcrm.lib import idcard
from pcrm.org.models import Branch, Role, Staff

PASSWORD = "pcrm-test-pass-1"


class BranchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Branch
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"B{n:03d}")
    name = factory.Sequence(lambda n: f"测试支行{n}")


class StaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Staff
        django_get_or_create = ("staff_code",)

    staff_code = factory.Sequence(lambda n: f"E{n:04d}")
    name = factory.Sequence(lambda n: f"员工{n}")
    role = Role.CUSTOMER_MANAGER
    branch = factory.SubFactory(BranchFactory)
    password = factory.django.Password(PASSWORD)

    @factory.lazy_attribute
    def is_staff(self) -> bool:
        return self.role == Role.ADMIN


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    customer_no = factory.Sequence(lambda n: f"C{n:07d}")
    name = "张伟"
    branch = factory.SubFactory(BranchFactory)
    birth_date = dt.date(1980, 5, 17)
    id_no = factory.Sequence(lambda n: idcard.make("310115", dt.date(1980, 5, 17), n))
    phone = factory.Sequence(lambda n: f"139{n:08d}")
    email = ""
    address = "上海市浦东新区测试路8号"
    marketing_consent = True

    @classmethod
    def _create(cls, model_class: type[Customer], *args: Any, **kwargs: Any) -> Customer:
        kwargs.update(
            customer_derived(
                name=kwargs["name"],
                id_no=kwargs.get("id_no", ""),
                phone=kwargs.get("phone", ""),
                email=kwargs.get("email", ""),
                address=kwargs.get("address", ""),
            )
        )
        return super()._create(model_class, *args, **kwargs)


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"P{n:04d}")
    name = "稳健理财"
    product_type = "wealth"
    risk_level = "R2"


class HoldingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Holding

    account_no = factory.Sequence(lambda n: f"622202{n:013d}")
    customer = factory.SubFactory(CustomerFactory)
    product = factory.SubFactory(ProductFactory)
    principal = Decimal("100000")
    market_value = Decimal("100000")
    opened_on = dt.date(2025, 1, 1)
    status = "active"

    @classmethod
    def _create(cls, model_class: type[Holding], *args: Any, **kwargs: Any) -> Holding:
        kwargs.update(account_derived(account_no=kwargs["account_no"]))
        return super()._create(model_class, *args, **kwargs)


class TransactionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Transaction

    txn_id = factory.Sequence(lambda n: f"T{n:09d}")
    customer = factory.SubFactory(CustomerFactory)
    booked_at = factory.LazyFunction(timezone.now)
    amount = Decimal("1000")


class InteractionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interaction

    customer = factory.SubFactory(CustomerFactory)
    staff = factory.SubFactory(StaffFactory)
    occurred_at = factory.LazyFunction(timezone.now)
    channel = "phone"
    outcome = "reached"
