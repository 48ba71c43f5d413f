"""The table's layout, said once: names in the 二级 column, a category column left blank.

lint/layout.py reads the table as meant before any rule runs; these rules tell the author what
was read, once for the table, where the per-row rules would otherwise repeat it on every row.
"""

from __future__ import annotations

from collections.abc import Iterator

from indicator_audit.core.findings import Finding, Severity
from indicator_audit.lint.registry import DocumentContext, document_rule

SRC_FORM = (
    "财预〔2020〕10号 附件 自评表：一级指标、二级指标（数量、质量、时效、成本……）、三级指标各占一栏"
)


@document_rule(
    code="IA411",
    name="names-in-level2-column",
    kind="misclassified",
    severity=Severity.WARNING,
    source=SRC_FORM + "；评价报告：二级栏写指标名称、三级栏写计算公式，表中没有二级分类",
    summary="二级指标栏填的是指标名称、三级指标栏填的是计算公式：表中没有二级分类",
    bad="indicators:\n"
    "  - {level1: 产出指标, level2: 故障处理及时率, name: 按时处理故障数÷故障总数×100%, "
    "target: ≥98%}\n"
    "  - {level1: 产出指标, level2: 巡检覆盖率, name: 已巡检终端数/终端总数*100%, target: =100%}",
    good="indicators:\n"
    "  - {level1: 产出指标, level2: 时效指标, name: 故障处理及时率, "
    "formula: 按时处理故障数÷故障总数×100%, target: ≥98%}\n"
    "  - {level1: 产出指标, level2: 质量指标, name: 巡检覆盖率, "
    "formula: 已巡检终端数/终端总数*100%, target: =100%}",
    packs=("taxonomy",),
)
def names_in_level2_column(ctx: DocumentContext) -> Iterator[Finding]:
    """有的表把指标名称填在二级栏、把计算公式填在三级栏，整张表就没有数量、质量、时效、成本等
    二级分类，也看不出缺了哪一类。工具按“二级栏是名称、三级栏是公式”读这张表并逐行审核，
    这一版式只报告一次。"""
    layout = ctx.layout
    if not layout.names_in_level2 or layout.first_named is None:
        return
    ind = ctx.facts[layout.first_named].indicator
    cell = ind.cell("name")  # the 二级 cell, read as the name
    name = ind.fields.name or ""
    formula = ind.fields.formula or ""
    yield ctx.finding(
        f"二级指标栏填写的是指标名称（如“{name}”），三级指标栏填写的是计算公式或说明"
        f"（如“{formula}”）：表中没有数量、质量、时效、成本等二级分类；以下各行按二级栏为名称、"
        "三级栏为公式审核",
        cell=cell,
        indicator=None if cell is not None else layout.first_named,
        suggestion="二级栏填写标准的二级指标（数量指标、质量指标、时效指标、成本指标、"
        "经济效益指标……），名称写在三级栏，公式写在“计算公式”栏",
    )


_COLUMN = {"level1": "一级指标", "level2": "二级指标"}


@document_rule(
    code="IA412",
    name="category-column-blank",
    kind="misclassified",
    severity=Severity.WARNING,
    source=SRC_FORM,
    summary="一级或二级指标栏在每一行都是空的（常见于导出时丢了合并单元格）",
    bad="indicators:\n  - {level1: 产出指标, name: 培训人数, target: ≥120人}\n"
    "  - {level1: 效益指标, name: 学员就业率, target: ≥60%}",
    good="indicators:\n  - {level1: 产出指标, level2: 数量指标, name: 培训人数, target: ≥120人}\n"
    "  - {level1: 效益指标, level2: 社会效益指标, name: 学员就业率, target: ≥60%}",
)
def category_column_blank(ctx: DocumentContext) -> Iterator[Finding]:
    """类别栏整列空白，多半是导出表格时合并单元格丢了；每一行都报一次没有意义，报一次整列。

    只有首行填写、下面各行空白的类别（合并单元格）按上一行的类别读，不报告。"""
    blank = ctx.layout.blank_columns
    if not blank or not ctx.facts:
        return
    first = ctx.document.indicators[0]
    columns = "、".join(_COLUMN[c] for c in blank)
    yield ctx.finding(
        f"{columns}栏在全部 {len(ctx.facts)} 个指标中都是空的",
        line=first.line,
        column=first.col,
        pointer=first.pointer,
        suggestion="补填"
        + columns
        + "：一级为产出、效益、满意度（成本）指标，二级为数量、质量、时效、成本、经济效益等",
    )
