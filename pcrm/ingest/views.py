"""File-exchange pages: upload → preview (dry run) → commit → result; export requests."""

from __future__ import annotations

import time
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pcrm.ingest.exports import export_decide, export_download, export_request
from pcrm.ingest.forms import ExportForm, ImportForm
from pcrm.ingest.policy import ingest_policy
from pcrm.ingest.reader import FileRefused
from pcrm.ingest.selectors import export_request_list_for, import_batch_list_for
from pcrm.ingest.services import import_file
from pcrm.org.roles import can

_SESSION_KEY = "ingest_uploads"


def _uploads() -> Path:
    return Path(settings.DATA_DIR) / "uploads"


def _forget_stale_uploads(max_age_seconds: int = 86_400) -> None:
    """Uploads previewed but never confirmed hold customer data: keep them a day at most."""
    folder = _uploads()
    if not folder.is_dir():
        return
    cutoff = time.time() - max_age_seconds
    for stale in folder.iterdir():
        if stale.stat().st_mtime < cutoff:
            stale.unlink(missing_ok=True)


def _require_import(request: HttpRequest) -> None:
    if not can(request.user, "import.run"):
        raise PermissionDenied(_("您的岗位无权导入数据。"))


@login_required
def home(request: HttpRequest) -> HttpResponse:
    _require_import(request)
    page = Paginator(import_batch_list_for(user=request.user), 20).get_page(request.GET.get("page"))
    return render(request, "ingest/home.html", {"form": ImportForm(), "page": page})


@login_required
@require_POST
def preview(request: HttpRequest) -> HttpResponse:
    """Save the upload, validate it completely without committing, show what would happen."""
    _require_import(request)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "ingest/home.html", {"form": form, "page": None}, status=400)
    upload = form.cleaned_data["file"]
    limit = ingest_policy().max_upload_bytes
    if upload.size > limit:
        form.add_error("file", _("文件过大，网页上传上限为 %d MB。") % (limit // 1_048_576))
        return render(request, "ingest/home.html", {"form": form, "page": None}, status=400)
    _forget_stale_uploads()
    token = uuid.uuid4().hex
    suffix = Path(upload.name).suffix.lower()[:6]
    path = _uploads() / f"{token}{suffix}"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as out:
        for block in upload.chunks():
            out.write(block)
    kind, all_or_nothing = form.cleaned_data["kind"], form.cleaned_data["all_or_nothing"]
    try:
        result = import_file(
            actor=request.user,
            kind=kind,
            path=path,
            file_name=upload.name,
            source="web",
            dry_run=True,
            preview=True,
            max_bytes=limit,
        )
    except FileRefused as exc:
        path.unlink(missing_ok=True)
        form.add_error("file", str(exc))
        return render(request, "ingest/home.html", {"form": form, "page": None}, status=400)
    request.session.setdefault(_SESSION_KEY, {})[token] = {
        "kind": kind,
        "name": upload.name,
        "path": str(path),
        "all_or_nothing": all_or_nothing,
    }
    request.session.modified = True
    return render(
        request,
        "ingest/preview.html",
        {
            "result": result,
            "token": token,
            "kind": kind,
            "all_or_nothing": all_or_nothing,
            "columns": list(result.outcome.preview_rows[0]) if result.outcome.preview_rows else [],
        },
    )


@login_required
@require_POST
def commit(request: HttpRequest) -> HttpResponse:
    _require_import(request)
    pending: dict[str, Any] = request.session.get(_SESSION_KEY, {})
    upload = pending.pop(request.POST.get("token", ""), None)
    request.session.modified = True
    if upload is None:
        messages.error(request, _("上传已失效，请重新上传文件。"))
        return redirect("ingest:home")
    path = Path(upload["path"])
    try:
        result = import_file(
            actor=request.user,
            kind=upload["kind"],
            path=path,
            file_name=upload["name"],
            source="web",
            all_or_nothing=upload["all_or_nothing"],
        )
    except FileRefused as exc:
        messages.error(request, str(exc))
        return redirect("ingest:home")
    finally:
        path.unlink(missing_ok=True)
    return redirect("ingest:batch", pk=result.batch.pk)


@login_required
def batch(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(import_batch_list_for(user=request.user), pk=pk)
    return render(request, "ingest/batch.html", {"batch": found})


@login_required
def error_report(request: HttpRequest, pk: int) -> HttpResponseBase:
    found = get_object_or_404(import_batch_list_for(user=request.user), pk=pk)
    path = Path(found.error_report) if found.error_report else None
    if path is None or not path.is_file():
        raise Http404
    return FileResponse(path.open("rb"), as_attachment=True, filename=f"import-{pk}-errors.csv")


@login_required
def exports(request: HttpRequest) -> HttpResponse:
    form = ExportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = export_request(actor=request.user, **form.cleaned_data)
        except (PermissionDenied, ValidationError) as exc:
            messages.error(request, "; ".join(getattr(exc, "messages", [str(exc)])))
        else:
            if created.status == "requested":
                messages.info(request, _("导出行数较多，已提交网点负责人审批。"))
            else:
                messages.success(request, _("导出已就绪，请下载。"))
            return redirect("ingest:exports")
    page = Paginator(export_request_list_for(user=request.user), 20).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "ingest/exports.html",
        {
            "form": form,
            "page": page,
            "limit": ingest_policy().export_approval_rows,
            "may_import": can(request.user, "import.run"),
        },
    )


@login_required
@require_POST
def export_decision(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(export_request_list_for(user=request.user), pk=pk)
    try:
        export_decide(actor=request.user, request=found, approve=request.POST.get("approve") == "1")
    except (PermissionDenied, ValidationError) as exc:
        messages.error(request, "; ".join(getattr(exc, "messages", [str(exc)])))
    return redirect("ingest:exports")


@login_required
@require_POST
def export_file(request: HttpRequest, pk: int) -> HttpResponseBase:
    found = get_object_or_404(export_request_list_for(user=request.user), pk=pk)
    try:
        path = export_download(
            actor=request.user, request=found, folder=Path(settings.DATA_DIR) / "exports"
        )
    except (PermissionDenied, ValidationError) as exc:
        messages.error(request, "; ".join(getattr(exc, "messages", [str(exc)])))
        return redirect("ingest:exports")
    handle = path.open("rb")
    path.unlink()  # the export leaves no copy behind on the server; the open handle streams it
    return FileResponse(handle, as_attachment=True, filename=path.name)
