"""Built-in declarative rules against case files (tests/declarative/cases/<code>.yaml) in the
format of tests/rules/cases: made-up cells of the class that must be flagged, and the
near-misses that must not be."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from indicator_audit.run.audit import audit_text_full

CASES = Path(__file__).parent / "cases"
# whole-table rules: a case that must fire fires once, on no row
TABLE_RULES = frozenset({"IA513"})


def _cases() -> list[Any]:
    out = []
    for path in sorted(CASES.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for kind in ("fail", "pass"):
            for case in data.get(kind) or []:
                code = data["rule"]
                out.append(pytest.param(code, kind, case, id=f"{code}-{kind}-{case['name']}"))
    return out


@pytest.mark.parametrize(("code", "kind", "case"), _cases())
def test_case(code: str, kind: str, case: dict[str, Any]) -> None:
    audit = audit_text_full(case["doc"], f"<{code}: {case['name']}>")
    assert audit.error is None, audit.error
    mine = [f for f in audit.findings if f.rule == code]
    if kind == "pass":
        assert not mine, f"{code} must not fire: {[f.message for f in mine]}"
    elif case.get("table", True) and code in TABLE_RULES:
        assert len(mine) == 1, f"{code}: one finding for the table, got {len(mine)}"
        assert mine[0].indicator is None
    else:
        assert mine, f"{code} did not fire; found {[(f.rule, f.message) for f in audit.findings]}"
