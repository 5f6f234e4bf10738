from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pcrm.customers.choices import (
    Channel,
    ContactPreference,
    Gender,
    HoldingStatus,
    IdType,
    MarketingMethod,
    Orientation,
    Outcome,
    ProductType,
    RiskLevel,
    RiskRating,
)
from pcrm.lib.crypto import EncryptedTextField
from pcrm.lib.money import MoneyField


class Customer(models.Model):
    """A personal customer: identity (C2 fields sealed, with masked copy and blind index),
    the profile a manager keeps completing (DOMAIN §3.1), and the agreed contact terms."""

    customer_no = models.CharField(_("客户号"), max_length=32, unique=True)
    name = models.CharField(_("姓名"), max_length=64)
    # Not indexed: the search matches parts of them (LIKE '%|zh%'), which no B-tree
    # serves, inside the user's already narrowed scope; their four indexes cost every
    # imported customer about 40% of its insert time.
    name_pinyin = models.CharField(_("姓名全拼"), max_length=255, blank=True)
    name_initials = models.CharField(_("姓名首字母"), max_length=64, blank=True)
    id_type = models.CharField(
        _("证件类型"), max_length=20, choices=IdType.choices, default=IdType.ID_CARD
    )
    id_no = EncryptedTextField(_("证件号码"), blank=True)
    id_no_index = models.CharField(max_length=32, blank=True, db_index=True)
    id_no_masked = models.CharField(_("证件号码"), max_length=32, blank=True)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices, blank=True)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    lunar_birthday = models.BooleanField(_("过农历生日"), default=False)
    phone = EncryptedTextField(_("手机号码"), blank=True)
    phone_index = models.CharField(max_length=32, blank=True, db_index=True)
    phone_masked = models.CharField(_("手机号码"), max_length=32, blank=True)
    email = EncryptedTextField(_("电子邮箱"), blank=True)
    email_index = models.CharField(max_length=32, blank=True, db_index=True)
    email_masked = models.CharField(_("电子邮箱"), max_length=128, blank=True)
    address = EncryptedTextField(_("联系地址"), blank=True)
    address_masked = models.CharField(_("联系地址"), max_length=64, blank=True)
    work_unit = models.CharField(_("工作单位"), max_length=200, blank=True)
    occupation = models.CharField(_("职业"), max_length=100, blank=True)
    family = models.CharField(_("家庭情况"), max_length=500, blank=True)
    relatives = models.CharField(_("亲属关系"), max_length=500, blank=True)
    branch = models.ForeignKey(
        "org.Branch", on_delete=models.PROTECT, related_name="customers", verbose_name=_("网点")
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="book",
        verbose_name=_("客户经理"),
    )
    service_established = models.BooleanField(_("已确立服务关系"), default=False)
    established_at = models.DateTimeField(_("确立时间"), null=True, blank=True)
    established_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("确立人"),
    )
    red_list = models.BooleanField(_("红名单"), default=False)
    potential = models.PositiveSmallIntegerField(_("增长潜力"), null=True, blank=True)
    orientation = models.CharField(
        _("客户取向"), max_length=16, choices=Orientation.choices, blank=True
    )
    contact_preference = models.CharField(
        _("联系偏好"), max_length=16, choices=ContactPreference.choices, blank=True
    )
    contact_preference_recorded_at = models.DateTimeField(_("偏好记录时间"), null=True, blank=True)
    contact_preference_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("偏好记录人"),
    )
    risk_rating = models.CharField(
        _("风险评级"), max_length=2, choices=RiskRating.choices, blank=True
    )
    risk_assessed_on = models.DateField(_("风险评估日期"), null=True, blank=True)
    marketing_consent = models.BooleanField(_("营销同意"), default=True)
    marketing_consent_recorded_at = models.DateTimeField(_("同意记录时间"), null=True, blank=True)
    marketing_consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("同意记录人"),
    )
    aum = MoneyField(_("资产规模"), default=0)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("客户")
        verbose_name_plural = _("客户")
        ordering = ["customer_no"]
        indexes = [
            models.Index(fields=["manager", "customer_no"]),
            models.Index(fields=["branch", "customer_no"]),
        ]

    def __str__(self) -> str:
        return self.customer_no


class CustomerAccess(models.Model):
    """Access to a customer granted to staff other than the manager (e.g. a referral)."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="grants")
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("原因"), max_length=64)
    granted_at = models.DateTimeField(_("授权时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("客户访问授权")
        verbose_name_plural = _("客户访问授权")
        constraints = [
            models.UniqueConstraint(fields=["customer", "staff"], name="uniq_customer_access")
        ]

    def __str__(self) -> str:
        return f"{self.customer_id}→{self.staff_id}"


class Product(models.Model):
    """A product the bank sells, with its type and risk level (R1–R5)."""

    code = models.CharField(_("产品代码"), max_length=32, unique=True)
    name = models.CharField(_("产品名称"), max_length=100)
    product_type = models.CharField(_("产品类型"), max_length=20, choices=ProductType.choices)
    risk_level = models.CharField(
        _("风险等级"), max_length=2, choices=RiskLevel.choices, blank=True
    )

    class Meta:
        verbose_name = _("产品")
        verbose_name_plural = _("产品")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Holding(models.Model):
    """One account or position of a customer in a product; the account number is sealed."""

    account_no = EncryptedTextField(_("账号"))
    account_no_index = models.CharField(max_length=32, unique=True)
    account_no_masked = models.CharField(_("账号"), max_length=40)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="holdings")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="holdings")
    principal = MoneyField(_("本金"), default=0)
    market_value = MoneyField(_("市值"), default=0)
    opened_on = models.DateField(_("开户日期"), null=True, blank=True)
    matures_on = models.DateField(_("到期日"), null=True, blank=True, db_index=True)
    status = models.CharField(
        _("状态"), max_length=8, choices=HoldingStatus.choices, default="active"
    )

    class Meta:
        verbose_name = _("持有产品")
        verbose_name_plural = _("持有产品")
        indexes = [models.Index(fields=["customer", "status"])]

    def __str__(self) -> str:
        return self.account_no_masked


class Transaction(models.Model):
    """A booked transaction (signed amount in yuan), as sent by core banking."""

    txn_id = models.CharField(_("流水号"), max_length=64, unique=True)
    holding = models.ForeignKey(
        Holding, null=True, blank=True, on_delete=models.SET_NULL, related_name="transactions"
    )
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="transactions")
    booked_at = models.DateTimeField(_("交易时间"), db_index=True)
    amount = MoneyField(_("金额"))
    channel = models.CharField(_("渠道"), max_length=32, blank=True)
    counterparty = models.CharField(_("对手方"), max_length=200, blank=True)
    memo = models.CharField(_("摘要"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("交易流水")
        verbose_name_plural = _("交易流水")
        indexes = [models.Index(fields=["customer", "booked_at"])]

    def __str__(self) -> str:
        return self.txn_id


class Interaction(models.Model):
    """One contact with a customer (the contact log)."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="interactions")
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="interactions",
        verbose_name=_("员工"),
    )
    occurred_at = models.DateTimeField(_("联系时间"))
    channel = models.CharField(_("渠道"), max_length=16, choices=Channel.choices)
    method = models.CharField(
        _("营销方式"), max_length=20, choices=MarketingMethod.choices, blank=True
    )
    purpose = models.CharField(_("目的"), max_length=200, blank=True)
    outcome = models.CharField(_("结果"), max_length=16, choices=Outcome.choices)
    notes = models.TextField(_("备注"), blank=True)
    work_item_key = models.CharField(_("来源工作项"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("联系记录")
        verbose_name_plural = _("联系记录")
        ordering = ["-occurred_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "staff", "occurred_at", "channel"], name="uniq_interaction"
            )
        ]
        indexes = [models.Index(fields=["customer", "outcome", "occurred_at"])]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.occurred_at:%Y-%m-%d} {self.channel}"
