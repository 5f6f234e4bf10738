"""Batch marketing: drives, lead de-duplication, results."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from pcrm.acquisition.models import Lead, Prospect
from pcrm.acquisition.selectors import drive_results
from pcrm.acquisition.services.drives import drive_create, lead_add, lead_import_csv
from pcrm.acquisition.services.prospects import prospects_link_customers
from pcrm.customers.models import Customer
from pcrm.customers.services import interaction_log
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def drive(personas: Any) -> Any:
    return drive_create(
        actor=personas.manager,
        name="进企业：星河科技",
        drive_type="enterprise",
        target_class="joint_marketing",
        venue="星河科技园",
        corporate_client="星河科技有限公司",
        starts_on=dt.date(2026, 11, 1),
    )


def test_joint_marketing_needs_corporate_client(personas: Any) -> None:
    with pytest.raises(ValidationError):
        drive_create(
            actor=personas.manager,
            name="x",
            drive_type="enterprise",
            target_class="joint_marketing",
            venue="y",
            starts_on=dt.date(2026, 11, 1),
        )


def test_lead_duplicates_matched_by_phone_or_id(personas: Any, drive: Any) -> None:
    first, created = lead_add(
        actor=personas.manager,
        drive=drive,
        name="林晓",
        phone="13712345678",
        segment="white_collar",
    )
    assert created
    assert first.customer is None
    again, created = lead_add(
        actor=personas.manager, drive=drive, name="林晓", phone="137-1234-5678"
    )
    assert not created
    assert again == first
    by_id, created = lead_add(
        actor=personas.manager, drive=drive, name="林晓", id_no=personas.mine.id_no
    )
    assert created
    assert by_id.customer == personas.mine
    assert by_id.existing_customer
    assert Lead.objects.count() == 2


def test_lead_of_existing_customer_by_phone(personas: Any, drive: Any) -> None:
    lead, _created = lead_add(
        actor=personas.manager, drive=drive, name="单丽", phone=personas.theirs.phone
    )
    assert lead.customer == personas.theirs


def test_csv_import_dedupes_and_reports_bad_rows(personas: Any, drive: Any) -> None:
    csv_text = (
        "姓名,手机号码,证件号码,联动客群\n"
        "林晓,13712345678,,白领员工\n"
        "林晓,13712345678,,\n"
        f"曾小明,,{personas.mine.id_no},中高层管理人员\n"
        ",13700000000,,\n"
        "赵六,12ab,,\n"
    )
    result = lead_import_csv(actor=personas.manager, drive=drive, raw=csv_text.encode("gb18030"))
    assert (result.created, result.duplicates, result.existing_customers) == (2, 1, 1)
    assert [e["row"] for e in result.errors] == [5, 6]
    assert Lead.objects.get(prospect__name="林晓").segment == "white_collar"


def test_prospect_becomes_customer_and_results_count(personas: Any, drive: Any) -> None:
    lead, _ = lead_add(actor=personas.manager, drive=drive, name="林晓", phone="13712345678")
    _existing, _ = lead_add(
        actor=personas.manager, drive=drive, name="曾小明", id_no=personas.mine.id_no
    )
    Customer.objects.filter(pk=personas.mine.pk).update(aum=Decimal("50000"))
    new = CustomerFactory(
        customer_no="C80",
        branch=personas.branch,
        manager=personas.manager,
        phone="13712345678",
        aum=Decimal("200000"),
    )
    assert prospects_link_customers(actor=None) == 1
    lead.refresh_from_db()
    assert lead.customer == new
    assert Prospect.objects.get(pk=lead.prospect_id).converted_at is not None
    interaction_log(actor=personas.manager, customer=new, channel="phone", outcome="reached")
    results = drive_results(drive=drive)
    assert (results.leads, results.customers, results.contacted, results.established) == (
        2,
        2,
        1,
        1,
    )
    assert results.aum_brought_in == Decimal("250000.00")


def test_drive_page_add_and_import(personas: Any, drive: Any, client: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(personas.manager)
    client.post(
        f"/acquisition/drives/{drive.pk}/", {"add": "1", "name": "周八", "phone": "13612345678"}
    )
    upload = SimpleUploadedFile("leads.csv", "name,phone\n吴九,13512345678\n".encode())
    client.post(f"/acquisition/drives/{drive.pk}/", {"import": "1", "file": upload})
    assert Lead.objects.filter(drive=drive).count() == 2
    page = client.get(f"/acquisition/drives/{drive.pk}/").content.decode()
    assert "135****5678" in page
    assert "13512345678" not in page
    client.force_login(personas.other_manager)
    assert client.get(f"/acquisition/drives/{drive.pk}/").status_code == 404


def test_sync_command_prints_summary(personas: Any, drive: Any, capsys: Any) -> None:
    import json

    from django.core.management import call_command

    lead_add(actor=personas.manager, drive=drive, name="林晓", phone="13712345678")
    CustomerFactory(customer_no="C81", branch=personas.branch, phone="13712345678", red_list=True)
    call_command("acquisition_sync")
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert summary["prospects_linked"] == 1
    assert summary["red_list_changes"] == 1
    assert summary["ok"] is True
