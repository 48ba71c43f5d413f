"""Holding a run's objects until exit: only where the command line turned it on."""

from __future__ import annotations

import json
import subprocess
import sys
import weakref
from pathlib import Path

import pytest

from indicator_audit import keepalive
from indicator_audit.api import audit_text_full

ROOT = Path(__file__).resolve().parents[2]
DOC = "indicators:\n  - {level1: 产出指标, level2: 数量指标, name: 巡检次数, target: 12次}\n"


class _Thing:
    pass


def test_a_library_caller_gets_its_memory_back(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(keepalive, "_held", None)
    thing = _Thing()
    ref = weakref.ref(thing)
    keepalive.hold(thing)
    del thing
    assert ref() is None
    audit_text_full(DOC)
    assert keepalive._held is None


def test_once_turned_on_objects_are_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(keepalive, "_held", None)
    keepalive.hold_until_exit()
    thing = _Thing()
    ref = weakref.ref(thing)
    keepalive.hold(thing)
    del thing
    assert ref() is not None
    audit_text_full(DOC)
    assert keepalive._held is not None and len(keepalive._held) == 2  # the thing, the run's facts


def test_the_console_entry_point_still_reports_and_exits(tmp_path: Path) -> None:
    target = tmp_path / "t.yaml"
    target.write_text(DOC, encoding="utf-8")
    code = "from indicator_audit.cli import run; run()"
    done = subprocess.run(
        [sys.executable, "-c", code, "check", "-f", "json", str(target)],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(ROOT / "src"), "INDICATOR_AUDIT_CACHE_DIR": ""},
        check=False,
    )
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)  # written in full before the quick exit
    rules = [f["rule"] for f in report["files"][0]["findings"]]
    assert rules == ["IA501", "IA502", "IA503"]
