"""The demo's sign-ins: one fixed password for every demo member of staff, and a TOTP
authenticator for the roles that need a second factor (roles.toml `mfa = true`).

The TOTP secret is shown on screen with an otpauth:// URI, so it can be typed or pasted
into an authenticator app; a re-run shows the same secret rather than a new one.
"""

from __future__ import annotations

from dataclasses import dataclass

from allauth.mfa.adapter import get_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.hashers import make_password

from pcrm.demo.profile import section
from pcrm.org.models import Staff
from pcrm.org.roles import requires_mfa


@dataclass(frozen=True)
class DemoLogin:
    staff_code: str
    name: str
    role: str
    branch: str
    password: str
    totp_secret: str = ""
    totp_uri: str = ""


def demo_staff_codes() -> list[str]:
    """The staff codes the demo creates, in the order of the profile."""
    spec = section("bank")
    codes = [
        f"{branch['code']}{member['suffix']}"
        for branch in spec["branches"]
        for member in section("staff")["per_branch"]
    ]
    return codes + [member["code"] for member in section("staff")["bank_wide"]]


def demo_logins_ensure() -> list[DemoLogin]:
    """Set the demo password and make sure privileged staff have a TOTP authenticator."""
    password = section("bank")["demo_password"]
    staff = list(
        Staff.objects.filter(staff_code__in=demo_staff_codes())
        .select_related("branch")
        .order_by("pk")
    )
    Staff.objects.filter(pk__in=[s.pk for s in staff]).update(password=make_password(password))
    adapter = get_adapter()
    logins = []
    for member in staff:
        secret = uri = ""
        if requires_mfa(member):
            secret = _totp_secret(member)
            uri = adapter.build_totp_url(member, secret)
        logins.append(
            DemoLogin(
                staff_code=member.staff_code,
                name=member.name,
                role=member.get_role_display(),
                branch=member.branch.name if member.branch else "",
                password=password,
                totp_secret=secret,
                totp_uri=uri,
            )
        )
    return logins


def _totp_secret(member: Staff) -> str:
    existing = Authenticator.objects.filter(user=member, type=Authenticator.Type.TOTP).first()
    if existing is not None:
        secret: str = get_adapter().decrypt(existing.data["secret"])
        return secret
    secret = generate_totp_secret()
    TOTP.activate(member, secret)
    return secret
