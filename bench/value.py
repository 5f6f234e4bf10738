"""Value (issue 6): bulk opportunity suggestion and wealth diagnosis.

Figures, on the embedded SQLite in a throw-away data directory (or
PCRM_BENCH_DATABASE_URL), with N = 2,000 × PCRM_BENCH_SCALE managed customers, each
with a demand deposit above the idle threshold, a time deposit maturing inside the
window and an R3 fund:
- ``opportunity_suggest_all``: customers per second on the first run (creating two
  opportunities each) and on the idempotent re-run (nothing new), and their ratio;
- ``diagnose``: reports per second (one customer at a time, as the page does).
"""

from __future__ import annotations

import datetime as dt
import os
import time
from decimal import Decimal

from bench._harness import setup_django

SCALE = float(os.environ.get("PCRM_BENCH_SCALE", "1"))
CUSTOMERS = max(200, int(2_000 * SCALE))


def _data() -> None:
    from django.utils import timezone

    from pcrm.customers.models import Customer, Holding, Product
    from pcrm.org.models import Branch, Staff
    from pcrm.value.policy import money

    branch = Branch.objects.create(code="BENCHV", name="基准支行")
    manager = Staff.objects.create(
        staff_code="BVM", name="经理", role="customer_manager", branch=branch
    )
    dd = Product.objects.create(
        code="BDD", name="活期", product_type="demand_deposit", risk_level="R1"
    )
    td = Product.objects.create(
        code="BTD", name="定期", product_type="time_deposit", risk_level="R1"
    )
    fund = Product.objects.create(code="BF3", name="基金", product_type="fund", risk_level="R3")
    today = timezone.localdate()
    customers = Customer.objects.bulk_create(
        Customer(
            customer_no=f"BV{i:07d}",
            name="张伟",
            branch=branch,
            manager=manager,
            risk_rating="C3",
            risk_assessed_on=today,
            aum=Decimal("900000"),
        )
        for i in range(CUSTOMERS)
    )
    idle = money("opportunity", "idle_demand_amount")
    rows = []
    for i, c in enumerate(customers):
        for j, (product, value, matures) in enumerate(
            [
                (dd, idle, None),
                (td, Decimal("300000"), today + dt.timedelta(days=5)),
                (fund, Decimal("250000"), None),
            ]
        ):
            rows.append(
                Holding(
                    account_no=f"A{i}-{j}",
                    account_no_index=f"BV{i}-{j}",
                    account_no_masked="****",
                    customer=c,
                    product=product,
                    principal=value,
                    market_value=value,
                    matures_on=matures,
                )
            )
    Holding.objects.bulk_create(rows, batch_size=2000)


def main() -> None:
    setup_django("value")
    _data()
    from pcrm.customers.models import Customer
    from pcrm.value.diagnosis import diagnose
    from pcrm.value.suggest import opportunity_suggest_all

    started = time.perf_counter()
    first = opportunity_suggest_all()
    t_first = time.perf_counter() - started
    started = time.perf_counter()
    again = opportunity_suggest_all()
    t_again = time.perf_counter() - started
    print(f"customers: {CUSTOMERS}")
    print(
        f"suggest first run: {first['customers'] / t_first:,.0f} customers/s "
        f"({first['opportunities']} opportunities, {t_first:.2f} s)"
    )
    print(
        f"suggest re-run:    {again['customers'] / t_again:,.0f} customers/s "
        f"({again['opportunities']} new, {t_again:.2f} s); ratio {t_first / t_again:.2f}"
    )
    sample = list(Customer.objects.filter(customer_no__startswith="BV")[:200])
    started = time.perf_counter()
    for c in sample:
        diagnose(customer=c)
    t_diag = time.perf_counter() - started
    print(
        f"diagnose: {len(sample) / t_diag:,.0f} reports/s "
        f"({t_diag / len(sample) * 1000:.1f} ms each)"
    )
