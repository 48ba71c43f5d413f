"""User text stays text: spreadsheet cells, sheet titles, terminals."""

from __future__ import annotations

import pytest

from indicator_audit.core.cellsafe import sheet_title, spreadsheet_text, terminal_text


@pytest.mark.parametrize(
    "text",
    [
        '=HYPERLINK("http://x.invalid","点击")',
        "=cmd|' /C calc'!A0",
        "+1+2",
        "-2+3",
        "@SUM(A1)",
        "\t=1",
        "\r=1",
        "＝1+1",
    ],
)
def test_formula_leads_are_neutralised(text: str) -> None:
    out = spreadsheet_text(text)
    assert out.startswith("'") and out[1:] == text.replace("\r", "\r")


@pytest.mark.parametrize("text", ["≥90%", "平均故障恢复时间≤25分钟", "100", "1-2次", "a=b"])
def test_ordinary_text_is_unchanged(text: str) -> None:
    assert spreadsheet_text(text) == text


def test_characters_xml_cannot_hold_are_dropped() -> None:
    assert spreadsheet_text("满意\x00度\x0b≥\ufffe90%\uffff") == "满意度≥90%"
    assert spreadsheet_text("第一行\n第二行\t") == "第一行\n第二行\t"


def test_sheet_titles_are_valid_and_inert() -> None:
    assert sheet_title("自评表[2021]/a:b*?") == "自评表_2021__a_b__"
    assert len(sheet_title("很" * 40)) == 31
    assert not sheet_title("=SUM(A1)").startswith("=")
    assert sheet_title("''") == "Sheet"


def test_terminal_control_is_shown_escaped() -> None:
    assert terminal_text("\x1b[2J0 个问题，审核通过") == "\\x1b[2J0 个问题，审核通过"
    assert terminal_text("a\x9bb\x07c\x7f") == "a\\x9bb\\x07c\\x7f"
    assert terminal_text("第一行\n\t缩进") == "第一行\n\t缩进"
