"""Exports: masking, reveal with reason, formula neutralising, approval, visibility."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from pcrm.audit.models import AuditEvent
from pcrm.ingest.exports import export_decide, export_download, export_request, neutralise
from pcrm.ingest.models import ExportRequest
from pcrm.ingest.policy import ingest_policy
from tests.factories import CustomerFactory, HoldingFactory


def _read(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig") as handle:
        return list(csv.reader(handle))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+86", "'+86"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("张三", "张三"),
        (5, 5),
    ],
)
def test_formula_cells_are_neutralised(value: object, expected: object) -> None:
    assert neutralise(value) == expected


@pytest.mark.django_db
def test_customer_export_is_masked_and_scoped(personas, tmp_path) -> None:  # type: ignore[no-untyped-def]
    CustomerFactory(
        customer_no="C5",
        name='=HYPERLINK("http://x")',
        branch=personas.branch,
        manager=personas.manager,
        phone="13911112222",
    )
    request = export_request(actor=personas.manager, kind="customers")
    assert request.status == ExportRequest.Status.APPROVED
    rows = _read(export_download(actor=personas.manager, request=request, folder=tmp_path))
    numbers = [r[0] for r in rows[1:]]
    assert numbers == ["C1", "C5"]  # the manager's own book only
    c5 = rows[2]
    assert c5[1].startswith("'=")  # formula neutralised
    assert c5[6] == "139****2222"  # masked phone
    assert "13911112222" not in (tmp_path / f"export-{request.pk}-customers.csv").read_text(
        encoding="utf-8-sig"
    )
    with pytest.raises(ValidationError):  # downloaded once
        export_download(actor=personas.manager, request=request, folder=tmp_path)


@pytest.mark.django_db
def test_reveal_needs_a_reason_and_is_audited(personas, tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        export_request(actor=personas.teller, kind="customers", reveal_reason="核对资料")
    request = export_request(actor=personas.manager, kind="customers", reveal_reason="监管报送核对")
    path = export_download(actor=personas.manager, request=request, folder=tmp_path)
    rows = _read(path)
    assert rows[1][3] == personas.mine.id_no
    assert len(rows[1][3]) == 18
    event = AuditEvent.objects.get(action="export.download")
    assert event.reason == "监管报送核对"
    assert event.data["reveal"] is True


@pytest.mark.django_db
def test_large_export_needs_branch_head_approval(personas, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PCRM_INGEST_EXPORT_APPROVAL_ROWS", "1")
    assert ingest_policy().export_approval_rows == 1
    request = export_request(actor=personas.lobby, kind="customers")  # branch scope: 3 rows
    assert request.status == ExportRequest.Status.REQUESTED
    assert request.row_count == 3
    with pytest.raises(ValidationError):
        export_download(actor=personas.lobby, request=request, folder=tmp_path)
    with pytest.raises(PermissionDenied):
        export_decide(actor=personas.manager, request=request, approve=True)
    export_decide(actor=personas.head, request=request, approve=True)
    rows = _read(export_download(actor=personas.lobby, request=request, folder=tmp_path))
    assert len(rows) == 4
    assert rows[1][1] == "曾**"  # lobby staff see masked identity only
    request.refresh_from_db()
    assert request.status == ExportRequest.Status.DOWNLOADED


@pytest.mark.django_db
def test_holdings_xlsx_masks_accounts_and_keeps_other_branches_out(personas, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    HoldingFactory(customer=personas.mine, account_no="6222021234567890123")
    HoldingFactory(customer=personas.elsewhere, account_no="6222029999999999999")
    request = export_request(actor=personas.head, kind="holdings", file_format="xlsx")
    path = export_download(actor=personas.head, request=request, folder=tmp_path)
    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    assert len(rows) == 2
    assert rows[1][0] == "622202*********0123"
    assert rows[1][1] == "C1"


@pytest.mark.django_db
def test_admin_and_auditor_cannot_export_customer_data(personas) -> None:  # type: ignore[no-untyped-def]
    for actor in (personas.admin, personas.auditor):
        with pytest.raises(PermissionDenied):
            export_request(actor=actor, kind="customers")
    other = export_request(actor=personas.other_manager, kind="customers")
    assert other.row_count == 1  # only their own branch's customer
