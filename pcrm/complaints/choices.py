"""The vocabulary of complaint cases (DOMAIN §5)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class IntakeChannel(models.TextChoices):
    COUNTER = "counter", _("网点现场")
    PHONE = "phone", _("电话")
    CALL_CENTRE = "call_centre", _("客服中心")
    LETTER = "letter", _("信函")
    ONLINE = "online", _("网上渠道")
    REGULATOR = "regulator", _("监管转办")


class Category(models.TextChoices):
    SERVICE_ATTITUDE = "service_attitude", _("服务态度")
    WAITING = "waiting", _("排队等候")
    FEES = "fees", _("收费定价")
    PRODUCT_SALES = "product_sales", _("产品销售")
    INVESTMENT_LOSS = "investment_loss", _("投资亏损")
    CARD_ACCOUNT = "card_account", _("卡折账户")
    SYSTEM_FAULT = "system_fault", _("系统设备")
    OTHER = "other", _("其他")


class Status(models.TextChoices):
    OPEN = "open", _("处理中")
    DECIDED = "decided", _("已答复")
    CLOSED = "closed", _("已办结")


class Answer(models.TextChoices):
    PENDING = "pending", _("待客户答复")
    ACCEPTED = "accepted", _("客户接受")
    NOT_ACCEPTED = "not_accepted", _("客户不接受")


class ClockStage(models.TextChoices):
    STANDARD = "standard", _("一般投诉")
    COMPLEX = "complex", _("复杂投诉")
    EXTENDED = "extended", _("延期处理")


class CommitmentStatus(models.TextChoices):
    WITHIN_AUTHORITY = "within_authority", _("权限内")
    PENDING = "pending", _("待负责人审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("未批准")


class CommitmentKind(models.TextChoices):
    FEE_REFUND = "fee_refund", _("退还费用")
    COMPENSATION = "compensation", _("经济补偿")
    GIFT = "gift", _("致歉礼品")
    SERVICE_REMEDY = "service_remedy", _("服务补救")
    OTHER = "other", _("其他")


class RootCause(models.TextChoices):
    STAFF_CONDUCT = "staff_conduct", _("员工行为")
    PROCESS = "process", _("流程制度")
    PRODUCT_DESIGN = "product_design", _("产品设计")
    SYSTEM = "system", _("系统设备")
    MISUNDERSTANDING = "misunderstanding", _("客户误解")
    EXTERNAL = "external", _("外部原因")


class ContactPurpose(models.TextChoices):
    SATISFACTION = "satisfaction", _("满意度回访")
    THANKS = "thanks", _("致谢")
    ROOT_CAUSE_FIXED = "root_cause_fixed", _("告知问题已解决")
    PRODUCT_INFO = "product_info", _("按需推送产品或服务信息")
    OTHER = "other", _("其他")


class AlertKind(models.TextChoices):
    DUE_SOON = "due_soon", _("即将到期")
    OVERDUE = "overdue", _("已超期")
