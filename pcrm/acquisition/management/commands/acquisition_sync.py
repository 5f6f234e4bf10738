"""`pcrm acquisition_sync`: after a customer import, record red-list changes in the
red-list history and link prospects (referrals, batch-marketing leads) to the
customers they have become (their referrals then reach the target's work list).
Prints the one-line JSON summary."""

from __future__ import annotations

from typing import Any

from pcrm.acquisition.services.prospects import prospects_link_customers
from pcrm.acquisition.services.redlist import red_list_reconcile
from pcrm.acquisition.services.referrals import referrals_attach_customers
from pcrm.lib.commands import SummaryCommand


class Command(SummaryCommand):
    help = "记录导入带来的红名单变更，并把潜在客户关联到已开户的客户"

    def run(self, **options: Any) -> dict[str, Any]:
        return {
            "red_list_changes": red_list_reconcile(actor=None),
            "prospects_linked": prospects_link_customers(actor=None),
            "referrals_attached": referrals_attach_customers(actor=None),
        }
