"""Configuration mistakes: all reported in one run, in Chinese, each at its key or value;
a value given on the command line is blamed on its option."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from indicator_audit.cli.main import main

DOC = """\
project: {name: 信息化运维项目}
indicators:
  - {level1: 产出指标, level2: 数量指标, name: 全年巡检次数, target: ≥12次}
"""

# Each mistake on its own line; (line, column) where the message must stand.
BROKEN = """\
preset: sichaun
selet: [vague]
ignore: [IA104, vauge]
severity: {missed-without-explanation: eror, vage: info}
select: vague
lexicon: {add: {vague_phrase: [基本完成]}}
"""
EXPECTED = [
    (1, 9, "未知的预设“sichaun”；是否想写“sichuan”？"),
    (2, 1, "未知的配置项“selet”；是否想写“select”？"),
    (3, 17, "没有这条规则或类型：“vauge”；是否想写“vague”？"),
    (4, 40, "级别“eror”无效：应为 error、warning、info 之一；是否想写“error”？"),
    (4, 46, "没有这条规则或类型：“vage”"),
    (5, 9, "配置项“select”应为列表"),
    (6, 17, "未知的配置项“vague_phrase”；是否想写“vague_phrases”？"),
]


def run(tmp_path: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    (tmp_path / "t.yaml").write_text(DOC, encoding="utf-8")
    code = main(["check", str(tmp_path / "t.yaml"), *args])
    return code, capsys.readouterr().err


def test_every_mistake_at_once_in_chinese_at_its_place(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / ".indicator-audit.yaml"
    config.write_text(BROKEN, encoding="utf-8")
    code, err = run(tmp_path, capsys)
    lines = err.splitlines()
    assert code == 2 and len(lines) == len(EXPECTED), err
    for text, (line, col, message) in zip(lines, EXPECTED, strict=True):
        assert text.startswith(f"indicator-audit: {config}:{line}:{col}: "), text
        assert message in text, text
    # pydantic's English never reaches the user
    assert not re.search(r"[A-Za-z]{4,} [a-z]{3,} [a-z]{3,}", err), err


def test_a_good_configuration_beside_a_bad_one_is_quiet(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # near miss: every value valid, spelled the accepted ways
    (tmp_path / ".indicator-audit.yaml").write_text(
        "preset: sichuan\nselect: [vague, IA3]\nignore: [IA104]\n"
        "severity: {missed-without-explanation: error}\n"
        "per-path-ignores: {'legacy/*.yaml': [IA5]}\n",
        encoding="utf-8",
    )
    code, err = run(tmp_path, capsys)
    assert code in (0, 1) and err == ""


def test_a_rule_name_in_per_path_ignores_is_located(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / ".indicator-audit.yaml"
    config.write_text("preset: sichuan\nper-path-ignores:\n  'a/*.yaml': [IA5, vauge]\n")
    code, err = run(tmp_path, capsys)
    assert code == 2 and f"{config}:3:21: 没有这条规则或类型：“vauge”" in err


def test_preset_on_the_command_line_is_blamed_on_the_option(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # a valid configuration file beside it must not be blamed
    (tmp_path / ".indicator-audit.yaml").write_text("preset: sichuan\n", encoding="utf-8")
    code, err = run(tmp_path, capsys, "--preset", "hubie")
    assert code == 2
    assert err.startswith("indicator-audit: 参数 --preset：未知的预设“hubie”；是否想写“hubei”？"), (
        err
    )
    assert ".indicator-audit.yaml" not in err and ":1:1:" not in err


def test_a_rule_name_on_the_command_line_is_blamed_on_the_option(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = run(tmp_path, capsys, "--select", "vague,missing-comparater", "--ignore", "IA9x")
    assert code == 2
    assert (
        "参数 --select：没有这条规则或类型：“missing-comparater”；是否想写“missing-comparator”？"
        in err
    )
    assert "参数 --ignore：没有这条规则或类型：“IA9x”" in err


def test_option_and_file_mistakes_together(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / ".indicator-audit.yaml"
    config.write_text("preset: sichuan\nignore: [vauge]\n", encoding="utf-8")
    code, err = run(tmp_path, capsys, "--preset", "hubie")
    lines = err.splitlines()
    assert code == 2 and len(lines) == 2
    assert lines[0].startswith("indicator-audit: 参数 --preset：")
    assert lines[1].startswith(f"indicator-audit: {config}:2:10: 没有这条规则或类型")


def test_pyproject_names_are_placed_at_their_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(
        '[project]\nname = "x"\n\n[tool.indicator-audit]\nignore = ["IA104", "vauge"]\n',
        encoding="utf-8",
    )
    code, err = run(tmp_path, capsys)
    assert code == 2 and ":5:21: 没有这条规则或类型：“vauge”" in err, err


def test_extends_mistakes_stand_at_the_entry(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / ".indicator-audit.yaml"
    config.write_text("preset: sichuan\nextends: [base.yaml, missing.yaml]\n")
    (tmp_path / "base.yaml").write_text("ignore: [IA104]\nselcet: [vague]\n")
    code, err = run(tmp_path, capsys)
    assert code == 2
    assert f"{tmp_path / 'base.yaml'}:2:1: 未知的配置项“selcet”" in err
    assert f"{config}:2:22: extends 指向的文件不存在：missing.yaml" in err
