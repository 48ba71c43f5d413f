"""Memory exhaustion is the file's own located error (exit 2), never a traceback, and the run
still reports the other files: provoked by a reader that raises MemoryError, and for real
under an address-space limit in a child process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import indicator_audit.read.readers as readers
from indicator_audit.cli.main import main
from indicator_audit.core.errors import OUT_OF_MEMORY

ROOT = Path(__file__).resolve().parents[2]
DOC = "indicators:\n  - {level1: 产出指标, level2: 数量指标, name: 巡检次数, target: ≥１２次}\n"


def _three(tmp_path: Path) -> list[str]:
    names = ["a.yaml", "big.yaml", "c.yaml"]
    for name in names:
        (tmp_path / name).write_text(DOC, encoding="utf-8")
    return [str(tmp_path / n) for n in names]


def _exhausting_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    real = readers.read_sources

    def reader(path: str | Path) -> object:
        if Path(path).name.startswith("big"):
            raise MemoryError
        return real(path)

    monkeypatch.setattr(readers, "read_sources", reader)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_file_that_exhausts_memory_is_its_own_error_and_the_others_are_reported(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    jobs: str,
) -> None:
    _exhausting_reader(monkeypatch)  # the forked workers of --jobs 2 inherit it
    paths = _three(tmp_path)
    code = main(["check", "--jobs", jobs, "-f", "json", *paths])
    out, err = capsys.readouterr()
    assert code == 2
    assert "Traceback" not in err and "内部错误" not in err
    files = {Path(f["path"]).name: f for f in json.loads(out)["files"]}
    assert files["big.yaml"]["error"] == {"message": OUT_OF_MEMORY, "line": 1, "column": 1}
    assert files["a.yaml"]["error"] is None and files["a.yaml"]["findings"]
    assert files["c.yaml"]["error"] is None and files["c.yaml"]["findings"]


def test_the_terminal_report_names_the_file_and_says_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _exhausting_reader(monkeypatch)
    paths = _three(tmp_path)
    code = main(["check", "--jobs", "1", "-f", "github", *paths])
    out, err = capsys.readouterr()
    assert code == 2 and "Traceback" not in err
    assert f"::error file={paths[1]},line=1,col=1,title=indicator-audit::内存不足" in out


def test_the_library_reports_it_as_the_files_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from indicator_audit import audit_paths

    _exhausting_reader(monkeypatch)
    report = audit_paths(_three(tmp_path))
    errors = [f.error.message if f.error else None for f in report.files]
    assert errors == [None, OUT_OF_MEMORY, None]


def test_fix_out_of_memory_leaves_the_file_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import indicator_audit.run.fixes as fixes

    path = tmp_path / "t.yaml"
    path.write_text(DOC, encoding="utf-8")

    def exhausted(*args: object, **kwargs: object) -> object:
        raise MemoryError

    monkeypatch.setattr(fixes, "fix_rounds", exhausted)
    code = main(["check", "--fix", "-f", "json", str(path)])
    out, err = capsys.readouterr()
    assert code == 2 and "Traceback" not in err
    (entry,) = json.loads(out)["files"]
    assert entry["error"]["message"] == f"未修正（文件未改动）：{OUT_OF_MEMORY}"
    assert path.read_text(encoding="utf-8") == DOC


def test_memory_exhausted_outside_a_file_is_a_message_not_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import indicator_audit.cli.check as check

    def exhausted(*args: object, **kwargs: object) -> int:
        raise MemoryError

    monkeypatch.setattr(check, "run_check", exhausted)
    assert main(["check", "whatever.yaml"]) == 2
    err = capsys.readouterr().err
    assert "内存不足" in err and "Traceback" not in err and "内部错误" not in err


# The child: build everything a check needs, then limit its address space to what it uses now
# plus a margin, and check a file that needs more than the margin between two that do not.
_CHILD = """
import os, resource, sys
from indicator_audit.cli.main import main
small, big, margin_mb = sys.argv[1], sys.argv[2], int(sys.argv[3])
out = sys.stdout
sys.stdout = open(os.devnull, "w")
main(["check", "--jobs", "1", "-f", "json", small])
sys.stdout = out
size = next(int(l.split()[1]) * 1024 for l in open("/proc/self/status") if l.startswith("VmSize:"))
limit = size + margin_mb * 2**20
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
sys.exit(main(["check", "--jobs", "1", "-f", "json", small, big, small]))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RLIMIT_AS and /proc: Linux")
def test_a_real_address_space_limit_gives_the_located_message(tmp_path: Path) -> None:
    small = tmp_path / "small.yaml"
    small.write_text(DOC, encoding="utf-8")
    big = tmp_path / "big.csv"
    rows = "".join(f"产出指标,数量指标,巡检次数{i},≥{i % 97 + 1}次,1\n" for i in range(20_000))
    big.write_text("一级指标,二级指标,三级指标,指标值,分值\n" + rows, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "INDICATOR_AUDIT_CACHE_DIR": ""}
    run = subprocess.run(
        [sys.executable, "-c", _CHILD, str(small), str(big), "40"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=300,
        check=False,
    )
    assert run.returncode == 2, run.stderr[-2000:]
    assert "Traceback" not in run.stderr and "内部错误" not in run.stderr
    files = json.loads(run.stdout)["files"]
    assert [f["error"]["message"] if f["error"] else None for f in files] == [
        None,
        OUT_OF_MEMORY,
        None,
    ]
    assert files[0]["findings"] == files[2]["findings"] != []
