"""Policy as versioned data: defaults, validation, publishing."""

from __future__ import annotations

import copy
import json

import pytest
from django.core.exceptions import ValidationError

from pcrm.audit.models import AuditEvent
from pcrm.playbook.models import Policy
from pcrm.playbook.policy import default_document, policy_active, policy_publish, policy_validate


def test_defaults_are_valid_and_have_the_issue_numbers():
    doc = default_document()
    assert policy_validate(doc) == []
    assert doc["intervals"] == {"core": 15, "lift": 30, "keep": 60, "basic": 90}
    assert [t["floor"] for t in doc["tiers"]] == ["100000", "1000000", "6000000"]
    assert doc["capacity_per_staff_day"] == 25
    assert doc["stop_loss_pct"] == "-10"


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d["intervals"].update(core=0), "正整数"),
    (lambda d: d["tiers"][1].update(floor="50000"), "逐级递增"),
    (lambda d: d["channels_by_preference"].update(do_not_disturb=["phone"]), "不允许"),
    (lambda d: d["channels_by_preference"].update(moderate=["visit"]), "备选渠道"),
    (lambda d: d.pop("festivals"), "缺少"),
    (lambda d: d.update(stop_loss_pct="10"), "止损"),
])  # fmt: skip
def test_validation_errors_in_chinese(change, message):
    doc = copy.deepcopy(default_document())
    change(doc)
    errors = policy_validate(doc)
    assert any(message in e for e in errors), errors


def test_publish_creates_a_new_active_version(db, personas):
    assert policy_active().version == 1
    doc = default_document()
    doc["capacity_per_staff_day"] = 30
    row = policy_publish(actor=personas.admin, document=doc)
    assert row.version == 2
    assert policy_active().document["capacity_per_staff_day"] == 30
    assert Policy.objects.filter(active=True).count() == 1
    assert AuditEvent.objects.filter(action="policy.publish").count() == 1
    doc["intervals"]["lift"] = -1
    with pytest.raises(ValidationError):
        policy_publish(actor=personas.admin, document=doc)
    assert policy_active().version == 2


def test_policy_page_for_admins_only(client, personas):
    client.force_login(personas.manager)
    assert client.get("/playbook/policy/").status_code == 403
    client.force_login(personas.admin)
    page = client.get("/playbook/policy/")
    assert page.status_code == 200
    assert "capacity_per_staff_day" in page.content.decode()
    doc = default_document()
    doc["tiers"][2]["floor"] = "1"
    bad = client.post("/playbook/policy/", {"document": json.dumps(doc), "note": ""})
    assert bad.status_code == 200
    assert "逐级递增" in bad.content.decode()
    doc = default_document()
    ok = client.post("/playbook/policy/", {"document": json.dumps(doc), "note": "test"})
    assert ok.status_code == 302
    assert policy_active().version == 2
