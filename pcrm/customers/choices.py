"""The bank's vocabulary for customers, products and contacts (DESIGN §4.2)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class IdType(models.TextChoices):
    ID_CARD = "id_card", _("身份证")
    PASSPORT = "passport", _("护照")
    HK_MACAO_PERMIT = "hk_macao_permit", _("港澳居民来往内地通行证")
    TAIWAN_PERMIT = "taiwan_permit", _("台湾居民来往大陆通行证")


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class Orientation(models.TextChoices):
    RELATIONSHIP = "relationship", _("关系取向")
    VALUE = "value", _("价值取向")
    SERVICE = "service", _("服务取向")


class ContactPreference(models.TextChoices):
    DO_NOT_DISTURB = "do_not_disturb", _("免打扰")
    FREQUENT = "frequent", _("常联系")
    MODERATE = "moderate", _("适度联系")


class RiskRating(models.TextChoices):
    C1 = "C1", _("C1 保守型")
    C2 = "C2", _("C2 稳健型")
    C3 = "C3", _("C3 平衡型")
    C4 = "C4", _("C4 成长型")
    C5 = "C5", _("C5 进取型")


class RiskLevel(models.TextChoices):
    R1 = "R1", _("R1 低风险")
    R2 = "R2", _("R2 中低风险")
    R3 = "R3", _("R3 中风险")
    R4 = "R4", _("R4 中高风险")
    R5 = "R5", _("R5 高风险")


class ProductType(models.TextChoices):
    DEMAND_DEPOSIT = "demand_deposit", _("活期存款")
    TIME_DEPOSIT = "time_deposit", _("定期存款")
    WEALTH = "wealth", _("理财")
    FUND = "fund", _("基金")
    INSURANCE = "insurance", _("保险")
    BOND = "bond", _("债券")
    GOLD = "gold", _("贵金属")
    DEBIT_CARD = "debit_card", _("借记卡")
    CREDIT_CARD = "credit_card", _("信用卡")
    LOAN = "loan", _("贷款")


# Product types whose market value is the customer's money with the bank
# (a classification of products, not a business threshold).
ASSET_PRODUCT_TYPES = frozenset(
    {"demand_deposit", "time_deposit", "wealth", "fund", "insurance", "bond", "gold"}
)


class HoldingStatus(models.TextChoices):
    ACTIVE = "active", _("有效")
    CLOSED = "closed", _("已销户")


class Channel(models.TextChoices):
    PHONE = "phone", _("电话")
    VISIT = "visit", _("面访")
    SMS = "sms", _("短信")
    EMAIL = "email", _("电子邮件")
    CARD = "card", _("贺卡")
    MAIL = "mail", _("邮寄")
    INVITATION = "invitation", _("邀约")
    GATHERING = "gathering", _("聚会")
    WECHAT = "wechat", _("微信")


class Outcome(models.TextChoices):
    REACHED = "reached", _("已联系上")
    NOT_REACHED = "not_reached", _("未联系上")
    DECLINED = "declined", _("客户拒绝")


class MarketingMethod(models.TextChoices):
    """Face-to-face marketing methods (DOMAIN §2.3)."""

    PHONE_INVITATION = "phone_invitation", _("电话邀约")
    FOLLOW_UP = "follow_up", _("跟踪营销")
    EXPERIENCE = "experience", _("体验营销")
