"""A real uvicorn process over a throw-away database, for the SSE and browser tests and
the walk-in benchmark (pytest-django's live_server is WSGI, without async streams).

The database is a SQLite file in a temporary data directory, or a fresh PostgreSQL
database when a ``postgres://`` URL is given. ``seed`` runs inside a separate Python
process with the same environment (it is this module's ``__main__``).
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# ruff: noqa: S603  (runs this interpreter on fixed arguments)

ROOT = Path(__file__).resolve().parents[3]
PYTHON = sys.executable
PASSWORD = "pcrm-test-pass-1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _fresh_postgres(url: str, name: str) -> str:
    import psycopg

    base, _, _old = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{base}/{name}"


def db_name_for(url: str, suffix: str) -> str:
    """A throw-away database named after the caller's own and the pytest-xdist worker
    (``<name>_<suffix>_<gwN>``), so that runs against different databases of one server,
    and the workers of one run (each builds the module's server), do not collide."""
    name = url.rsplit("/", 1)[-1].split("?")[0] if url.startswith("postgres") else ""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    return "_".join(part for part in (name or "pcrm", suffix, worker) if part)


@dataclass
class LiveServer:
    url: str
    env: dict[str, str]
    seed: dict[str, Any]
    process: subprocess.Popen[bytes]


def environment(data_dir: Path, database_url: str = "") -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PCRM_")}
    env.update(
        PCRM_DATA_DIR=str(data_dir),
        PCRM_DEBUG="1",
        PCRM_PASSWORD_HASHERS="django.contrib.auth.hashers.MD5PasswordHasher",
        DJANGO_SETTINGS_MODULE="pcrm.settings",
        PYTHONPATH=str(ROOT),
    )
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    if database_url:
        env["PCRM_DATABASE_URL"] = database_url
    if not database_url.startswith("postgres"):
        env["PCRM_DB_CONN_MAX_AGE"] = "600"
    # On PostgreSQL the settings' default applies, as in production: a psycopg pool.
    return env


def prepare(
    data_dir: Path, *, database_url: str = "", db_name: str = "", **seed: Any
) -> tuple[dict[str, str], dict[str, Any]]:
    """Migrate a fresh database and seed it; returns (environment, seed facts)."""
    if database_url.startswith("postgres"):
        database_url = _fresh_postgres(database_url, db_name or "pcrm_live")
    env = environment(data_dir, database_url)
    subprocess.run(
        [PYTHON, "-m", "pcrm", "migrate", "--no-input", "-v", "0"], env=env, cwd=ROOT, check=True
    )
    done = subprocess.run(
        [PYTHON, "-m", "pcrm.acquisition.tests.live_server", json.dumps(seed)],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    return env, json.loads(done.stdout.decode().strip().splitlines()[-1])


@contextlib.contextmanager
def uvicorn(
    env: dict[str, str], *, workers: int = 1, seed: dict[str, Any] | None = None
) -> Iterator[LiveServer]:
    port = free_port()
    args = [
        PYTHON,
        "-m",
        "uvicorn",
        "pcrm.acquisition.tests.live_asgi:application",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--workers",
        str(workers),
        "--no-access-log",
    ]
    process = subprocess.Popen(args, env=env, cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(url, process)
        yield LiveServer(url=url, env=env, seed=seed or {}, process=process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def _wait_ready(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 180  # workers import Django slowly on a loaded machine
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("uvicorn exited early")
        try:
            with urllib.request.urlopen(f"{url}/accounts/login/", timeout=2) as answer:  # noqa: S310
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("uvicorn did not start")


def open_streams(
    server: LiveServer, streams: int, workers: int
) -> tuple[list[Any], dict[str, int]]:
    """Open ``streams`` SSE streams of the seeded manager spread over the workers (the
    kernel hands each connection to whichever worker accepts first, so some are
    closed and opened again); returns them and how many each worker (pid) holds."""
    from pcrm.acquisition.tests.sse_client import SseStream

    cap = -(-streams // workers)  # streams per worker, rounded up
    opened: list[SseStream] = []
    per_worker: dict[str, int] = {}
    for _attempt in range(streams * 25):
        if len(opened) >= streams:
            break
        stream = SseStream(server.url, "/notify/stream/", session=server.seed["session"])
        pid = stream.preamble().rsplit(" ", 1)[-1]
        if per_worker.get(pid, 0) >= cap:
            stream.close()
            time.sleep(0.02)
            continue
        per_worker[pid] = per_worker.get(pid, 0) + 1
        opened.append(stream)
    return opened, per_worker


# --- the seeding side (runs in its own process) ---------------------------------------


def _seed(options: dict[str, Any]) -> dict[str, Any]:
    import django

    django.setup()
    from decimal import Decimal

    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from pcrm.customers.models import Customer, Holding, Product
    from pcrm.customers.pii import account_derived, customer_derived
    from pcrm.org.services import api_token_create, branch_save, staff_save

    branch = branch_save(actor=None, code="B1", name="第一支行")
    manager = staff_save(
        actor=None,
        staff_code="M1",
        name="吴经理",
        role="customer_manager",
        branch=branch,
        phone="13800000001",
        password=PASSWORD,
    )
    _token, raw = api_token_create(actor=None, name="排队机", kind="queue_device", branch=branch)
    card = Product.objects.create(code="DC01", name="借记卡", product_type="debit_card")
    count = int(options.get("customers", 1))
    customers = [
        Customer(
            customer_no=f"C{n:06d}",
            name="曾小明",
            branch=branch,
            manager=manager,
            red_list=True,
            id_no=f"31011519800517{n:04d}",
            phone=f"139{n:08d}",
            aum=Decimal(0),
            **customer_derived(name="曾小明", id_no=f"31011519800517{n:04d}", phone=f"139{n:08d}"),
        )
        for n in range(count)
    ]
    Customer.objects.bulk_create(customers, batch_size=500)
    saved = dict(Customer.objects.values_list("customer_no", "id"))
    cards = [f"622202{n:013d}" for n in range(count)]
    Holding.objects.bulk_create(
        [
            Holding(
                account_no=no,
                customer_id=saved[f"C{n:06d}"],
                product=card,
                **account_derived(account_no=no),
            )
            for n, no in enumerate(cards)
        ],
        batch_size=500,
    )
    session = SessionStore()
    session[SESSION_KEY] = str(manager.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = manager.get_session_auth_hash()
    session.create()
    return {"token": raw, "session": session.session_key, "cards": cards, "manager": "M1"}


if __name__ == "__main__":
    print(json.dumps(_seed(json.loads(sys.argv[1]))))
