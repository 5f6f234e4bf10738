from __future__ import annotations

import pytest
from django.urls import reverse

from pcrm.campaigns.models import CustomerEvent, SurveyReport

pytestmark = pytest.mark.django_db


def test_event_pages(client, personas) -> None:  # type: ignore[no-untyped-def]
    client.force_login(personas.manager)
    response = client.post(
        reverse("campaigns:events"),
        {
            "title": "名医巡诊",
            "event_type": "doctors",
            "held_on": "2099-03-01",
            "venue": "中心",
            "capacity": "20",
            "orientation": "",
            "min_tier": "",
        },
    )
    assert response.status_code == 302
    event = CustomerEvent.objects.get()
    page = client.post(reverse("campaigns:event", args=[event.pk]), {"invite": "1"}, follow=True)
    assert "已邀请" in page.content.decode()
    assert event.invitations.count() == 1  # personas.mine only (assigned scope)
    client.force_login(personas.other_manager)
    assert client.get(reverse("campaigns:event", args=[event.pk])).status_code == 404


def test_survey_pages(client, personas) -> None:  # type: ignore[no-untyped-def]
    client.force_login(personas.manager)
    client.post(reverse("campaigns:surveys"), {"theme": "理财需求", "body": "内容"})
    report = SurveyReport.objects.get()
    client.post(reverse("campaigns:survey", args=[report.pk]), {"submit": "1"})
    client.force_login(personas.head)
    html = client.get(reverse("campaigns:surveys")).content.decode()
    assert "理财需求" in html
    client.post(reverse("campaigns:survey", args=[report.pk]), {"review": "1", "note": "好"})
    report.refresh_from_db()
    assert report.status == "reviewed"


def test_broadcast_page(client, personas) -> None:  # type: ignore[no-untyped-def]
    client.force_login(personas.manager)
    page = client.post(
        reverse("campaigns:broadcasts"),
        {"title": "新品发布", "body": "内容", "orientation": "", "min_tier": "", "confirm": "on"},
        follow=True,
    )
    assert "已发送 1 位客户" in page.content.decode()
