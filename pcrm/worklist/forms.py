"""Forms of the work list: the three ways to work an item, the branch head's
period and the allocation of unassigned customers. Rules live in the services."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pcrm.customers.choices import Outcome
from pcrm.customers.models import Customer
from pcrm.customers.selectors import customer_list_for
from pcrm.org.models import Staff
from pcrm.worklist.selectors import DEFAULT_STATS_DAYS, allocation_candidates_for


class CompleteForm(forms.Form):
    """Close an item with the outcome of the contact."""

    outcome = forms.ChoiceField(
        label=_("联系结果"), choices=Outcome.choices, widget=forms.RadioSelect
    )
    notes = forms.CharField(
        label=_("备注"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DeferForm(forms.Form):
    """Move an item to a later day."""

    until = forms.DateField(label=_("延期至"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("说明"), required=False, max_length=500)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        tomorrow = timezone.localdate() + dt.timedelta(days=1)
        self.fields["until"].widget.attrs["min"] = tomorrow.isoformat()


class SkipForm(forms.Form):
    """Close an item without a contact; the reason is required."""

    reason = forms.CharField(label=_("跳过原因"), max_length=500)


class PeriodForm(forms.Form):
    """The period of the branch head's completion statistics (default: last 30 days)."""

    start = forms.DateField(
        label=_("开始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("结束日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def period(self) -> tuple[dt.date, dt.date]:
        """The chosen period, falling back to the default for missing or invalid dates."""
        data = self.cleaned_data if self.is_valid() else {}
        end = data.get("end") or timezone.localdate()
        start = data.get("start") or end - dt.timedelta(days=DEFAULT_STATS_DAYS - 1)
        return (start, end) if start <= end else (end, start)


class AllocateForm(forms.Form):
    """Give the selected unassigned customers to one manager or wealth advisor."""

    customers = forms.ModelMultipleChoiceField(
        label=_("客户"),
        queryset=Customer.objects.none(),
        to_field_name="customer_no",
        error_messages={"required": _("请至少选择一位客户。")},
    )
    manager = forms.ModelChoiceField(
        label=_("分配给"),
        queryset=Staff.objects.none(),
        to_field_name="staff_code",
        empty_label=_("请选择客户经理或理财顾问"),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        customers = cast("forms.ModelMultipleChoiceField[Customer]", self.fields["customers"])
        customers.queryset = customer_list_for(user=user).filter(manager__isnull=True)
        manager = cast("forms.ModelChoiceField[Staff]", self.fields["manager"])
        manager.queryset = allocation_candidates_for(user=user)
