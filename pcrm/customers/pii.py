"""The derived columns of each protected value: blind index and masked copy.

Every writer of customers and holdings (services, imports, the demo) fills
them through these functions, so masking and indexing stay one rule.
"""

from __future__ import annotations

from typing import Any

from pcrm.lib.crypto import blind_index
from pcrm.lib.masking import mask_account, mask_address, mask_email, mask_id_no, mask_phone
from pcrm.lib.pinyin import name_search_keys


def customer_derived(
    *, name: str, id_no: str = "", phone: str = "", email: str = "", address: str = ""
) -> dict[str, Any]:
    pinyin, initials = name_search_keys(name) if name else ("", "")
    return {
        "name_pinyin": pinyin,
        "name_initials": initials,
        "id_no_index": blind_index(id_no, purpose="id_no"),
        "id_no_masked": mask_id_no(id_no),
        "phone_index": blind_index(phone, purpose="phone"),
        "phone_masked": mask_phone(phone),
        "email_index": blind_index(email.lower() if email else "", purpose="email"),
        "email_masked": mask_email(email),
        "address_masked": mask_address(address),
    }


def account_derived(*, account_no: str) -> dict[str, str]:
    return {
        "account_no_index": blind_index(account_no, purpose="account_no"),
        "account_no_masked": mask_account(account_no),
    }


def account_index(account_no: str) -> str:
    return blind_index(account_no, purpose="account_no")


def id_no_index(id_no: str) -> str:
    return blind_index(id_no, purpose="id_no")


def phone_index(phone: str) -> str:
    return blind_index(phone, purpose="phone")
