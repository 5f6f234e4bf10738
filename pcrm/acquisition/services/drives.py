"""Batch marketing (批量营销): drives into offices, enterprises, communities and markets,
their leads (entered on site or imported from CSV) and what they bring in."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from pcrm.acquisition import policy
from pcrm.acquisition.choices import DriveType, JointSegment, ProspectSource, TargetClass
from pcrm.acquisition.models import Lead, MarketingDrive
from pcrm.acquisition.services.prospects import prospect_find_or_create
from pcrm.audit.services import audit_record
from pcrm.lib import idcard
from pcrm.org.roles import can

# Header names accepted for a lead list (English or Chinese, DESIGN §4.2 style).
HEADERS = {
    "name": "name",
    "姓名": "name",
    "phone": "phone",
    "手机号码": "phone",
    "手机": "phone",
    "id_no": "id_no",
    "证件号码": "id_no",
    "身份证号": "id_no",
    "segment": "segment",
    "联动客群": "segment",
    "work_unit": "work_unit",
    "工作单位": "work_unit",
}
SEGMENT_NAMES = {str(label): value for value, label in JointSegment.choices}


@transaction.atomic
def drive_create(
    *,
    actor: Any,
    name: str,
    drive_type: str,
    target_class: str,
    venue: str,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
    corporate_client: str = "",
) -> MarketingDrive:
    """Open a batch-marketing drive of the actor's branch."""
    if not can(actor, "drive.run"):
        raise PermissionDenied(_("您的岗位无权组织批量营销。"))
    if drive_type not in DriveType.values or target_class not in TargetClass.values:
        raise ValidationError(_("请选择营销类型和目标客群。"))
    if target_class == TargetClass.JOINT_MARKETING and not corporate_client.strip():
        raise ValidationError(_("公私联动营销须填写对公客户。"))
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError(_("结束日期不能早于开始日期。"))
    drive = MarketingDrive.objects.create(
        name=name.strip(),
        drive_type=drive_type,
        target_class=target_class,
        venue=venue.strip(),
        corporate_client=corporate_client.strip(),
        branch=actor.branch,
        owner=actor,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    audit_record(
        actor=actor,
        action="drive.create",
        target=drive,
        data={"name": drive.name, "type": drive_type, "target": target_class},
        branch_code=actor.branch.code,
    )
    return drive


def _lead_from_row(row: dict[str, str]) -> dict[str, str]:
    name = row.get("name", "").strip()
    phone = "".join(row.get("phone", "").split()).replace("-", "")
    id_no = "".join(row.get("id_no", "").split()).upper()
    segment = row.get("segment", "").strip()
    segment = SEGMENT_NAMES.get(segment, segment)
    if not name:
        raise ValidationError(_("姓名不能为空。"))
    if not phone and not id_no:
        raise ValidationError(_("手机号码和证件号码至少填一项。"))
    if phone and not (phone.isdigit() and 7 <= len(phone) <= 15):
        raise ValidationError(_("手机号码格式不正确。"))
    if id_no and len(id_no) == 18 and not idcard.is_valid(id_no):
        raise ValidationError(_("身份证号码校验不通过。"))
    if segment and segment not in JointSegment.values:
        raise ValidationError(_("联动客群不正确。"))
    return {
        "name": name,
        "phone": phone,
        "id_no": id_no,
        "segment": segment,
        "work_unit": row.get("work_unit", "").strip(),
    }


@transaction.atomic
def lead_add(
    *,
    actor: Any,
    drive: MarketingDrive,
    name: str,
    phone: str = "",
    id_no: str = "",
    segment: str = "",
    work_unit: str = "",
) -> tuple[Lead, bool]:
    """Enter a lead on site. A person already a lead of the drive is not added twice;
    one already a prospect or a customer (same ID number or phone) is reused.
    Returns (lead, created)."""
    if drive.owner_id != actor.pk and not can(actor, "drive.run"):
        raise PermissionDenied(_("您的岗位无权登记营销线索。"))
    clean = _lead_from_row(
        {"name": name, "phone": phone, "id_no": id_no, "segment": segment, "work_unit": work_unit}
    )
    prospect, _created = prospect_find_or_create(
        actor=actor,
        branch=drive.branch,
        name=clean["name"],
        phone=clean["phone"],
        id_no=clean["id_no"],
        work_unit=clean["work_unit"],
        source=ProspectSource.DRIVE,
    )
    existing = Lead.objects.filter(drive=drive, prospect=prospect).first()
    if existing is not None:
        return existing, False
    customer = prospect.customer
    lead = Lead.objects.create(
        drive=drive,
        prospect=prospect,
        customer=customer,
        segment=clean["segment"],
        aum_at_entry=customer.aum if customer else 0,
        existing_customer=customer is not None,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="lead.add",
        target=lead,
        data={"drive": drive.pk, "phone": prospect.phone_masked, "customer": bool(customer)},
        branch_code=drive.branch.code,
    )
    return lead, True


@dataclass
class LeadImport:
    """What a lead-list import did; errors carry row number, column and reason."""

    created: int = 0
    duplicates: int = 0
    existing_customers: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)


def _decode(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError(_("无法识别文件编码，请使用 UTF-8 或 GB18030。"))


def lead_import_csv(*, actor: Any, drive: MarketingDrive, raw: bytes) -> LeadImport:
    """Import a lead list (CSV, UTF-8/BOM or GB18030, English or Chinese headers).
    Each good row is written in its own transaction; a bad row is reported, not written."""
    reader = csv.DictReader(io.StringIO(_decode(raw)))
    columns = {
        h: HEADERS.get((h or "").strip().lower(), HEADERS.get((h or "").strip(), ""))
        for h in reader.fieldnames or []
    }
    if "name" not in columns.values():
        raise ValidationError(_("缺少“姓名”列。"))
    result, limit = LeadImport(), int(policy.drive()["max_import_rows"])
    for number, row in enumerate(reader, start=2):
        if number - 1 > limit:
            raise ValidationError(_("每次最多导入 %(n)s 行。") % {"n": limit})
        mapped = {columns[k]: (v or "") for k, v in row.items() if k and columns.get(k)}
        try:
            lead, created = lead_add(actor=actor, drive=drive, **_lead_from_row(mapped))
        except ValidationError as exc:
            result.errors.append({"row": number, "reason": "; ".join(exc.messages)})
            continue
        if not created:
            result.duplicates += 1
            continue
        result.created += 1
        result.existing_customers += int(lead.existing_customer)
    return result
