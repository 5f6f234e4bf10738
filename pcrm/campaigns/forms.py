"""Forms of the campaigns pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from pcrm.campaigns.models import Broadcast, CustomerEvent, SurveyReport
from pcrm.campaigns.policy import event_types

TIER_CHOICES = [("", "—"), ("gold", _("金卡")), ("platinum", _("白金")), ("diamond", _("钻石"))]


class EventForm(forms.ModelForm):  # type: ignore[type-arg]
    min_tier = forms.ChoiceField(label=_("最低等级"), choices=TIER_CHOICES, required=False)

    class Meta:
        model = CustomerEvent
        fields = ["title", "event_type", "held_on", "venue", "capacity", "orientation", "min_tier"]
        widgets = {"held_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["event_type"] = forms.ChoiceField(label=_("活动类型"), choices=event_types())


class BroadcastForm(forms.ModelForm):  # type: ignore[type-arg]
    min_tier = forms.ChoiceField(label=_("最低等级"), choices=TIER_CHOICES, required=False)

    class Meta:
        model = Broadcast
        fields = ["title", "body", "orientation", "min_tier"]


class SurveyForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = SurveyReport
        fields = ["theme", "body"]
