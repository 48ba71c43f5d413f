"""The document model's own validation: pydantic's lax rules for the few types it has."""

from __future__ import annotations

import pytest

from indicator_audit.core.model import IndicatorFields, alias_table, validate
from indicator_audit.read.document import DocumentError, build
from indicator_audit.read.source import load_text


def problems(text: str) -> list[str]:
    try:
        build(load_text(text, "t.yaml"))
    except DocumentError as exc:
        return [f"{p.line}:{p.col} {p.message}" for p in exc.problems]
    return []


def test_text_fields_keep_numbers_as_written_and_numbers_take_numeric_text() -> None:
    doc, bad = validate(
        {
            "project": {"name": "X", "year": "2021", "content": "运维"},
            "budget_execution": {"planned": " 15.00 ", "score": 3},
            "indicators": [{"name": "巡检次数", "target": 12, "weight": "10"}],
        }
    )
    assert bad == []
    assert doc.project.year == 2021 and doc.project.content == ["运维"]
    assert doc.budget_execution is not None and doc.budget_execution.planned == 15.0
    assert doc.indicators[0].target == "12" and doc.indicators[0].weight == 10.0


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"indicators": [{"weight": "十分"}]}, [(("indicators", 0, "weight"), "float_parsing")]),
        ({"indicators": [{"weight": "1_0"}]}, [(("indicators", 0, "weight"), "float_parsing")]),
        ({"project": {"year": "2021.5"}}, [(("project", "year"), "int_from_float")]),
        ({"project": {"year": "二〇二一"}}, [(("project", "year"), "int_parsing")]),
        ({"project": {"year": "2021.0"}}, []),
        ({"goals": {"annual": ["a", {"b": "c"}]}}, [(("goals", "annual", 1), "string_type")]),
        ({"goals": {"annual": {"b": "c"}}}, [(("goals", "annual"), "list_type")]),
        ({"indicators": [{"name": ["a"]}]}, [(("indicators", 0, "name"), "string_type")]),
        ({"budget_execution": ["x"]}, [(("budget_execution",), "dict_type")]),
    ],
)
def test_values_of_the_wrong_type_are_located(data: dict, expected: list) -> None:  # type: ignore[type-arg]
    assert validate(data)[1] == expected


def test_a_bad_number_in_the_file_is_reported_at_its_cell() -> None:
    text = "indicators:\n  - name: 巡检次数\n    target: 12次\n    weight: 十分\n"
    assert problems(text) == ["4:13 /indicators/0/weight：应为数字，实际为“十分”"]


def test_a_bad_year_is_reported_at_its_cell() -> None:
    assert problems("project:\n  year: 2021.5\n") == ["2:9 /project/year：应为整数，实际为“2021.5”"]


def test_every_alias_resolves_to_a_field() -> None:
    table = alias_table(IndicatorFields)
    assert table["三级指标"] == "name" and table["评（扣）分标准"] == "scoring"
    assert set(table.values()) == set(IndicatorFields.__dataclass_fields__)
