"""A broken rule pack is one located error (pack file, line, column) and exit 2 — never a crash
or a traceback."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from indicator_audit.cli.main import main

TARGETS = """\
indicators:
  - {level1: 产出指标, level2: 数量指标, name: 全年巡检次数, target: ≥12次}
"""

GOOD_RULE = """\
- code: IA950
  name: probe
  kind: structure
  severity: warning
  source: test
  when: name contains "巡检"
  message: 命中 {name}
"""


def run(tmp_path: Path, pack: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    (tmp_path / "pack.yaml").write_text(pack, encoding="utf-8")
    (tmp_path / ".indicator-audit.yaml").write_text("packs: [pack.yaml]\n", encoding="utf-8")
    target = tmp_path / "t.yaml"
    target.write_text(TARGETS, encoding="utf-8")
    code = main(["check", "-f", "json", str(target)])
    return code, capsys.readouterr().err


@pytest.mark.parametrize(
    ("pack", "line", "column", "message"),
    [
        pytest.param(
            GOOD_RULE.replace("  kind: structure\n", "  kind: [structure\n"),
            3,  # at the "[" that is never closed
            9,
            "“[”开始的列表没有结束",
            id="yaml-syntax",
        ),
        pytest.param(
            GOOD_RULE.replace('name contains "巡检"', 'nmae contains "巡检"'),
            6,
            9,
            "未知字段“nmae”；是否想写“name”？",
            id="unknown-field",
        ),
        pytest.param(
            GOOD_RULE.replace('name contains "巡检"', 'name contains "巡检" and'),
            6,
            31,
            "条件不完整",
            id="condition-syntax",
        ),
        pytest.param(
            GOOD_RULE.replace('name contains "巡检"', 'name matches "巡检[次"'),
            6,
            25,
            "正则表达式无效",
            id="invalid-regex",
        ),
        pytest.param(
            GOOD_RULE.replace("kind: structure", "kind: structur"),
            3,
            9,
            "未知的类型（kind）“structur”；是否想写“structure”？",
            id="bad-kind",
        ),
        pytest.param(
            GOOD_RULE.replace("severity: warning", "severity: fatal"),
            4,
            13,
            "未知的级别",
            id="bad-severity",
        ),
        pytest.param(
            GOOD_RULE + GOOD_RULE.replace("name: probe", "name: probe-two"),
            8,
            9,
            "规则代码 IA950 已被使用（",
            id="duplicate-code-in-pack",
        ),
        pytest.param(
            GOOD_RULE.replace("IA950", "IA301"),
            1,
            9,
            "规则代码 IA301 已被使用（内置规则 IA301 missing-comparator）",
            id="code-of-a-builtin",
        ),
        pytest.param(
            GOOD_RULE.replace("IA950", "IA510"),
            1,
            9,
            "已被使用（内置规则 IA510 weight-missing）",
            id="code-of-a-declarative-builtin",
        ),
        pytest.param(
            GOOD_RULE.replace("name: probe", "name: missing-unit"),
            2,
            9,
            "规则名称 missing-unit 已被使用",
            id="name-of-a-builtin",
        ),
        pytest.param(GOOD_RULE.replace("IA950", "X1"), 1, 9, "应为 IA 加三位数字", id="bad-code"),
        pytest.param(
            GOOD_RULE.replace("  source: test\n", "  sorce: test\n"),
            5,
            3,
            "不认识的键“sorce”；是否想写“source”？",
            id="unknown-key",
        ),
        pytest.param(
            GOOD_RULE.replace("  source: test\n", ""), 1, 3, "规则缺少“source”", id="missing-key"
        ),
        pytest.param(
            GOOD_RULE.replace("命中 {name}", "命中 {name"), 7, 15, "没有对应的", id="template-brace"
        ),
        pytest.param(
            GOOD_RULE.replace("命中 {name}", "命中 {weight > }"),
            7,
            25,
            "条件不完整",
            id="template-expression",
        ),
        pytest.param(
            GOOD_RULE.replace(
                '  when: name contains "巡检"\n', '  when: |\n    weight > 1\n    and nmae == "x"\n'
            ),
            8,
            9,
            "未知字段“nmae”",
            id="block-scalar-offset",
        ),
        pytest.param(
            GOOD_RULE + "  scope: document\n", 6, 9, "只能写在", id="indicator-field-in-document"
        ),
        pytest.param("rules: {a: 1}\n", 1, 8, "规则包应是规则的列表", id="not-a-list"),
        pytest.param("", 1, 1, "文件为空", id="empty"),
    ],
)
def test_broken_pack_is_one_located_error(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    pack: str,
    line: int,
    column: int,
    message: str,
) -> None:
    code, err = run(tmp_path, pack, capsys)
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    m = re.match(r"indicator-audit: (.+):(\d+):(\d+): (.+)$", lines[0])
    assert m is not None, err
    assert Path(m.group(1)) == tmp_path / "pack.yaml"
    assert (int(m.group(2)), int(m.group(3))) == (line, column), err
    assert message in m.group(4)
    assert "Traceback" not in err and "内部错误" not in err


def test_a_good_pack_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run(tmp_path, GOOD_RULE, capsys)
    assert err == "" and code in (0, 1)


def test_missing_pack_file_is_located_in_the_config(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / ".indicator-audit.yaml").write_text(
        "preset: sichuan\npacks: [nope.yaml]\n", "utf-8"
    )
    (tmp_path / "t.yaml").write_text(TARGETS, encoding="utf-8")
    assert main(["check", str(tmp_path / "t.yaml")]) == 2
    err = capsys.readouterr().err
    assert f"{tmp_path / '.indicator-audit.yaml'}:2:9: packs 指向的规则包不存在：nope.yaml" in err


def test_pack_paths_are_relative_to_the_config_that_names_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "pack.yaml").write_text(GOOD_RULE, encoding="utf-8")
    (shared / "bureau.yaml").write_text("packs: [pack.yaml]\n", encoding="utf-8")
    project = tmp_path / "project"
    project.mkdir()
    (project / ".indicator-audit.yaml").write_text("extends: ../shared/bureau.yaml\n", "utf-8")
    (project / "t.yaml").write_text(TARGETS, encoding="utf-8")
    assert main(["check", "-f", "json", "--select", "IA950", str(project / "t.yaml")]) == 0
    assert '"rule": "IA950"' in capsys.readouterr().out
