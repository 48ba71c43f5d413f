"""Bounded time and memory on hostile inputs: each case of bench/hostile_bench.py at a twentieth
of the review's size, 1×, 2× and 4×, finishes, and its CPU time grows about linearly (a
quadratic input would grow sixteenfold from 1× to 4×). The full sizes: run the bench."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

import hostile_bench  # noqa: E402

SCALE = 0.05


@pytest.mark.parametrize("case", hostile_bench.CASES, ids=lambda c: c.name)
def test_hostile_input_is_bounded_and_linear(case: hostile_bench.Case) -> None:
    runs = hostile_bench.measure(SCALE, [case.name], limit=300)[case.name]
    for run in runs:
        assert run["status"] == "ok", (case.name, run)
        assert run["code"] in (0, 1, 2), run
        assert float(run["rss_mb"]) < 1024, run
    cpu1, cpu4 = float(runs[0]["cpu"]), float(runs[2]["cpu"])
    # a start-up share is in both; the slack absorbs a loaded machine's noise
    assert cpu4 <= 6 * cpu1 + 0.5, (case.name, [r["cpu"] for r in runs])


def _check(tmp_path: Path, *args: str) -> tuple[int, str, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    run = subprocess.run(
        [sys.executable, "-m", "indicator_audit", "check", "-f", "json", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    return run.returncode, run.stdout, run.stderr


def test_a_fifo_and_dev_zero_are_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    code, out, _ = _check(tmp_path, str(fifo), "/dev/zero")
    assert code == 2
    errors = [f["error"]["message"] for f in json.loads(out)["files"]]
    assert errors == ["不是普通文件（管道、设备或套接字），不予读取"] * 2


def test_a_symlink_loop_and_an_unreadable_folder_are_located_errors(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").symlink_to(tmp_path / "b.yaml")
    (tmp_path / "b.yaml").symlink_to(tmp_path / "a.yaml")
    code, out, err = _check(tmp_path, str(tmp_path / "a.yaml"))
    assert code == 2 and "内部错误" not in err
    assert json.loads(out)["files"][0]["error"]["message"] == "符号链接形成了循环"


def test_extends_that_is_not_a_config_is_never_quoted(tmp_path: Path) -> None:
    secret = tmp_path / "shadow"
    secret.write_text("sekrit:$6$salt$passwordhash:19000:0:99999:7:::\n", encoding="utf-8")
    (tmp_path / ".indicator-audit.yaml").write_text(f"extends: {secret}\n", encoding="utf-8")
    doc = tmp_path / "t.yaml"
    doc.write_text("indicators:\n  - 巡检次数 ≥12次\n", encoding="utf-8")
    code, _, err = _check(tmp_path, str(doc))
    assert code == 2
    assert "sekrit" not in err and "$6$" not in err and "passwordhash" not in err
    assert "不是 indicator-audit 的配置文件" in err


def test_a_deep_diamond_of_extends_loads_each_file_once(tmp_path: Path) -> None:
    import indicator_audit.run.config as config_module

    depth = 30
    for level in range(depth):
        for side in "ab":
            parents = [] if level == 0 else [f"c{level - 1}a.yaml", f"c{level - 1}b.yaml"]
            (tmp_path / f"c{level}{side}.yaml").write_text(
                f"extends: {json.dumps(parents)}\nignore: [IA101]\n", encoding="utf-8"
            )
    reads: list[Path] = []
    real = config_module.read_file

    def counting(path: Path) -> object:
        reads.append(Path(path))
        return real(path)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(config_module, "read_file", counting)
        mp.setenv("INDICATOR_AUDIT_CACHE_DIR", "")
        config = config_module.load_config_file(tmp_path / f"c{depth - 1}a.yaml")
    assert len(reads) == len(set(reads)) == 2 * depth - 1
    assert config.ignore == ["IA101"]


def test_numbers_that_are_not_finite_or_absurdly_long_are_refused(tmp_path: Path) -> None:
    from indicator_audit import audit_text

    for value in ("inf", "nan", "Infinity", "-inf", ".inf", "1e999", "9" * 100):
        doc = (
            "indicators:\n  - {level1: 产出指标, level2: 数量指标, name: 巡检次数, "
            f"target: ≥12次, weight: {value}}}\n"
        )
        result = audit_text(doc)
        assert result.error is not None, value
        assert "应为数字" in result.error.message and len(result.error.message) < 120, value


def test_the_nesting_guard_ignores_brackets_in_strings_and_comments() -> None:
    from indicator_audit import audit_text

    deep = "[" * 100
    doc = (
        f'project:\n  name: "{deep}"  # {"{" * 100}\n'
        f"  department: '{deep}'\n"
        "indicators:\n  - {level1: 产出指标, level2: 数量指标, name: 巡检次数, target: ≥12次}\n"
    )
    assert audit_text(doc).error is None
    nested = "indicators: " + "[" * 70 + "]" * 70 + "\n"
    error = audit_text(nested).error
    assert error is not None and "嵌套过深" in error.message


def test_library_rejects_wrong_argument_types() -> None:
    from indicator_audit import audit_file, audit_paths, audit_text

    with pytest.raises(TypeError, match="列表"):
        audit_paths("examples/well-formed.yaml")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        audit_text(b"indicators: []")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        audit_file(42)  # type: ignore[arg-type]


def test_audit_text_has_the_size_cap_of_files() -> None:
    from indicator_audit import audit_text
    from indicator_audit.read.source import MAX_FILE_BYTES

    result = audit_text("a" * (MAX_FILE_BYTES + 1))
    assert result.error is not None and "过大" in result.error.message


def test_pack_patterns_run_in_linear_time_and_unsupported_ones_are_located() -> None:
    from indicator_audit.core.saferegex import UnsafePattern, compile_search

    search = compile_search("(a+)+$")
    assert not search("a" * 100_000 + "b")  # RE2: no backtracking
    assert compile_search(r"\d+次")("全年巡检１２次")  # \d keeps Python's Unicode meaning
    assert compile_search(r"[\w]+\s")("满意度\u3000")
    with pytest.raises(UnsafePattern, match="RE2"):
        compile_search(r"(\w+)\1")
