"""Satisfaction surveys (满意度调查): questionnaires, one-time links sent through the
channel the customer's preference and consent allow, answers, and the results.

The link carries a random token; only its SHA-256 is stored, so the table alone opens
no survey. Segment labels (tier, quadrant) come from the caller (the playbook, a layer
above) and are recorded on the invitation at send time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Avg, Count, Max, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pcrm.audit.services import audit_record, audit_record_bulk
from pcrm.campaigns.models import (
    QuestionKind,
    SatisfactionSurvey,
    SurveyAnswer,
    SurveyInvitation,
    SurveyQuestion,
    SurveyTrigger,
)
from pcrm.campaigns.policy import survey_channel, survey_policy, survey_window_days
from pcrm.customers.models import Customer
from pcrm.customers.selectors import customer_list_for
from pcrm.lib.masking import mask_email, mask_name
from pcrm.notify.services import Sms, sms_send_bulk
from pcrm.org.roles import can
from pcrm.org.selectors import branch_heads_of
from pcrm.worklist.choices import Content, Kind
from pcrm.worklist.services import work_item_put

# Segment codes as the playbook writes them; labels for the results pages.
TIER_LABELS = {
    "diamond": gettext_lazy("钻石"),
    "platinum": gettext_lazy("白金"),
    "gold": gettext_lazy("金卡"),
    "": gettext_lazy("普通"),
}
QUADRANT_LABELS = {
    "core": gettext_lazy("核心客户"),
    "lift": gettext_lazy("重点提升"),
    "keep": gettext_lazy("稳定维持"),
    "basic": gettext_lazy("基础维护"),
    "": gettext_lazy("未分层"),
}


class SurveyTarget(NamedTuple):
    """A customer to survey with their segment labels and, for an occasion, its subject
    (e.g. ``complaint12``: one survey per customer and subject, ever)."""

    customer: Customer
    tier: str = ""
    quadrant: str = ""
    subject: str = ""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def survey_link(token: str) -> str:
    base = str(getattr(settings, "PUBLIC_URL", "")).rstrip("/")
    return base + reverse("survey_public", args=[token])


# --- Questionnaires --------------------------------------------------------------------


def may_configure(user: Any) -> bool:
    """Admins configure bank-wide questionnaires, branch heads their branch's."""
    return can(user, "system.configure") or bool(can(user, "report.branch") and user.branch_id)


def survey_list_for(*, user: Any) -> QuerySet[SatisfactionSurvey]:
    """The questionnaires the user may see in the set-up page."""
    if can(user, "system.configure"):
        return SatisfactionSurvey.objects.all()
    if user.branch_id:
        return SatisfactionSurvey.objects.filter(Q(branch__isnull=True) | Q(branch=user.branch_id))
    return SatisfactionSurvey.objects.none()


@transaction.atomic
def survey_create(
    *,
    actor: Any,
    name: str,
    intro: str = "",
    trigger: str = "",
    overall: str,
    aspects: Iterable[str] = (),
    comment: str = "",
) -> SatisfactionSurvey:
    """A new questionnaire: the overall 1–5 question, one 1–5 question per service aspect,
    an optional free-text question. Admins: bank-wide; branch heads: for their branch.
    Questions are never edited once created (answers refer to them): a changed
    questionnaire is a new one, and the old one is deactivated."""
    if not may_configure(actor):
        raise PermissionDenied(_("您的岗位无权配置满意度问卷。"))
    if trigger and trigger not in SurveyTrigger.values:
        raise ValidationError(_("未知的适用场景。"))
    if not name.strip() or not overall.strip():
        raise ValidationError(_("请填写问卷名称和总体满意度题目。"))
    branch_id = None if can(actor, "system.configure") else actor.branch_id
    survey = SatisfactionSurvey.objects.create(
        name=name.strip()[:120],
        intro=intro.strip(),
        trigger=trigger,
        branch_id=branch_id,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    rows = [(QuestionKind.OVERALL, overall.strip())]
    rows += [(QuestionKind.ASPECT, a.strip()) for a in aspects if a.strip()]
    if comment.strip():
        rows.append((QuestionKind.TEXT, comment.strip()))
    SurveyQuestion.objects.bulk_create(
        SurveyQuestion(survey=survey, position=i, kind=kind, label=label[:200])
        for i, (kind, label) in enumerate(rows)
    )
    audit_record(
        actor=actor,
        action="survey.configure",
        target=survey,
        data={"questions": len(rows), "trigger": trigger, "branch": branch_id},
    )
    return survey


@transaction.atomic
def survey_set_active(*, actor: Any, survey: SatisfactionSurvey, active: bool) -> None:
    if not survey_list_for(user=actor).filter(pk=survey.pk).exists():
        raise Http404
    if not may_configure(actor) or (
        survey.branch_id is None and not can(actor, "system.configure")
    ):
        raise PermissionDenied(_("您的岗位无权配置该问卷。"))
    survey.active = active
    survey.save(update_fields=["active"])
    audit_record(actor=actor, action="survey.activate", target=survey, data={"active": active})


def survey_for(*, trigger: str, branch_id: int | None) -> SatisfactionSurvey:
    """The active questionnaire for the occasion at the branch: the branch's own before
    the bank's, one for this occasion before a general one. When none is configured,
    the default of policy.toml is created (bank-wide)."""
    candidates = SatisfactionSurvey.objects.filter(
        Q(branch__isnull=True) | Q(branch_id=branch_id),
        Q(trigger=trigger) | Q(trigger=""),
        active=True,
    )
    ranked = sorted(candidates, key=lambda s: (s.branch_id is not None, s.trigger == trigger, s.pk))
    if ranked:
        return ranked[-1]
    default = survey_policy()["default"]
    survey = SatisfactionSurvey.objects.create(name=default["name"], intro=default["intro"])
    rows = [(QuestionKind.OVERALL, default["overall"])]
    rows += [(QuestionKind.ASPECT, a) for a in default["aspects"]]
    if default.get("comment"):
        rows.append((QuestionKind.TEXT, default["comment"]))
    SurveyQuestion.objects.bulk_create(
        SurveyQuestion(survey=survey, position=i, kind=kind, label=label)
        for i, (kind, label) in enumerate(rows)
    )
    return survey


# --- Sending ---------------------------------------------------------------------------


@dataclass
class SendResult:
    sent: int = 0
    no_consent: int = 0
    no_channel: int = 0
    recent: int = 0
    already: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


def _recently_surveyed(customer_ids: list[int], since: dt.datetime) -> dict[int, dt.datetime]:
    rows = (
        SurveyInvitation.objects.filter(customer_id__in=customer_ids, sent_at__gte=since)
        .values("customer_id")
        .annotate(last=Max("sent_at"))
    )
    return {r["customer_id"]: r["last"] for r in rows}


def _invitation_text(link: str, days: int) -> str:
    return _("您好！诚邀您花一分钟参加我行客户满意度调查：%(link)s （%(days)s 天内有效）。") % {
        "link": link,
        "days": days,
    }


def _deliver(*, actor: Any, deliveries: list[tuple[Customer, str, str]], days: int) -> None:
    """Send the invitations: the SMS in one bulk write, the e-mails one by one."""
    sms_send_bulk(
        actor=actor,
        template="generic",
        messages=[
            Sms(
                phone=customer.phone,
                values={"text": _invitation_text(link, days)},
                branch_code=customer.branch.code,
            )
            for customer, channel, link in deliveries
            if channel == "sms"
        ],
    )
    for customer, channel, link in deliveries:
        if channel == "sms":
            continue
        body = _invitation_text(link, days)
        sent = send_mail(_("客户满意度调查"), body, None, [customer.email]) > 0
        audit_record(
            actor=actor,
            action="mail.send",
            data={"to": mask_email(customer.email), "subject": "survey", "sent": sent},
            branch_code=customer.branch.code,
        )


@transaction.atomic
def survey_send(
    *,
    actor: Any,
    survey: SatisfactionSurvey,
    customers_with_segment: Iterable[SurveyTarget],
    trigger: str = SurveyTrigger.MANUAL,
    now: dt.datetime | None = None,
) -> dict[str, int]:
    """Send one invitation with a one-time link per target customer.

    Skipped: customers without marketing consent, those no allowed channel reaches
    (preference → channels in policy.toml), those surveyed within their window, and a
    subject already surveyed. ``actor`` None is the nightly run; staff must be allowed
    to contact the customers and see them.
    """
    if trigger not in SurveyTrigger.values:
        raise ValidationError(_("未知的适用场景。"))
    if actor is not None:
        if not can(actor, "contact.log"):
            raise PermissionDenied(_("您的岗位无权执行此操作。"))
        visible = customer_list_for(user=actor)
    now = now or timezone.now()
    targets = list(customers_with_segment)
    ids = [t.customer.pk for t in targets]
    longest = max((int(d) for d in survey_policy()["window_days"].values()), default=0)
    last_sent = _recently_surveyed(ids, now - dt.timedelta(days=longest))
    subjects = set(
        SurveyInvitation.objects.filter(customer_id__in=ids)
        .exclude(subject="")
        .values_list("customer_id", "subject")
    )
    if actor is not None:
        allowed = set(visible.filter(pk__in=ids).values_list("pk", flat=True))
    days = int(survey_policy()["expiry_days"])
    result = SendResult()
    invitations: list[SurveyInvitation] = []
    deliveries: list[tuple[Customer, str, str]] = []  # customer, channel, link
    for target in targets:
        customer = target.customer
        if actor is not None and customer.pk not in allowed:
            raise Http404
        if target.subject and (customer.pk, target.subject) in subjects:
            result.already += 1
            continue
        if not customer.marketing_consent:
            result.no_consent += 1
            continue
        window = dt.timedelta(days=survey_window_days(customer.contact_preference))
        last = last_sent.get(customer.pk)
        if last is not None and last > now - window:
            result.recent += 1
            continue
        channel = survey_channel(
            customer.contact_preference,
            has_phone=bool(customer.phone),
            has_email=bool(customer.email),
        )
        if not channel:
            result.no_channel += 1
            continue
        token = secrets.token_urlsafe(24)
        invitations.append(
            SurveyInvitation(
                survey=survey,
                customer=customer,
                token_hash=token_hash(token),
                trigger=trigger,
                subject=target.subject[:64],
                channel=channel,
                tier=target.tier,
                quadrant=target.quadrant,
                branch_id=customer.branch_id,
                manager_id=customer.manager_id,
                sent_at=now,
                expires_at=now + dt.timedelta(days=days),
            )
        )
        deliveries.append((customer, channel, survey_link(token)))
        last_sent[customer.pk] = now
        if target.subject:
            subjects.add((customer.pk, target.subject))
        result.sent += 1
    SurveyInvitation.objects.bulk_create(invitations, batch_size=1000)
    _deliver(actor=actor, deliveries=deliveries, days=days)
    sent_rows = [
        {"target_id": inv.pk, "customer": inv.customer.customer_no, "channel": inv.channel}
        for inv in invitations
    ]
    audit_record_bulk(
        actor=actor,
        action="survey.invite",
        target_type="campaigns.surveyinvitation",
        rows=sent_rows,
    )
    audit_record(
        actor=actor,
        action="survey.send",
        target=survey,
        data={"trigger": trigger, **result.as_dict()},
    )
    return result.as_dict()


# --- Answering (the public page) -------------------------------------------------------


def invitation_by_token(token: str) -> SurveyInvitation:
    """The invitation of a link, or 404 for an unknown or malformed token."""
    if not token or len(token) > 64:
        raise Http404
    try:
        return SurveyInvitation.objects.select_related("survey", "customer").get(
            token_hash=token_hash(token)
        )
    except SurveyInvitation.DoesNotExist:
        raise Http404 from None


def invitation_state(invitation: SurveyInvitation, now: dt.datetime | None = None) -> str:
    """``open``, ``answered`` or ``expired``."""
    if invitation.answered_at is not None:
        return "answered"
    if (now or timezone.now()) >= invitation.expires_at:
        return "expired"
    return "open"


def greeting_name(customer: Customer) -> str:
    """All a link shows of its customer: the masked name (surname and stars)."""
    return mask_name(customer.name)


def _low_score_raise(invitation: SurveyInvitation, low: list[tuple[str, int]]) -> str:
    customer = invitation.customer
    staff = customer.manager or invitation.manager
    if staff is None:
        staff = branch_heads_of(branch=customer.branch).order_by("pk").first()
    if staff is None:
        return ""
    pol = survey_policy()
    kind = str(pol["low_score_kind"])
    if kind not in Kind.values:
        raise ValidationError(f"unknown work-item kind {kind!r} in campaigns policy")
    scores = "；".join(_("%(question)s %(score)s 分") % {"question": q, "score": s} for q, s in low)
    today = timezone.localdate()
    item, _created = work_item_put(
        actor=None,
        customer=customer,
        staff=staff,
        kind=kind,
        subject=f"survey{invitation.pk}",
        due_on=today + dt.timedelta(days=int(pol["low_score_due_days"])),
        channel="phone",
        content=Content.CARE,
        priority=int(pol["low_score_priority"]),
        reason=_("满意度调查评分偏低（%(scores)s），请尽快致电关怀客户、了解原因并改进服务。")
        % {"scores": scores},
    )
    return item.item_key


@transaction.atomic
def survey_answer(
    *,
    invitation: SurveyInvitation,
    scores: Mapping[int, int | None],
    texts: Mapping[int, str],
    now: dt.datetime | None = None,
) -> SurveyInvitation:
    """Record the customer's answers; a link answers once, before it expires.

    Scores are 1–5 (the overall one required); a score at or below the policy's
    threshold raises a ``care`` item for the customer's manager.
    """
    now = now or timezone.now()
    locked = SurveyInvitation.objects.select_for_update().get(pk=invitation.pk)
    state = invitation_state(locked, now)
    if state != "open":
        raise ValidationError(state)
    questions = list(locked.survey.questions.all())
    rows: list[SurveyAnswer] = []
    overall: int | None = None
    low: list[tuple[str, int]] = []
    threshold = int(survey_policy()["low_score"])
    cap = int(survey_policy()["comment_max"])
    for q in questions:
        if q.kind == QuestionKind.TEXT:
            text = (texts.get(q.pk) or "").strip()[:cap]
            if text:
                rows.append(SurveyAnswer(invitation=locked, question=q, text=text))
            continue
        score = scores.get(q.pk)
        if score is None:
            if q.kind == QuestionKind.OVERALL:
                raise ValidationError(_("请为总体满意度打分。"))
            continue
        if not 1 <= int(score) <= 5:
            raise ValidationError(_("评分应为 1 至 5 分。"))
        rows.append(SurveyAnswer(invitation=locked, question=q, score=int(score)))
        if q.kind == QuestionKind.OVERALL and overall is None:
            overall = int(score)
        if int(score) <= threshold:
            low.append((q.label, int(score)))
    SurveyAnswer.objects.bulk_create(rows)
    locked.answered_at, locked.overall = now, overall
    if low:
        locked.work_item_key = _low_score_raise(locked, low)
    locked.save(update_fields=["answered_at", "overall", "work_item_key"])
    audit_record(
        actor=None,
        action="survey.answer",
        target=locked,
        data={"overall": overall, "low": len(low), "item": locked.work_item_key},
        branch_code=locked.customer.branch.code,
    )
    return locked


# --- Results (reads) -------------------------------------------------------------------


def may_see_results(user: Any) -> bool:
    return can(user, "customer.edit") or can(user, "report.branch")


def survey_invitations_for(*, user: Any) -> QuerySet[SurveyInvitation]:
    """Invitations of the customers the user may see: a manager their own, a branch head
    the branch; none for roles without results."""
    if not may_see_results(user):
        return SurveyInvitation.objects.none()
    return SurveyInvitation.objects.filter(customer__in=customer_list_for(user=user))


# Query-string filters of the results page: parameter → invitation field.
RESULT_FILTERS = (
    ("tier", "tier"),
    ("quadrant", "quadrant"),
    ("trigger", "trigger"),
    ("branch", "branch_id"),
    ("staff", "manager_id"),
    ("score", "overall"),
)
NO_MANAGER = "none"  # the ``staff`` value of answers whose customer had no manager
# Default period of the results page (a view setting, not policy: any range may be asked).
RESULTS_DEFAULT_DAYS = 90


def _date_param(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def survey_invitations_filtered(
    *, user: Any, params: Mapping[str, str], today: dt.date | None = None
) -> tuple[QuerySet[SurveyInvitation], dict[str, str]]:
    """The user's invitations narrowed by the results page's query string (dates of
    sending, segment, branch, staff, occasion, overall score), and the filters applied.
    The results page, its chart and its XLSX exports all read through here, so an
    exported table or a drilled list holds exactly the answers the page counted."""
    qs = survey_invitations_for(user=user)
    today = today or timezone.localdate()
    start = _date_param(params.get("from")) or today - dt.timedelta(days=RESULTS_DEFAULT_DAYS)
    end = _date_param(params.get("to")) or today
    qs = qs.filter(sent_at__date__gte=start, sent_at__date__lte=end)
    chosen: dict[str, str] = {"from": start.isoformat(), "to": end.isoformat()}
    for key, field in RESULT_FILTERS:
        value = params.get(key)
        if value is None:
            continue
        if field == "manager_id" and value == NO_MANAGER:
            qs = qs.filter(manager__isnull=True)
        elif field in {"branch_id", "manager_id", "overall"}:
            if not value.isdigit():
                continue
            qs = qs.filter(**{field: int(value)})
        else:
            qs = qs.filter(**{field: value})
        chosen[key] = value
    return qs, chosen


def survey_answered(qs: QuerySet[SurveyInvitation]) -> QuerySet[SurveyInvitation]:
    """The answered invitations of ``qs``, latest first, ready for :func:`answer_row`."""
    return (
        qs.filter(answered_at__isnull=False)
        .select_related("customer", "manager", "branch")
        .order_by("-answered_at", "-id")
    )


def answer_row(inv: SurveyInvitation) -> dict[str, Any]:
    """One answered invitation as the results page and its export show it (masked)."""
    return {
        "pk": inv.pk,
        "name": mask_name(inv.customer.name),
        "tier": TIER_LABELS.get(inv.tier, inv.tier),
        "quadrant": QUADRANT_LABELS.get(inv.quadrant, inv.quadrant),
        "branch": inv.branch.name,
        "staff": inv.manager.name if inv.manager else "",
        "overall": inv.overall,
        "answered_at": inv.answered_at,
        "trigger": inv.get_trigger_display(),
    }


def _grouped(qs: QuerySet[SurveyInvitation], field: str) -> list[dict[str, Any]]:
    rows = qs.values(field).annotate(n=Count("id"), avg=Avg("overall")).order_by(field)
    return [
        {
            "key": r[field],
            "n": r["n"],
            "avg": round(float(r["avg"]), 2) if r["avg"] is not None else None,
        }
        for r in rows
    ]


def survey_results(qs: QuerySet[SurveyInvitation]) -> dict[str, Any]:
    """Figures of the answered invitations in ``qs`` (already scoped and filtered)."""
    answered = qs.filter(answered_at__isnull=False)
    sent = qs.count()
    n = answered.count()
    mean = answered.aggregate(m=Avg("overall"))["m"]
    dist = dict(answered.values_list("overall").annotate(c=Count("id")).values_list("overall", "c"))
    tiers = _grouped(answered, "tier")
    for row in tiers:
        row["label"] = TIER_LABELS.get(row["key"], row["key"])
    quadrants = _grouped(answered, "quadrant")
    for row in quadrants:
        row["label"] = QUADRANT_LABELS.get(row["key"], row["key"])
    branches = _grouped(answered, "branch_id")
    names = dict(
        answered.values_list("branch_id", "branch__name").distinct()  # one name per id
    )
    for row in branches:
        row["label"] = names.get(row["key"], "")
    staff = _grouped(answered, "manager_id")
    staff_names = dict(answered.values_list("manager_id", "manager__name").distinct())
    for row in staff:
        row["label"] = staff_names.get(row["key"]) or _("无客户经理")
        row["key"] = NO_MANAGER if row["key"] is None else row["key"]
    aspects = [
        {
            "label": r["question__label"],
            "n": r["n"],
            "avg": round(float(r["avg"]), 2) if r["avg"] is not None else None,
        }
        for r in SurveyAnswer.objects.filter(
            invitation__in=answered, question__kind=QuestionKind.ASPECT, score__isnull=False
        )
        .values("question__label")
        .annotate(n=Count("id"), avg=Avg("score"))
        .order_by("question__label")
    ]
    return {
        "sent": sent,
        "answered": n,
        "rate": round(100.0 * n / sent, 1) if sent else None,
        "mean": round(float(mean), 2) if mean is not None else None,
        "distribution": [(s, dist.get(s, 0)) for s in range(1, 6)],
        "by_tier": tiers,
        "by_quadrant": quadrants,
        "by_branch": branches,
        "by_staff": staff,
        "aspects": aspects,
    }


def survey_comments(qs: QuerySet[SurveyInvitation], limit: int = 50) -> list[dict[str, Any]]:
    """Latest free-text answers with masked customer names."""
    rows = (
        SurveyAnswer.objects.filter(invitation__in=qs, question__kind=QuestionKind.TEXT)
        .exclude(text="")
        .select_related("invitation__customer")
        .order_by("-invitation__answered_at", "-id")[:limit]
    )
    return [
        {
            "invitation": a.invitation_id,
            "name": mask_name(a.invitation.customer.name),
            "overall": a.invitation.overall,
            "at": a.invitation.answered_at,
            "text": a.text,
        }
        for a in rows
    ]
