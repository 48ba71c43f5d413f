"""`--fix` and the file it replaces: offsets on bare sentences, read-only files, symlinks, mode,
a file changed during the check, and no temporary file left behind by a signal."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from indicator_audit.cli.main import main
from indicator_audit.core.findings import Edit, Finding, Severity
from indicator_audit.run.fixes import FixRefused, FixResult, apply_edits, write_fixed

ROOT = Path(__file__).resolve().parents[2]
SENTENCES = "indicators:\n  - 平均故障恢复时间 ＜＝ 25 分钟\n  - 用户满意度 不低于 ９０％\n"


def _fix(path: Path, capsys: pytest.CaptureFixture[str]) -> int:
    code = main(["check", "--fix", "-f", "json", str(path)])
    capsys.readouterr()
    return code


def test_edits_on_bare_sentences_land_on_their_own_characters(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(SENTENCES, encoding="utf-8")
    _fix(path, capsys)
    fixed = path.read_text(encoding="utf-8")
    assert "平均故障恢复时间 ≤ 25 分钟" in fixed
    assert "用户满意度 不低于 90%" in fixed
    _fix(path, capsys)
    assert path.read_text(encoding="utf-8") == fixed


def test_an_edit_that_would_break_yaml_is_left_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "t.yaml"
    text = (
        "indicators:\n  - {level1: 产出指标, level2: 数量指标, name: 巡检次数, "
        "target: ≥１２, unit: ％}\n"
    )
    path.write_text(text, encoding="utf-8")
    _fix(path, capsys)
    fixed = path.read_text(encoding="utf-8")
    assert "target: ≥12" in fixed  # the safe edit is made
    assert "unit: ％" in fixed  # `unit: %` would not be YAML


def _finding(edit: Edit) -> Finding:
    return Finding("IA355", "fullwidth-digits", "schema", Severity.INFO, "m", 1, 1, 1, 2, "/", 0,
                   None, edit)  # fmt: skip


def test_apply_edits_places_edits_by_their_cell_and_refuses_risky_ones() -> None:
    text = "a: x１２y\nb: '１'\n"
    ok = Edit("/a", 1, 3, "12", line=1, base_col=4, text="x１２y")
    stale = Edit("/a", 0, 1, "z", line=1, base_col=4, text="changed")
    quote = Edit("/b", 0, 1, "'", line=2, base_col=5, text="１")
    lead = Edit("/a", 0, 1, "%", line=1, base_col=4, text="x１２y")
    result = apply_edits(text, [_finding(e) for e in (ok, stale, quote, lead)])
    assert result.text == "a: x12y\nb: '１'\n"
    assert len(result.applied) == 1


def test_a_read_only_file_is_not_replaced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(SENTENCES, encoding="utf-8")
    path.chmod(0o444)
    if os.access(path, os.W_OK) and os.geteuid() != 0:  # pragma: no cover
        pytest.skip("this file system ignores modes")
    assert _fix(path, capsys) == 2
    assert path.read_text(encoding="utf-8") == SENTENCES
    assert path.stat().st_mode & 0o777 == 0o444


def test_a_symlink_is_written_through_and_the_mode_kept(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    real = tmp_path / "real.yaml"
    real.write_text(SENTENCES, encoding="utf-8")
    real.chmod(0o640)
    link = tmp_path / "link.yaml"
    link.symlink_to(real)
    _fix(link, capsys)
    assert link.is_symlink()
    assert "≤ 25" in real.read_text(encoding="utf-8")
    assert real.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.yaml", "real.yaml"]


def test_a_file_changed_since_it_was_read_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(SENTENCES, encoding="utf-8")
    result = FixResult(SENTENCES.replace("＜＝", "≤"), [], [])
    with path.open("a", encoding="utf-8") as fh:  # a line appended while the check ran
        fh.write("  - 新增指标 ≥ 1 项\n")
    with pytest.raises(FixRefused):
        write_fixed(path, result, "utf-8", SENTENCES)
    assert path.read_text(encoding="utf-8").endswith("新增指标 ≥ 1 项\n")


_SLOW_WRITER = """
import os, sys, time
from pathlib import Path
import indicator_audit.core.atomic as atomic
real_fsync = os.fsync
def slow_fsync(fd):
    sys.stdout.write("writing\\n"); sys.stdout.flush()
    time.sleep(1.0)
    real_fsync(fd)
atomic.os.fsync = slow_fsync
atomic.write_bytes_atomic(Path(sys.argv[1]), b"new content\\n")
time.sleep(5)
"""


@pytest.mark.skipif(not hasattr(signal, "pthread_sigmask"), reason="POSIX signals")
def test_a_signal_during_the_write_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "t.yaml"
    target.write_text("old content\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.Popen(
        [sys.executable, "-c", _SLOW_WRITER, str(target)], stdout=subprocess.PIPE, env=env
    )
    assert proc.stdout is not None
    assert proc.stdout.readline() == b"writing\n"  # the temporary file exists now
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=30)
    time.sleep(0.1)
    assert [p.name for p in tmp_path.iterdir()] == ["t.yaml"]
    assert target.read_bytes() in (b"old content\n", b"new content\n")
