"""Forms of the opportunity pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from pcrm.customers.models import Product
from pcrm.value.models import Stage


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
