"""The naive baselines of the ingest benchmark, run in a child process on a sample file.

    python -m bench._ingest_baselines {orm|import_export} FILE

Prints one line: ``rows seconds``.
"""

from __future__ import annotations

import csv
import os
import sys
import time
from pathlib import Path


def _orm(path: Path) -> int:
    """Per-row ORM: look references up, Model.save() each customer (the model field seals)."""
    from pcrm.customers.models import Customer
    from pcrm.customers.pii import customer_derived
    from pcrm.org.models import Branch, Staff

    count = 0
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            customer = Customer.objects.filter(customer_no=row["customer_no"]).first() or Customer(
                customer_no=row["customer_no"]
            )
            customer.name = row["name"]
            customer.id_no, customer.phone = row["id_no"], row["phone"]
            customer.email, customer.address = row["email"], row["address"]
            for key, value in customer_derived(
                name=row["name"],
                id_no=row["id_no"],
                phone=row["phone"],
                email=row["email"],
                address=row["address"],
            ).items():
                setattr(customer, key, value)
            customer.gender = "M" if row["gender"] == "男" else "F"
            customer.birth_date = row["birth_date"]
            customer.branch = Branch.objects.get(code=row["branch_code"])
            customer.manager = Staff.objects.get(staff_code=row["manager_code"])
            customer.potential = int(row["potential"])
            customer.orientation = row["orientation"]
            customer.contact_preference = row["contact_preference"]
            customer.risk_rating = row["risk_rating"]
            customer.save()
            count += 1
    return count


def _import_export(path: Path) -> int:
    """django-import-export with its defaults: a plain ModelResource keyed on customer_no."""
    import tablib
    from import_export import resources

    from pcrm.customers.models import Customer
    from pcrm.customers.pii import customer_derived
    from pcrm.org.models import Branch, Staff

    class CustomerResource(resources.ModelResource):
        class Meta:
            model = Customer
            import_id_fields = ("customer_no",)

    branches = dict(Branch.objects.values_list("code", "id"))
    staff = dict(Staff.objects.values_list("staff_code", "id"))
    data = tablib.Dataset()
    with path.open(encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
    derived_keys = list(customer_derived(name="x"))
    data.headers = [
        "customer_no",
        "name",
        "id_no",
        "phone",
        "email",
        "address",
        "gender",
        "birth_date",
        "branch",
        "manager",
        "potential",
        "orientation",
        "contact_preference",
        "risk_rating",
        *derived_keys,
    ]
    for row in rows:
        derived = customer_derived(
            name=row["name"],
            id_no=row["id_no"],
            phone=row["phone"],
            email=row["email"],
            address=row["address"],
        )
        data.append(
            [
                row["customer_no"],
                row["name"],
                row["id_no"],
                row["phone"],
                row["email"],
                row["address"],
                "M" if row["gender"] == "男" else "F",
                row["birth_date"],
                branches[row["branch_code"]],
                staff[row["manager_code"]],
                row["potential"],
                row["orientation"],
                row["contact_preference"],
                row["risk_rating"],
                *(derived[k] for k in derived_keys),
            ]
        )
    result = CustomerResource().import_data(data, dry_run=False)
    if result.has_errors() or result.has_validation_errors():
        raise SystemExit("django-import-export reported errors on the sample")
    return len(rows)


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pcrm.settings")
    import django

    django.setup()
    mode, path = sys.argv[1], Path(sys.argv[2])
    started = time.perf_counter()
    rows = _orm(path) if mode == "orm" else _import_export(path)
    print(rows, round(time.perf_counter() - started, 4))


if __name__ == "__main__":
    main()
