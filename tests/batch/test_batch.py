"""A bureau's batch: the same report whatever the number of workers, one file's crash or hang
is that file's error (exit 2) and every other file is still reported."""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import time
from pathlib import Path
from typing import Any

import pytest

from indicator_audit.cli.main import main
from indicator_audit.core.errors import OUT_OF_MEMORY
from indicator_audit.run.batch import FileWork

ROOT = Path(__file__).resolve().parents[2]


def _generator() -> Any:
    spec = importlib.util.spec_from_file_location(
        "gen_workbooks", ROOT / "bench" / "gen_workbooks.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Twelve generated forms (several with more than one project), a YAML document, a CSV
    table and a damaged workbook."""
    folder = tmp_path_factory.mktemp("bureau")
    _generator().generate(12, folder / "2024", seed=7)
    examples = ROOT / "examples"
    (folder / "2024" / "社区文化.yaml").write_bytes(
        (examples / "small" / "vague-goals.yaml").read_bytes()
    )
    csv = examples / "workbook" / "培训项目-gbk.csv"
    (folder / "2024" / csv.name).write_bytes(csv.read_bytes())
    (folder / "2024" / "损坏.xlsx").write_bytes(b"PK\x03\x04 not a workbook")
    return folder / "2024"


def _check(capsysbinary: pytest.CaptureFixture[bytes], *args: str) -> tuple[int, bytes]:
    code = main(["check", *args, "-q"])
    return code, capsysbinary.readouterr().out


def test_json_is_byte_identical_whatever_the_number_of_workers(
    batch: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    code1, one = _check(capsysbinary, str(batch), "-f", "json", "--jobs", "1")
    code2, two = _check(capsysbinary, str(batch), "-f", "json", "--jobs", "2")
    code3, three = _check(capsysbinary, str(batch), "-f", "json", "--jobs", "3")
    assert code1 == code2 == code3 == 2  # the damaged workbook
    assert one == two == three
    report = json.loads(one)
    paths = [f["path"] for f in report["files"]]
    assert len(paths) > 15  # some workbooks hold several projects
    files_in_order = list(dict.fromkeys(p.split("#")[0] for p in paths))
    # input order (the folder's sorted files), not the order the workers finished in
    assert files_in_order == [str(p) for p in sorted(q for q in batch.rglob("*") if q.is_file())]
    files = {Path(f["path"].split("#")[0]).name for f in report["files"]}
    assert {"损坏.xlsx", "社区文化.yaml", "培训项目-gbk.csv"} <= files
    broken = next(f for f in report["files"] if f["path"].endswith("损坏.xlsx"))
    assert "无法读取 Excel 文件" in broken["error"]["message"] and broken["project"] is None
    forms = [f for f in report["files"] if f["project"] and f["project"]["unit"]]
    assert forms and all(f["project"]["department"].startswith("市") for f in forms)


def test_other_formats_are_the_same_with_workers(
    batch: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    for fmt in ("sarif", "markdown", "rich"):
        _, one = _check(capsysbinary, str(batch), "-f", fmt, "--jobs", "1", "--color", "never")
        _, two = _check(capsysbinary, str(batch), "-f", fmt, "--jobs", "2", "--color", "never")
        assert one == two, fmt
        assert one.count(b"IA") > 100


_CRASH, _HANG, _RAISE = "崩溃.xlsx", "卡住.xlsx", "异常.xlsx"


def _misbehave(original: Any) -> Any:
    def call(self: FileWork, path: Path) -> Any:
        if path.name == _CRASH:
            os.kill(os.getpid(), signal.SIGSEGV)  # what a crash in a C library does
        if path.name == _HANG:
            time.sleep(120)
        if path.name == _RAISE:
            raise MemoryError("工作簿过大")
        return original(self, path)

    return call


def test_a_crashing_or_hanging_file_is_that_files_error(
    batch: Path,
    tmp_path: Path,
    capsysbinary: pytest.CaptureFixture[bytes],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder = tmp_path / "mixed"
    folder.mkdir()
    good = sorted(batch.glob("wb*.xlsx"))[:6]
    for p in good:
        (folder / p.name).write_bytes(p.read_bytes())
    for name in (_CRASH, _HANG, _RAISE):
        (folder / name).write_bytes(good[0].read_bytes())
    _, clean = _check(
        capsysbinary, *map(str, (folder / p.name for p in good)), "-f", "json", "--jobs", "1"
    )
    expected = {f["path"]: f for f in json.loads(clean)["files"]}

    monkeypatch.setattr(FileWork, "__call__", _misbehave(FileWork.__call__))
    start = time.monotonic()
    code, out = _check(capsysbinary, str(folder), "-f", "json", "--jobs", "2", "--timeout", "4")
    assert time.monotonic() - start < 60
    assert code == 2
    report = json.loads(out)
    by_name = {Path(f["path"].split("#")[0]).name: f for f in report["files"]}
    assert "意外退出" in by_name[_CRASH]["error"]["message"]
    assert "超时" in by_name[_HANG]["error"]["message"]
    assert by_name[_RAISE]["error"]["message"] == f"无法检查：{OUT_OF_MEMORY}"
    for path, entry in expected.items():  # every other file, exactly as in a clean run
        (got,) = [f for f in report["files"] if f["path"] == path]
        assert got == entry
    assert report["summary"]["files"] == len(expected) + 3


def test_one_process_run_survives_a_raising_file(
    batch: Path,
    tmp_path: Path,
    capsysbinary: pytest.CaptureFixture[bytes],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder = tmp_path / "one"
    folder.mkdir()
    first = sorted(batch.glob("wb*.xlsx"))[0]
    (folder / first.name).write_bytes(first.read_bytes())
    (folder / _RAISE).write_bytes(first.read_bytes())
    monkeypatch.setattr(FileWork, "__call__", _misbehave(FileWork.__call__))
    code, out = _check(capsysbinary, str(folder), "-f", "json", "--jobs", "1")
    assert code == 2
    files = json.loads(out)["files"]
    assert any((f["error"] or {}).get("message") == f"无法检查：{OUT_OF_MEMORY}" for f in files)
    assert any(f["findings"] for f in files if f["error"] is None)


def test_jobs_must_be_positive(capsys: pytest.CaptureFixture[str], batch: Path) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["check", str(batch), "--jobs", "0"])
    assert exit_info.value.code == 2
    assert "应大于 0" in capsys.readouterr().err
