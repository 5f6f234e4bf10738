"""Imports: contract samples, messy files, idempotency, the ledger, error reports, modes."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from pcrm.audit.models import AuditEvent
from pcrm.customers.models import Customer, Holding, Interaction, Product, Transaction
from pcrm.customers.pii import account_index, id_no_index
from pcrm.ingest.models import ImportBatch, ImportFingerprint
from pcrm.ingest.tests.conftest import FILES, run
from pcrm.org.models import Branch, Staff

KINDS = ("branches", "staff", "customers", "holdings", "transactions", "interactions")


def checksum() -> str:
    """A digest of every table an import writes (sealed columns via their index/masked copies)."""
    digest = hashlib.sha256()
    tables = [
        Branch.objects.values_list("code", "name", "parent__code"),
        Staff.objects.values_list("staff_code", "name", "role", "branch__code", "phone_masked"),
        Customer.objects.exclude(customer_no__in=["C1", "C2", "C3", "C9"]).values_list(
            "customer_no",
            "name",
            "name_pinyin",
            "id_no_index",
            "id_no_masked",
            "phone_index",
            "email_index",
            "address_masked",
            "birth_date",
            "branch__code",
            "manager__staff_code",
            "potential",
            "orientation",
            "contact_preference",
            "risk_rating",
            "red_list",
            "service_established",
            "marketing_consent",
            "aum",
            "updated_at",
        ),
        Holding.objects.values_list(
            "account_no_index",
            "customer__customer_no",
            "product__code",
            "principal",
            "market_value",
            "matures_on",
            "status",
        ),
        Product.objects.values_list("code", "name", "product_type", "risk_level"),
        Transaction.objects.values_list(
            "txn_id", "holding__account_no_index", "amount", "booked_at"
        ),
        Interaction.objects.values_list(
            "customer__customer_no",
            "staff__staff_code",
            "occurred_at",
            "channel",
            "outcome",
            "notes",
        ),
    ]
    for rows in tables:
        for row in sorted(rows, key=repr):
            digest.update(repr(row).encode())
    return digest.hexdigest()


def import_samples() -> list[dict[str, object]]:
    return [run(kind, f"sample_{kind}.csv").summary for kind in KINDS]


@pytest.mark.django_db
def test_contract_samples_import_cleanly_and_twice_change_nothing() -> None:
    first = import_samples()
    assert [s["errors"] for s in first] == [0] * 6
    assert [s["inserted"] for s in first] == [2, 4, 6, 8, 2, 5]
    before = checksum()
    second = import_samples()
    assert [s["unchanged"] for s in second] == [2, 4, 6, 8, 2, 5]
    assert all(s["inserted"] == s["updated"] == 0 and s["file_seen_before"] for s in second)
    assert checksum() == before

    customer = Customer.objects.get(customer_no="P0001")
    assert customer.id_no == "310115197504121012"
    assert customer.id_no_index == id_no_index("310115197504121012")
    assert customer.id_no_masked == "310***********1012"
    assert customer.manager.staff_code == "S1M1"
    assert customer.aum == Decimal("712000.00")  # deposits + wealth; the debit card is no asset
    assert not Staff.objects.get(staff_code="S1H1").has_usable_password()
    assert Branch.objects.get(code="S001").parent.code == "S000"
    holding = Holding.objects.get(account_no_index=account_index("9558000000000000101"))
    assert holding.account_no == "9558000000000000101"
    assert holding.matures_on == dt.date(2026, 9, 25)


@pytest.mark.django_db
def test_sealed_columns_are_not_stored_in_clear() -> None:
    import_samples()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT id_no, phone FROM customers_customer WHERE customer_no = 'P0001'")
        id_no, phone = cursor.fetchone()
    assert "310115197504121012" not in id_no
    assert "13900000011" not in phone
    assert id_no.startswith("t1$")


@pytest.mark.django_db
def test_messy_files_with_chinese_headers_and_values(personas) -> None:  # type: ignore[no-untyped-def]
    result = run("customers", "customers_messy_gb18030.csv")
    assert result.summary["errors"] == 0, result.outcome.preview_errors
    assert result.summary["inserted"] == 4
    x1 = Customer.objects.get(customer_no="X1001")
    assert (x1.gender, x1.orientation, x1.contact_preference) == ("M", "value", "moderate")
    assert x1.phone == "13912345601"  # full-width digits
    assert x1.birth_date == dt.date(1980, 3, 1)  # 1980/3/1
    assert x1.risk_assessed_on == dt.date(2026, 3, 1)  # 2026年3月1日
    assert x1.service_established
    assert not x1.red_list
    assert x1.marketing_consent
    x2 = Customer.objects.get(customer_no="X1002")
    assert x2.birth_date == dt.date(1981, 3, 2)  # taken from the ID number
    assert x2.contact_preference == "do_not_disturb"
    assert x2.risk_rating == "C2"
    assert x2.id_type == "id_card"
    x3 = Customer.objects.get(customer_no="X1003")
    assert x3.potential == 80
    assert x3.lunar_birthday
    assert x3.manager is None
    assert x3.id_no.endswith("X") or x3.id_no == x3.id_no.upper()
    x4 = Customer.objects.get(customer_no="X1004")
    assert (x4.id_type, x4.branch.code, x4.red_list, x4.marketing_consent) == (
        "passport",
        "B2",
        True,
        False,
    )

    holdings = run("holdings", "holdings_messy.csv").summary
    assert holdings["errors"] == 0
    assert holdings["inserted"] == 4
    td = Holding.objects.get(account_no_index=account_index("6222020000001001"))
    assert td.principal == Decimal("300000.00")
    assert td.matures_on == dt.date(2026, 9, 25)
    assert td.product.product_type == "time_deposit"
    assert td.product.risk_level == "R1"
    x1.refresh_from_db()
    assert x1.aum == Decimal("712000.50")

    tx = run("transactions", "transactions_messy.csv")
    assert tx.summary["inserted"] == 2
    assert tx.summary["errors"] == 1
    assert tx.outcome.preview_errors[0].reason == "账号不属于该客户"
    assert Transaction.objects.get(txn_id="T9001").amount == Decimal("-80000.00")
    contacts = run("interactions", "interactions_messy.csv").summary
    assert contacts["inserted"] == 3
    assert contacts["errors"] == 0
    assert Interaction.objects.filter(channel="visit", outcome="not_reached").count() == 1


@pytest.mark.django_db
def test_branch_parents_later_in_the_file_and_staff_roles_in_chinese() -> None:
    assert run("branches", "branches_messy.csv").summary["inserted"] == 2
    assert Branch.objects.get(code="N200").parent.code == "N100"
    staff = run("staff", "staff_messy.csv").summary
    assert staff["inserted"] == 3
    manager = Staff.objects.get(staff_code="N1M1")
    assert (manager.role, manager.branch.code, manager.phone_masked) == (
        "customer_manager",
        "N200",
        "138****1111",
    )
    admin = Staff.objects.get(staff_code="N0A1")
    assert admin.is_staff
    assert admin.branch is None


@pytest.mark.django_db
def test_bad_rows_reported_with_masked_values_and_valid_rows_committed(personas) -> None:  # type: ignore[no-untyped-def]
    result = run("customers", "customers_bad.csv")
    summary = result.summary
    assert summary["inserted"] == 2  # Y2001 and Y2004 (system import: every branch)
    assert summary["errors"] == 5
    report = Path(str(summary["error_report"]))
    with report.open(encoding="utf-8-sig") as handle:
        lines = list(csv.reader(handle))
    assert lines[0] == ["行号", "列", "值（已脱敏）", "原因"]
    by_row: dict[str, list[list[str]]] = {}
    for line in lines[1:]:
        by_row.setdefault(line[0], []).append(line)
    assert set(by_row) == {"3", "4", "6", "7", "8"}
    assert by_row["3"] == [
        ["3", "id_no", "110***********1234", "身份证号码校验位不正确或出生日期无效"]
    ]
    assert {c for _, c, _, _ in by_row["4"]} == {
        "birth_date",
        "phone",
        "potential",
        "orientation",
        "risk_rating",
        "marketing_consent",
    }
    assert {r for *_, r in by_row["6"]} == {"网点不存在"}
    assert "重复" in by_row["7"][0][3]
    assert {c for _, c, _, _ in by_row["8"]} == {"name", "branch_code"}
    assert "110105198003011234" not in report.read_text(encoding="utf-8-sig")
    assert not Customer.objects.filter(customer_no__in=["Y2002", "Y2003", "Y2005", "Y2006"])


@pytest.mark.django_db
def test_all_or_nothing_commits_nothing_when_a_row_is_bad(personas) -> None:  # type: ignore[no-untyped-def]
    before = Customer.objects.count()
    result = run("customers", "customers_bad.csv", all_or_nothing=True)
    assert result.batch.status == ImportBatch.Status.ROLLED_BACK
    assert result.summary["errors"] == 5
    assert result.summary["inserted"] == 0
    assert Customer.objects.count() == before
    assert not ImportFingerprint.objects.exists()


@pytest.mark.django_db
def test_dry_run_writes_nothing_but_the_ledger() -> None:
    result = run("branches", "sample_branches.csv", dry_run=True)
    assert result.summary["inserted"] == 2
    assert result.batch.status == "dry_run"
    assert not Branch.objects.exists()
    assert not ImportFingerprint.objects.exists()
    assert not AuditEvent.objects.filter(action="ingest.import").exists()


@pytest.mark.django_db
def test_ledger_flags_a_file_seen_before_and_audits_once_per_file() -> None:
    first = run("branches", "sample_branches.csv")
    assert first.summary["file_seen_before"] is False
    again = run("branches", "sample_branches.csv")
    assert again.summary["file_seen_before"] is True
    assert ImportBatch.objects.filter(kind="branches").count() == 2
    events = AuditEvent.objects.filter(action="ingest.import")
    assert events.count() == 2
    assert events.first().data["unchanged"] == 2


@pytest.mark.django_db
def test_a_changed_row_is_updated_and_only_that_row(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import_samples()
    text = (FILES / "sample_customers.csv").read_text(encoding="utf-8")
    changed = tmp_path / "customers.csv"
    changed.write_text(text.replace("P0002,何平", "P0002,何萍"), encoding="utf-8")
    summary = run("customers", changed).summary
    assert (summary["updated"], summary["unchanged"], summary["inserted"]) == (1, 5, 0)
    customer = Customer.objects.get(customer_no="P0002")
    assert customer.name == "何萍"
    assert "heping" in customer.name_pinyin
    assert customer.id_no == "310115196208301022"  # the other columns are untouched


@pytest.mark.django_db
def test_xlsx_import(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["网点代码", "网点名称", "上级网点"])
    sheet.append(["XL01", "表格分行", None])
    sheet.append([1002, "数字网点", "XL01"])  # a code typed as a number
    path = tmp_path / "branches.xlsx"
    book.save(path)
    summary = run("branches", path).summary
    assert summary["inserted"] == 2
    assert summary["errors"] == 0
    assert Branch.objects.get(code="1002").parent.code == "XL01"


@pytest.mark.django_db
def test_missing_required_column_refuses_the_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from pcrm.ingest.reader import FileRefused

    path = tmp_path / "c.csv"
    path.write_text("客户号,姓名\nQ1,张三\n", encoding="utf-8")
    with pytest.raises(FileRefused, match="branch_code"):
        run("customers", path)
    assert not Customer.objects.filter(customer_no="Q1").exists()


@pytest.mark.django_db
def test_visibility_a_branch_head_imports_only_into_their_branches(personas) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        run("customers", "customers_bad.csv", actor=personas.manager)
    result = run("customers", "customers_bad.csv", actor=personas.head)
    assert result.summary["inserted"] == 1  # Y2001 in B1; Y2004 in B9 is refused
    reasons = {e.reason for e in result.outcome.preview_errors if e.line == 5}
    assert reasons == {"无权导入其他网点的数据"}
    assert not Customer.objects.filter(customer_no="Y2004").exists()
    # …nor update a customer of another branch by naming it in a file of theirs.
    assert Customer.objects.get(customer_no="C9").branch == personas.other_branch


@pytest.mark.django_db
def test_command_prints_the_json_summary_last(capsys) -> None:  # type: ignore[no-untyped-def]
    import json

    call_command("import", "branches", str(FILES / "sample_branches.csv"))
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert {
        "kind",
        "rows",
        "inserted",
        "updated",
        "unchanged",
        "errors",
        "error_report",
        "seconds",
        "file_seen_before",
    } <= set(summary)
    assert summary["inserted"] == 2


@pytest.mark.django_db
def test_command_bad_input_is_a_clear_message_not_a_traceback(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"this is no spreadsheet")
    with pytest.raises(SystemExit) as exit_info:
        call_command("import", "branches", str(path))
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "XLSX" in err
    assert "Traceback" not in err


@pytest.mark.django_db
def test_a_moved_holding_refreshes_both_customers_aum(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import_samples()
    text = (FILES / "sample_holdings.csv").read_text(encoding="utf-8")
    moved = tmp_path / "holdings.csv"
    moved.write_text(
        text.replace("9558000000000000601,P0006", "9558000000000000601,P0005"), encoding="utf-8"
    )
    assert run("holdings", moved).summary["updated"] == 1
    assert Customer.objects.get(customer_no="P0006").aum == Decimal("0.00")
    assert Customer.objects.get(customer_no="P0005").aum == Decimal("185000.00")


@pytest.mark.django_db
def test_a_branch_head_cannot_grant_privileged_roles(personas, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "staff.csv"
    path.write_text(
        "员工号,姓名,岗位,网点代码\nZ1,新经理,customer_manager,B1\nZ2,新主任,admin,B1\n",
        encoding="utf-8",
    )
    result = run("staff", path, actor=personas.head)
    assert result.summary["inserted"] == 1
    assert [e.reason for e in result.outcome.preview_errors] == ["无权设置该岗位"]
    assert not Staff.objects.filter(staff_code="Z2").exists()


@pytest.mark.django_db
def test_a_reformatted_but_equal_file_is_unchanged(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import_samples()
    before = checksum()
    text = (FILES / "sample_customers.csv").read_text(encoding="utf-8")
    other = tmp_path / "customers-gbk.csv"
    reformatted = text.replace("2026-03-01", "2026年3月1日").replace(",value,", ",价值取向,")
    other.write_bytes(reformatted.encode("gb18030"))
    summary = run("customers", other).summary
    assert summary["unchanged"] == 6
    assert summary["updated"] == summary["inserted"] == 0
    assert summary["file_seen_before"] is False
    assert checksum() == before
