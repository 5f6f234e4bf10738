from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils.translation import gettext_lazy as _

from pcrm.lib.crypto import EncryptedTextField


class Bank(models.Model):
    """The bank running this installation; one row, its name shown in the UI."""

    name = models.CharField(_("银行名称"), max_length=100)

    class Meta:
        verbose_name = _("银行")
        verbose_name_plural = _("银行")

    def __str__(self) -> str:
        return self.name


class Branch(models.Model):
    """A branch (网点) in the bank's hierarchy; a branch head sees its sub-branches too."""

    code = models.CharField(_("网点代码"), max_length=32, unique=True)
    name = models.CharField(_("网点名称"), max_length=100)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("上级网点"),
    )

    class Meta:
        verbose_name = _("网点")
        verbose_name_plural = _("网点")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Role(models.TextChoices):
    CUSTOMER_MANAGER = "customer_manager", _("客户经理")
    WEALTH_ADVISOR = "wealth_advisor", _("理财顾问")
    LOBBY_MANAGER = "lobby_manager", _("大堂经理")
    TELLER = "teller", _("柜员")
    BRANCH_HEAD = "branch_head", _("网点负责人")
    AUDITOR = "auditor", _("审计员")
    ADMIN = "admin", _("系统管理员")


class StaffManager(BaseUserManager["Staff"]):
    def create_user(self, staff_code: str, password: str | None = None, **extra: Any) -> Staff:
        staff = self.model(staff_code=staff_code, **extra)
        staff.set_password(password)
        staff.save(using=self._db)
        return staff

    def create_superuser(self, staff_code: str, password: str | None = None, **extra: Any) -> Staff:
        extra.update(role=Role.ADMIN, is_staff=True, is_superuser=True)
        extra.setdefault("name", staff_code)
        return self.create_user(staff_code, password, **extra)


class Staff(AbstractBaseUser, PermissionsMixin):
    """A member of staff; signs in with the staff code. The role drives visibility (roles.toml)."""

    staff_code = models.CharField(_("员工号"), max_length=32, unique=True)
    name = models.CharField(_("姓名"), max_length=64)
    role = models.CharField(_("岗位"), max_length=32, choices=Role.choices, db_index=True)
    branch = models.ForeignKey(
        Branch,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
        verbose_name=_("网点"),
    )
    phone = EncryptedTextField(_("手机号码"), blank=True)
    phone_masked = models.CharField(_("手机号码（脱敏）"), max_length=32, blank=True)
    email = EncryptedTextField(_("电子邮箱"), blank=True)
    email_masked = models.CharField(_("电子邮箱（脱敏）"), max_length=128, blank=True)
    is_active = models.BooleanField(_("在职"), default=True)
    is_staff = models.BooleanField(_("可进入管理后台"), default=False)
    date_joined = models.DateTimeField(_("创建时间"), auto_now_add=True)

    USERNAME_FIELD = "staff_code"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["name"]
    objects = StaffManager()

    class Meta:
        verbose_name = _("员工")
        verbose_name_plural = _("员工")
        ordering = ["staff_code"]

    def __str__(self) -> str:
        return f"{self.staff_code} {self.name}"


class ApiToken(models.Model):
    """A credential for a device or system calling the API; only its hash is stored."""

    class Kind(models.TextChoices):
        QUEUE_DEVICE = "queue_device", _("排队机")
        SYSTEM = "system", _("系统")

    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    branch = models.ForeignKey(
        Branch, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("绑定网点")
    )
    prefix = models.CharField(_("前缀"), max_length=8)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
