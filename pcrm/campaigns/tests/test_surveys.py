"""Satisfaction surveys: sending rules, one-time links, answers, low scores, results."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from pcrm.campaigns.models import (
    QuestionKind,
    SurveyAnswer,
    SurveyInvitation,
)
from pcrm.campaigns.policy import survey_policy
from pcrm.campaigns.surveys import (
    SurveyTarget,
    survey_create,
    survey_for,
    survey_send,
    token_hash,
)
from pcrm.notify.models import SmsMessage
from pcrm.worklist.models import WorkItem
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

LINK = re.compile(r"/s/([A-Za-z0-9_-]+)/")
# The random CSRF token can contain a short customer number by chance.
CSRF_INPUT = re.compile(r'<input type="hidden" name="csrfmiddlewaretoken" value="[^"]*">')


def send(customers: list[Any], now: dt.datetime | None = None, **kw: Any) -> dict[str, int]:
    survey = survey_for(trigger="periodic", branch_id=customers[0].branch_id)
    return survey_send(
        actor=None,
        survey=survey,
        customers_with_segment=[SurveyTarget(c, "gold", "core", **kw) for c in customers],
        trigger="periodic",
        now=now,
    )


def last_token() -> str:
    """The token of the last link sent (SMS outbox or e-mail)."""
    bodies = [m.body for m in SmsMessage.objects.order_by("-pk")[:1]]
    bodies += [m.body for m in reversed(mail.outbox)]
    for body in bodies:
        match = LINK.search(body)
        if match:
            return match.group(1)
    raise AssertionError("no link sent")


def answer_data(inv: SurveyInvitation, overall: int, aspect: int = 4, text: str = "") -> dict:
    data = {}
    for q in inv.survey.questions.all():
        if q.kind == QuestionKind.OVERALL:
            data[f"q{q.pk}"] = str(overall)
        elif q.kind == QuestionKind.ASPECT:
            data[f"q{q.pk}"] = str(aspect)
        else:
            data[f"q{q.pk}"] = text
    return data


# --- sending ---------------------------------------------------------------------------


def test_send_stores_only_hash_and_sms_carries_link(personas) -> None:  # type: ignore[no-untyped-def]
    result = send([personas.mine])
    assert result["sent"] == 1
    inv = SurveyInvitation.objects.get()
    token = last_token()
    assert inv.token_hash == token_hash(token)
    assert token not in inv.token_hash
    assert inv.channel == "sms"
    assert (inv.tier, inv.quadrant) == ("gold", "core")
    assert inv.manager == personas.manager
    assert inv.branch == personas.branch
    days = int(survey_policy()["expiry_days"])
    assert inv.expires_at - inv.sent_at == dt.timedelta(days=days)
    sms = SmsMessage.objects.get()
    assert sms.status == "stored"
    assert personas.mine.name not in sms.body


def test_consent_withdrawn_is_not_surveyed(personas) -> None:  # type: ignore[no-untyped-def]
    personas.mine.marketing_consent = False
    personas.mine.save()
    result = send([personas.mine])
    assert result == {"sent": 0, "no_consent": 1, "no_channel": 0, "recent": 0, "already": 0}
    assert not SurveyInvitation.objects.exists()
    assert not SmsMessage.objects.exists()


def test_do_not_disturb_prefers_email(personas) -> None:  # type: ignore[no-untyped-def]
    dnd = CustomerFactory(
        branch=personas.branch,
        manager=personas.manager,
        contact_preference="do_not_disturb",
        email="wang@example.com",
    )
    assert send([dnd])["sent"] == 1
    assert SurveyInvitation.objects.get().channel == "email"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["wang@example.com"]
    assert not SmsMessage.objects.exists()


def test_no_reachable_channel_is_skipped(personas) -> None:  # type: ignore[no-untyped-def]
    mute = CustomerFactory(branch=personas.branch, phone="", email="")
    assert send([mute])["no_channel"] == 1


def test_window_per_preference(personas) -> None:  # type: ignore[no-untyped-def]
    start = timezone.make_aware(dt.datetime(2026, 1, 10, 12))
    dnd = CustomerFactory(branch=personas.branch, contact_preference="do_not_disturb")
    send([personas.mine, dnd], now=start)
    normal = int(survey_policy()["window_days"][""])
    quiet = int(survey_policy()["window_days"]["do_not_disturb"])
    assert quiet > normal
    inside = start + dt.timedelta(days=normal - 1)
    assert send([personas.mine, dnd], now=inside)["recent"] == 2
    between = start + dt.timedelta(days=normal + 1)
    result = send([personas.mine, dnd], now=between)
    assert (result["sent"], result["recent"]) == (1, 1)  # the do-not-disturb one waits
    assert SurveyInvitation.objects.filter(customer=dnd).count() == 1


def test_subject_is_surveyed_once(personas) -> None:  # type: ignore[no-untyped-def]
    start = timezone.make_aware(dt.datetime(2026, 1, 10, 12))
    send([personas.mine], now=start, subject="complaint7")
    later = start + dt.timedelta(days=400)
    assert send([personas.mine], now=later, subject="complaint7")["already"] == 1


def test_staff_cannot_send_to_customers_they_do_not_see(personas) -> None:  # type: ignore[no-untyped-def]
    from django.http import Http404

    survey = survey_for(trigger="manual", branch_id=personas.branch.pk)
    with pytest.raises(Http404):
        survey_send(
            actor=personas.manager,
            survey=survey,
            customers_with_segment=[SurveyTarget(personas.theirs)],
        )
    assert not SurveyInvitation.objects.exists()


# --- the public link -------------------------------------------------------------------


def test_one_answer_per_link(personas) -> None:  # type: ignore[no-untyped-def]
    send([personas.mine])
    token = last_token()
    inv = SurveyInvitation.objects.get()
    url = reverse("survey_public", args=[token])
    client = Client(enforce_csrf_checks=True)
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "曾**" in html
    assert "曾小明" not in html
    assert 'name="viewport"' in html
    assert "csrfmiddlewaretoken" in html
    assert page["Cache-Control"].startswith("max-age=0") or "no-store" in page["Cache-Control"]
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert csrf
    data = {**answer_data(inv, 5, text="很好"), "csrfmiddlewaretoken": csrf.group(1)}
    done = client.post(url, data)
    assert done.status_code == 200
    assert "提交成功" in done.content.decode()
    inv.refresh_from_db()
    assert inv.overall == 5
    assert inv.answered_at is not None
    assert SurveyAnswer.objects.filter(invitation=inv).count() == inv.survey.questions.count()
    again = client.post(url, {**answer_data(inv, 1), "csrfmiddlewaretoken": csrf.group(1)})
    assert "已提交过" in again.content.decode()
    inv.refresh_from_db()
    assert inv.overall == 5  # the second answer changed nothing
    assert "已提交过" in client.get(url).content.decode()


def test_post_without_csrf_is_refused(personas) -> None:  # type: ignore[no-untyped-def]
    send([personas.mine])
    token = last_token()
    inv = SurveyInvitation.objects.get()
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("survey_public", args=[token]), answer_data(inv, 5))
    assert response.status_code == 403
    inv.refresh_from_db()
    assert inv.answered_at is None


def test_expired_link(personas) -> None:  # type: ignore[no-untyped-def]
    long_ago = timezone.now() - dt.timedelta(days=int(survey_policy()["expiry_days"]) + 1)
    send([personas.mine], now=long_ago)
    token = last_token()
    inv = SurveyInvitation.objects.get()
    url = reverse("survey_public", args=[token])
    page = Client().get(url)
    assert page.status_code == 410
    assert "已过期" in page.content.decode()
    assert "曾" not in page.content.decode()
    Client().post(url, answer_data(inv, 5))
    inv.refresh_from_db()
    assert inv.answered_at is None


@pytest.mark.parametrize("token", ["nope", "A" * 32, "x" * 200, "..%2F..%2Fadmin"])
def test_bad_tokens_404(personas, client, token) -> None:  # type: ignore[no-untyped-def]
    send([personas.mine])
    assert client.get(f"/s/{token}/").status_code == 404
    assert client.post(f"/s/{token}/", {}).status_code in {403, 404}


def test_hash_itself_is_not_a_token(personas, client) -> None:  # type: ignore[no-untyped-def]
    send([personas.mine])
    inv = SurveyInvitation.objects.get()
    assert client.get(f"/s/{inv.token_hash}/").status_code == 404


def test_link_reaches_nothing_of_another_customer(personas) -> None:  # type: ignore[no-untyped-def]
    send([personas.mine, personas.theirs])
    tokens = [LINK.search(m.body).group(1) for m in SmsMessage.objects.order_by("pk")]  # type: ignore[union-attr]
    mine_inv = SurveyInvitation.objects.get(token_hash=token_hash(tokens[0]))
    client = Client()
    html = CSRF_INPUT.sub("", client.get(f"/s/{tokens[0]}/").content.decode())
    assert "csrfmiddlewaretoken" not in html
    theirs = personas.theirs
    for secret in (theirs.name, theirs.customer_no, theirs.phone, theirs.phone_masked, "单"):
        assert secret not in html
    for secret in (personas.mine.customer_no, personas.mine.phone, personas.mine.phone_masked):
        assert secret not in html  # not even the customer's own identifiers
    # Staff pages stay closed to an anonymous visitor holding a link.
    answer_url = reverse("campaigns:satisfaction_answer", args=[mine_inv.pk])
    assert client.get(answer_url).status_code == 302
    assert client.get(reverse("campaigns:satisfaction")).status_code == 302


def test_second_factor_middleware_lets_links_through(personas, client) -> None:  # type: ignore[no-untyped-def]
    from tests.factories import StaffFactory

    send([personas.mine])
    token = last_token()
    # A branch head who has not set up a second factor yet is sent to the set-up page
    # everywhere, except on a survey link (say, opened on their own phone).
    head = StaffFactory(role="branch_head", branch=personas.branch)
    client.force_login(head)
    assert client.get(reverse("campaigns:satisfaction")).status_code == 302
    assert client.get(f"/s/{token}/").status_code == 200


def test_public_page_keeps_csp(personas, client) -> None:  # type: ignore[no-untyped-def]
    send([personas.mine])
    response = client.get(f"/s/{last_token()}/")
    csp = response.headers.get("Content-Security-Policy", "")
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "<script" not in response.content.decode()


# --- low scores ------------------------------------------------------------------------


def test_low_score_raises_care_item_for_manager(personas, client) -> None:  # type: ignore[no-untyped-def]
    send([personas.mine])
    inv = SurveyInvitation.objects.get()
    low = int(survey_policy()["low_score"])
    client.post(f"/s/{last_token()}/", answer_data(inv, 5, aspect=low))
    item = WorkItem.objects.get()
    assert item.content == "care"
    assert item.staff == personas.manager
    assert item.kind == survey_policy()["low_score_kind"]
    assert f"{low} 分" in item.reason
    assert item.customer == personas.mine
    inv.refresh_from_db()
    assert inv.work_item_key == item.item_key


def test_good_scores_raise_nothing(personas, client) -> None:  # type: ignore[no-untyped-def]
    send([personas.mine])
    inv = SurveyInvitation.objects.get()
    ok = int(survey_policy()["low_score"]) + 1
    client.post(f"/s/{last_token()}/", answer_data(inv, ok, aspect=ok))
    assert not WorkItem.objects.exists()


def test_out_of_range_score_is_rejected(personas, client) -> None:  # type: ignore[no-untyped-def]
    send([personas.mine])
    inv = SurveyInvitation.objects.get()
    response = client.post(f"/s/{last_token()}/", answer_data(inv, 9))
    assert response.status_code == 400
    inv.refresh_from_db()
    assert inv.answered_at is None
    assert not SurveyAnswer.objects.exists()


# --- configuration and results ---------------------------------------------------------


def test_branch_head_configures_branch_survey(personas, client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(personas.head)
    client.post(
        reverse("campaigns:satisfaction_setup"),
        {
            "name": "投诉回访问卷",
            "trigger": "complaint",
            "overall": "您对投诉处理结果满意吗",
            "aspects": "处理速度\n\n沟通态度",
            "comment": "其他意见",
        },
    )
    survey = survey_for(trigger="complaint", branch_id=personas.branch.pk)
    assert survey.name == "投诉回访问卷"
    assert survey.branch == personas.branch
    kinds = list(survey.questions.values_list("kind", flat=True))
    assert kinds == ["overall", "aspect", "aspect", "text"]
    # Other occasions still get the general default, other branches do not see it.
    assert survey_for(trigger="event", branch_id=personas.branch.pk).pk != survey.pk
    other = survey_for(trigger="complaint", branch_id=personas.other_branch.pk)
    assert other.pk != survey.pk
    client.force_login(personas.manager)
    assert client.get(reverse("campaigns:satisfaction_setup")).status_code == 404


def test_manager_cannot_configure(personas) -> None:  # type: ignore[no-untyped-def]
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        survey_create(actor=personas.manager, name="x", overall="y")


def _answered(customer: Any, overall: int, tier: str = "gold") -> SurveyInvitation:
    survey = survey_for(trigger="periodic", branch_id=customer.branch_id)
    survey_send(
        actor=None,
        survey=survey,
        customers_with_segment=[SurveyTarget(customer, tier, "core")],
        trigger="periodic",
    )
    inv = SurveyInvitation.objects.get(customer=customer)
    Client().post(f"/s/{last_token()}/", answer_data(inv, overall, text=f"意见{overall}"))
    inv.refresh_from_db()
    return inv


def test_results_scoping(personas, client) -> None:  # type: ignore[no-untyped-def]
    mine = _answered(personas.mine, 5, "diamond")
    theirs = _answered(personas.theirs, 3, "gold")
    elsewhere = _answered(personas.elsewhere, 4)
    url = reverse("campaigns:satisfaction")

    client.force_login(personas.manager)
    html = client.get(url).content.decode()
    assert 'id="answered">1<' in html
    assert 'id="mean">5.0<' in html
    assert "意见5" in html
    assert "意见3" not in html
    assert "意见4" not in html
    assert "曾**" in html
    assert "曾小明" not in html
    detail = reverse("campaigns:satisfaction_answer", args=[mine.pk])
    assert client.get(detail).status_code == 200
    assert client.get(reverse("campaigns:satisfaction_answer", args=[theirs.pk])).status_code == 404

    client.force_login(personas.head)
    html = client.get(url).content.decode()
    assert 'id="answered">2<' in html
    assert 'id="mean">4.0<' in html
    assert client.get(reverse("campaigns:satisfaction_answer", args=[theirs.pk])).status_code == 200
    assert (
        client.get(reverse("campaigns:satisfaction_answer", args=[elsewhere.pk])).status_code == 404
    )
    # Drill into a segment and a staff member.
    html = client.get(url, {"tier": "diamond"}).content.decode()
    assert 'id="answered">1<' in html
    assert 'id="mean">5.0<' in html
    html = client.get(url, {"staff": personas.manager2.pk}).content.decode()
    assert 'id="answered">1<' in html
    assert 'id="mean">3.0<' in html

    client.force_login(personas.teller)
    assert client.get(url).status_code == 404
    client.force_login(personas.other_manager)
    html = client.get(url).content.decode()
    assert 'id="answered">1<' in html
    assert "意见4" in html
    assert "意见5" not in html


def test_sending_writes_in_bulk(personas) -> None:  # type: ignore[no-untyped-def]
    """The same number of queries for 2 customers as for 8: invitations, SMS and their
    audit events are each one insert."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from pcrm.customers.models import Customer

    def customers(n: int, start: int) -> list[Any]:
        made = [
            CustomerFactory(
                branch=personas.branch,
                phone=f"1390000{start + i:04d}",
                marketing_consent=True,
                contact_preference="moderate",
            )
            for i in range(n)
        ]
        return list(Customer.objects.select_related("branch").filter(pk__in=[c.pk for c in made]))

    few, many = customers(2, 0), customers(8, 100)
    survey_for(trigger="periodic", branch_id=personas.branch.pk)  # the default survey, made once
    with CaptureQueriesContext(connection) as small:
        assert send(few)["sent"] == 2
    with CaptureQueriesContext(connection) as large:
        assert send(many)["sent"] == 8
    assert len(large.captured_queries) == len(small.captured_queries)
    assert SmsMessage.objects.count() == 10
