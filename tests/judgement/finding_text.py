"""Helpers of the tests that check findings on one real table: the text a finding points at,
and a rule's findings."""

from __future__ import annotations

from pathlib import Path

from indicator_audit import FindingResult, audit_file


def findings_of(path: Path) -> list[FindingResult]:
    result = audit_file(path)
    assert result.error is None
    return result.findings


class TextUnder:
    """The text under a finding's span in one file: every finding must point at real text."""

    def __init__(self, path: Path) -> None:
        self.lines = path.read_text(encoding="utf-8").splitlines()

    def __call__(self, f: FindingResult) -> str:
        line = self.lines[f.line - 1]
        end = f.end_column - 1 if f.end_line == f.line else len(line)
        return line[f.column - 1 : end]


def of(
    findings: list[FindingResult], rule: str, indicator: int | None = None
) -> list[FindingResult]:
    return [
        f for f in findings if f.rule == rule and (indicator is None or f.indicator == indicator)
    ]
