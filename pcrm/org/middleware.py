"""Privileged roles (roles.toml ``mfa = true``) must have a TOTP second factor.

Until they set one up, every page but the MFA set-up pages and sign-out
redirects them there.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from pcrm.org.roles import requires_mfa

_ALLOWED_PREFIXES = ("/accounts/", "/i18n/", "/static/", "/api/")


class SecondFactorRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and requires_mfa(user)
            and not request.path.startswith(_ALLOWED_PREFIXES)
            and not _has_totp(user)
        ):
            return redirect("mfa_activate_totp")
        return self.get_response(request)


def _has_totp(user: object) -> bool:
    from allauth.mfa.models import Authenticator

    has: bool = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    return has
