"""The filter form of "my book"."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from pcrm.customers.choices import ContactPreference, Orientation
from pcrm.playbook.choices import Quadrant, Tier
from pcrm.workbench.selectors import NONE, BookFilters

ANY = ("", _("全部"))
YES_NO = [ANY, ("1", _("是")), ("0", _("否"))]


class BookFilterForm(forms.Form):
    """Search and filters; every field optional, invalid values are ignored."""

    q = forms.CharField(
        label=_("搜索"),
        required=False,
        max_length=64,
        widget=forms.TextInput(
            attrs={"placeholder": _("姓名、拼音或首字母、客户号、证件号、手机号"), "type": "search"}
        ),
    )
    tier = forms.ChoiceField(
        label=_("客户等级"), required=False, choices=[ANY, *Tier.choices, (NONE, _("无等级"))]
    )
    quadrant = forms.ChoiceField(
        label=_("象限"), required=False, choices=[ANY, *Quadrant.choices, (NONE, _("未分层"))]
    )
    orientation = forms.ChoiceField(
        label=_("客户取向"),
        required=False,
        choices=[ANY, *Orientation.choices, (NONE, _("未判断"))],
    )
    contact_preference = forms.ChoiceField(
        label=_("联系偏好"),
        required=False,
        choices=[ANY, *ContactPreference.choices, (NONE, _("未约定"))],
    )
    service_established = forms.ChoiceField(
        label=_("已确立服务关系"), required=False, choices=YES_NO
    )
    red_list = forms.ChoiceField(label=_("红名单"), required=False, choices=YES_NO)

    def filters(self) -> BookFilters:
        """The valid filters (an invalid form filters nothing it could not parse)."""
        data = self.cleaned_data if self.is_valid() else {}

        def flag(name: str) -> bool | None:
            value = data.get(name, "")
            return None if value == "" else value == "1"

        return BookFilters(
            q=data.get("q", ""),
            tier=data.get("tier", ""),
            quadrant=data.get("quadrant", ""),
            orientation=data.get("orientation", ""),
            contact_preference=data.get("contact_preference", ""),
            service_established=flag("service_established"),
            red_list=flag("red_list"),
        )
