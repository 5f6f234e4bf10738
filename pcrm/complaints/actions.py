"""The POST actions of the case page: parse the form, call one service, go back to the case."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pcrm.complaints import forms as f
from pcrm.complaints import services as s
from pcrm.complaints.checklists import step_keys
from pcrm.complaints.models import ComplaintCase
from pcrm.complaints.selectors import complaint_get_for
from pcrm.org.models import Staff

Handler = Callable[[HttpRequest, ComplaintCase], str]


def _clean(form_class: type[forms.Form], request: HttpRequest) -> dict[str, Any]:
    form = form_class(request.POST)
    if not form.is_valid():
        raise ValidationError([str(e) for errors in form.errors.values() for e in errors])
    return form.cleaned_data


def _steps(request: HttpRequest, case: ComplaintCase) -> str:
    """One step, or several at once in quick mode (``steps`` lists the keys)."""
    keys = [k for k in request.POST.getlist("steps") if k in step_keys()]
    entries = [
        s.StepEntry(
            step=key,
            checked=request.POST.getlist(f"items_{key}"),
            notes=request.POST.get(f"notes_{key}", ""),
        )
        for key in keys
    ]
    solution = None
    if request.POST.get("solution"):
        data = _clean(f.SolutionForm, request)
        solution = s.SolutionInput(data["solution"], data["answer"], data["reply_due_at"])
    quality = request.POST.get("quality_complaint") if "quality_seen" in request.POST else None
    s.complaint_steps_record(
        actor=request.user,
        case=case,
        entries=entries,
        quick=request.POST.get("quick") == "1",
        quality_complaint=None if quality is None else quality == "on",
        solution=solution,
    )
    return _("已记录 %(n)d 个步骤。") % {"n": len(entries)}


def _solution(request: HttpRequest, case: ComplaintCase) -> str:
    data = _clean(f.SolutionForm, request)
    s.complaint_solution_record(actor=request.user, case=case, **data)
    return _("已记录解决方案和客户意见。")


def _apology(request: HttpRequest, case: ComplaintCase) -> str:
    s.complaint_apology_record(actor=request.user, case=case)
    return _("已记录致歉。")


def _assign(request: HttpRequest, case: ComplaintCase) -> str:
    code = _clean(f.AssignForm, request)["staff_code"].strip()
    handler = Staff.objects.filter(staff_code=code).first()
    if handler is None:
        raise ValidationError(_("员工号不存在。"))
    s.complaint_assign(actor=request.user, case=case, handler=handler)
    return _("已分派处理人。")


def _escalate(request: HttpRequest, case: ComplaintCase) -> str:
    s.complaint_escalate(
        actor=request.user, case=case, options_considered=_clean(f.TextForm, request)["text"]
    )
    return _("已上报网点负责人。")


def _commitment(request: HttpRequest, case: ComplaintCase) -> str:
    made = s.commitment_make(actor=request.user, case=case, **_clean(f.CommitmentForm, request))
    return _("已记录承诺（%(status)s）。") % {"status": made.get_status_display()}


def _commitment_decide(request: HttpRequest, case: ComplaintCase) -> str:
    commitment = get_object_or_404(case.commitments, pk=request.POST.get("commitment"))
    s.commitment_decide(
        actor=request.user, commitment=commitment, **_clean(f.DecideCommitmentForm, request)
    )
    return _("已审批承诺。")


def _decide(request: HttpRequest, case: ComplaintCase) -> str:
    s.complaint_decide(actor=request.user, case=case, **_clean(f.DecisionForm, request))
    return _("已记录处理结果并答复客户。")


def _complex(request: HttpRequest, case: ComplaintCase) -> str:
    s.complaint_mark_complex(
        actor=request.user, case=case, reason=_clean(f.TextForm, request)["text"]
    )
    return _("已按复杂投诉计时。")


def _extend(request: HttpRequest, case: ComplaintCase) -> str:
    _clean(f.ConfirmForm, request)
    s.complaint_extend(actor=request.user, case=case, **_clean(f.ExtendForm, request))
    return _("已批准延期。")


def _pause(request: HttpRequest, case: ComplaintCase) -> str:
    data = _clean(f.PauseForm, request)
    s.clock_pause(actor=request.user, case=case, reason=data["reason"], at=data["at"])
    return _("计时已暂停。")


def _resume(request: HttpRequest, case: ComplaintCase) -> str:
    s.clock_resume(actor=request.user, case=case, at=_clean(f.PauseForm, request)["at"])
    return _("计时已恢复。")


def _opportunity(request: HttpRequest, case: ComplaintCase) -> str:
    s.complaint_opportunity_request(
        actor=request.user, case=case, notes=_clean(f.TextForm, request)["text"]
    )
    return _("已记录商机需求。")


def _close(request: HttpRequest, case: ComplaintCase) -> str:
    _clean(f.ConfirmForm, request)
    s.complaint_close(actor=request.user, case=case)
    return _("投诉已办结。")


def _contact(request: HttpRequest, case: ComplaintCase) -> str:
    s.followup_contact_record(actor=request.user, case=case, **_clean(f.ContactForm, request))
    return _("已记录回访。")


def _survey_send(request: HttpRequest, case: ComplaintCase) -> str:
    s.survey_send(actor=request.user, case=case)
    return _("已安排满意度回访。")


def _survey(request: HttpRequest, case: ComplaintCase) -> str:
    s.survey_record(actor=request.user, case=case, **_clean(f.SurveyForm, request))
    return _("已记录满意度。")


def _root_cause(request: HttpRequest, case: ComplaintCase) -> str:
    s.root_cause_record(actor=request.user, case=case, **_clean(f.RootCauseForm, request))
    return _("已记录根本原因和整改措施。")


def _fixed(request: HttpRequest, case: ComplaintCase) -> str:
    s.root_cause_fixed_tell(actor=request.user, case=case, **_clean(f.FixedForm, request))
    return _("已告知客户问题已解决。")


def _letter(request: HttpRequest, case: ComplaintCase) -> str:
    s.thank_you_letter_sent(actor=request.user, case=case)
    return _("已记录寄送感谢函。")


ACTIONS: dict[str, Handler] = {
    "steps": _steps,
    "solution": _solution,
    "apology": _apology,
    "assign": _assign,
    "escalate": _escalate,
    "commitment": _commitment,
    "commitment-decide": _commitment_decide,
    "decide": _decide,
    "complex": _complex,
    "extend": _extend,
    "pause": _pause,
    "resume": _resume,
    "opportunity": _opportunity,
    "close": _close,
    "contact": _contact,
    "survey-send": _survey_send,
    "survey": _survey,
    "root-cause": _root_cause,
    "root-cause-fixed": _fixed,
    "letter-sent": _letter,
}


@login_required
@require_POST
def case_action(request: HttpRequest, case_no: str, action: str) -> HttpResponse:
    """Run one action on a visible case; a rule the input breaks comes back as a message."""
    handler = ACTIONS.get(action)
    if handler is None:
        raise Http404
    case = complaint_get_for(user=request.user, case_no=case_no)
    try:
        messages.success(request, handler(request, case))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("complaints:case", case_no=case.case_no)
