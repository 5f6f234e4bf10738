"""Upload page (preview before commit, result report), export page, and the API."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pcrm.customers.models import Customer
from pcrm.ingest.models import ExportRequest, ImportBatch
from pcrm.ingest.tests.conftest import FILES
from pcrm.org.models import ApiToken
from pcrm.org.services import api_token_create


def _upload(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (FILES / name).read_bytes(), content_type="text/csv")


@pytest.mark.django_db
def test_manager_may_not_open_the_import_page(client, personas) -> None:  # type: ignore[no-untyped-def]
    client.force_login(personas.manager)
    assert client.get(reverse("ingest:home")).status_code == 403


@pytest.mark.django_db
def test_preview_then_commit_then_report(client, personas) -> None:  # type: ignore[no-untyped-def]
    client.force_login(personas.head)
    assert client.get(reverse("ingest:home")).status_code == 200
    response = client.post(
        reverse("ingest:preview"),
        {"kind": "customers", "file": _upload("customers_bad.csv")},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Y2001" in page
    assert "身份证号码校验位不正确" in page
    assert "110***********1234" in page
    assert "110105198003011234" not in page
    assert not Customer.objects.filter(customer_no="Y2001").exists()  # a preview writes nothing
    token = response.context["token"]

    response = client.post(reverse("ingest:commit"), {"token": token})
    batch = ImportBatch.objects.exclude(status="dry_run").get()
    assert response.status_code == 302
    assert response.url == reverse("ingest:batch", args=[batch.pk])
    assert Customer.objects.filter(customer_no="Y2001").exists()
    assert not Customer.objects.filter(customer_no="Y2004").exists()  # another branch
    page = client.get(response.url).content.decode()
    assert "下载错误报告" in page
    report = client.get(reverse("ingest:error_report", args=[batch.pk]))
    assert b"".join(report.streaming_content).decode("utf-8-sig").startswith("行号,列")
    # The upload is single use.
    again = client.post(reverse("ingest:commit"), {"token": token})
    assert again.status_code == 302
    assert ImportBatch.objects.exclude(status="dry_run").count() == 1


@pytest.mark.django_db
def test_a_refused_upload_shows_the_reason(client, personas) -> None:  # type: ignore[no-untyped-def]
    client.force_login(personas.admin)
    bad = SimpleUploadedFile("x.xlsx", b"PK\x03\x04garbage", content_type="application/zip")
    response = client.post(reverse("ingest:preview"), {"kind": "branches", "file": bad})
    assert response.status_code == 400
    assert "XLSX" in response.content.decode()


@pytest.mark.django_db
def test_export_page_request_and_download(client, personas) -> None:  # type: ignore[no-untyped-def]
    client.force_login(personas.manager)
    response = client.post(reverse("ingest:exports"), {"kind": "customers", "file_format": "csv"})
    assert response.status_code == 302
    request = ExportRequest.objects.get()
    download = client.post(reverse("ingest:export_file", args=[request.pk]))
    body = b"".join(download.streaming_content).decode("utf-8-sig")
    assert "C1" in body
    assert "C2" not in body
    assert personas.mine.phone_masked in body
    assert personas.mine.phone not in body
    # Another manager cannot even see the request.
    client.force_login(personas.manager2)
    assert client.post(reverse("ingest:export_file", args=[request.pk])).status_code == 404


@pytest.mark.django_db
def test_api_import_with_a_system_token(client, personas) -> None:  # type: ignore[no-untyped-def]
    _token, raw = api_token_create(actor=None, name="core", kind=ApiToken.Kind.SYSTEM, branch=None)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    url = reverse("api:ingest-import", args=["customers"])
    response = client.post(url, {"file": _upload("customers_messy_gb18030.csv")}, **auth)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["inserted"] == 4
    assert body["errors"] == 0
    assert body["file_seen_before"] is False
    detail = client.get(reverse("api:ingest-import-detail", args=[body["batch"]]), **auth)
    assert detail.json()["inserted"] == 4
    dry = client.post(url + "?dry_run=1", {"file": _upload("customers_messy_gb18030.csv")}, **auth)
    assert dry.status_code == 200
    assert dry.json()["unchanged"] == 4


@pytest.mark.django_db
def test_api_refuses_queue_devices_managers_and_bad_files(client, personas) -> None:  # type: ignore[no-untyped-def]
    _token, raw = api_token_create(
        actor=None, name="q", kind=ApiToken.Kind.QUEUE_DEVICE, branch=personas.branch
    )
    url = reverse("api:ingest-import", args=["branches"])
    response = client.post(
        url, {"file": _upload("sample_branches.csv")}, HTTP_AUTHORIZATION=f"Bearer {raw}"
    )
    assert response.status_code == 403
    assert set(response.json()) == {"error", "detail"}
    client.force_login(personas.manager)
    assert client.post(url, {"file": _upload("sample_branches.csv")}).status_code == 403
    client.force_login(personas.admin)
    bad = SimpleUploadedFile("b.xlsx", b"PK\x03\x04nothing")
    response = client.post(url, {"file": bad})
    assert response.status_code == 400
    assert response.json()["error"] == "file_refused"
