"""Batch-marketing pages: drives, their leads (on site or CSV) and results."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from pcrm.acquisition import selectors
from pcrm.acquisition.forms import DriveForm, LeadForm, LeadImportForm
from pcrm.acquisition.services.drives import drive_create, lead_add, lead_import_csv
from pcrm.org.roles import can, sees_full_identity

PAGE_SIZE = 50


def _errors(request: HttpRequest, exc: Exception) -> None:
    messages.error(request, "; ".join(getattr(exc, "messages", [str(exc)])))


@login_required
@require_http_methods(["GET", "POST"])
def drives(request: HttpRequest) -> HttpResponse:
    """The branch's drives, and a form to open one."""
    if not request.user.branch_id:  # type: ignore[union-attr]
        raise PermissionDenied
    may_run = can(request.user, "drive.run")
    form = DriveForm(request.POST or None)
    if request.method == "POST" and may_run and form.is_valid():
        try:
            drive = drive_create(actor=request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            _errors(request, exc)
        else:
            return redirect("acquisition:drive", pk=drive.pk)
    page = Paginator(selectors.drive_list_for(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request, "acquisition/drives.html", {"page": page, "form": form if may_run else None}
    )


@login_required
@require_http_methods(["GET", "POST"])
def drive(request: HttpRequest, pk: int) -> HttpResponse:
    """One drive: results, leads, entering a lead on site, importing a lead list."""
    chosen = selectors.drive_get_for(user=request.user, pk=pk)
    lead_form = LeadForm(request.POST if "add" in request.POST else None)
    import_form = LeadImportForm(
        request.POST if "import" in request.POST else None,
        request.FILES if "import" in request.POST else None,
    )
    if request.method == "POST":
        try:
            if "add" in request.POST and lead_form.is_valid():
                _lead, created = lead_add(
                    actor=request.user, drive=chosen, **lead_form.cleaned_data
                )
                messages.success(request, _("已登记。") if created else _("该线索已在本活动中。"))
                return redirect("acquisition:drive", pk=pk)
            if "import" in request.POST and import_form.is_valid():
                result = lead_import_csv(
                    actor=request.user, drive=chosen, raw=import_form.cleaned_data["file"].read()
                )
                messages.success(
                    request,
                    _("导入 %(c)s 条，重复 %(d)s 条，原有客户 %(e)s 条，错误 %(x)s 条。")
                    % {
                        "c": result.created,
                        "d": result.duplicates,
                        "e": result.existing_customers,
                        "x": len(result.errors),
                    },
                )
                for error in result.errors[:20]:
                    messages.warning(request, _("第 %(row)s 行：%(reason)s") % error)
                return redirect("acquisition:drive", pk=pk)
        except (ValidationError, PermissionDenied) as exc:
            _errors(request, exc)
    page = Paginator(selectors.lead_list_for(drive=chosen), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "drive": chosen,
        "results": selectors.drive_results(drive=chosen),
        "page": page,
        "lead_form": lead_form,
        "import_form": import_form,
        "full": sees_full_identity(request.user),
    }
    return render(request, "acquisition/drive.html", context)
