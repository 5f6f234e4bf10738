"""Forms of the complaint pages: they parse input; the services hold the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from pcrm.complaints.choices import (
    Answer,
    Category,
    CommitmentKind,
    ContactPurpose,
    IntakeChannel,
    RootCause,
)
from pcrm.complaints.services.closing import SATISFACTION_SCALE
from pcrm.customers.choices import Channel

LOCAL_INPUT = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def when(label: Any, required: bool = True) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label, required=required, input_formats=LOCAL_INPUT, widget=LocalDateTimeInput()
    )


class IntakeForm(forms.Form):
    customer_no = forms.CharField(label=_("客户号"), required=False, max_length=32)
    visitor_name = forms.CharField(
        label=_("来访人姓名（未识别客户）"), required=False, max_length=64
    )
    visitor_phone = forms.RegexField(
        label=_("来访人电话"), regex=r"^\+?[0-9][0-9 -]{5,19}$", required=False
    )
    channel = forms.ChoiceField(label=_("受理渠道"), choices=IntakeChannel.choices)
    category = forms.ChoiceField(label=_("投诉类别"), choices=Category.choices)
    description = forms.CharField(label=_("投诉内容"), widget=forms.Textarea(attrs={"rows": 4}))
    received_at = when(_("受理时间"))
    quality_complaint = forms.BooleanField(label=_("质量性投诉"), required=False)
    complained_staff_code = forms.CharField(label=_("被投诉员工号"), required=False, max_length=32)


class SolutionForm(forms.Form):
    solution = forms.CharField(
        label=_("告知客户的解决方案"), widget=forms.Textarea(attrs={"rows": 3})
    )
    answer = forms.ChoiceField(
        label=_("客户意见"), choices=[c for c in Answer.choices if c[0] != Answer.PENDING]
    )
    reply_due_at = when(_("明确答复时间（客户不接受时）"), required=False)


class AssignForm(forms.Form):
    staff_code = forms.CharField(label=_("处理人员工号"), max_length=32)


class TextForm(forms.Form):
    text = forms.CharField(label=_("说明"), widget=forms.Textarea(attrs={"rows": 2}))


class CommitmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("承诺类型"), choices=CommitmentKind.choices)
    description = forms.CharField(label=_("承诺内容"), max_length=500)
    amount = forms.DecimalField(label=_("金额（元）"), min_value=0, decimal_places=2, initial=0)


class DecideCommitmentForm(forms.Form):
    approve = forms.TypedChoiceField(
        coerce=lambda v: v == "1", choices=[("1", _("批准")), ("0", _("不批准"))]
    )
    note = forms.CharField(label=_("审批意见"), required=False, max_length=500)


class DecisionForm(forms.Form):
    decision = forms.CharField(label=_("处理结果"), widget=forms.Textarea(attrs={"rows": 2}))
    told_at = when(_("告知客户时间"), required=False)


class ExtendForm(forms.Form):
    reason = forms.CharField(label=_("延期原因"), max_length=500)
    customer_told_at = when(_("告知客户时间"), required=False)


class PauseForm(forms.Form):
    reason = forms.CharField(label=_("暂停原因（如等待外部鉴定）"), max_length=200, required=False)
    at = when(_("时间"), required=False)


class ContactForm(forms.Form):
    channel = forms.ChoiceField(label=_("渠道"), choices=Channel.choices)
    purpose = forms.ChoiceField(label=_("目的"), choices=ContactPurpose.choices)
    notes = forms.CharField(label=_("备注"), required=False, max_length=500)


class SurveyForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("满意度"), coerce=int, choices=[(i, str(i)) for i in SATISFACTION_SCALE]
    )
    notes = forms.CharField(label=_("备注"), required=False, max_length=500)


class RootCauseForm(forms.Form):
    root_cause = forms.ChoiceField(label=_("根本原因"), choices=RootCause.choices)
    corrective_action = forms.CharField(
        label=_("整改措施"), widget=forms.Textarea(attrs={"rows": 2})
    )


class FixedForm(forms.Form):
    channel = forms.ChoiceField(label=_("告知渠道"), choices=Channel.choices)
    notes = forms.CharField(label=_("备注"), required=False, max_length=500)


class ConfirmForm(forms.Form):
    """Irreversible actions ask for an explicit confirmation."""

    confirm = forms.BooleanField(label=_("我已确认此操作不可撤销"), required=True)
