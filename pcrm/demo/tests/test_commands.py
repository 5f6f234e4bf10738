"""`pcrm demo` end to end and `pcrm serve` answering the login page."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from io import StringIO
from pathlib import Path

import pytest
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.core.management import call_command

from pcrm.customers.models import Customer, Holding, Interaction, Transaction
from pcrm.demo.models import DemoBank
from pcrm.org.models import Staff


def _demo(*args: str) -> tuple[dict[str, object], str]:
    out, err = StringIO(), StringIO()
    call_command("demo", "--no-serve", *args, stdout=out, stderr=err)
    lines = [line for line in out.getvalue().splitlines() if line.strip()]
    return json.loads(lines[-1]), out.getvalue()


@pytest.mark.django_db
def test_demo_end_to_end_and_idempotent() -> None:
    summary, text = _demo("--customers", "300")
    assert summary["ok"] is True
    assert summary["reused"] is False
    assert Customer.objects.count() == 300
    counts = (Holding.objects.count(), Transaction.objects.count(), Interaction.objects.count())
    assert all(counts)
    assert "pcrm-demo-2026" in text
    assert "DM01M1" in text
    assert "otpauth://totp/" in text
    head = Staff.objects.get(staff_code="DM01H")
    assert head.check_password("pcrm-demo-2026")
    secret_line = next(line for line in text.splitlines() if "DM01H" in line and "otpauth" in line)
    assert Authenticator.objects.filter(user=head, type="totp").count() == 1
    again, text2 = _demo("--customers", "300")
    assert again["reused"] is True
    assert Customer.objects.count() == 300
    assert (
        Holding.objects.count(),
        Transaction.objects.count(),
        Interaction.objects.count(),
    ) == counts
    assert DemoBank.objects.count() == 1
    assert Authenticator.objects.filter(user=head, type="totp").count() == 1
    assert secret_line in text2, "the same TOTP secret is shown again"


@pytest.mark.django_db
def test_demo_reset_generates_again_with_the_new_seed() -> None:
    _demo("--customers", "120", "--seed", "1")
    first = set(Customer.objects.values_list("customer_no", flat=True))
    summary, _text = _demo("--customers", "130", "--seed", "2", "--reset")
    assert summary["reused"] is False
    assert summary["customers"] == 130
    now = set(Customer.objects.values_list("customer_no", flat=True))
    assert len(now) == 130
    assert first.isdisjoint(now)


@pytest.mark.django_db
def test_demo_refuses_a_database_with_other_customers(personas) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SystemExit) as exit_info:
        _demo("--customers", "10")
    assert exit_info.value.code == 2


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.mark.slow
def test_serve_answers_the_login_page_and_static_files(tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "PCRM_DATA_DIR": str(tmp_path)}
    env.pop("PCRM_DATABASE_URL", None)
    pcrm = Path(sys.executable).with_name("pcrm")
    proc = subprocess.Popen(  # noqa: S603
        [str(pcrm), "serve", "--port", str(port), "--log-level", "warning"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        body = _wait_for(f"http://127.0.0.1:{port}/accounts/login/", proc)
        assert "password" in body
        htmx = _wait_for(f"http://127.0.0.1:{port}/static/django_htmx/htmx-2.min.js", proc)
        assert "htmx" in htmx
        if not settings.STATICFILES_DIRS:
            pytest.skip("STATICFILES_DIRS does not list pcrm/static: /static/pcrm/ is not served")
        assert "{" in _wait_for(f"http://127.0.0.1:{port}/static/pcrm/app.css", proc)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _wait_for(url: str, proc: subprocess.Popen[bytes]) -> str:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            output = proc.stdout.read().decode() if proc.stdout else ""
            pytest.fail(f"pcrm serve exited with {proc.returncode}: {output[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310
                text: str = response.read().decode()
                return text
        except urllib.error.HTTPError as exc:
            pytest.fail(f"{url} answered {exc.code}")
        except OSError:
            time.sleep(0.5)  # not listening yet (migrating a fresh database)
    pytest.fail(f"{url} did not answer in time")
