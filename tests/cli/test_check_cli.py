"""`indicator-audit check`: exit codes, formats, and bad input that never shows a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from indicator_audit.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
GUANGZHOU = ROOT / "examples" / "guangzhou-2021-it-ops.yaml"
WELL_FORMED = ROOT / "examples" / "well-formed.yaml"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_guangzhou_fails_on_errors_and_json_contract(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", str(GUANGZHOU), "--format", "json")
    assert code == 1
    data = json.loads(out)
    assert data["version"] == 1 and data["tool"]["name"] == "indicator-audit"
    (file,) = data["files"]
    assert file["error"] is None
    keys = {
        "rule", "name", "kind", "severity", "message", "line", "column",
        "end_line", "end_column", "pointer", "indicator", "suggestion",
    }  # fmt: skip
    assert all(keys <= set(f) for f in file["findings"])
    s = data["summary"]
    assert s["findings"] == len(file["findings"]) == s["errors"] + s["warnings"] + s["infos"]
    pointers = {f["pointer"] for f in file["findings"] if f["indicator"] == 4}
    assert "/indicators/4/target" in pointers


def test_json_to_a_text_only_stream(capsys: pytest.CaptureFixture[str]) -> None:
    """The JSON report is made as UTF-8 bytes; a caller's StringIO still gets the text."""
    import contextlib
    import io

    _, expected, _ = run(capsys, "check", str(GUANGZHOU), "-f", "json")
    sink = io.StringIO()
    with contextlib.redirect_stdout(sink):
        main(["check", str(GUANGZHOU), "-f", "json"])
    assert sink.getvalue() == expected and "一级" in expected


def test_output_is_deterministic(capsys: pytest.CaptureFixture[str]) -> None:
    _, first, _ = run(capsys, "check", str(GUANGZHOU), "-f", "json")
    _, second, _ = run(capsys, "check", str(GUANGZHOU), "-f", "json")
    assert first == second


def test_fail_on_levels(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "check", str(GUANGZHOU), "--fail-on", "never")[0] == 0
    assert run(capsys, "check", str(WELL_FORMED), "--fail-on", "warning")[0] == 0


def test_well_formed_example_is_clean(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", str(WELL_FORMED), "-f", "json")
    findings = json.loads(out)["files"][0]["findings"]
    assert [f for f in findings if f["severity"] != "info"] == [], findings
    assert code == 0


def test_rich_output_has_carets_and_summary(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", str(GUANGZHOU))
    assert code == 1
    assert "IA403" in out and "^" in out and "汇总" in out


def test_sarif_and_github(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "check", str(GUANGZHOU), "-f", "sarif")
    sarif = json.loads(out)
    assert sarif["version"] == "2.1.0"
    assert sarif["runs"][0]["results"]
    _, out, _ = run(capsys, "check", str(GUANGZHOU), "-f", "github")
    assert out.startswith("::") and "file=" in out and "line=" in out


BAD_INPUTS = {
    "missing": None,
    "invalid.yaml": b"project:\n  name: [x\nindicators: []\n",
    "empty.yaml": b"",
    "wrong-type.yaml": "indicators:\n  - name: 巡检次数\n    target: ≥12次\n    weight: 很多\n".encode(),
    "unknown-key.yaml": "indicators:\n  - name: 巡检次数\n    tagret: ≥12次\n".encode(),
    "top-level-list.yaml": b"- a\n- b\n",
    "binary.yaml": b"\x00\x01\x02\xff\xfe\xfd\x80\x81",
    "alias-bomb.yaml": (
        "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        + "".join(
            f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
            for p, c in zip("abcdefgh", "bcdefghi", strict=True)
        )
    ).encode(),
    "deep.yaml": b"a: " + b"[" * 3000 + b"]" * 3000 + b"\n",
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_is_a_located_error(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / name
    data = BAD_INPUTS[name]
    if data is not None:
        path.write_bytes(data)
    code, out, err = run(capsys, "check", str(path), "-f", "json")
    assert code == 2
    assert "Traceback" not in out + err
    error = json.loads(out)["files"][0]["error"]
    assert error["message"] and error["line"] >= 1 and error["column"] >= 1


def test_unknown_key_names_the_key_and_hints(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "t.yaml"
    path.write_text("indicators:\n  - name: 巡检次数\n    tagret: ≥12次\n", encoding="utf-8")
    code, out, _ = run(capsys, "check", str(path), "-f", "json")
    error = json.loads(out)["files"][0]["error"]
    assert code == 2 and "tagret" in error["message"] and "target" in error["message"]
    assert (error["line"], error["column"]) == (3, 5)


def test_usage_error_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["check"])
    assert info.value.code == 2


def test_folder_is_checked_recursively(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", str(ROOT / "examples" / "small"), "-f", "json")
    data = json.loads(out)
    assert data["summary"]["files"] >= 4
    assert code in (0, 1)


def test_json_fast_path_equals_the_pydantic_models(capsys: pytest.CaptureFixture[str]) -> None:
    """The JSON reporter builds dicts directly; they must equal the library's models."""
    from indicator_audit.results import file_result, make_report
    from indicator_audit.run.runner import Runner, RunSettings

    _, out, _ = run(capsys, "check", str(GUANGZHOU), "-f", "json")
    data = json.loads(out)
    audits = Runner(RunSettings()).run([GUANGZHOU]).audits
    model = make_report([file_result(a) for a in audits]).model_dump(mode="json")
    for file in model["files"]:
        file.pop("suggestions", None)
        if not file["matches"]:
            file.pop("matches")  # only files compared with another carry the match table
    assert data == model


def test_caret_sits_under_the_offending_cjk_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """CJK characters are two terminal cells wide: the caret line must count cells."""
    from rich.cells import cell_len

    path = tmp_path / "t.yaml"
    path.write_text(
        "indicators:\n  - {level1: 产出指标, level2: 数量指标, name: 全年巡检次数, target: 待定}\n",
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "check", str(path), "--color", "never")
    assert code == 1
    lines = out.splitlines()
    head = next(i for i, line in enumerate(lines) if "IA201" in line)
    src, caret = lines[head + 1], lines[head + 2]
    assert cell_len(src[: src.index("待定")]) == cell_len(caret[: caret.index("^")])
    assert caret.count("^") == cell_len("待定")


def test_plain_terminal_report_equals_what_rich_prints() -> None:
    """The no-colour fast path writes exactly what rich would print for the same parts."""
    import io

    from rich.console import Console, Group

    from indicator_audit.report import rich_text
    from indicator_audit.run.audit import audit_path_full

    for path in [GUANGZHOU, *sorted((ROOT / "tests" / "documents" / "dev").glob("*.yaml"))]:
        audits = audit_path_full(path)
        parts = [p for a in audits for p in rich_text._file(a)]
        buffer = io.StringIO()
        Console(
            file=buffer, force_terminal=False, no_color=True, width=120, highlight=False,
            soft_wrap=True,
        ).print(Group(*parts))  # fmt: skip
        fast = rich_text.render(audits)
        assert fast.startswith(buffer.getvalue()), path


def test_examples_folder_skips_configuration_and_rule_packs(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A folder holds targets, configuration (hidden) and the rule packs it names: only the
    targets are checked, so a clean repository layout never fails with an input error."""
    code, out, _ = run(capsys, "check", str(ROOT / "examples"), "-f", "json")
    data = json.loads(out)
    paths = [f["path"] for f in data["files"]]
    assert code == 1 and not [f for f in data["files"] if f["error"]]
    assert not any("规则包" in p or ".indicator-audit" in p for p in paths)
    assert any(p.endswith("绩效目标表.xlsx#自评表") for p in paths)
    # named on the command line, a pack is checked as what it claims to be: a targets file
    pack = ROOT / "examples" / "config" / "province-pack" / "信息化运维规则包.yaml"
    assert run(capsys, "check", str(pack), "-f", "json")[0] == 2
