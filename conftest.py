"""Test set-up shared by every app: fixed keys, fast hashing, persona factories."""

from __future__ import annotations

import base64

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

pytest_plugins = ["tests.browser"]

# Speed is measured in bench/, never by a test: Hypothesis's per-example deadline and its
# too-slow health check fail a test because the machine is busy, not because an answer is
# wrong. Every property still runs its full number of examples.
hypothesis_settings.register_profile(
    "pcrm", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.load_profile("pcrm")

TEST_FIELD_KEYS = "t1:" + base64.b64encode(b"k" * 32).decode()


@pytest.fixture(autouse=True)
def _test_settings(settings):  # type: ignore[no-untyped-def]
    settings.FIELD_ENCRYPTION_KEYS = TEST_FIELD_KEYS
    settings.BLIND_INDEX_KEY = "test-blind-index-key"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SMS_BACKEND = "pcrm.notify.backends.outbox.OutboxBackend"
    settings.LANGUAGE_CODE = "zh-hans"


class Personas:
    """A small bank: two branches (B2 under B1), one member of staff per role in B1,
    a second manager, and customers assigned to each manager."""

    def __init__(self) -> None:
        from tests.factories import BranchFactory, CustomerFactory, StaffFactory

        self.branch = BranchFactory(code="B1", name="第一支行")
        self.sub_branch = BranchFactory(code="B2", name="第一支行分理处", parent=self.branch)
        self.other_branch = BranchFactory(code="B9", name="其他支行")
        make = StaffFactory
        self.manager = make(
            staff_code="M1", name="吴经理", role="customer_manager", branch=self.branch
        )
        self.manager2 = make(
            staff_code="M2", name="陈经理", role="customer_manager", branch=self.branch
        )
        self.advisor = make(
            staff_code="W1", name="理财顾问", role="wealth_advisor", branch=self.branch
        )
        self.lobby = make(staff_code="L1", name="郑大堂", role="lobby_manager", branch=self.branch)
        self.teller = make(staff_code="T1", name="王柜员", role="teller", branch=self.branch)
        self.head = make(staff_code="H1", name="周主任", role="branch_head", branch=self.branch)
        self.auditor = make(staff_code="A1", name="审计", role="auditor", branch=None)
        self.admin = make(staff_code="ADM", name="管理员", role="admin", branch=None)
        self.other_manager = make(
            staff_code="M9", name="外行经理", role="customer_manager", branch=self.other_branch
        )
        for privileged in (self.head, self.admin):
            with_totp(privileged)
        self.mine = CustomerFactory(
            customer_no="C1", name="曾小明", branch=self.branch, manager=self.manager
        )
        self.theirs = CustomerFactory(
            customer_no="C2", name="单丽", branch=self.branch, manager=self.manager2
        )
        self.sub = CustomerFactory(
            customer_no="C3", name="查文", branch=self.sub_branch, manager=self.manager2
        )
        self.elsewhere = CustomerFactory(
            customer_no="C9", name="欧阳华", branch=self.other_branch, manager=self.other_manager
        )


def with_totp(user):  # type: ignore[no-untyped-def]
    """Give a privileged user a TOTP authenticator (the MFA middleware requires one)."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    TOTP.activate(user, generate_totp_secret())
    return user


@pytest.fixture
def personas(db):  # type: ignore[no-untyped-def]
    return Personas()


@pytest.fixture(autouse=True)
def _audit_flushable(request):  # type: ignore[no-untyped-def]
    """Let transactional tests (browser, live server) that wrote audit events be flushed.

    On SQLite the append-only triggers refuse the row-by-row DELETE of the test
    flush (PostgreSQL truncates, which row triggers do not see). Lift them for the
    clean-up only, with the audit migration's own code, and put them back.
    """
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or (
        "live_server" in request.fixturenames
    )
    if not transactional:
        yield
        return
    request.getfixturevalue("transactional_db")  # so this teardown runs before the flush
    yield
    import importlib

    from django.db import connection

    if connection.vendor != "sqlite":
        return
    trigger = importlib.import_module("pcrm.audit.migrations.0003_append_only_trigger")
    with connection.schema_editor() as editor:
        trigger.backwards(None, editor)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent")
    with connection.schema_editor() as editor:
        trigger.forwards(None, editor)
