#!/usr/bin/env python3
"""Write N workbooks laid out like the real 绩效目标申报表 / 绩效自评表, for batch benchmarks.

Usage: gen_workbooks.py N OUT_DIR [--seed S]

Each workbook is a form as budget staff fill it in Excel: a merged title row, a project block
above the table (项目名称, 主管部门, 实施单位, 资金, 年度目标 …, values in merged cells), a two-row
merged header ("年度指标值" over 指标性质 / 指标值 / 度量单位 in the 申报表), merged 一级 / 二级
category cells, 10–40 indicators with numbers as numbers (some formatted as percentages, some
dates as dates) and text as text. Cells are as messy as real ones: full-width digits, ≧,
"**", vague targets, missing units. About one file in six holds several projects, one under
the other or on several sheets; about one in three is a 自评表. Departments and units repeat
across files, so a portfolio view has groups to compare.

Deterministic for a given seed and N (file k depends only on the seed and k).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Side
from openpyxl.worksheet.worksheet import Worksheet

THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="center")

DEPARTMENTS: dict[str, list[str]] = {
    "市教育局": ["市第一中学", "市实验小学", "市教育技术中心", "市职业技术学校"],
    "市卫生健康委员会": ["市疾病预防控制中心", "市妇幼保健院", "市急救中心"],
    "市农业农村局": ["市农业技术推广站", "市动物疫病预防控制中心"],
    "市交通运输局": ["市公路事务中心", "市交通运输综合执法支队"],
    "市民政局": ["市社会福利院", "市救助管理站"],
    "市文化广电旅游局": ["市图书馆", "市文化馆", "市博物馆"],
    "市生态环境局": ["市环境监测站"],
    "市人力资源和社会保障局": ["市就业服务中心", "市社会保险事业中心"],
    "市政务服务数据管理局": ["市大数据中心"],
    "市住房和城乡建设局": ["市城市建设档案馆", "市建设工程质量安全站"],
}

# (name, unit, typical target, higher is better) by 二级 category; the targets vary per row.
OUTPUT: dict[str, list[tuple[str, str, float, bool]]] = {
    "数量指标": [
        ("培训人次", "人次", 300, True),
        ("开展巡检次数", "次", 52, True),
        ("新建道路里程", "公里", 12.5, True),
        ("维护设备数量", "台", 480, True),
        ("举办活动场次", "场", 24, True),
        ("受益学生人数", "人", 1500, True),
        ("采购图书册数", "册", 8000, True),
        ("监测点位数", "个", 36, True),
        ("发放补贴户数", "户", 1200, True),
        ("检测样本数量", "份", 5000, True),
    ],
    "质量指标": [
        ("项目验收合格率", "%", 100, True),
        ("故障响应及时率", "%", 98, True),
        ("培训考核合格率", "%", 95, True),
        ("数据准确率", "%", 99, True),
        ("工程质量达标率", "%", 100, True),
        ("设备完好率", "%", 95, True),
    ],
    "时效指标": [
        ("项目完成时间", "", 0, True),
        ("资金拨付及时率", "%", 100, True),
        ("故障平均修复时间", "小时", 4, False),
        ("报告提交时间", "", 0, True),
    ],
    "成本指标": [
        ("人均培训成本", "元/人次", 400, False),
        ("项目总成本", "万元", 120, False),
        ("单位面积维修成本", "元/平方米", 85, False),
        ("生均补助标准", "元/生", 1000, False),
    ],
}
BENEFIT: dict[str, list[tuple[str, str, float, bool]]] = {
    "经济效益指标": [
        ("带动农户增收", "万元", 300, True),
        ("节约运行成本", "万元", 25, True),
    ],
    "社会效益指标": [
        ("群众知晓率", "%", 85, True),
        ("服务覆盖率", "%", 90, True),
        ("学员业务水平", "", 0, True),
        ("公共服务水平", "", 0, True),
        ("受益人口数", "人", 20000, True),
    ],
    "生态效益指标": [
        ("空气质量优良天数比例", "%", 85, True),
        ("垃圾无害化处理率", "%", 100, True),
    ],
    "可持续影响指标": [
        ("长效管理机制", "", 0, True),
        ("设施持续使用年限", "年", 10, True),
    ],
}
SATISFACTION = [
    ("服务对象满意度", "%", 90, True),
    ("学员满意度", "%", 90, True),
    ("群众满意度", "%", 85, True),
]
VAGUE = ["明显提高", "有效提升", "进一步改善", "良好", "较好", "是", "逐步完善", "显著", "长期"]
DATES = ["2024年12月底前", "12月31日前", "年底前", "按计划完成", "2024年11月"]
FULL_WIDTH = str.maketrans("0123456789.%", "０１２３４５６７８９．％")
SUBJECTS = [
    "基层财务人员业务培训",
    "信息化系统运维服务",
    "农村公路养护",
    "社区文化服务提升",
    "学生营养改善计划",
    "重大疾病监测",
    "公共图书馆免费开放",
    "生态环境监测能力建设",
    "就业技能培训补贴",
    "老旧小区改造",
    "政务云平台资源续租",
    "动物疫病强制免疫",
]


def _target(
    rng: random.Random, unit: str, typical: float, up: bool, mess: float
) -> tuple[str, Any, str]:
    """(comparator, target cell value, unit) as staff write them: numbers mostly as numbers,
    some as text, some full-width, some vague, some with the comparator inside the cell.
    `mess` (0–1.5) is how careless the unit filling the form is."""
    roll = rng.random() / mess
    if typical == 0 or roll < 0.12:
        if typical == 0 and rng.random() < 0.5:
            return "", rng.choice(DATES), ""
        return "", rng.choice(VAGUE), ""
    value: float = typical * rng.uniform(0.8, 1.2)
    value = round(value) if typical >= 10 else round(value, 1)
    if unit == "%":
        value = min(value, 100)
    careful = rng.random() > mess / 2
    if up:
        cmp = "≥" if careful else rng.choice(["≥", "=", "≧", ">=", "不低于"])
    else:
        cmp = "≤" if careful else rng.choice(["≤", "<=", "≦"])
    if careful and unit == "%" and value >= 100:
        cmp = "="  # a rate cannot exceed 100%: careful staff write "=100%"
    if roll < 0.22:
        text = f"{value:g}".translate(FULL_WIDTH)
        return cmp, text, unit
    if roll < 0.30:
        return "", f"{cmp}{value:g}{unit}", ""  # all in one cell, unit column left empty
    if roll < 0.34:
        return cmp, value, ""  # the unit forgotten
    if roll < 0.37:
        return cmp, f"{value:g}**", unit  # OCR noise left from a scan
    return cmp, value, unit


PLACES = ["城区", "乡镇", "一期", "二期", "重点区域"]
Row = tuple[str, str, tuple[str, str, float, bool]]


def _indicators(rng: random.Random, count: int) -> list[Row]:
    """Distinct indicators in form order (产出, 效益, 满意度; 二级 groups in their order)."""
    rows: list[Row] = []
    n_sat = 1 if count < 20 else 2
    n_out = max(3, round(count * 0.55))
    n_ben = max(1, count - n_out - n_sat)
    for level1, groups, n in (
        ("产出指标", OUTPUT, n_out),
        ("效益指标", BENEFIT, n_ben),
        ("满意度指标", {"服务对象满意度指标": SATISFACTION}, n_sat),
    ):
        pool = [(level2, entry) for level2, entries in groups.items() for entry in entries]
        picked = rng.sample(pool, min(n, len(pool)))
        while len(picked) < n:  # more rows than names: the same measure for another place
            level2, (name, unit, typical, up) = rng.choice(pool)
            place = PLACES[len(picked) % len(PLACES)]
            picked.append((level2, (f"{name}（{place}）", unit, typical, up)))
        order = list(groups)
        picked.sort(key=lambda p: order.index(p[0]))
        rows.extend((level1, level2, entry) for level2, entry in picked)
    return rows


def _weights(rng: random.Random, rows: list[Row]) -> list[float]:
    """产出 50, 效益 30, 满意度 10 spread over the rows (90; 预算执行率 is the other 10);
    one table in five is off, as real ones are."""
    share = {"产出指标": 50.0, "效益指标": 30.0, "满意度指标": 10.0}
    sizes = {k: sum(1 for r in rows if r[0] == k) for k in share}
    out = [round(share[r[0]] / sizes[r[0]], 1) for r in rows]
    if rng.random() > 0.2:
        out[0] = round(out[0] + 90 - sum(out), 1)  # the rounding put on the first row
    return out


def _merge_runs(ws: Worksheet, col: int, first: int, values: list[str]) -> None:
    """Merge each run of equal category cells down the column, as the forms do."""
    start = 0
    for i in range(1, len(values) + 1):
        if i == len(values) or values[i] != values[start]:
            if i - start > 1:
                ws.merge_cells(
                    start_row=first + start, start_column=col, end_row=first + i - 1, end_column=col
                )
            start = i


def _put(ws: Worksheet, row: int, col: int, value: Any) -> None:
    cell = ws.cell(row, col, value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # "=80%" typed as text, as budget systems export it: no formula
    cell.border = BOX
    cell.alignment = WRAP


def _project_block(
    ws: Worksheet, row: int, width: int, rng: random.Random, info: dict[str, str], self_eval: bool
) -> int:
    """Title and project block from `row`; returns the next free row."""
    year = info["year"]
    title = f"{year}年度项目支出绩效{'自评表' if self_eval else '目标申报表'}"
    _put(ws, row, 1, title)
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    row += 1
    half = width // 2
    for label, value, label2, value2 in (
        ("项目名称", info["name"], "主管部门", info["department"]),
        ("实施单位", info["unit"], "项目类型", rng.choice(["", "经常性项目", "一次性项目"])),
    ):
        _put(ws, row, 1, label)
        _put(ws, row, 2, value)
        ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=half)
        _put(ws, row, half + 1, label2)
        _put(ws, row, half + 2, value2 or None)
        ws.merge_cells(start_row=row, start_column=half + 2, end_row=row, end_column=width)
        row += 1
    budget = round(rng.uniform(5, 900), 1)
    if self_eval:
        for r, values in enumerate(
            (
                [
                    "项目资金（万元）",
                    "年初预算数",
                    "全年预算数",
                    "全年执行数",
                    "分值",
                    "执行率",
                    "得分",
                ],
                [
                    "年度资金总额",
                    budget,
                    budget,
                    round(budget * rng.uniform(0.7, 1), 2),
                    10,
                    None,
                    None,
                ],
            )
        ):
            for c, v in enumerate(values, 1):
                _put(ws, row + r, c, v)
        spent, planned = ws.cell(row + 1, 4).value, ws.cell(row + 1, 3).value
        ws.cell(row + 1, 6).value = round(spent / planned, 3)  # the form shows "93.5%"
        ws.cell(row + 1, 6).number_format = "0.0%"
        row += 2
    else:
        _put(ws, row, 1, "预算金额（万元）")
        _put(ws, row, 2, budget)
        ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=width)
        row += 1
    _put(ws, row, 1, "年度目标")
    _put(ws, row, 2, info["goal"])
    ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=width)
    return row + 1


def _declaration(
    ws: Worksheet, row: int, rng: random.Random, info: dict[str, str], count: int
) -> int:
    """A 申报表 from `row`: two-row header, merged categories. Returns the next free row."""
    width = 8
    row = _project_block(ws, row, width, rng, info, self_eval=False)
    top = ["一级指标", "二级指标", "三级指标", "年度指标值", None, None, "分值", "指标值设定依据"]
    low = [None, None, None, "指标性质", "指标值", "度量单位", None, None]
    for c, (a, b) in enumerate(zip(top, low, strict=True), 1):
        _put(ws, row, c, a)
        _put(ws, row + 1, c, b)
    for c in (1, 2, 3, 7, 8):
        ws.merge_cells(start_row=row, start_column=c, end_row=row + 1, end_column=c)
    ws.merge_cells(start_row=row, start_column=4, end_row=row, end_column=6)
    first = row + 2
    rows = _indicators(rng, count)
    weights = _weights(rng, rows)
    for i, (level1, level2, (name, unit, typical, up)) in enumerate(rows):
        r = first + i
        weight = weights[i]
        cmp, target, unit_text = _target(rng, unit, typical, up, info_mess(info))
        _put(ws, r, 1, level1)
        _put(ws, r, 2, level2)
        _put(ws, r, 3, name)
        _put(ws, r, 4, cmp or None)
        _put(ws, r, 5, target)
        if unit == "%" and isinstance(target, float | int) and rng.random() < 0.3:
            ws.cell(r, 5).value = target / 100  # a percentage cell: the form shows "95%"
            ws.cell(r, 5).number_format = "0%"
            unit_text = ""
        _put(ws, r, 6, unit_text or None)
        _put(ws, r, 7, weight)
        basis = ["计划标准", "历史标准：上年完成值", "行业标准"]
        _put(ws, r, 8, rng.choice(basis) if rng.random() > info_mess(info) / 3 else None)
    _merge_runs(ws, 1, first, [r[0] for r in rows])
    _merge_runs(ws, 2, first, [f"{r[0]}/{r[1]}" for r in rows])
    return first + len(rows)


def _self_evaluation(
    ws: Worksheet, row: int, rng: random.Random, info: dict[str, str], count: int
) -> int:
    """A 自评表 from `row`: one header row, actual values, scores and explanations."""
    width = 9
    row = _project_block(ws, row, width, rng, info, self_eval=True)
    head = [
        "一级指标",
        "二级指标",
        "三级指标",
        "年度指标值",
        "实际完成值",
        "分值",
        "得分",
        "偏差原因分析及改进措施",
        "备注",
    ]
    for c, v in enumerate(head, 1):
        _put(ws, row, c, v)
    first = row + 1
    rows = _indicators(rng, count)
    weights = _weights(rng, rows)
    for i, (level1, level2, (name, unit, typical, up)) in enumerate(rows):
        r = first + i
        weight = weights[i]
        cmp, target, unit_text = _target(rng, unit, typical, up, info_mess(info))
        shown = f"{cmp}{target}{unit_text}" if not isinstance(target, str) or cmp else target
        _put(ws, r, 1, level1)
        _put(ws, r, 2, level2)
        _put(ws, r, 3, name)
        _put(ws, r, 4, shown)
        done = rng.random()
        if typical and done < 0.8:
            actual: Any = f"{round(typical * rng.uniform(0.85, 1.1), 1):g}{unit}"
        elif typical == 0 and done < 0.5:
            actual = dt.datetime(int(info["year"]), 12, rng.randint(1, 31))
        else:
            actual = rng.choice(["已完成", "达到预期", "基本完成", "100%"])
        _put(ws, r, 5, actual)
        if isinstance(actual, dt.datetime):
            ws.cell(r, 5).number_format = "yyyy-mm-dd"
        _put(ws, r, 6, weight)
        score = weight if done < 0.7 else round(weight * rng.uniform(0.5, 1.05), 1)
        _put(ws, r, 7, score)
        _put(
            ws,
            r,
            8,
            "按计划完成。" if score >= weight else rng.choice(["", "部分工作延后。", None]),
        )
        _put(ws, r, 9, None)
    _merge_runs(ws, 1, first, [r[0] for r in rows])
    _merge_runs(ws, 2, first, [f"{r[0]}/{r[1]}" for r in rows])
    return first + len(rows)


def info_mess(info: dict[str, str]) -> float:
    return float(info["mess"])


def _info(rng: random.Random, year: int) -> dict[str, str]:
    department = rng.choice(sorted(DEPARTMENTS))
    unit = rng.choice(DEPARTMENTS[department])
    subject = rng.choice(SUBJECTS)
    n = rng.randint(2, 9)
    goal = rng.choice(
        [
            f"1.完成{subject}年度任务；2.服务对象满意度不低于{rng.choice([85, 90, 95])}%。",
            f"进一步提升{subject}水平，有效改善服务质量。",
            f"全年完成{subject}任务{n}项，按期验收合格率100%，群众满意度明显提高。",
        ]
    )
    return {
        "year": str(year),
        "name": f"{year}年度{unit}{subject}项目",
        "department": department,
        "unit": unit,
        "goal": goal,
        "mess": f"{rng.uniform(0.05, 1.5):.2f}",
    }


def write_workbook(path: Path, seed: int, k: int) -> int:
    """Write workbook number k; returns its number of indicators."""
    rng = random.Random(f"{seed}:{k}")
    year = rng.choice([2022, 2023, 2024])
    projects = 1 if rng.random() > 1 / 6 else rng.randint(2, 3)
    on_sheets = projects > 1 and rng.random() < 0.5
    self_eval = rng.random() < 1 / 3
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "自评表" if self_eval else "申报表"
    total = 0
    row = 1
    for p in range(projects):
        if p and on_sheets:
            ws = book.create_sheet(f"项目{p + 1}")
            row = 1
        elif p:
            row += 2  # a blank row between two projects on one sheet
        count = rng.randint(10, 40)
        form = _self_evaluation if self_eval else _declaration
        row = form(ws, row, rng, _info(rng, year), count)
        total += count
    for col, width in zip("ABCDEFGHI", (12, 16, 22, 12, 14, 10, 8, 24, 12), strict=True):
        ws.column_dimensions[col].width = width
    book.properties.created = book.properties.modified = dt.datetime(2024, 1, 1)
    book.save(path)
    return total


def generate(n: int, out: Path, seed: int = 1) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for k in range(n):
        path = out / f"wb{k:05d}.xlsx"
        write_workbook(path, seed, k)
        paths.append(path)
    return paths


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int)
    ap.add_argument("out", type=Path)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    paths = generate(args.n, args.out, args.seed)
    print(f"{len(paths)} workbooks in {args.out}")


if __name__ == "__main__":
    main()
