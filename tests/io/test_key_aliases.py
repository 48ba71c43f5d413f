"""One table of aliases (core/model.py) for YAML keys and table headers: the spellings of real
forms (项目内容, 年初目标值, 未完成原因及拟采取的改进措施 …) are read the same in both."""

from __future__ import annotations

from pathlib import Path

import pytest

from indicator_audit.core.model import IndicatorFields, Project, alias_table
from indicator_audit.read.document import build
from indicator_audit.read.readers import read_sources
from indicator_audit.read.source import load_text

# (key or header as written in real forms, field)
INDICATOR_SPELLINGS = [
    ("指标内容", "name"),
    ("年初目标值", "target"),
    ("年度数值", "target"),
    ("计算符号", "comparator"),
    ("指标值说明", "formula"),
    ("指标标准或依据", "basis"),
    ("完成值", "actual"),
    ("自评分", "score"),
    ("未完成原因及拟采取的改进措施", "explanation"),
    ("评分规则", "scoring"),
]


@pytest.mark.parametrize(("spelling", "field"), INDICATOR_SPELLINGS)
def test_an_indicator_spelling_works_as_yaml_key_and_as_header(
    spelling: str, field: str, tmp_path: Path
) -> None:
    assert alias_table(IndicatorFields)[spelling] == field
    value = "5" if field == "score" else "甲"
    columns = {"level1": ("一级指标", "产出指标"), "name": ("三级指标", "巡检次数")}
    columns["target"] = ("指标值", "≥12次")
    columns[field] = (spelling, value)  # in place of the usual spelling, or added
    keys = ", ".join(f"{k}: '{v}'" for k, v in columns.values())
    yaml_doc = build(load_text(f"indicators:\n  - {{{keys}}}\n", "t.yaml"))
    csv = tmp_path / "t.csv"
    lines = [",".join(k for k, _ in columns.values()), ",".join(v for _, v in columns.values())]
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (source,) = read_sources(csv)
    table_doc = build(source)
    for doc in (yaml_doc, table_doc):
        got = getattr(doc.indicators[0].fields, field)
        assert str(got).rstrip(".0") == value.rstrip(".0"), (doc.path, field, got)


@pytest.mark.parametrize("label", ["项目内容", "项目主要内容", "主要内容"])
def test_project_content_as_yaml_key_and_as_label(label: str, tmp_path: Path) -> None:
    assert alias_table(Project)[label] == "content"
    yaml_doc = build(
        load_text(
            f"项目名称: 道路项目\n{label}: 新建道路2公里\n绩效指标: [新建道路长度不少于2公里]\n"
        )
    )
    csv = tmp_path / "t.csv"
    csv.write_text(
        f"项目名称,道路项目\n{label},新建道路2公里\n\n一级指标,二级指标,三级指标,指标值\n"
        "产出指标,数量指标,新建道路长度,≥2公里\n",
        encoding="utf-8",
    )
    (source,) = read_sources(csv)
    for doc in (yaml_doc, build(source)):
        assert doc.model.project.content == ["新建道路2公里"], doc.path


def test_an_unknown_key_is_still_refused() -> None:
    # near miss: a spelling no form uses is an error with a hint, not silently taken
    from indicator_audit.read.document import DocumentError

    with pytest.raises(DocumentError) as caught:
        build(load_text("项目名称: x\n项目内溶: 新建道路\n绩效指标: [新建道路2公里]\n"))
    assert "项目内容" in caught.value.problems[0].message


def test_the_table_reader_has_no_aliases_of_its_own() -> None:
    import indicator_audit.read.tabular as tabular

    assert alias_table(IndicatorFields) == tabular._HEADERS
    assert not [name for name in vars(tabular) if name.startswith("_EXTRA")]
