"""Pairs of tables built from the real dev tables (tests/documents/dev*, messy cells kept): one
year's actuals become the next year's targets, targets are lowered, missed rows dropped, the
table copied, a unit changed, and self-evaluation targets edited after the declaration. Each
must be caught on exactly the rows it was planted on; a pair with honest changes (targets
raised above what was achieved, names renumbered) must produce no comparison finding at all.

Only rows whose target and actual are one plain number with a written direction are planted
(a phrase such as 有效 has no number to move); the rest ride along unchanged, as in life."""

from __future__ import annotations

import math
import re
import unicodedata
from typing import Any

import pytest
from pairing import PAIR_CODES, audit_pair, copy_doc, dev_tables, flagged

_NUM = re.compile(r"[0-9０-９]+(?:[.．][0-9０-９]+)?")
_FLOOR = ("≥", "≧", ">=", "＞＝", "不低于", "不少于", "大于等于")
_CEILING = ("≤", "≦", "<=", "＜＝", "不超过", "不高于", "不大于", "以内")
TABLES = dev_tables()
SELF_EVALS = [(n, d) for n, d in TABLES if any("actual" in i for i in d["indicators"])]


def _number(text: object) -> float | None:
    if not isinstance(text, str | int | float):
        return None
    found = _NUM.findall(str(text))
    if len(found) != 1:
        return None
    return float(unicodedata.normalize("NFKC", found[0]))


def _with_number(text: str, value: float) -> str:
    """The cell with its one number replaced, everything else as written (≧, 不低于, 人次)."""
    shown = f"{value:g}" if value != int(value) else str(int(value))
    return _NUM.sub(shown, str(text), count=1)


def _direction(row: dict[str, Any]) -> str | None:
    written = f"{row.get('comparator') or ''}{row.get('target') or ''}"
    if any(w in written for w in _FLOOR):
        return "min"
    if any(w in written for w in _CEILING):
        return "max"
    return None


def _is_rate(row: dict[str, Any]) -> bool:
    return any(
        w in str(row.get(k) or "")
        for k in ("target", "unit", "actual")
        for w in ("%", "％", "百分比")
    )


def _plantable(row: dict[str, Any]) -> bool:
    """A row with one number as target and as actual and a written direction."""
    return (
        _direction(row) is not None
        and _number(row.get("target")) is not None
        and _number(row.get("actual")) is not None
    )


def _declaration(doc: dict[str, Any]) -> dict[str, Any]:
    """The table as declared: no actuals, scores or explanations."""
    out = copy_doc(doc)
    out.pop("budget_execution", None)
    for row in out["indicators"]:
        for key in ("actual", "score", "explanation"):
            row.pop(key, None)
    return out


def _honest_next_year(doc: dict[str, Any]) -> dict[str, Any]:
    """Next year's table with honest changes: every plantable target set beyond both last
    year's target and its actual (rates capped at 100%), names renumbered (1、…)."""
    nxt = _declaration(doc)
    for i, (row, last) in enumerate(zip(nxt["indicators"], doc["indicators"], strict=True)):
        row["name"] = f"{i + 1}、{row['name']}"
        if not _plantable(last):
            if _number(last.get("target")) is not None and _number(last.get("actual")) is not None:
                # a number with no written direction: which way is better is the rules'
                # reading, not this test's; an honest table says why it keeps the value
                row["basis"] = "因服务合同未变，维持上年水平"
            continue
        target, actual = _number(last["target"]), _number(last["actual"])
        assert target is not None and actual is not None
        if _direction(last) == "min":
            better = max(target, actual) * 1.1 + 1
            if _is_rate(last):
                better = min(math.ceil(better), 100)
        else:
            better = math.floor(min(target, actual) * 0.9)
        row["target"] = _with_number(row["target"], better)
    return nxt


@pytest.mark.parametrize(("name", "doc"), SELF_EVALS, ids=[n for n, _ in SELF_EVALS])
def test_honest_next_year_has_no_comparison_finding(name: str, doc: dict[str, Any]) -> None:
    audit = audit_pair(_honest_next_year(doc), previous=doc)
    found = [(f.rule, f.message) for f in audit.findings if f.rule in PAIR_CODES]
    assert not found, found
    # and every indicator found its counterpart despite the new numbering
    pairing = audit.pairing("previous")
    assert pairing is not None
    assert len(pairing.matches) == len(doc["indicators"]) - _repeated_names(doc)


def _repeated_names(doc: dict[str, Any]) -> int:
    names = [str(r.get("name")) for r in doc["indicators"]]
    return len(names) - len(set(names)) if len(names) != len(set(names)) else 0


def _easy(target: float, actual: float, row: dict[str, Any]) -> bool:
    """At or below last year's actual (≥ measures), at or above it (≤), and not at the bound
    (a rate of 100% or a count of 0 cannot ask for more)."""
    if _direction(row) == "min":
        return target <= actual and not (_is_rate(row) and target >= 100)
    return target >= actual and target != 0


def _planted_baseline(doc: dict[str, Any]) -> tuple[dict[str, Any], set[int], set[int]]:
    """Last year's actual becomes this year's target. Returns the table, the rows whose
    target is then easy (written direction), and the rows with no written direction whose
    reading is the rules' (neither expected nor forbidden here)."""
    nxt = _declaration(doc)
    expected: set[int] = set()
    unknown: set[int] = set()
    for i, (row, last) in enumerate(zip(nxt["indicators"], doc["indicators"], strict=True)):
        actual = _number(last.get("actual"))
        if actual is None or _number(last.get("target")) is None:
            continue
        row["target"] = _with_number(row["target"], actual)
        if not _plantable(last):
            unknown.add(i)
        elif _easy(actual, actual, last):
            expected.add(i)
    return nxt, expected, unknown


BASELINES = [(n, d) for n, d in SELF_EVALS if _planted_baseline(d)[1]]


@pytest.mark.parametrize(("name", "doc"), BASELINES, ids=[n for n, _ in BASELINES])
def test_last_actual_as_target_is_flagged(name: str, doc: dict[str, Any]) -> None:
    nxt, expected, unknown = _planted_baseline(doc)
    audit = audit_pair(nxt, previous=doc)
    found = set(flagged(audit, "IA711"))
    assert expected <= found
    assert found - expected <= unknown
    for f in audit.findings:
        if f.rule == "IA711":
            assert "上年实际完成值" in f.message and "<last>" in f.message


@pytest.mark.parametrize(("name", "doc"), BASELINES, ids=[n for n, _ in BASELINES])
def test_a_stated_reason_silences_the_baseline_finding(name: str, doc: dict[str, Any]) -> None:
    nxt, expected, unknown = _planted_baseline(doc)
    for i in expected | unknown:
        nxt["indicators"][i]["basis"] = "因今年资金压减，目标维持上年实际水平"
    audit = audit_pair(nxt, previous=doc)
    assert flagged(audit, "IA711") == []


def _lowered(doc: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any], set[int]]:
    """Last year = the honest next year; this year lowers its floor targets by a fifth and
    loosens its ceilings by a quarter."""
    last = _honest_next_year(doc)
    this = copy_doc(last)
    planted: set[int] = set()
    for i, row in enumerate(this["indicators"]):
        value = _number(row.get("target"))
        if value is None or value == 0 or _direction(row) is None:
            continue
        factor = 0.8 if _direction(row) == "min" else 1.25
        row["target"] = _with_number(row["target"], round(value * factor, 1))
        planted.add(i)
    return this, last, planted


LOWERED = [(n, d) for n, d in TABLES if _lowered(d)[2]]


@pytest.mark.parametrize(("name", "doc"), LOWERED, ids=[n for n, _ in LOWERED])
def test_lowered_targets_are_flagged(name: str, doc: dict[str, Any]) -> None:
    this, last, planted = _lowered(doc)
    audit = audit_pair(this, previous=last)
    assert set(flagged(audit, "IA712")) == planted
    for f in audit.findings:
        if f.rule == "IA712":
            assert "上年的目标" in f.message


def _missed(row: dict[str, Any]) -> bool:
    target, actual = _number(row.get("target")), _number(row.get("actual"))
    if target is None or actual is None:
        return False
    return (_direction(row) == "min" and actual < target) or (
        _direction(row) == "max" and actual > target
    )


MISSES = [(n, d) for n, d in SELF_EVALS if any(_missed(r) for r in d["indicators"])]


@pytest.mark.parametrize(("name", "doc"), MISSES, ids=[n for n, _ in MISSES])
def test_dropping_missed_rows_is_flagged(name: str, doc: dict[str, Any]) -> None:
    nxt = _honest_next_year(doc)
    missed = [i for i, r in enumerate(doc["indicators"]) if _missed(r)]
    kept_met = [i for i, r in enumerate(doc["indicators"]) if not _missed(r)]
    dropped = set(missed) | set(kept_met[:1])  # one met row dropped too: not a finding
    nxt["indicators"] = [r for i, r in enumerate(nxt["indicators"]) if i not in dropped]
    audit = audit_pair(nxt, previous=doc)
    messages = [f.message for f in audit.findings if f.rule == "IA713"]
    for i in missed:
        name_ = str(doc["indicators"][i]["name"]).strip()
        assert any(f"“{name_}”" in m for m in messages), (name_, messages)
    for i in kept_met[:1]:
        if not any(
            str(doc["indicators"][i]["name"]).strip() == str(doc["indicators"][j]["name"]).strip()
            for j in missed
        ):
            assert not any(f"“{str(doc['indicators'][i]['name']).strip()}”" in m for m in messages)


@pytest.mark.parametrize(("name", "doc"), SELF_EVALS, ids=[n for n, _ in SELF_EVALS])
def test_copied_table_is_flagged_once(name: str, doc: dict[str, Any]) -> None:
    declared = _declaration(doc)
    audit = audit_pair(declared, previous=declared)
    found = flagged(audit, "IA714")
    if len(doc["indicators"]) >= 3 and _repeated_names(doc) == 0:
        assert found == [None]
    # one changed target and it is no longer a copy
    changed = _honest_next_year(doc)
    for row in changed["indicators"]:
        row["name"] = row["name"].split("、", 1)[1]
    assert (
        flagged(audit_pair(changed, previous=declared), "IA714") == []
        or changed["indicators"] == declared["indicators"]
    )


def test_changed_unit_and_direction_are_flagged() -> None:
    doc = dict(TABLES)["dev/P02"]
    last = _declaration(doc)
    this = copy_doc(last)
    this["indicators"][0]["unit"] = "人"  # 人次 → 人: another measure, not a conversion
    this["indicators"][1]["comparator"] = "≤"  # ≧ → ≤ on a coverage rate
    audit = audit_pair(this, previous=last)
    assert flagged(audit, "IA715") == [0, 1]
    honest = copy_doc(last)
    honest["indicators"][0]["comparator"] = "≥"  # ≧ and ≥ are the same direction
    assert flagged(audit_pair(honest, previous=last), "IA715") == []


def _edited_self_eval(doc: dict[str, Any]) -> tuple[dict[str, Any], set[int]]:
    """The self-evaluation with its missed targets quietly lowered to what was achieved."""
    edited = copy_doc(doc)
    planted: set[int] = set()
    for i, row in enumerate(edited["indicators"]):
        if _missed(row):
            actual = _number(row["actual"])
            assert actual is not None
            row["target"] = _with_number(row["target"], actual)
            planted.add(i)
    return edited, planted


@pytest.mark.parametrize(("name", "doc"), MISSES, ids=[n for n, _ in MISSES])
def test_targets_edited_in_the_self_evaluation_are_errors(name: str, doc: dict[str, Any]) -> None:
    edited, planted = _edited_self_eval(doc)
    audit = audit_pair(edited, declared=_declaration(doc))
    found = [f for f in audit.findings if f.rule == "IA811"]
    assert {f.indicator for f in found} == planted
    for f in found:
        assert f.indicator is not None
        row = doc["indicators"][f.indicator]
        assert str(row["target"]).strip() in f.message  # names the declared value
        assert f.severity == "error"


@pytest.mark.parametrize(("name", "doc"), SELF_EVALS, ids=[n for n, _ in SELF_EVALS])
def test_self_evaluation_rows_left_out_and_added(name: str, doc: dict[str, Any]) -> None:
    declared = _declaration(doc)
    honest = audit_pair(doc, declared=declared)
    assert [f.message for f in honest.findings if f.rule in ("IA811", "IA812", "IA813")] == []
    if _repeated_names(doc):
        return
    edited = copy_doc(doc)
    left_out = edited["indicators"].pop(0)
    edited["indicators"].append(
        {
            "level1": "产出指标",
            "level2": "质量指标",
            "name": "档案归档率",
            "target": "=100%",
            "actual": "100%",
        }
    )
    audit = audit_pair(edited, declared=declared)
    missing = [f.message for f in audit.findings if f.rule == "IA812"]
    assert len(missing) == 1 and f"“{str(left_out['name']).strip()}”" in missing[0]
    assert flagged(audit, "IA813") == [len(edited["indicators"]) - 1]
