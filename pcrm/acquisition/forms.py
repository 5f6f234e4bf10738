"""Forms of the acquisition pages (parsing only; rules live in the services)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from pcrm.acquisition.choices import DriveType, JointSegment, Noticed, ReferralOutcome, TargetClass


class ReferralForm(forms.Form):
    customer_no = forms.CharField(label=_("客户号（已有客户）"), max_length=32, required=False)
    prospect_name = forms.CharField(label=_("姓名（新客户）"), max_length=64, required=False)
    prospect_phone = forms.CharField(label=_("手机号码（新客户）"), max_length=20, required=False)
    noticed = forms.MultipleChoiceField(
        label=_("发现的情况"), choices=Noticed.choices, widget=forms.CheckboxSelectMultiple
    )
    flag_potential = forms.BooleanField(label=_("潜力客户"), required=False)
    flag_red_list = forms.BooleanField(label=_("红名单客户"), required=False)
    target = forms.ChoiceField(label=_("推荐给"), required=False)
    note = forms.CharField(
        label=_("说明"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, targets: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices: list[tuple[str, object]] = [
            ("", _("自动分配（客户经理优先，其次按资产和工作量）"))
        ]
        choices += [
            (str(s.pk), f"{s.staff_code} {s.name} · {s.get_role_display()}") for s in targets
        ]
        target = self.fields["target"]
        assert isinstance(target, forms.ChoiceField)  # noqa: S101  (declared above)
        target.choices = choices

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("customer_no") and not (
            data.get("prospect_name") and data.get("prospect_phone")
        ):
            raise forms.ValidationError(_("请填写客户号，或新客户的姓名和手机号码。"))
        return data


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("拒绝原因"), max_length=200, min_length=2)


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("跟进结果"), choices=ReferralOutcome.choices)
    product_note = forms.CharField(label=_("销售产品"), max_length=100, required=False)


class RedListForm(forms.Form):
    customer_no = forms.CharField(label=_("客户号"), max_length=32)
    on_list = forms.TypedChoiceField(
        label=_("操作"),
        choices=[("1", _("列入红名单")), ("0", _("移出红名单"))],
        coerce=lambda v: v == "1",
    )
    reason = forms.CharField(label=_("原因"), max_length=200, min_length=2)


class DriveForm(forms.Form):
    name = forms.CharField(label=_("活动名称"), max_length=100)
    drive_type = forms.ChoiceField(label=_("类型"), choices=DriveType.choices)
    target_class = forms.ChoiceField(label=_("目标客群"), choices=TargetClass.choices)
    venue = forms.CharField(label=_("单位/社区/市场"), max_length=200)
    corporate_client = forms.CharField(
        label=_("对公客户（公私联动）"), max_length=200, required=False
    )
    starts_on = forms.DateField(label=_("开始日期"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(
        label=_("结束日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class LeadForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=64)
    phone = forms.CharField(label=_("手机号码"), max_length=20, required=False)
    id_no = forms.CharField(label=_("证件号码"), max_length=32, required=False)
    segment = forms.ChoiceField(
        label=_("联动客群"), choices=[("", "—"), *JointSegment.choices], required=False
    )
    work_unit = forms.CharField(label=_("工作单位"), max_length=200, required=False)


class LeadImportForm(forms.Form):
    file = forms.FileField(label=_("线索名单（CSV）"))


class SinceForm(forms.Form):
    since = forms.DateField(
        label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
