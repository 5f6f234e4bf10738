"""Vocabulary of building relationships (DOMAIN §2)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SwipeFlag(models.TextChoices):
    RED_LIST = "red_list", _("红名单")
    POTENTIAL = "potential", _("潜力客户")
    NOT_CONTACTED = "not_contacted", _("未联系")
    VIP = "vip", _("贵宾")
    UNASSIGNED = "unassigned", _("未分配客户经理")
    UNKNOWN = "unknown", _("非本行客户")


class Tier(models.TextChoices):
    STANDARD = "standard", _("普通")
    GOLD = "gold", _("金卡")
    PLATINUM = "platinum", _("白金")
    DIAMOND = "diamond", _("钻石")


class Noticed(models.TextChoices):
    """What the referring post noticed (DOMAIN §2.2, manual identification)."""

    LARGE_AMOUNT = "large_amount", _("大额业务")
    SPECIAL_BUSINESS = "special_business", _("特殊业务")
    PARTICULAR_PRODUCT = "particular_product", _("特定产品")
    CUSTOMER_TRAIT = "customer_trait", _("客户特征")


class ReferralStatus(models.TextChoices):
    PENDING = "pending", _("待接收")
    ACCEPTED = "accepted", _("已接收")
    DECLINED = "declined", _("已拒绝")


class ReferralOutcome(models.TextChoices):
    CONTACTED = "contacted", _("已联系")
    ESTABLISHED = "established", _("已确立服务关系")
    PRODUCT_SOLD = "product_sold", _("已销售产品")


class DriveType(models.TextChoices):
    """四进: the four places batch marketing goes into."""

    GOVERNMENT = "government", _("进机关")
    ENTERPRISE = "enterprise", _("进企业")
    COMMUNITY = "community", _("进社区")
    MARKET = "market", _("进专业市场")


class TargetClass(models.TextChoices):
    """The five classes of quality customers, and corporate–retail joint marketing."""

    RELOCATION = "relocation", _("拆迁补偿户")
    MARKET_MERCHANT = "market_merchant", _("专业市场商户")
    THIRD_PARTY_DEPOSITORY = "third_party_depository", _("第三方存管户")
    CORPORATE_EXECUTIVE = "corporate_executive", _("法人高管户")
    HIGH_END_COMMUNITY = "high_end_community", _("高档社区居民户")
    JOINT_MARKETING = "joint_marketing", _("公私联动")


class JointSegment(models.TextChoices):
    """Whom joint marketing targets among a corporate client's staff."""

    SENIOR_MANAGER = "senior_manager", _("中高层管理人员")
    WHITE_COLLAR = "white_collar", _("白领员工")
    PROFESSIONAL = "professional", _("优势行业专业人士")


class ProspectSource(models.TextChoices):
    REFERRAL = "referral", _("推荐")
    DRIVE = "drive", _("批量营销")
