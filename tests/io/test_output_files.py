"""Files the tool writes get the user's umask like any other program's, and are written
atomically: a failure leaves the old file (or none) and no temporary file behind."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from indicator_audit.cli.main import main
from indicator_audit.core.atomic import write_bytes_atomic

ROOT = Path(__file__).resolve().parents[2]
GUANGZHOU = ROOT / "examples" / "guangzhou-2021-it-ops.yaml"
CSV = ROOT / "examples" / "workbook" / "培训项目-gbk.csv"


@pytest.fixture(params=[0o022, 0o077, 0o002])
def umask(request: pytest.FixtureRequest) -> Iterator[int]:
    old = os.umask(request.param)
    try:
        yield int(request.param)
    finally:
        os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _outputs(tmp_path: Path) -> list[tuple[list[str], Path]]:
    return [
        (
            ["check", str(GUANGZHOU), "-f", "json", "-o", str(tmp_path / "r.json")],
            tmp_path / "r.json",
        ),
        (
            ["check", str(GUANGZHOU), "-f", "html", "-o", str(tmp_path / "r.html")],
            tmp_path / "r.html",
        ),
        (
            ["check", str(GUANGZHOU), "-f", "xlsx", "-o", str(tmp_path / "r.xlsx")],
            tmp_path / "r.xlsx",
        ),
        (
            ["check", str(GUANGZHOU), "-f", "json", "--write-baseline", str(tmp_path / "b.json")],
            tmp_path / "b.json",
        ),
        (["suggest", str(GUANGZHOU), "--write", str(tmp_path / "s.yaml")], tmp_path / "s.yaml"),
        (["convert", str(CSV), "-o", str(tmp_path / "c.yaml")], tmp_path / "c.yaml"),
    ]


def test_new_output_files_get_the_umask(
    umask: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for argv, target in _outputs(tmp_path):
        main(argv)
        capsys.readouterr()
        assert target.is_file(), argv
        assert _mode(target) == 0o666 & ~umask, (argv, oct(_mode(target)))
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_a_file_written_over_keeps_its_mode(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "r.json"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    main(["check", str(GUANGZHOU), "-f", "json", "-o", str(target)])
    capsys.readouterr()
    assert _mode(target) == 0o640 and target.read_text(encoding="utf-8").startswith("{")


def test_fix_keeps_the_mode_of_the_fixed_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "a.yaml"
    path.write_text(
        "indicators:\n  - {level1: 产出指标, level2: 质量指标, name: 验收合格率, target: ≧１００％}\n",
        encoding="utf-8",
    )
    path.chmod(0o664)
    main(["check", str(path), "--fix", "--fail-on", "never"])
    capsys.readouterr()
    assert "=100%" in path.read_text(encoding="utf-8") and _mode(path) == 0o664


def test_a_failed_write_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "report.json"
    target.write_bytes(b"old report")

    def full_disk(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(OSError):
        write_bytes_atomic(target, b"new report")
    assert target.read_bytes() == b"old report"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


@pytest.mark.parametrize(
    "args",
    [
        ["-f", "json", "-o", "{missing}/report.json"],
        ["--write-baseline", "{missing}/baseline.json"],
    ],
)
def test_an_output_that_cannot_be_written_is_exit_2_in_chinese(
    args: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "t.yaml"
    target.write_text("indicators: [巡检次数不少于12次]\n", encoding="utf-8")
    missing = tmp_path / "没有这个目录"
    code = main(["check", str(target), *(a.format(missing=missing) for a in args)])
    err = capsys.readouterr().err
    assert code == 2 and "无法写入" in err and "所在的目录不存在" in err, err
    assert "内部错误" not in err and "Errno" not in err


def test_a_baseline_that_cannot_be_read_is_exit_2_in_chinese(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "t.yaml"
    target.write_text("indicators: [巡检次数不少于12次]\n", encoding="utf-8")
    not_json = tmp_path / "b.json"
    not_json.write_text("不是 JSON", encoding="utf-8")
    for baseline, words in ((tmp_path / "none.json", "文件不存在"), (not_json, "不是 JSON")):
        code = main(["check", str(target), "--baseline", str(baseline)])
        err = capsys.readouterr().err
        assert code == 2 and words in err and "Errno" not in err, err
