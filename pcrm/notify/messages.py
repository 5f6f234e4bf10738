"""SMS message templates (Chinese, through the translation system).

Each template names its parameters in order: a cloud gateway sends the template id
and the parameter list; the other backends render the text here. Templates to staff
carry masked identities only (the caller passes ``*_masked`` values).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class SmsTemplate:
    code: str
    text: str | Promise
    params: tuple[str, ...]

    def render(self, values: Mapping[str, object]) -> str:
        missing = [p for p in self.params if p not in values]
        if missing:
            raise KeyError(f"SMS template {self.code} lacks {', '.join(missing)}")
        return str(self.text).format(**{p: values[p] for p in self.params})

    def ordered(self, values: Mapping[str, object]) -> list[str]:
        return [str(values[p]) for p in self.params]


TEMPLATES: dict[str, SmsTemplate] = {
    t.code: t
    for t in [
        SmsTemplate(
            "walk_in_alert",
            _("{tier}客户{name}（证件{id_no}）已在{branch}取号{ticket}，{reason}，请尽快接待。"),
            ("tier", "name", "id_no", "branch", "ticket", "reason"),
        ),
        SmsTemplate(
            "walk_in_greet",
            _("{tier}客户{name}已在{branch}取号{ticket}，请前往问候。"),
            ("tier", "name", "branch", "ticket"),
        ),
        SmsTemplate(
            "walk_in_unassigned",
            _(
                "未分配客户经理的客户{name}（{tier}）已在{branch}取号{ticket}，请接待并推荐给客户经理。"
            ),
            ("name", "tier", "branch", "ticket"),
        ),
        SmsTemplate(
            "referral_new",
            _("{referrer}向您推荐客户{name}：{noticed}。请在推荐客户页面跟进。"),
            ("referrer", "name", "noticed"),
        ),
        SmsTemplate("generic", _("{text}"), ("text",)),
    ]
}


def template_get(code: str) -> SmsTemplate:
    try:
        return TEMPLATES[code]
    except KeyError:
        raise KeyError(f"unknown SMS template {code!r}") from None
