"""Every built-in rule against its case file: real, messy cells that must be flagged, and the
near-misses that must not be. One file per rule: tests/rules/cases/<code>.yaml."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from indicator_audit.lint.checks import BUILTIN_RULES
from indicator_audit.run.audit import audit_text_full

CASES = Path(__file__).parent / "cases"
CODES = sorted(rule.meta.code for rule in BUILTIN_RULES)


def _load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), path.name
    return data


def _cases() -> list[Any]:
    out = []
    for path in sorted(CASES.glob("*.yaml")):
        data = _load(path)
        for kind in ("fail", "pass"):
            for case in data.get(kind) or []:
                out.append(
                    pytest.param(
                        data["rule"], kind, case, id=f"{data['rule']}-{kind}-{case['name']}"
                    )
                )
    return out


def test_every_rule_has_a_case_file() -> None:
    files = {p.stem for p in CASES.glob("*.yaml")}
    assert sorted(set(CODES) - files) == [], "rules without a case file"
    assert sorted(files - set(CODES)) == [], "case files for unknown rules"


@pytest.mark.parametrize("code", CODES)
def test_case_file_is_complete(code: str) -> None:
    data = _load(CASES / f"{code}.yaml")
    assert data["rule"] == code
    assert len(data.get("fail") or []) >= 2, f"{code}: fewer than 2 fail cases"
    assert len(data.get("pass") or []) >= 3, f"{code}: fewer than 3 pass cases"
    names = [c["name"] for c in (data.get("fail") or []) + (data.get("pass") or [])]
    assert len(names) == len(set(names)), f"{code}: duplicate case names"


@pytest.mark.parametrize(("code", "kind", "case"), _cases())
def test_case(code: str, kind: str, case: dict[str, Any]) -> None:
    audit = audit_text_full(case["doc"], f"<{code}: {case['name']}>")
    assert audit.error is None, audit.error
    internal = [f for f in audit.findings if f.rule == "IA002"]
    assert not internal, internal[0].message
    mine = [f for f in audit.findings if f.rule == code]
    if kind == "pass":
        assert not mine, f"{code} must not fire: {[f.message for f in mine]}"
        return
    assert mine, f"{code} did not fire; found {[(f.rule, f.message) for f in audit.findings]}"
    if "count" in case:  # one problem, one finding: how many findings the case makes
        assert len(mine) == case["count"], [f.message for f in mine]
    if "indicator" in case:  # the row reported (null: a table finding)
        assert {f.indicator for f in mine} == {case["indicator"]}, [f.message for f in mine]
    at = case.get("at")
    if at:
        first = min(mine, key=lambda f: (f.line, f.column))
        assert (first.line, first.column) == (at["line"], at["column"]), first.message
