"""The hand-counted bank of the snapshot tests, snapshotted for today."""

from __future__ import annotations

from typing import Any

import pytest

from pcrm.playbook.snapshots import snapshot_take
from pcrm.playbook.tests import snapshot_bank


@pytest.fixture
def snapped(personas: Any) -> Any:
    snapshot_bank.build(personas)
    snapshot_take(actor=None, as_of=snapshot_bank.today())
    return personas
