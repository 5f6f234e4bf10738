"""Work-item vocabulary (DESIGN §4.3)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    ESTABLISH_RELATIONSHIP = "establish_relationship", _("确立服务关系")
    MAINTENANCE = "maintenance", _("日常维护")
    MATURITY_REMINDER = "maturity_reminder", _("到期提醒")
    STOP_LOSS = "stop_loss", _("止损提醒")
    GAIN_PROTECT = "gain_protect", _("止盈提醒")
    LARGE_ACCOUNT_CHANGE = "large_account_change", _("大额账户变动")
    BIRTHDAY_GREETING = "birthday_greeting", _("生日祝福")
    HOLIDAY_GREETING = "holiday_greeting", _("节日祝福")
    RED_LIST_INVITE = "red_list_invite", _("红名单邀约")
    REFERRAL_FOLLOWUP = "referral_followup", _("推荐客户跟进")
    WALK_IN = "walk_in", _("到店客户")
    RISK_REASSESSMENT = "risk_reassessment", _("风险重新评估")
    PLAN_REVIEW = "plan_review", _("提升计划检视")
    COMPLAINT_FOLLOWUP = "complaint_followup", _("投诉跟进")
    WIN_BACK = "win_back", _("客户挽回")
    EVENT_INVITATION = "event_invitation", _("活动邀请")


class Content(models.TextChoices):
    CARE = "care", _("情感关怀")
    WEALTH_DIAGNOSIS = "wealth_diagnosis", _("财富诊断")
    AFTER_SALES = "after_sales", _("售后跟踪")
    EVENT = "event", _("客户活动")
    SERVICE_NOTICE = "service_notice", _("服务提醒")
    GREETING = "greeting", _("问候祝福")
    MARKETING = "marketing", _("营销推介")


class Status(models.TextChoices):
    OPEN = "open", _("待办")
    DONE = "done", _("已完成")
    SKIPPED = "skipped", _("已跳过")
    DEFERRED = "deferred", _("已延期")
