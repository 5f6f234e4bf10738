"""Token authentication for devices and systems: ``Authorization: Bearer pcrm_…``."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from pcrm.org.models import ApiToken
from pcrm.org.services import api_token_lookup


class ApiClient(AnonymousUser):
    """The caller behind a token: authenticated, but no member of staff."""

    def __init__(self, token: ApiToken) -> None:
        self.token = token

    @property
    def is_authenticated(self) -> bool:  # type: ignore[override]
        return True

    def __str__(self) -> str:
        return f"token:{self.token.prefix}"


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keywords = ("bearer", "token")

    def authenticate(self, request: Request) -> tuple[Any, ApiToken] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower().decode() not in self.keywords:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("malformed Authorization header")
        token = api_token_lookup(raw=header[1].decode(errors="replace"))
        if token is None:
            raise exceptions.AuthenticationFailed("unknown or revoked token")
        return ApiClient(token), token

    def authenticate_header(self, request: Request) -> str:
        return "Bearer"
