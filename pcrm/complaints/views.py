"""Staff pages of the complaints app: list, intake, the case page and the thank-you letter."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from pcrm.complaints import clock
from pcrm.complaints.checklists import techniques
from pcrm.complaints.choices import Status
from pcrm.complaints.forms import (
    AssignForm,
    CommitmentForm,
    ConfirmForm,
    ContactForm,
    DecisionForm,
    ExtendForm,
    FixedForm,
    IntakeForm,
    PauseForm,
    RootCauseForm,
    SolutionForm,
    SurveyForm,
    TextForm,
)
from pcrm.complaints.models import ComplaintCase
from pcrm.complaints.policy import current_policy
from pcrm.complaints.selectors import (
    complainant_label,
    complaint_get_for,
    complaint_list_for,
    honorific,
    visible_customer_ids,
)
from pcrm.complaints.services import Intake, complaint_due_at, complaint_open
from pcrm.customers.selectors import customer_list_for
from pcrm.org.models import Staff
from pcrm.org.roles import can

PAGE_SIZE = 25


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    """The cases the user may see, newest first, with their deadlines."""
    status = request.GET.get("status", "")
    qs = complaint_list_for(user=request.user).prefetch_related("pauses")
    if status in Status.values:
        qs = qs.filter(status=status)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rules, now = current_policy(), timezone.now()
    cases = list(page)
    visible = visible_customer_ids(cases, user=request.user)
    rows = [_row(case, request.user, rules, now, visible) for case in cases]
    return render(
        request,
        "complaints/list.html",
        {
            "page": page,
            "rows": rows,
            "status": status,
            "statuses": Status.choices,
            "may_take": can(request.user, "complaint.take"),
            "may_report": can(request.user, "report.branch"),
        },
    )


def _row(case: ComplaintCase, user: Any, rules: Any, now: Any, visible: set[int]) -> dict[str, Any]:
    due = complaint_due_at(case, rules=rules, now=now)
    return {
        "case": case,
        "who": complainant_label(case, user=user, visible_ids=visible),
        "due": due,
        "overdue": case.decided_at is None and due < now,
        "due_soon": case.decided_at is None
        and 0 <= clock.days_left(due=due, now=now) <= rules.warn_days,
    }


@login_required
def case_new(request: HttpRequest) -> HttpResponse:
    """Intake at the branch: a customer by number or an unidentified visitor."""
    if not can(request.user, "complaint.take"):
        raise PermissionDenied
    form = IntakeForm(request.POST or None, initial={"received_at": timezone.localtime()})
    if request.method == "POST" and form.is_valid():
        try:
            case, merged = complaint_open(actor=request.user, intake=_intake(request, form))
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            if merged:
                messages.info(request, _("同一客户的同类投诉尚在处理中，已作为重复投诉合并。"))
            return redirect("complaints:case", case_no=case.case_no)
    return render(request, "complaints/new.html", {"form": form})


def _intake(request: HttpRequest, form: IntakeForm) -> Intake:
    data = form.cleaned_data
    customer = None
    if data["customer_no"]:
        customer = (
            customer_list_for(user=request.user)
            .select_related("branch")
            .filter(customer_no=data["customer_no"].strip())
            .first()
        )
        if customer is None:
            raise ValidationError({"customer_no": _("客户号不存在或无权访问。")})
    complained = None
    if data["complained_staff_code"]:
        complained = Staff.objects.filter(staff_code=data["complained_staff_code"].strip()).first()
        if complained is None:
            raise ValidationError({"complained_staff_code": _("员工号不存在。")})
    phone = (data["visitor_phone"] or "").replace(" ", "").replace("-", "")
    return Intake(
        channel=data["channel"],
        category=data["category"],
        description=data["description"],
        received_at=data["received_at"],
        customer=customer,
        visitor_name=data["visitor_name"] if customer is None else "",
        visitor_phone=phone if customer is None else "",
        branch=getattr(request.user, "branch", None),
        quality_complaint=data["quality_complaint"],
        complained_staff=complained,
    )


def _form_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@login_required
def case_detail(request: HttpRequest, case_no: str) -> HttpResponse:
    """The case page: the nine techniques in order, handling, the clock and follow-up."""
    case = complaint_get_for(user=request.user, case_no=case_no)
    return render(request, "complaints/case.html", case_context(request, case))


def case_context(request: HttpRequest, case: ComplaintCase) -> dict[str, Any]:
    user, now = request.user, timezone.now()
    rules = current_policy()
    done = {s.step: s for s in case.steps.all()}
    steps, next_key = [], None
    for tech in techniques():
        record = done.get(tech.key)
        if record is None and next_key is None:
            next_key = tech.key
        items = [i for i in tech.items if case.quality_complaint or not i.quality_only]
        steps.append({"t": tech, "record": record, "items": items, "is_next": tech.key == next_key})
    due = complaint_due_at(case, rules=rules, now=now)
    is_handler = case.handler_id == user.pk
    approver = can(user, "complaint.approve") and user.pk != case.complained_staff_id
    return {
        "case": case,
        "who": complainant_label(case, user=user),
        "steps": steps,
        "remaining": [s for s in steps if s["record"] is None],
        "due": due,
        "days_left": round(clock.days_left(due=due, now=now), 1),
        "overdue": case.decided_at is None and due < now,
        "paused": any(p.ended_at is None for p in case.pauses.all()),
        "may_work": case.closed_at is None and (is_handler or approver),
        "may_follow_up": is_handler or approver,
        "approver": approver,
        "may_assign": approver or (can(user, "complaint.take") and case.handler_id is None),
        "forms": {
            "solution": SolutionForm(),
            "assign": AssignForm(),
            "text": TextForm(),
            "commitment": CommitmentForm(),
            "decision": DecisionForm(),
            "extend": ExtendForm(),
            "pause": PauseForm(),
            "contact": ContactForm(),
            "survey": SurveyForm(),
            "root": RootCauseForm(
                initial={"root_cause": case.root_cause, "corrective_action": case.corrective_action}
            ),
            "fixed": FixedForm(),
            "confirm": ConfirmForm(),
        },
    }


@login_required
def thank_you_letter(request: HttpRequest, case_no: str) -> HttpResponse:
    """The printable thank-you letter (感谢函), from the letter template."""
    case = complaint_get_for(user=request.user, case_no=case_no)
    return render(
        request,
        "complaints/letter.html",
        {
            "case": case,
            "addressee": honorific(case, user=request.user),
            "today": timezone.localdate(),
        },
    )
