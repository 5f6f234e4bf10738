"""The filter form of the audit page."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from pcrm.audit.selectors import AuditFilters


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("操作人（员工号）"), required=False, max_length=64)
    action = forms.CharField(
        label=_("动作"),
        required=False,
        max_length=64,
        widget=forms.TextInput(attrs={"placeholder": "customer.reveal"}),
    )
    target = forms.CharField(label=_("对象（客户号或标识）"), required=False, max_length=64)
    date_from = forms.DateField(
        label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def filters(self) -> AuditFilters:
        data = self.cleaned_data if self.is_valid() else {}
        return AuditFilters(
            actor=data.get("actor", "").strip(),
            action=data.get("action", "").strip(),
            target=data.get("target", "").strip(),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )
