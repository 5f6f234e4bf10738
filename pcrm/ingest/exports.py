"""Exports of customers, holdings and work items to CSV or XLSX (masked; large ones approved).

Every export is an :class:`ExportRequest`: requested → approved (at once when
small; by a branch head above the policy's row count) → downloaded once. Rows
come from the requester's own scope (``customer_list_for``), protected columns
are masked unless the requester gave a reason to reveal them (audited), and
every text cell that a spreadsheet would run as a formula is neutralised.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from pcrm.audit.services import audit_record
from pcrm.customers.models import Customer, Holding
from pcrm.customers.selectors import customer_list_for
from pcrm.ingest.models import ExportKind, ExportRequest
from pcrm.ingest.policy import ingest_policy
from pcrm.lib.masking import mask_name
from pcrm.org.roles import can, may_reveal, rule_for, sees_full_identity
from pcrm.org.selectors import branch_subtree_ids
from pcrm.worklist.models import WorkItem

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMATS = ("csv", "xlsx")

CUSTOMER_COLUMNS = (
    ("customer_no", "客户号"),
    ("name", "姓名"),
    ("id_type", "证件类型"),
    ("id_no", "证件号码"),
    ("gender", "性别"),
    ("birth_date", "出生日期"),
    ("phone", "手机号码"),
    ("email", "电子邮箱"),
    ("address", "联系地址"),
    ("branch_code", "网点代码"),
    ("manager_code", "客户经理"),
    ("service_established", "已确立服务关系"),
    ("red_list", "红名单"),
    ("potential", "增长潜力"),
    ("orientation", "客户取向"),
    ("contact_preference", "联系偏好"),
    ("risk_rating", "风险评级"),
    ("risk_assessed_on", "风险评估日期"),
    ("marketing_consent", "营销同意"),
    ("aum", "资产规模"),
)
HOLDING_COLUMNS = (
    ("account_no", "账号"),
    ("customer_no", "客户号"),
    ("product_code", "产品代码"),
    ("product_name", "产品名称"),
    ("product_type", "产品类型"),
    ("risk_level", "风险等级"),
    ("principal", "本金"),
    ("market_value", "市值"),
    ("opened_on", "开户日期"),
    ("matures_on", "到期日"),
    ("status", "状态"),
)
WORK_ITEM_COLUMNS = (
    ("item_key", "item_key"),
    ("customer_no", "customer_no"),
    ("staff_code", "staff_code"),
    ("kind", "kind"),
    ("due_on", "due_on"),
    ("channel", "channel"),
    ("content", "content"),
    ("priority", "priority"),
    ("reason", "reason"),
    ("status", "status"),
)
COLUMNS = {
    "customers": CUSTOMER_COLUMNS,
    "holdings": HOLDING_COLUMNS,
    "worklist": WORK_ITEM_COLUMNS,
}


def neutralise(value: Any) -> Any:
    """A text cell starting like a formula gets a leading apostrophe; other values pass."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _queryset(kind: str, user: Any) -> QuerySet[Any]:
    customers = customer_list_for(user=user)
    if kind == ExportKind.CUSTOMERS:
        return customers.select_related("branch", "manager").order_by("customer_no")
    if kind == ExportKind.HOLDINGS:
        return (
            Holding.objects.filter(customer__in=customers.values("pk"))
            .select_related("customer", "product")
            .order_by("customer__customer_no", "id")
        )
    return (
        WorkItem.objects.filter(customer__in=customers.values("pk"))
        .select_related("customer", "staff")
        .order_by("due_on", "priority", "id")
    )


@transaction.atomic
def export_request(
    *, actor: Any, kind: str, file_format: str = "csv", reveal_reason: str = ""
) -> ExportRequest:
    """Ask for an export; approved at once unless it exceeds the policy's row count."""
    rule = rule_for(actor)
    if rule is None or rule.customer_scope == "none":
        raise PermissionDenied(_("您的岗位不能导出客户数据。"))
    if kind not in ExportKind.values or file_format not in FORMATS:
        raise ValidationError(_("导出内容或格式无效。"))
    reveal_reason = reveal_reason.strip()
    if reveal_reason and not may_reveal(actor):
        raise PermissionDenied(_("您的岗位无权导出明文。"))
    if reveal_reason and len(reveal_reason) < 2:
        raise ValidationError(_("请填写导出明文的事由。"))
    count = _queryset(kind, actor).count()
    limit = ingest_policy().export_approval_rows
    request = ExportRequest.objects.create(
        kind=kind,
        file_format=file_format,
        requested_by=actor,
        branch_id=actor.branch_id,
        row_count=count,
        reveal_reason=reveal_reason,
        status=ExportRequest.Status.REQUESTED if count > limit else ExportRequest.Status.APPROVED,
    )
    audit_record(
        actor=actor,
        action="export.request",
        target=request,
        reason=reveal_reason,
        data={
            "kind": kind,
            "rows": count,
            "format": file_format,
            "reveal": bool(reveal_reason),
            "needs_approval": count > limit,
        },
        branch_code=actor.branch.code if actor.branch_id else "",
    )
    return request


@transaction.atomic
def export_decide(*, actor: Any, request: ExportRequest, approve: bool) -> ExportRequest:
    """A branch head of the requester's branch (not the requester) approves or rejects."""
    if not can(actor, "export.approve") or actor.pk == request.requested_by_id:
        raise PermissionDenied(_("您无权审批该导出申请。"))
    if not actor.branch_id or request.branch_id not in branch_subtree_ids(
        branch_id=actor.branch_id
    ):
        raise PermissionDenied(_("您无权审批其他网点的导出申请。"))
    if request.status != ExportRequest.Status.REQUESTED:
        raise ValidationError(_("该申请已处理。"))
    request.status = ExportRequest.Status.APPROVED if approve else ExportRequest.Status.REJECTED
    request.approved_by, request.decided_at = actor, timezone.now()
    request.save(update_fields=["status", "approved_by", "decided_at"])
    audit_record(
        actor=actor,
        action="export.approve" if approve else "export.reject",
        target=request,
        data={"kind": request.kind, "rows": request.row_count},
    )
    return request


def _customer_row(customer: Customer, reveal: bool, full_names: bool) -> list[Any]:
    def protected(field: str) -> str:
        return (
            str(getattr(customer, field) or "") if reveal else getattr(customer, f"{field}_masked")
        )

    return [
        customer.customer_no,
        customer.name if full_names else mask_name(customer.name),
        customer.id_type,
        protected("id_no"),
        customer.gender,
        customer.birth_date,
        protected("phone"),
        protected("email"),
        protected("address"),
        customer.branch.code,
        customer.manager.staff_code if customer.manager else "",
        int(customer.service_established),
        int(customer.red_list),
        customer.potential,
        customer.orientation,
        customer.contact_preference,
        customer.risk_rating,
        customer.risk_assessed_on,
        int(customer.marketing_consent),
        customer.aum,
    ]


def _rows(request: ExportRequest) -> Iterator[list[Any]]:
    user, reveal = request.requested_by, bool(request.reveal_reason)
    queryset = _queryset(request.kind, user)
    if request.kind == ExportKind.CUSTOMERS:
        full = sees_full_identity(user)
        if not reveal:
            queryset = queryset.defer("id_no", "phone", "email", "address")
        for customer in queryset.iterator(chunk_size=2000):
            yield _customer_row(customer, reveal, full)
    elif request.kind == ExportKind.HOLDINGS:
        if not reveal:
            queryset = queryset.defer("account_no")
        for h in queryset.iterator(chunk_size=2000):
            yield [
                h.account_no if reveal else h.account_no_masked,
                h.customer.customer_no,
                h.product.code,
                h.product.name,
                h.product.product_type,
                h.product.risk_level,
                h.principal,
                h.market_value,
                h.opened_on,
                h.matures_on,
                h.status,
            ]
    else:
        for item in queryset.iterator(chunk_size=2000):
            yield [
                item.item_key,
                item.customer.customer_no,
                item.staff.staff_code if item.staff else "",
                item.kind,
                item.due_on,
                item.channel,
                item.content,
                item.priority,
                item.reason,
                item.status,
            ]


def _write_csv(request: ExportRequest, out: IO[str]) -> int:
    writer = csv.writer(out)
    writer.writerow([label for _, label in COLUMNS[request.kind]])
    count = 0
    for row in _rows(request):
        writer.writerow(["" if v is None else neutralise(v) for v in row])
        count += 1
    return count


def _write_xlsx(request: ExportRequest, path: Path) -> int:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(str(ExportKind(request.kind).label))
    sheet.append([label for _, label in COLUMNS[request.kind]])
    count = 0
    for row in _rows(request):
        # Text cells stay text: neutralised, and never turned into formulas by openpyxl.
        sheet.append([neutralise(v) if isinstance(v, str) else v for v in row])
        count += 1
    book.save(path)
    return count


@transaction.atomic
def export_download(*, actor: Any, request: ExportRequest, folder: Path) -> Path:
    """Write the approved export to a file for its requester (once) and audit it."""
    if actor.pk != request.requested_by_id:
        raise PermissionDenied(_("只有申请人可以下载该导出。"))
    if request.status != ExportRequest.Status.APPROVED:
        raise ValidationError(_("该导出尚未批准或已下载。"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"export-{request.pk}-{request.kind}.{request.file_format}"
    if request.file_format == "xlsx":
        count = _write_xlsx(request, path)
    else:
        with path.open("w", encoding="utf-8-sig", newline="") as out:
            count = _write_csv(request, out)
    request.status, request.downloaded_at = ExportRequest.Status.DOWNLOADED, timezone.now()
    request.save(update_fields=["status", "downloaded_at"])
    audit_record(
        actor=actor,
        action="export.download",
        target=request,
        reason=request.reveal_reason,
        data={
            "kind": request.kind,
            "rows": count,
            "format": request.file_format,
            "reveal": bool(request.reveal_reason),
        },
        branch_code=actor.branch.code if actor.branch_id else "",
    )
    return path
