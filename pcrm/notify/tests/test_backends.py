"""SMS backends behind one interface; the Tencent Cloud gateway against a local fake."""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from pcrm.audit.models import AuditEvent
from pcrm.notify.backends import get_backend
from pcrm.notify.backends.console import ConsoleBackend
from pcrm.notify.models import SmsMessage, SmsStatus
from pcrm.notify.services import (
    Sms,
    mail_send,
    sms_dispatch,
    sms_send,
    sms_send_bulk,
    sms_status_set,
)
from tests.factories import StaffFactory

pytestmark = [
    pytest.mark.django_db,
    # The Tencent SDK itself still calls datetime.utcfromtimestamp().
    pytest.mark.filterwarnings("ignore:datetime.datetime.utcfromtimestamp:DeprecationWarning"),
]

VALUES = {
    "tier": "钻石",
    "name": "曾*",
    "id_no": "310***********0011",
    "branch": "第一支行",
    "ticket": "A012",
    "reason": "红名单",
}


class FakeTencent(BaseHTTPRequestHandler):
    """Answers SendSms like the real API; records what it was sent."""

    received: list[dict[str, Any]] = []
    answer_code = "Ok"

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        body = json.loads(self.rfile.read(length) or b"{}")
        FakeTencent.received.append(
            {
                "action": self.headers.get("X-TC-Action"),
                "auth": self.headers.get("Authorization"),
                **body,
            }
        )
        status = {
            "SerialNo": "2433:3387",
            "PhoneNumber": body["PhoneNumberSet"][0],
            "Fee": 1,
            "SessionContext": "",
            "Code": FakeTencent.answer_code,
            "Message": "send success" if FakeTencent.answer_code == "Ok" else "template mismatch",
            "IsoCode": "CN",
        }
        payload = json.dumps({"Response": {"SendStatusSet": [status], "RequestId": "r-1"}})
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(payload.encode())

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def fake_gateway(settings: Any) -> Iterator[list[dict[str, Any]]]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeTencent)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    FakeTencent.received, FakeTencent.answer_code = [], "Ok"
    settings.SMS_BACKEND = "pcrm.notify.backends.tencent.TencentSmsBackend"
    settings.SMS_TENCENT = {
        "secret_id": "AKIDtest",
        "secret_key": "test-key",
        "app_id": "1400000000",
        "sign": "测试银行",
        "template_ids": "walk_in_alert:1001,walk_in_greet:1002",
        "endpoint": f"127.0.0.1:{server.server_address[1]}",
        "protocol": "http",
    }
    yield FakeTencent.received
    server.shutdown()


def test_outbox_is_the_default_and_stores(settings: Any) -> None:
    staff = StaffFactory(phone="13800001111")
    message = sms_send(actor=None, recipient=staff, template="walk_in_alert", values=VALUES)
    assert message is not None
    stored = SmsMessage.objects.get()
    assert stored.status == SmsStatus.STORED
    assert stored.backend.endswith("OutboxBackend")
    assert stored.phone_masked == "138****1111"
    assert stored.phone == "13800001111"
    assert "曾*" in stored.body
    assert "A012" in stored.body
    event = AuditEvent.objects.get(action="sms.send")
    assert "13800001111" not in json.dumps(event.data)


def test_staff_without_phone_gets_no_sms() -> None:
    assert (
        sms_send(actor=None, recipient=StaffFactory(), template="generic", values={"text": "x"})
        is None
    )
    assert not SmsMessage.objects.exists()


def test_console_backend_prints_masked_number() -> None:
    stream = io.StringIO()
    message = SmsMessage(phone="13800001111", phone_masked="138****1111", body="你好")
    assert ConsoleBackend(stream=stream).send_messages([message]) == 1
    assert stream.getvalue() == "SMS to 138****1111: 你好\n"
    assert message.status == SmsStatus.SENT


def test_backend_is_chosen_by_setting(settings: Any) -> None:
    settings.SMS_BACKEND = "pcrm.notify.backends.console.ConsoleBackend"
    assert isinstance(get_backend(), ConsoleBackend)


def test_missing_template_values_fail() -> None:
    with pytest.raises(KeyError):
        sms_send(actor=None, phone="13800001111", template="walk_in_alert", values={"name": "x"})


def test_tencent_sends_after_commit_through_the_sdk(
    fake_gateway: list[dict[str, Any]], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        sms_send(actor=None, phone="13800001111", template="walk_in_alert", values=VALUES)
        assert fake_gateway == []  # nothing leaves before the transaction commits
    sent = fake_gateway[0]
    assert sent["action"] == "SendSms"
    assert sent["auth"].startswith("TC3-HMAC-SHA256 Credential=AKIDtest/")
    assert sent["PhoneNumberSet"] == ["+8613800001111"]
    assert sent["TemplateId"] == "1001"
    assert sent["SignName"] == "测试银行"
    assert sent["SmsSdkAppId"] == "1400000000"
    assert sent["TemplateParamSet"] == [
        VALUES[k] for k in ("tier", "name", "id_no", "branch", "ticket", "reason")
    ]
    message = SmsMessage.objects.get()
    assert message.status == SmsStatus.SENT
    assert message.provider_ref == "2433:3387"
    assert message.sent_at is not None


def test_tencent_failure_is_recorded(
    fake_gateway: list[dict[str, Any]], django_capture_on_commit_callbacks: Any
) -> None:
    FakeTencent.answer_code = "FailedOperation.TemplateParamSetNotMatchApprovedTemplate"
    with django_capture_on_commit_callbacks(execute=True):
        sms_send(actor=None, phone="13800001111", template="walk_in_greet", values=VALUES)
    message = SmsMessage.objects.get()
    assert message.status == SmsStatus.FAILED
    assert message.error.startswith("FailedOperation.TemplateParamSet")


def test_tencent_template_without_id_fails_without_calling(
    fake_gateway: list[dict[str, Any]], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        sms_send(actor=None, phone="13800001111", template="generic", values={"text": "x"})
    assert fake_gateway == []
    assert SmsMessage.objects.get().status == SmsStatus.FAILED


def test_tencent_unreachable_gateway_is_a_failed_message(settings: Any, fake_gateway: Any) -> None:
    settings.SMS_TENCENT = {**settings.SMS_TENCENT, "endpoint": "127.0.0.1:9"}
    message = SmsMessage.objects.create(
        phone="13800001111",
        phone_masked="138****1111",
        template="walk_in_alert",
        params=list(VALUES.values()),
        body="x",
        backend="tencent",
    )
    assert sms_dispatch(message_ids=[message.pk]) == 0
    message.refresh_from_db()
    assert message.status == SmsStatus.FAILED
    assert message.error


def test_tencent_needs_configuration(settings: Any, monkeypatch: Any) -> None:
    from django.core.exceptions import ImproperlyConfigured

    settings.SMS_BACKEND = "pcrm.notify.backends.tencent.TencentSmsBackend"
    settings.SMS_TENCENT = {}
    monkeypatch.delenv("PCRM_SMS_SECRET_ID", raising=False)
    with pytest.raises(ImproperlyConfigured, match="PCRM_SMS_SECRET_ID"):
        get_backend()


def test_delivery_report_updates_status() -> None:
    message = sms_send(actor=None, phone="13800001111", template="generic", values={"text": "x"})
    assert message is not None
    sms_status_set(message=message, status="delivered")
    message.refresh_from_db()
    assert message.status == SmsStatus.DELIVERED


def test_mail_goes_through_django_mail(mailoutbox: Any) -> None:
    staff = StaffFactory(email="wu@example.com")
    assert mail_send(actor=None, recipient=staff, subject="到店提醒", body="客户曾*已到店")
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["wu@example.com"]
    event = AuditEvent.objects.get(action="mail.send")
    assert event.data["to"] == "w***@example.com"


def test_bulk_send_stores_and_audits_each_message_without_numbers_in_the_audit() -> None:
    messages = [
        Sms(phone="13800001111", values={"text": "一"}, branch_code="B1"),
        Sms(phone="", values={"text": "无号码"}, branch_code="B1"),
        Sms(phone="13900002222", values={"text": "二"}, branch_code="B2"),
    ]
    sent = sms_send_bulk(actor=None, template="generic", messages=messages)
    assert [m.body for m in sent] == ["一", "二"]
    stored = list(SmsMessage.objects.order_by("pk"))
    assert [m.phone for m in stored] == ["13800001111", "13900002222"]
    assert {m.status for m in stored} == {SmsStatus.STORED}
    events = list(AuditEvent.objects.filter(action="sms.send").order_by("pk"))
    assert [(e.target_id, e.branch_code) for e in events] == [
        (str(stored[0].pk), "B1"),
        (str(stored[1].pk), "B2"),
    ]
    assert events[1].data["to"] == "139****2222"
    assert "13900002222" not in json.dumps([e.data for e in events])


def test_bulk_send_through_a_gateway_goes_after_commit(
    fake_gateway: list[dict[str, Any]], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        sms_send_bulk(
            actor=None,
            template="walk_in_alert",
            messages=[
                Sms(phone="13800001111", values=VALUES),
                Sms(phone="13800002222", values=VALUES),
            ],
        )
        assert fake_gateway == []
    assert sorted(n for call in fake_gateway for n in call["PhoneNumberSet"]) == [
        "+8613800001111",
        "+8613800002222",
    ]
    assert {m.status for m in SmsMessage.objects.all()} == {SmsStatus.SENT}
