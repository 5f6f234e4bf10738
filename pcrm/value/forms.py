"""Forms of the opportunity pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from pcrm.customers.models import Product
from pcrm.value.models import Source, Stage


class AdvanceForm(forms.Form):
    """Move an opportunity to a later stage, optionally choosing the product and amount."""

    stage = forms.ChoiceField(
        label=_("推进到"),
        choices=[(s.value, s.label) for s in (Stage.CONTACTED, Stage.PROPOSED, Stage.WON)],
    )
    product = forms.ModelChoiceField(
        label=_("产品"), queryset=Product.objects.order_by("code"), required=False
    )
    amount = forms.DecimalField(
        label=_("金额（元）"), min_value=0, decimal_places=2, required=False
    )


class LoseForm(forms.Form):
    reason = forms.CharField(label=_("流失原因"), max_length=200)


class PlanForm(forms.Form):
    """A new value-enhancement plan for one customer or a group (customer numbers)."""

    title = forms.CharField(label=_("计划名称"), max_length=120)
    customer_nos = forms.CharField(label=_("客户号（多个用空格分隔）"), max_length=2000)
    due_on = forms.DateField(label=_("目标日期"), widget=forms.DateInput(attrs={"type": "date"}))
    goal_aum = forms.DecimalField(label=_("目标资产规模（元）"), min_value=0, decimal_places=2)
    goal_tier = forms.ChoiceField(
        label=_("目标等级"),
        required=False,
        choices=[("", "—"), ("gold", _("金卡")), ("platinum", _("白金")), ("diamond", _("钻石"))],
    )
    goal_products = forms.ModelMultipleChoiceField(
        label=_("目标新增产品"), queryset=Product.objects.order_by("code"), required=False
    )


class ActionForm(forms.Form):
    title = forms.CharField(label=_("行动"), max_length=200)
    due_on = forms.DateField(label=_("计划日期"), widget=forms.DateInput(attrs={"type": "date"}))


class ReviewForm(forms.Form):
    comment = forms.CharField(label=_("检视意见"), widget=forms.Textarea(attrs={"rows": 3}))
    due_on = forms.DateField(
        label=_("调整目标日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    goal_aum = forms.DecimalField(
        label=_("调整目标资产（元）"), min_value=0, decimal_places=2, required=False
    )


class OpportunityForm(forms.Form):
    """A manually identified opportunity (walk-in, referral, complaint …).

    Not "event": an event's opportunity is opened from the event's results page, which
    links it to the event so that the event's results count it."""

    source = forms.ChoiceField(label=_("来源"))
    product = forms.ModelChoiceField(
        label=_("产品"), queryset=Product.objects.order_by("code"), required=False
    )
    amount = forms.DecimalField(label=_("金额（元）"), min_value=0, decimal_places=2, initial=0)
    note = forms.CharField(
        label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        manual = ("referral", "walk_in", "complaint", "diagnosis", "recommendation")
        self.fields["source"].choices = [  # type: ignore[attr-defined]
            (s.value, s.label) for s in Source if s.value in manual
        ]
