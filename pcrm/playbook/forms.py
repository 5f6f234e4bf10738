"""Forms of the playbook pages."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class PolicyForm(forms.Form):
    """The policy document as JSON text, with a note for the new version."""

    document = forms.CharField(
        label=_("策略内容（JSON）"), widget=forms.Textarea(attrs={"rows": 30})
    )
    note = forms.CharField(label=_("变更说明"), max_length=200, required=False)

    def clean_document(self) -> dict[str, Any]:
        try:
            value = json.loads(self.cleaned_data["document"])
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(
                _("JSON 格式错误：第 %(line)s 行第 %(col)s 列。"),
                params={"line": exc.lineno, "col": exc.colno},
            ) from exc
        if not isinstance(value, dict):
            raise forms.ValidationError(_("策略内容必须是一个 JSON 对象。"))
        return value
