"""Remove a generated demo bank's customers so `pcrm demo --reset` can generate a new one.

The audit trail is append-only and staff who signed in appear in it, so the organisation
(bank, branches, staff, products) is kept and updated in place by the next generation;
everything that hangs off the customers goes, through the ORM so that other apps'
cascades run.
"""

from __future__ import annotations

from django.db import transaction

from pcrm.audit.services import audit_record
from pcrm.customers.models import Customer, Holding, Interaction, Transaction
from pcrm.demo.models import DemoBank


@transaction.atomic
def bank_reset() -> int:
    """Delete every customer and their data (only ever called on a demo database)."""
    removed = Customer.objects.count()
    # only("pk"): deleting needs no sealed column, so nothing is decrypted on the way.
    Transaction.objects.only("pk").delete()
    Interaction.objects.only("pk").delete()
    Holding.objects.only("pk").delete()
    Customer.objects.only("pk").delete()
    DemoBank.objects.all().delete()
    audit_record(actor=None, action="demo.reset", data={"customers": removed})
    return removed
