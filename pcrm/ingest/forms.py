"""Forms of the file-exchange pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from pcrm.ingest.exports import FORMATS
from pcrm.ingest.models import ExportKind, ImportKind


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("文件类型"), choices=ImportKind.choices)
    file = forms.FileField(label=_("文件（CSV 或 XLSX）"))
    all_or_nothing = forms.BooleanField(
        label=_("有错误行时整批不导入"), required=False, initial=False
    )


class ExportForm(forms.Form):
    kind = forms.ChoiceField(label=_("导出内容"), choices=ExportKind.choices)
    file_format = forms.ChoiceField(label=_("格式"), choices=[(f, f.upper()) for f in FORMATS])
    reveal_reason = forms.CharField(
        label=_("导出明文的事由（留空则脱敏导出）"), required=False, max_length=200
    )
