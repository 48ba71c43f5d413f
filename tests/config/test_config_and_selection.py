"""Configuration, select/ignore, severity overrides, suppressions, baseline and --fix."""

from __future__ import annotations

import json
import shutil
from dataclasses import asdict
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indicator_audit.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
GUANGZHOU = ROOT / "examples" / "guangzhou-2021-it-ops.yaml"

DOC = """\
project: {name: 信息化运维项目}
indicators:
  - level1: 产出指标
    level2: 数量指标
    name: 全年巡检次数
    target: ≥１２次
  - level1: 效益
    level2: 社会效益指标
    name: 平均故障恢复时间
    target: 25分钟
  - level1: 满意度指标
    level2: 服务对象满意度指标
    name: 系统使用人员满意度
    target: ≧90%
"""


def check(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[dict[str, object]]]:
    code = main(["check", "-f", "json", *args])
    out = capsys.readouterr().out
    data = json.loads(out) if out.strip() else {"files": []}
    return code, [f for file in data["files"] for f in file["findings"]]


def rules(findings: list[dict[str, object]]) -> set[object]:
    return {f["rule"] for f in findings}


@pytest.fixture
def doc(tmp_path: Path) -> Path:
    path = tmp_path / "targets.yaml"
    path.write_text(DOC, encoding="utf-8")
    return path


def test_select_and_ignore_by_kind_code_and_name(
    doc: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, all_findings = check(capsys, str(doc))
    assert {"IA301", "IA401", "IA304", "IA355"} <= rules(all_findings)
    _, only = check(capsys, str(doc), "--select", "comparator")
    assert rules(only) and all(f["kind"] == "comparator" for f in only)
    _, some = check(capsys, str(doc), "--ignore", "IA3,nonstandard-level1")
    assert not {r for r in rules(some) if str(r).startswith("IA3")} and "IA401" not in rules(some)


def test_config_file_is_found_walking_up(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sub = tmp_path / "a" / "b"
    sub.mkdir(parents=True)
    (sub / "t.yaml").write_text(DOC, encoding="utf-8")
    (tmp_path / ".indicator-audit.yaml").write_text(
        "ignore: [IA355]\nseverity: {missing-comparator: error}\n", encoding="utf-8"
    )
    _, findings = check(capsys, str(sub / "t.yaml"))
    assert "IA355" not in rules(findings)
    assert {f["severity"] for f in findings if f["rule"] == "IA301"} == {"error"}


def test_pyproject_section_and_extends(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "base.yaml").write_text("ignore: [IA304]\n", encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.indicator-audit]\nextends = "base.yaml"\nignore = ["IA355"]\n', encoding="utf-8"
    )
    (tmp_path / "t.yaml").write_text(DOC, encoding="utf-8")
    _, findings = check(capsys, str(tmp_path / "t.yaml"))
    assert not {"IA304", "IA355"} & rules(findings)


def test_misspelled_rule_name_gets_a_hint(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / ".indicator-audit.yaml").write_text(
        "ignore: [missing-comparater]\n", encoding="utf-8"
    )
    (tmp_path / "t.yaml").write_text(DOC, encoding="utf-8")
    code = main(["check", str(tmp_path / "t.yaml")])
    err = capsys.readouterr().err
    assert code == 2 and "missing-comparator" in err


def test_unknown_config_key_is_located(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / ".indicator-audit.yaml").write_text(
        "preset: sichuan\nignroe: [IA1]\n", encoding="utf-8"
    )
    (tmp_path / "t.yaml").write_text(DOC, encoding="utf-8")
    code = main(["check", str(tmp_path / "t.yaml")])
    err = capsys.readouterr().err
    assert code == 2 and ":2:1:" in err and "ignore" in err


def test_lexicon_removal_silences_a_word(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = "indicators:\n  - {level1: 效益指标, level2: 社会效益指标, name: 群众知晓率, target: 较好}\n"
    (tmp_path / "t.yaml").write_text(doc, encoding="utf-8")
    _, before = check(capsys, str(tmp_path / "t.yaml"))
    assert "IA101" in rules(before)
    (tmp_path / ".indicator-audit.yaml").write_text(
        "lexicon:\n  remove: {vague_phrases: [较好], vague_modifiers: [较好]}\n", encoding="utf-8"
    )
    _, after = check(capsys, str(tmp_path / "t.yaml"))
    assert "IA101" not in rules(after)


def test_inline_suppression_and_unused_suppression(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = DOC.replace(
        "    target: 25分钟\n", "    target: 25分钟  # indicator-audit: ignore[IA301] 合同约定\n"
    ).replace(
        "  - level1: 满意度指标\n",
        "  # indicator-audit: ignore[IA999] 过期的注释\n  - level1: 满意度指标\n",
    )
    path = tmp_path / "t.yaml"
    path.write_text(text, encoding="utf-8")
    _, findings = check(capsys, str(path))
    assert "IA301" not in rules(findings)
    unused = [f for f in findings if f["rule"] == "IA003"]
    assert len(unused) == 1 and unused[0]["line"] == 11


def test_comment_line_above_suppresses(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = DOC.replace(
        "    target: 25分钟\n",
        "    # indicator-audit: ignore[missing-comparator] 合同约定\n    target: 25分钟\n",
    )
    path = tmp_path / "t.yaml"
    path.write_text(text, encoding="utf-8")
    _, findings = check(capsys, str(path))
    assert "IA301" not in rules(findings) and "IA003" not in rules(findings)


def test_baseline_survives_reordering(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "t.yaml"
    shutil.copy(GUANGZHOU, path)
    base = tmp_path / "baseline.json"
    code, findings = check(capsys, str(path), "--write-baseline", str(base))
    assert findings and base.is_file()
    # the same indicators, reversed, with blank lines inserted: nothing new
    from indicator_audit.read.source import read_file

    text = path.read_text(encoding="utf-8")
    head, _, body = text.partition("indicators:\n")
    items = ["  - " + chunk for chunk in body.split("  - ") if chunk.strip()]
    path.write_text(head + "indicators:\n\n" + "\n".join(reversed(items)), encoding="utf-8")
    read_file(path)  # still valid
    code, after = check(capsys, str(path), "--baseline", str(base))
    assert after == [] and code == 0
    # a new problem shows up
    path.write_text(
        path.read_text(encoding="utf-8")
        + "  - {level1: 产出指标, level2: 数量指标, name: 新增指标, target: 待定}\n",
        encoding="utf-8",
    )
    _, new = check(capsys, str(path), "--baseline", str(base))
    assert new and all(f["indicator"] in (0, 8, None) for f in new)
    assert "IA201" in rules(new)


def test_fix_is_idempotent_and_keeps_comments(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "t.yaml"
    path.write_text("# 说明：2025 年度\n" + DOC.replace("目标", "目标"), encoding="utf-8")
    check(capsys, str(path), "--fix")
    once = path.read_text(encoding="utf-8")
    assert once.startswith("# 说明：2025 年度\n")
    assert "≥12次" in once and "≥90%" in once and "level1: 效益指标" in once
    check(capsys, str(path), "--fix")
    assert path.read_text(encoding="utf-8") == once


def test_fix_never_touches_a_broken_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "t.yaml"
    broken = DOC + "  - name: [unclosed\n"
    path.write_text(broken, encoding="utf-8")
    code, _ = check(capsys, str(path), "--fix")
    assert code == 2 and path.read_text(encoding="utf-8") == broken


def _indicators(path: Path) -> list[dict[str, object]]:
    from indicator_audit.read.document import build
    from indicator_audit.read.source import read_file

    return [asdict(i.fields) for i in build(read_file(path)).indicators]


_FIXABLE = {
    "target": st.sampled_from(
        ["≧90%", "≥９０％", "=100%", ">=20平方米", "≤25分钟", "25分钟", "≦5次"]
    ),
    "level1": st.sampled_from(["产出", "产出指标", "效益", "效益指标", "满意度"]),
}


@settings(max_examples=25, deadline=None)
@given(st.lists(st.fixed_dictionaries(_FIXABLE), min_size=1, max_size=4))
def test_fix_changes_only_fixed_fields(items: list[dict[str, str]]) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "t.yaml"
        lines = ["indicators:"]
        for item in items:
            lines += [
                f"  - level1: {item['level1']}",
                "    level2: 数量指标",
                "    name: 巡检次数",
                f"    target: '{item['target']}'",
            ]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        before = _indicators(path)
        main(["check", "-f", "json", "--fix", str(path)])
        after = _indicators(path)
        assert len(after) == len(before)
        for b, a in zip(before, after, strict=True):
            for key in b:
                if key in ("level1", "target"):
                    continue
                assert a[key] == b[key]
            assert a["level1"] in (b["level1"], str(b["level1"]) + "指标")


def test_fix_writes_back_in_the_encoding_it_read(tmp_path: Path) -> None:
    """A GBK file stays GBK and a BOM stays a BOM after --fix."""
    for encoding, prefix in (("gbk", b""), ("utf-8", b"\xef\xbb\xbf")):
        path = tmp_path / f"t-{encoding}.yaml"
        path.write_bytes(prefix + DOC.encode(encoding))
        main(["check", "-f", "json", "--fix", str(path)])
        data = path.read_bytes()
        assert data.startswith(prefix)
        text = data[len(prefix) :].decode(encoding)
        assert "≥12次" in text and "level1: 效益指标" in text
