"""`indicator-audit rules` fits the terminal: no line wider than it, nothing cut off."""

from __future__ import annotations

import pytest
from rich.cells import cell_len

from indicator_audit.cli.main import main
from indicator_audit.lint.docs import all_rules, render_rules


@pytest.mark.parametrize("width", [60, 80, 100, 160])
def test_rules_table_fits_the_width_and_cuts_nothing(width: int) -> None:
    text = render_rules(width=width)
    assert max(cell_len(line) for line in text.splitlines()) <= width
    # wrapped, not truncated: the only ellipses are those the sources write
    assert text.count("…") == sum(r.meta.source.count("…") for r in all_rules())
    for rule in all_rules():
        assert rule.meta.code in text


def test_the_command_uses_the_terminal_width(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "72")
    assert main(["rules"]) == 0
    out = capsys.readouterr().out
    assert max(cell_len(line) for line in out.splitlines()) <= 72
