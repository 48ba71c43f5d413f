"""Real cells (dev tables, the Guangzhou 2021 self-evaluation) parse to the recorded structure.

corpus.yaml holds each cell verbatim with the fields it must parse to. When the grammar changes
on purpose, run `PYTHONPATH=src python tests/parse/regen_corpus.py`, read the diff, and commit it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from indicator_audit.core.parsed import Clause, Comparator, ParsedCell, Unit
from indicator_audit.parse.grammar import parse_cell, parse_comparator, parse_unit

CORPUS = Path(__file__).with_name("corpus.yaml")


def _number(value: float | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if value.is_integer() else value


def _unit(unit: Unit) -> dict[str, Any]:
    out: dict[str, Any] = {
        "text": unit.text,
        "canonical": unit.canonical,
        "dimension": unit.dimension,
    }
    if unit.scale != 1:
        out["scale"] = unit.scale
    if unit.per is not None:
        out["per"] = unit.per
    return out


def _comparator(cmp: Comparator) -> dict[str, Any]:
    return {"op": cmp.op, "text": cmp.text}


def _clause(clause: Clause) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if clause.subject is not None:
        out["subject"] = clause.subject
    if clause.qualifiers:
        out["qualifiers"] = list(clause.qualifiers)
    if clause.comparator is not None:
        out["comparator"] = _comparator(clause.comparator)
    if clause.value is not None:
        out["value"] = _number(clause.value)
    if clause.upper is not None:
        out["upper"] = _number(clause.upper)
    if clause.value_text is not None:
        out["value_text"] = clause.value_text
    if clause.unit is not None:
        out["unit"] = _unit(clause.unit)
    for name in ("period", "qualitative", "placeholder", "tail"):
        if getattr(clause, name) is not None:
            out[name] = getattr(clause, name)
    for name in ("date", "date_end"):
        date = getattr(clause, name)
        if date is not None:
            out[name] = [date.year, date.month, date.day]
    if clause.deadline:
        out["deadline"] = True
    if clause.percent_points:
        out["percent_points"] = True
    return out


def summarise(cell: ParsedCell) -> dict[str, Any]:
    """The parts of a parse worth pinning in the corpus (spans are checked by property tests)."""
    out: dict[str, Any] = {"kind": str(cell.kind)}
    if cell.error is not None:
        out["error"] = cell.error.reason
    if cell.clauses:
        out["clauses"] = [_clause(c) for c in cell.clauses]
    if cell.formula is not None:
        f = cell.formula
        out["formula"] = {
            "numerator": f.numerator,
            "denominator": f.denominator,
            "times_100": f.times_100,
        }
    return out


def summarise_case(case: dict[str, Any]) -> dict[str, Any] | None:
    column = case.get("column", "cell")
    text = case["text"]
    if column == "comparator":
        cmp = parse_comparator(text)
        return None if cmp is None else {"op": cmp.op, "direction": str(cmp.direction)}
    if column == "unit":
        unit = parse_unit(text)
        return None if unit is None else _unit(unit)
    return summarise(parse_cell(text, case.get("mode", "target")))


def load_cases() -> list[dict[str, Any]]:
    data = yaml.safe_load(CORPUS.read_text(encoding="utf-8"))
    cases: list[dict[str, Any]] = data["cases"]
    return cases


CASES = load_cases()


@pytest.mark.parametrize("case", CASES, ids=[f"{c['id']}:{c['text'][:20]}" for c in CASES])
def test_corpus_cell(case: dict[str, Any]) -> None:
    assert summarise_case(case) == case["expect"]


def test_corpus_covers_the_real_tables() -> None:
    # every dev-table name and target is in the corpus (counted when it was written)
    ids = {c["id"] for c in CASES}
    assert sum(1 for i in ids if i.endswith("/name")) >= 97
    assert sum(1 for i in ids if i.endswith("/target")) >= 97
