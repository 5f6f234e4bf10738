from __future__ import annotations

import hashlib
import secrets
import string
from typing import Any

from django.db import transaction
from django.utils import timezone

from pcrm.audit.services import audit_record
from pcrm.lib.compiled import CompiledFirst
from pcrm.lib.masking import mask_email, mask_phone
from pcrm.org.models import ApiToken, Branch, Role, Staff


@transaction.atomic
def branch_save(*, actor: Any, code: str, name: str, parent: Branch | None = None) -> Branch:
    """Create or update a branch by its code."""
    branch, created = Branch.objects.update_or_create(
        code=code, defaults={"name": name, "parent": parent}
    )
    audit_record(
        actor=actor,
        action="branch.create" if created else "branch.update",
        target=branch,
        data={"code": code, "name": name},
        branch_code=code,
    )
    return branch


@transaction.atomic
def staff_save(
    *,
    actor: Any,
    staff_code: str,
    name: str,
    role: str,
    branch: Branch | None,
    phone: str = "",
    email: str = "",
    password: str | None = None,
) -> Staff:
    """Create or update a member of staff; admins get the admin site, nobody else."""
    staff = Staff.objects.filter(staff_code=staff_code).first() or Staff(staff_code=staff_code)
    created = staff.pk is None
    staff.name, staff.role, staff.branch = name, Role(role), branch
    staff.phone, staff.phone_masked = phone, mask_phone(phone)
    staff.email, staff.email_masked = email, mask_email(email)
    staff.is_staff = role == Role.ADMIN
    if password is not None:
        staff.set_password(password)
    elif created:
        staff.set_unusable_password()
    staff.save()
    audit_record(
        actor=actor,
        action="staff.create" if created else "staff.update",
        target=staff,
        data={"staff_code": staff_code, "role": role, "phone": staff.phone_masked},
        branch_code=branch.code if branch else "",
    )
    return staff


# Letters and digits only (about 256 bits): a token survives double-click selection,
# shell quoting and the queue machines' configuration screens unchanged.
TOKEN_ALPHABET = string.ascii_letters + string.digits
TOKEN_LENGTH = 43


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def api_token_create(
    *, actor: Any, name: str, kind: str, branch: Branch | None
) -> tuple[ApiToken, str]:
    """Create a token; the raw value is returned once and never stored."""
    if kind == ApiToken.Kind.QUEUE_DEVICE and branch is None:
        raise ValueError("a queue device token must be bound to a branch (--branch)")
    raw = "pcrm_" + "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(TOKEN_LENGTH))
    token = ApiToken.objects.create(
        name=name, kind=kind, branch=branch, prefix=raw[5:13], key_hash=_hash_token(raw)
    )
    audit_record(
        actor=actor,
        action="api_token.create",
        target=token,
        data={"name": name, "kind": kind, "prefix": token.prefix},
        branch_code=branch.code if branch else "",
    )
    return token, raw


# Compiled once: every queue-machine swipe checks its token (pcrm.lib.compiled).
_TOKEN_BY_HASH = CompiledFirst(
    lambda key_hash: (
        ApiToken.objects.select_related("branch")
        .filter(key_hash=key_hash, revoked_at__isnull=True)
        .order_by("pk")
    )
)


def api_token_lookup(*, raw: str) -> ApiToken | None:
    return _TOKEN_BY_HASH.first(_hash_token(raw))


@transaction.atomic
def api_token_revoke(*, actor: Any, token: ApiToken) -> None:
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(
        actor=actor, action="api_token.revoke", target=token, data={"prefix": token.prefix}
    )
