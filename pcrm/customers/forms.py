"""Forms behind the customer pages: they parse input, the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from pcrm.customers.choices import Channel, ContactPreference, MarketingMethod, Orientation, Outcome
from pcrm.customers.services import REVEALABLE


class RevealForm(forms.Form):
    """The reason for seeing one protected value in clear (goes to the audit trail)."""

    reason = forms.CharField(
        label=_("查看事由"),
        min_length=2,
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("例如：客户来电核实身份")}),
    )


def revealable(field: str) -> bool:
    return field in REVEALABLE


class InteractionForm(forms.Form):
    """登记联系: one contact with the customer."""

    channel = forms.ChoiceField(label=_("渠道"), choices=Channel.choices)
    method = forms.ChoiceField(
        label=_("营销方式"), choices=[("", _("（无）")), *MarketingMethod.choices], required=False
    )
    purpose = forms.CharField(label=_("目的"), max_length=200, required=False)
    outcome = forms.ChoiceField(label=_("结果"), choices=Outcome.choices)
    notes = forms.CharField(
        label=_("备注"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ContactTermsForm(forms.Form):
    """The contact preference agreed with the customer and the marketing consent."""

    contact_preference = forms.ChoiceField(
        label=_("联系偏好"),
        choices=[("", _("未约定")), *ContactPreference.choices],
        required=False,
    )
    marketing_consent = forms.BooleanField(label=_("同意接收营销信息"), required=False)


class ProfileForm(forms.Form):
    """Completing the customer's information file (DOMAIN §3.1)."""

    work_unit = forms.CharField(label=_("工作单位"), max_length=200, required=False)
    occupation = forms.CharField(label=_("职业"), max_length=100, required=False)
    family = forms.CharField(
        label=_("家庭情况"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    relatives = forms.CharField(
        label=_("亲属关系"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    orientation = forms.ChoiceField(
        label=_("客户取向"), choices=[("", _("未判断")), *Orientation.choices], required=False
    )
    potential = forms.IntegerField(label=_("增长潜力"), min_value=0, max_value=100, required=False)

    @classmethod
    def for_customer(cls, customer: Any) -> ProfileForm:
        return cls(initial={name: getattr(customer, name) for name in cls.base_fields})
