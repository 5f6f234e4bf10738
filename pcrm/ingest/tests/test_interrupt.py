"""An import killed half way (kill -9) and run again ends as one clean run would.

Runs `pcrm import` in child processes against their own SQLite files (the
test database of pytest lives in memory and cannot be shared with a child).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pcrm.lib import idcard

ROOT = Path(__file__).resolve().parents[3]
ROWS = 6000


def _env(folder: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        PCRM_DATA_DIR=str(folder),
        PCRM_DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}",
        PCRM_FIELD_KEYS="t1:" + base64.b64encode(b"k" * 32).decode(),
        PCRM_BLIND_INDEX_KEY="interrupt-test",
        PCRM_SECRET_KEY="interrupt-test-secret",
        PCRM_INGEST_CHUNK_ROWS="100",
        PCRM_INGEST_SEAL_WORKERS="1",
    )
    return env


def _pcrm(env: dict[str, str], *args: str) -> None:
    subprocess.run(  # noqa: S603 (our own command line)
        [sys.executable, "-m", "pcrm", *args], env=env, cwd=ROOT, check=True, capture_output=True
    )


def _customers(path: Path) -> None:
    lines = ["customer_no,name,id_no,phone,branch_code,manager_code,potential,orientation"]
    for n in range(ROWS):
        number = idcard.make("310115", dt.date(1970, 1, 1) + dt.timedelta(days=n), n)
        lines.append(f"K{n:06d},客户{n},{number},139{n:08d},KB1,KM1,{n % 101},value")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _state(db: Path) -> str:
    """Every deterministic column the import writes, plus the fingerprints."""
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT customer_no, name, id_no_index, id_no_masked, phone_index, potential, "
            "orientation, branch_id, manager_id FROM customers_customer ORDER BY customer_no"
        ).fetchall()
        prints = conn.execute(
            "SELECT kind, key, digest FROM ingest_importfingerprint ORDER BY kind, key"
        ).fetchall()
    return hashlib.sha256(repr((rows, prints)).encode()).hexdigest()


def _fingerprints(db: Path) -> int:
    try:
        with sqlite3.connect(db, timeout=1) as conn:
            return int(
                conn.execute(
                    "SELECT COUNT(*) FROM ingest_importfingerprint WHERE kind = 'customers'"
                ).fetchone()[0]
            )
    except sqlite3.OperationalError:
        return 0


@pytest.mark.slow
def test_kill_9_half_way_then_rerun_equals_one_clean_run(tmp_path) -> None:  # type: ignore[no-untyped-def]
    base = tmp_path / "base"
    base.mkdir()
    env = _env(base)
    (base / "branches.csv").write_text("branch_code,name\nKB1,测试网点\n", encoding="utf-8")
    (base / "staff.csv").write_text(
        "staff_code,name,role,branch_code\nKM1,经理,customer_manager,KB1\n", encoding="utf-8"
    )
    _pcrm(env, "migrate", "-v0")
    _pcrm(env, "import", "branches", str(base / "branches.csv"))
    _pcrm(env, "import", "staff", str(base / "staff.csv"))
    customers = tmp_path / "customers.csv"
    _customers(customers)
    clean, killed = tmp_path / "clean", tmp_path / "killed"
    for folder in (clean, killed):
        shutil.copytree(base, folder)

    _pcrm(_env(clean), "import", "customers", str(customers))

    child = subprocess.Popen(  # noqa: S603 (our own command line)
        [sys.executable, "-m", "pcrm", "import", "customers", str(customers)],
        env=_env(killed),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while _fingerprints(killed / "db.sqlite3") < 500 and time.monotonic() < deadline:
        if child.poll() is not None:
            break
        time.sleep(0.02)
    child.send_signal(signal.SIGKILL)
    child.wait()
    written = _fingerprints(killed / "db.sqlite3")
    assert 0 < written < ROWS, "the import was not interrupted half way"
    assert written % 100 == 0  # whole chunks only: rows and fingerprints commit together

    _pcrm(_env(killed), "import", "customers", str(customers))
    assert _state(killed / "db.sqlite3") == _state(clean / "db.sqlite3")
    with sqlite3.connect(killed / "db.sqlite3") as conn:
        assert conn.execute("SELECT COUNT(*) FROM customers_customer").fetchone()[0] == ROWS
