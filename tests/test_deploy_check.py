"""Production settings pass `check --deploy` with no warning (DESIGN §5)."""

import base64
import os
import subprocess
import sys
from pathlib import Path


def test_production_settings_pass_deploy_check(tmp_path: Path) -> None:
    # Browser tests in the same worker set DJANGO_ALLOW_ASYNC_UNSAFE; a deployment never does.
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {
        **inherited,
        "PCRM_ENV": "production",
        "PCRM_SECRET_KEY": base64.b64encode(os.urandom(48)).decode(),
        "PCRM_FIELD_KEYS": "p1:" + base64.b64encode(os.urandom(32)).decode(),
        "PCRM_BLIND_INDEX_KEY": base64.b64encode(os.urandom(32)).decode(),
        "PCRM_ALLOWED_HOSTS": "crm.bank.example",
        "PCRM_DATA_DIR": str(tmp_path),
        "PCRM_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "-m", "pcrm", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_keys(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PCRM_")}
    env.update({"PCRM_ENV": "production", "PCRM_DATA_DIR": str(tmp_path)})
    result = subprocess.run(
        [sys.executable, "-m", "pcrm", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "must be set in the environment" in result.stderr
