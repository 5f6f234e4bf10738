"""Steps that join two features of the same layer, which may not import each other.

A complaint case (complaints) can turn into a sales opportunity (value): the
workbench, above both, runs the two services in one transaction.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pcrm.complaints.selectors import complaint_get_for
from pcrm.complaints.services import complaint_opportunity_request
from pcrm.value.services import opportunity_create


@login_required
@require_POST
def complaint_opportunity(request: HttpRequest, case_no: str) -> HttpResponse:
    """Record the opportunity on the case and open it for the customer's manager."""
    case = complaint_get_for(user=request.user, case_no=case_no)
    notes = request.POST.get("text", "").strip()
    if case.opportunity_requested:
        messages.info(request, _("本投诉已提出过商机。"))
        return redirect("complaints:case", case_no=case.case_no)
    try:
        with transaction.atomic():
            complaint_opportunity_request(actor=request.user, case=case, notes=notes)
            if case.customer is not None:
                # The taker (often the lobby) asks; the system opens it for the manager.
                opportunity_create(
                    actor=None,
                    customer=case.customer,
                    source="complaint",
                    note=notes,
                    signal_key=f"complaint:{case.case_no}",
                    owner=case.customer.manager,
                )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, _("已从投诉提出销售商机，并交客户经理跟进。"))
    return redirect("complaints:case", case_no=case.case_no)
