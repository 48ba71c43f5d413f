"""Reading tables: header variants, merged cells, project blocks, encodings, bad files."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from indicator_audit.cli.main import main
from indicator_audit.core.model import as_data
from indicator_audit.read.document import Document, build
from indicator_audit.read.readers import read_sources
from indicator_audit.read.tabular import TableSource
from indicator_audit.run.audit import audit_path_full

WORKBOOK_DIR = Path(__file__).resolve().parents[2] / "examples" / "workbook"


def _docs(path: Path) -> list[Document]:
    return [build(s) for s in read_sources(path)]


def _table(path: Path) -> list[dict[str, Any]]:
    (doc,) = _docs(path)
    return [as_data(i.fields) for i in doc.indicators]


ROW = ["产出指标", "数量指标", "培训人次"]

# (header rows, data row, merges, expected fields of the first indicator)
VARIANTS: dict[str, tuple[list[list[Any]], list[Any], list[str], dict[str, Any]]] = {
    "plain": (
        [["一级指标", "二级指标", "三级指标", "指标值", "分值"]],
        [*ROW, "≥300人次", 10],
        [],
        {"name": "培训人次", "target": "≥300人次", "weight": 10.0},
    ),
    "annual-value-and-weight": (
        [["一级指标", "二级指标", "三级指标", "年度指标值", "计量单位", "权重", "指标值设定依据"]],
        [*ROW, "≥300", "人次", 10, "计划标准"],
        [],
        {"target": "≥300", "unit": "人次", "weight": 10.0, "basis": "计划标准"},
    ),
    "two-rows-split-value": (
        [
            ["一级指标", "二级指标", "三级指标", "年度指标值", None, None, "分值"],
            [None, None, None, "指标性质", "指标值", "度量单位", None],
        ],
        [*ROW, "≥", 300, "人次", 10],
        ["A1:A2", "B1:B2", "C1:C2", "D1:F1", "G1:G2"],
        {"comparator": "≥", "target": "300", "unit": "人次", "weight": 10.0},
    ),
    "two-rows-group-title": (
        [
            ["绩效指标", None, None, "指标值", "分值"],
            ["一级指标", "二级指标", "三级指标", None, None],
        ],
        [*ROW, "≥300人次", 10],
        ["A1:C1", "D1:D2", "E1:E2"],
        {"level1": "产出指标", "name": "培训人次", "target": "≥300人次"},
    ),
    "spaces-newlines-notes": (
        [["一级 指标", "二级\n指标", "三 级 指 标", "指标值（包含数字及文字描述）", "分值(分)"]],
        [*ROW, "≥300人次", 10],
        [],
        {"level2": "数量指标", "name": "培训人次", "target": "≥300人次", "weight": 10.0},
    ),
    "self-evaluation": (
        [
            [
                "一级指标",
                "二级指标",
                "三级指标",
                "年度指标值",
                "实际完成值",
                "分值",
                "得分",
                "偏差原因分析及改进措施",
            ]
        ],
        [*ROW, "≥300人次", "280人次", 10, 9, "部分学员请假"],
        [],
        {"actual": "280人次", "score": 9.0, "explanation": "部分学员请假"},
    ),
    "header-broken-over-two-cells": (
        [
            ["一级指标", "二级指标", "三级指标", "指标值", "偏差原因分析"],
            [None, None, None, None, "及改进措施"],
        ],
        [*ROW, "≥300人次", "无偏差"],
        [],
        {"target": "≥300人次", "explanation": "无偏差"},
    ),
    "name-formula-standard": (
        [["一级指标", "二级指标", "指标名称", "指标值", "计算公式", "指标解释", "绩效标准"]],
        [*ROW, "≥300人次", "签到人数之和", "（忽略）", "历史标准"],
        [],
        {"name": "培训人次", "formula": "签到人数之和", "basis": "历史标准"},
    ),
}


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_header_variants(variant: str, make_xlsx: Callable[..., Path]) -> None:
    headers, row, merges, expected = VARIANTS[variant]
    rows = [["2023年度项目支出绩效目标申报表"], ["项目名称", "培训项目"], *headers, row]
    shifted = [_shift(m, 2) for m in merges]
    path = make_xlsx({"Sheet1": (rows, shifted)})
    (first,) = _table(path)
    assert first["level1"] == "产出指标"
    for key, value in expected.items():
        assert first[key] == value, (key, first)


def _shift(rng: str, by: int) -> str:
    import re

    return re.sub(r"\d+", lambda m: str(int(m.group()) + by), rng)


def test_merged_categories_carried_down(make_xlsx: Callable[..., Path]) -> None:
    rows = [
        ["一级指标", "二级指标", "三级指标", "指标值"],
        ["产出指标", "数量指标", "培训班期数", "=4期"],
        [None, None, "参训人次", "≥300人次"],
        [None, "质量指标", "考核合格率", "≥95%"],
        ["效益指标", "社会效益指标", "业务水平提升人数", "≥200人"],
        [None, None, "长效机制", "建立"],  # blank, not merged: carried too
        ["满意度指标", None, "学员满意度", "≥90%"],  # a new 一级: the old 二级 stays behind
    ]
    path = make_xlsx({"Sheet1": (rows, ["A2:A4", "B2:B3"])})
    (doc,) = _docs(path)
    levels = [(i.fields.level1, i.fields.level2) for i in doc.indicators]
    assert levels == [
        ("产出指标", "数量指标"),
        ("产出指标", "数量指标"),
        ("产出指标", "质量指标"),
        ("效益指标", "社会效益指标"),
        ("效益指标", "社会效益指标"),
        ("满意度指标", None),
    ]
    # a carried category points at the merged cell that holds it
    second = doc.indicators[1].cells["level1"]
    assert (second.line, second.col) == (2, 1)


def test_project_block_and_several_projects_per_sheet(make_xlsx: Callable[..., Path]) -> None:
    def project(name: str, target: str) -> list[list[Any]]:
        return [
            [f"2023年度{name}绩效目标申报表"],
            ["项目名称", name, None, "主管部门", "示例局"],
            ["预算金额（万元）", 12.5],
            ["年度目标", f"完成{name}"],
            ["一级指标", "二级指标", "三级指标", "指标值"],
            ["产出指标", "数量指标", "次数", target],
            ["说明：本表由项目单位填报"],
            [],
        ]

    rows = project("甲项目", "≥4次") + project("乙项目", "≥6次")
    path = make_xlsx({"多项目": (rows, [])})
    sources = read_sources(path)
    assert [s.path for s in sources] == [f"{path}#多项目[1]", f"{path}#多项目[2]"]
    docs = [build(s) for s in sources]
    assert [d.model.project.name for d in docs] == ["甲项目", "乙项目"]
    assert docs[1].model.project.department == "示例局"
    assert docs[1].model.project.budget == "12.5"
    assert docs[1].model.project.year == 2023  # from the title row
    assert docs[1].model.goals.annual == ["完成乙项目"]
    assert [len(d.indicators) for d in docs] == [1, 1]
    assert docs[1].indicators[0].fields.target == "≥6次"


def test_example_workbook_self_evaluation_sheet() -> None:
    sources = read_sources(WORKBOOK_DIR / "绩效目标表.xlsx")
    assert [s.path.rsplit("#", 1)[1] for s in sources] == [
        "申报表",
        "自评表",
        "多项目[1]",
        "多项目[2]",
    ]
    doc = build(sources[1])
    be = doc.model.budget_execution
    assert be is not None and (be.planned, be.spent, be.weight, be.score) == (348, 348, 10, 10)
    assert doc.model.goals.annual[0].startswith("1.保障广州市人民政府办公厅")
    assert [i.fields.level1 for i in doc.indicators] == ["产出"] * 4 + ["效益"] * 4
    assert doc.indicators[4].fields.score == 9
    assert isinstance(sources[1], TableSource) and sources[1].sheet == "自评表"


def test_guangzhou_sheet_finds_what_the_yaml_finds() -> None:
    """The 自评表 sheet holds the Guangzhou table: same (rule, indicator) as the YAML."""
    yaml_audit = audit_path_full(WORKBOOK_DIR.parent / "guangzhou-2021-it-ops.yaml")[0]
    sheet_audit = audit_path_full(WORKBOOK_DIR / "绩效目标表.xlsx")[1]
    key = lambda a: sorted({(f.rule, f.indicator) for f in a.findings}, key=str)  # noqa: E731
    assert key(sheet_audit) == key(yaml_audit)


def test_findings_located_by_cell(make_xlsx: Callable[..., Path], capsys: Any) -> None:
    rows = [
        ["2023年度项目支出绩效目标申报表"],
        ["项目名称", "培训项目"],
        [],
        [],
        ["一级指标", "二级指标", "三级指标", "指标值"],
        ["产出指标", "数量指标", "培训班期数", "=4期"],
        ["效益指标", "社会效益指标", "学员业务水平", "明显提高"],
    ]
    path = make_xlsx({"Sheet1": (rows, [])})
    code = main(["check", str(path), "--format", "json", "--fail-on", "never"])
    assert code == 0
    report = json.loads(capsys.readouterr().out)
    vague = [f for f in report["files"][0]["findings"] if f["kind"] == "vague"]
    assert vague and vague[0]["cell"] == "Sheet1!D7"
    assert (vague[0]["line"], vague[0]["column"]) == (7, 4)
    main(["check", str(path), "--color", "never"])
    assert "Sheet1!D7" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("name", "encoding", "project"),
    [
        ("培训项目-gbk.csv", "gb18030", "2023年度基层财务人员业务培训"),
        ("干部学院-utf8-bom.csv", "utf-8-sig", "2021年度干部网络学院平台运维项目"),
    ],
)
def test_example_csv_encodings(name: str, encoding: str, project: str) -> None:
    (source,) = read_sources(WORKBOOK_DIR / name)
    assert source.encoding == encoding
    doc = build(source)
    assert doc.model.project.name == project
    assert doc.indicators[0].fields.level1 == "产出指标"


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig", "utf-8"])
def test_csv_encodings_and_cell_refs(encoding: str, tmp_path: Path) -> None:
    text = (
        "项目名称,乡村道路项目\r\n\r\n一级指标,二级指标,三级指标,指标值\r\n"
        "产出指标,数量指标,新建道路长度,≥2公里\r\n,,道路质量,优良\r\n"
    )
    path = tmp_path / "t.csv"
    path.write_bytes(text.encode(encoding))
    (audit,) = audit_path_full(path)
    assert audit.error is None and audit.document is not None
    assert audit.document.model.project.name == "乡村道路项目"
    assert audit.document.indicators[1].fields.level1 == "产出指标"
    assert audit.source is not None and audit.source.cell_ref is not None
    vague = [f for f in audit.findings if f.indicator == 1]
    assert vague and audit.source.cell_ref(vague[0].line, vague[0].column) == "D5"


def test_json_row_table(tmp_path: Path) -> None:
    rows = [
        {
            "项目名称": "培训项目",
            "一级指标": "产出指标",
            "二级指标": "数量指标",
            "三级指标": "期数",
            "指标值": "=4期",
        },
        {
            "项目名称": "培训项目",
            "一级指标": "",
            "二级指标": "",
            "三级指标": "质量",
            "指标值": "有效",
        },
    ]
    path = tmp_path / "rows.json"
    path.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    (source,) = read_sources(path)
    doc = build(source)
    assert doc.model.project.name == "培训项目"
    assert doc.indicators[1].fields.level1 == "产出指标"
    assert source.text  # findings still quote the JSON lines


def test_corrupt_xlsx_is_a_clear_input_error(tmp_path: Path, capsys: Any) -> None:
    bad = tmp_path / "坏文件.xlsx"
    bad.write_bytes(b"PK\x03\x04 this is not really a workbook")
    assert main(["check", str(bad)]) == 2
    out = capsys.readouterr()
    assert "无法读取 Excel 文件" in out.out + out.err
    text = tmp_path / "文本.xlsx"
    text.write_text("一级指标,二级指标\n", encoding="utf-8")
    assert main(["check", str(text), "--format", "json"]) == 2
    report = json.loads(capsys.readouterr().out)
    assert "无法读取 Excel 文件" in report["files"][0]["error"]["message"]


def test_workbook_without_indicator_table(make_xlsx: Callable[..., Path], capsys: Any) -> None:
    path = make_xlsx({"说明": ([["填表说明"], ["请按要求填写"]], [])})
    assert main(["check", str(path)]) == 2
    assert "没有找到指标表" in capsys.readouterr().out


def test_total_row_of_a_self_evaluation_table(tmp_path: Path) -> None:
    """The 总分 row that ends a table is kept as the document's total, located to its cells,
    so that a total that is not the sum of the rows is reported (IA807)."""
    text = (
        "一级指标,二级指标,三级指标,指标值,实际完成值,分值,得分\r\n"
        "产出指标,数量指标,技能培训人次,≥300人次,320人次,60,60\r\n"
        "效益指标,社会效益指标,培训后就业人数,≥120人,131人,30,30\r\n"
        "满意度指标,服务对象满意度指标,参训学员满意度,≥90%,93%,10,10\r\n"
        "总分,,,,,100,98\r\n"
        "填表人：张三,,,,,,\r\n"
    )
    path = tmp_path / "t.csv"
    path.write_bytes(text.encode("utf-8"))
    (audit,) = audit_path_full(path)
    assert audit.error is None and audit.document is not None
    assert len(audit.document.indicators) == 3
    total = audit.document.model.total
    assert total is not None and (total.weight, total.score) == (100.0, 98.0)
    (found,) = [f for f in audit.findings if f.rule == "IA807"]
    assert "98" in found.message and "100" in found.message
    assert audit.source is not None and audit.source.cell_ref is not None
    assert audit.source.cell_ref(found.line, found.column) == "F5"


def test_a_table_without_total_row_has_no_total(tmp_path: Path) -> None:
    text = "一级指标,二级指标,三级指标,指标值,分值,得分\r\n产出指标,数量指标,培训人次,≥300人次,60,60\r\n"
    path = tmp_path / "t.csv"
    path.write_bytes(text.encode("utf-8"))
    (audit,) = audit_path_full(path)
    assert audit.document is not None and audit.document.model.total is None
