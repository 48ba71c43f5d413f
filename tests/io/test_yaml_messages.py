"""YAML syntax errors are said in Chinese, where the mistake starts: at the opening quote or
bracket that is never closed, at the line whose indentation is wrong; never PyYAML's English,
never the end of the file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from indicator_audit.cli.main import main
from indicator_audit.read.source import SourceError, load_text

HEAD = "project:\n  name: 培训项目\n  year: 2024\n"

# (text, line, column, words the message must hold)
CASES = [
    # read by the fast reader until the error, then by PyYAML
    (HEAD + "  content: [培训, 考核\nindicators: []\n", 4, 12, "“[”开始的列表没有结束"),
    (HEAD + "  budget: {planned: 5\nindicators: []\n", 4, 11, "“{”开始的映射没有结束"),
    (
        HEAD + '  type: "信息化\nindicators: []\n',
        4,
        9,
        "引号开始的文字没有结束：到文件末尾也没有闭合",
    ),
    (HEAD + " indicators: []\n", 4, 2, "检查缩进"),
    (HEAD + "  type: 名称: 值\n", 4, 11, "值里有冒号时，请给整个值加引号"),
    (HEAD + "  type: *x\n", 4, 9, "没有对应的“&”锚点"),
    (HEAD + '  type: "\\q"\n', 4, 10, "不是有效的转义"),
    (HEAD + "indicators:\n  - a\n  b: 1\n", 6, 3, "列表中的这一行应以“- ”开头"),
    # PyYAML from the start (a tab, which the fast reader never takes)
    ("project:\n\tname: x\n", 2, 1, "制表符"),
    ("goals:\n\tannual: [a, b\n", 2, 1, "制表符"),
]


@pytest.mark.parametrize(("text", "line", "column", "words"), CASES)
def test_syntax_errors_are_chinese_and_located_at_the_start(
    text: str, line: int, column: int, words: str
) -> None:
    with pytest.raises(SourceError) as caught:
        load_text(text, "t.yaml")
    err = caught.value
    assert err.message.startswith("YAML 语法错误：") and words in err.message, err.message
    assert (err.line, err.column) == (line, column), err.message
    assert not re.search(r"[A-Za-z]{3,}", err.message.replace("YAML", "")), err.message


def test_where_reading_gave_up_is_said_too() -> None:
    with pytest.raises(SourceError) as caught:
        load_text("a: [1, 2\nb: 3\n", "t.yaml")
    assert "到第 2 行第 2 列" in caught.value.message
    assert (caught.value.line, caught.value.column) == (1, 4)


def test_a_closed_bracket_on_the_next_line_is_not_an_error() -> None:
    # near miss: a flow list over two lines is valid YAML
    source = load_text("a: [1,\n  2]\nb: 3\n", "t.yaml")
    assert source.root is not None


def test_a_config_file_syntax_error_is_chinese_and_located(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / ".indicator-audit.yaml"
    config.write_text("preset: sichuan\nignore: [IA104\nselect: [vague]\n", encoding="utf-8")
    (tmp_path / "t.yaml").write_text(HEAD + "indicators: []\n", encoding="utf-8")
    code = main(["check", str(tmp_path / "t.yaml")])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith(f"indicator-audit: {config}:2:9: YAML 语法错误：“[”开始的列表没有结束"), (
        err
    )
