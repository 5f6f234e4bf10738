"""API tokens: created once, stored only as a hash, letters and digits only."""

from __future__ import annotations

import re

import pytest

from pcrm.org.models import ApiToken
from pcrm.org.services import api_token_create, api_token_lookup, api_token_revoke
from tests.factories import BranchFactory

pytestmark = pytest.mark.django_db


def test_token_is_alphanumeric_hashed_and_found_until_revoked() -> None:
    branch = BranchFactory()
    raws = [
        api_token_create(actor=None, name=f"t{n}", kind="queue_device", branch=branch)[1]
        for n in range(20)
    ]
    for raw in raws:
        assert re.fullmatch(r"pcrm_[A-Za-z0-9]{43}", raw)
    assert len(set(raws)) == len(raws)
    stored = ApiToken.objects.get(prefix=raws[0][5:13])
    assert raws[0] not in stored.key_hash
    assert api_token_lookup(raw=raws[0]) == stored
    assert api_token_lookup(raw=raws[0]).branch == branch  # type: ignore[union-attr]
    api_token_revoke(actor=None, token=stored)
    assert api_token_lookup(raw=raws[0]) is None
    assert api_token_lookup(raw="pcrm_" + "x" * 43) is None


def test_queue_device_needs_a_branch() -> None:
    with pytest.raises(ValueError, match="branch"):
        api_token_create(actor=None, name="x", kind="queue_device", branch=None)
