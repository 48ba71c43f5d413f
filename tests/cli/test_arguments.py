"""The command line speaks Chinese throughout: usage, help and every argument error."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from indicator_audit.cli.arguments import translate
from indicator_audit.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
GUANGZHOU = ROOT / "examples" / "guangzhou-2021-it-ops.yaml"

# argparse's own English, any of which showing means a sentence escaped translation
ENGLISH = re.compile(
    r"usage:|error:|invalid|choose from|argument|required|unrecognized|expected|"
    r"show this help|positional|options:|ambiguous|not allowed|version number",
    re.I,
)

BAD_LINES = [
    [],
    ["chek", "a.yaml"],
    ["check"],
    ["check", "a.yaml", "--bogus"],
    ["check", "a.yaml", "-f"],
    ["check", "a.yaml", "-f", "pdf"],
    ["check", "a.yaml", "--fail-on", "sometimes"],
    ["check", "a.yaml", "--color", "rainbow"],
    ["check", "a.yaml", "--fail"],  # a prefix of --fail-on, missing its value
    ["parse"],
    ["parse", "≥９０％", "--mode", "cell"],
    ["rule"],
    ["convert"],
    ["suggest", "a.yaml", "-f", "xlsx"],
]


@pytest.mark.parametrize("argv", BAD_LINES, ids=lambda a: " ".join(a) or "nothing")
def test_argument_errors_are_wholly_chinese(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        main(argv)
    _, err = capsys.readouterr()
    assert info.value.code == 2
    assert "用法：" in err and "参数错误：" in err
    assert not ENGLISH.search(err), err


@pytest.mark.parametrize("command", [[], ["check"], ["parse"], ["suggest"], ["convert"], ["rule"]])
def test_help_is_chinese(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main([*command, "--help"])
    out, _ = capsys.readouterr()
    assert info.value.code == 0
    assert out.startswith("用法：") and "选项" in out
    assert not ENGLISH.search(out), out


def test_an_invalid_choice_names_the_value_and_the_choices() -> None:
    said = translate("argument --format/-f: invalid choice: 'pdf' (choose from 'rich', 'json')")
    assert said == "参数 --format/-f：无效的取值“pdf”（可选：rich、json）"
    # Python 3.12.8+ lists the choices without quotes
    said = translate("argument --format/-f: invalid choice: 'pdf' (choose from rich, json)")
    assert said == "参数 --format/-f：无效的取值“pdf”（可选：rich、json）"


def test_an_unknown_sentence_keeps_a_chinese_lead() -> None:
    assert translate("something argparse never said").startswith("命令行有误")


@pytest.mark.parametrize(
    "argv",
    [
        ["-f", "HTML"],
        ["-f", "Json"],
        ["--format", "MarkDown"],
        ["--fail-on", "NEVER"],
        ["--color", "Never"],
    ],
)
def test_choice_names_are_case_insensitive(
    argv: list[str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code = main(["check", str(GUANGZHOU), *argv, "-o", str(tmp_path / "report")])
    capsys.readouterr()
    assert code in (0, 1)
    assert (tmp_path / "report").stat().st_size > 0


def test_parse_mode_is_case_insensitive(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", "≥９０％", "--mode", "TARGET", "-f", "JSON"]) == 0
    assert '"kind"' in capsys.readouterr().out
