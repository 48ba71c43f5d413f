"""`suggest` and `convert` over many files run through the same pool as `check`: the same
output, in input order, whatever the number of workers; a file that fails is that file's
message (exit 2) and the others are still done."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest

from indicator_audit.cli.main import main

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Eight generated forms (some with several projects), a YAML document and a damaged
    workbook."""
    spec = importlib.util.spec_from_file_location(
        "gen_workbooks", ROOT / "bench" / "gen_workbooks.py"
    )
    assert spec is not None and spec.loader is not None
    gen: Any = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    root = tmp_path_factory.mktemp("many") / "2024"
    gen.generate(8, root, seed=5)
    (root / "社区文化.yaml").write_bytes((ROOT / "examples/small/vague-goals.yaml").read_bytes())
    (root / "损坏.xlsx").write_bytes(b"PK\x03\x04 not a workbook")
    return root


def _run(capsysbinary: pytest.CaptureFixture[bytes], *args: str) -> tuple[int, bytes, bytes]:
    code = main(list(args))
    got = capsysbinary.readouterr()
    return code, got.out, got.err


def test_suggest_many_is_the_same_whatever_the_workers(
    folder: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    for fmt in ("json", "rich"):
        runs = [
            _run(
                capsysbinary, "suggest", str(folder), "-f", fmt, "--jobs", jobs, "--color", "never"
            )
            for jobs in ("1", "2", "3")
        ]
        assert runs[0] == runs[1] == runs[2], fmt
        code, out, err = runs[0]
        assert code == 2 and "损坏.xlsx" in err.decode() and "无法给出建议" in err.decode()
        if fmt == "rich":
            assert out.count("修订后的指标表".encode()) > 8
    _, out, _ = _run(capsysbinary, "suggest", str(folder), "-f", "json", "--jobs", "2")
    files = json.loads(out)["files"]
    # in input order: the folder's sorted files, a workbook's projects in sheet order
    order = list(dict.fromkeys(f["path"].split("#")[0] for f in files))
    expected = [str(p) for p in sorted(folder.iterdir()) if p.name != "损坏.xlsx"]
    assert order == expected
    # each file's entries are what `suggest FILE` alone prints
    for path in expected[:3]:
        _, alone, _ = _run(capsysbinary, "suggest", path, "-f", "json")
        assert [f for f in files if f["path"].split("#")[0] == path] == json.loads(alone)["files"]


def test_suggest_write_needs_one_file(
    folder: Path, tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    code, _, err = _run(
        capsysbinary, "suggest", str(folder), "--write", str(tmp_path / "修订稿.yaml")
    )
    assert code == 2 and "恰好一个输入文件" in err.decode()
    assert not (tmp_path / "修订稿.yaml").exists()


def test_convert_many_is_the_same_whatever_the_workers(
    folder: Path, tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    outputs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"out{jobs}"
        code, _, err = _run(capsysbinary, "convert", str(folder), "-o", f"{out}/", "--jobs", jobs)
        assert code == 2  # the damaged workbook
        text = err.decode().replace(str(out), "OUT")
        assert "损坏.xlsx" in text
        written = {p.name: p.read_bytes() for p in out.iterdir()}
        outputs.append((text, written))
    assert outputs[0] == outputs[1]
    text, written = outputs[0]
    assert len(written) > 8  # several projects in some workbooks: name-1.yaml, name-2.yaml
    assert text.index("wb") < text.index("损坏.xlsx") < text.index("社区文化")  # input order
    # each is what `check` reads as the project it came from
    some = sorted(written)[0]
    code, _, _ = _run(
        capsysbinary, "check", str(tmp_path / "out1" / some), "-q", "--fail-on", "never"
    )
    assert code == 0


def test_convert_many_refuses_what_it_cannot_do(
    folder: Path, tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    code, _, err = _run(capsysbinary, "convert", str(folder))
    assert code == 2 and "-o 指定输出目录" in err.decode()
    twin = tmp_path / "other"
    twin.mkdir()
    (twin / "社区文化.yaml").write_bytes((folder / "社区文化.yaml").read_bytes())
    out = tmp_path / "out"
    code, _, err = _run(capsysbinary, "convert", str(folder), str(twin), "-o", f"{out}/")
    assert code == 2 and "重名" in err.decode() and not out.exists()
