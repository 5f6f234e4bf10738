"""Runs: the command, the run record and audit, the overlapping-run lock, the export."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command

from pcrm.audit.models import AuditEvent
from pcrm.playbook.models import PlaybookRun
from pcrm.playbook.services import RunInProgress, playbook_run, run_lock_acquire
from pcrm.playbook.tasks import playbook_nightly
from pcrm.playbook.tests.conftest import D

DAY = dt.timedelta(days=1)


def sample(bank):
    a = bank.customer(customer_no="P0001")
    bank.holding(
        a, product_type="time_deposit", risk="R1", principal="300000", matures_on=D + 3 * DAY
    )
    b = bank.customer(customer_no="P0003")
    bank.holding(b, product_type="fund", risk="R3", principal="100000", value="88000")
    bank.txn(b, D - 2 * DAY, "-80000")
    c = bank.customer(customer_no="P0005", manager=None)
    bank.holding(c, product_type="gold", risk="R3", principal="100000", value="125000")
    return a, b, c


def test_run_command_prints_summary(bank):
    sample(bank)
    out = io.StringIO()
    call_command("playbook", "run", "--as-of", D.isoformat(), stdout=out)
    summary = json.loads(out.getvalue().strip().splitlines()[-1])
    assert summary["ok"]
    assert summary["as_of"] == D.isoformat()
    assert summary["engine"] == "duckdb"
    assert summary["counts"]["stop_loss"] == 1
    assert summary["policy_version"] == 1
    run = PlaybookRun.objects.get()
    assert run.status == "succeeded"
    assert run.counts == summary["counts"]
    event = AuditEvent.objects.get(action="playbook.run")
    assert event.data["items"]["gain_protect"] == 1


def test_bad_date_is_a_clear_error(bank, capsys):
    with pytest.raises(SystemExit) as exc:
        call_command("playbook", "run", "--as-of", "2026-13-01")
    assert exc.value.code == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err


def test_overlapping_runs_cannot_both_write(bank):
    held = run_lock_acquire(as_of=D, engine="duckdb", stale_minutes=60)
    with pytest.raises(RunInProgress):
        playbook_run(actor=None, as_of=D)
    assert PlaybookRun.objects.filter(status="running").count() == 1
    held.status = "succeeded"
    held.save()
    assert playbook_run(actor=None, as_of=D).status == "succeeded"


def test_failed_run_releases_the_lock(bank, monkeypatch):
    from pcrm.playbook import services

    def boom(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(services, "_read_inputs", boom)
    with pytest.raises(RuntimeError):
        playbook_run(actor=None, as_of=D)
    monkeypatch.undo()
    assert PlaybookRun.objects.get().status == "failed"
    assert playbook_run(actor=None, as_of=D).status == "succeeded"


def test_nightly_task_runs_the_playbook(bank):
    sample(bank)
    result = playbook_nightly.call(as_of=D.isoformat())
    assert result["status"] == "succeeded"
    assert result["counts"]["maturity_reminder"] == 1


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_export_contract(bank, tmp_path, fmt, capsys):
    sample(bank)
    bank.run()
    path = tmp_path / f"items.{fmt}"
    call_command(
        "worklist", "export", "--as-of", D.isoformat(), "--format", fmt, "--out", str(path)
    )
    text = path.read_text("utf-8")
    if fmt == "jsonl":
        items = [json.loads(line) for line in text.splitlines()]
    else:
        import csv

        items = list(csv.DictReader(io.StringIO(text)))
    have = {(i["customer_no"], i["kind"]) for i in items}
    assert {("P0001", "maturity_reminder"), ("P0003", "large_account_change"),
            ("P0003", "stop_loss"), ("P0005", "gain_protect")} <= have  # fmt: skip
    assert set(items[0]) == {"item_key", "customer_no", "staff_code", "kind", "due_on", "channel",
                             "content", "priority", "reason", "status"}  # fmt: skip
    gain = next(i for i in items if i["kind"] == "gain_protect")
    assert gain["staff_code"] == "H1"  # no manager: the branch head's queue


def test_export_to_stdout_puts_summary_on_stderr(bank, capsys):
    sample(bank)
    bank.run()
    call_command("worklist", "export", "--format", "jsonl")
    captured = capsys.readouterr()
    lines = captured.out.strip().splitlines()
    assert all(json.loads(line)["status"] == "open" for line in lines)
    assert json.loads(captured.err.strip().splitlines()[-1])["items"] == len(lines)
