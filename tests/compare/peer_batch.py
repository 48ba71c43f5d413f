"""A generated batch of projects for the peer comparison (its test and bench/peers_bench.py):
four kinds of project, each indicator's target drawn within a realistic band and written in
the messy ways real tables write it, and a few outliers planted where asked."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

# kind → [(level2, name, how the target is written, low, high)]; "{v}" is the number
KINDS: dict[str, list[tuple[str, str, list[str], float, float]]] = {
    "培训": [
        (
            "成本指标",
            "人均培训成本",
            ["≤{v}元/人·天", "不超过{v}元/人·天", "≤ {v} 元/人·天"],
            340,
            460,
        ),
        ("数量指标", "培训人次", ["≥{v}人次", "不少于{v}人次"], 200, 2000),
        ("满意度指标", "学员满意度", ["≥{v}%", "不低于{v}%", "≧{v}%"], 85, 95),
        ("质量指标", "培训合格率", ["≥{v}%", "不低于{v}%"], 90, 98),
    ],
    "信息化运维": [
        ("质量指标", "系统可用率", ["≥{v}%", "不低于{v}%"], 99.0, 99.9),
        ("时效指标", "故障响应时间", ["≤{v}分钟", "不超过{v}分钟"], 15, 45),
        ("满意度指标", "系统使用人员满意度", ["≥{v}%", "不低于{v}%"], 85, 95),
        ("数量指标", "巡检次数", ["≥{v}次", "不少于{v}次"], 12, 250),
    ],
    "道路养护": [
        ("成本指标", "每公里养护成本", ["≤{v}元/公里", "不超过{v}元/公里"], 8000, 12000),
        ("数量指标", "养护里程", ["≥{v}公里", "不少于{v}公里"], 20, 300),
        ("满意度指标", "沿线群众满意度", ["≥{v}%", "不低于{v}%"], 85, 95),
    ],
    "补助": [
        ("时效指标", "补助资金发放及时率", ["≥{v}%", "不低于{v}%"], 95, 100),
        ("满意度指标", "受助对象满意度", ["≥{v}%", "≧{v}%"], 85, 95),
        ("数量指标", "补助人数", ["≥{v}人", "不少于{v}人"], 50, 5000),
    ],
}

# (kind, indicator name) → a far-off value, for planted outliers
OUTLIERS: dict[tuple[str, str], float] = {
    ("培训", "人均培训成本"): 1600,
    ("培训", "学员满意度"): 60,
    ("信息化运维", "故障响应时间"): 600,
    ("信息化运维", "系统可用率"): 80,
    ("道路养护", "每公里养护成本"): 50000,
}


@dataclass
class Batch:
    texts: list[str] = field(default_factory=list)  # one targets document per project
    planted: set[tuple[int, str]] = field(default_factory=set)  # (project, indicator name)


def _number(value: float, wide: bool) -> str:
    text = f"{value:g}"
    return text.translate(str.maketrans("0123456789", "０１２３４５６７８９")) if wide else text


def make_batch(projects: int, outliers: int = 0, seed: int = 15) -> Batch:
    """`projects` documents; the first `outliers` planted slots (in project order) hold a far-off
    target. Counts (人次, 次, 公里, 人) vary freely by project size and are never planted."""
    rng = random.Random(seed)
    kinds = list(KINDS)
    batch = Batch()
    slots = list(OUTLIERS)
    for p in range(projects):
        kind = kinds[p % len(kinds)]
        lines = [
            "project:",
            f"  name: 第{p + 1}号{kind}项目",
            f"  department: 第{p % 17 + 1}局",
            "indicators:",
        ]
        for level2, name, forms, low, high in KINDS[kind]:
            value: float = round(rng.uniform(low, high), 1 if high < 100 else 0)
            plant = [s for s in slots if s == (kind, name)]
            if plant and len(batch.planted) < outliers and p >= len(kinds) * 6:
                value = OUTLIERS[plant[0]]
                slots.remove(plant[0])
                batch.planted.add((p, name))
            form = rng.choice(forms)
            target = form.replace("{v}", _number(value, rng.random() < 0.2))
            level1 = "满意度指标" if "满意" in level2 else "产出指标"
            lines.append(
                f"  - {{level1: {level1}, level2: {level2}, name: {name}, target: '{target}'}}"
            )
        batch.texts.append("\n".join(lines) + "\n")
    return batch


def as_csv(text: str) -> str:
    """A generated project as a budget office's CSV table: project info above, then the
    indicator table with the comparator in its own column (指标性质) and the number apart."""
    import re

    import yaml

    doc = yaml.safe_load(text)
    rows = [
        f"项目名称,{doc['project']['name']},主管部门,{doc['project']['department']}",
        "",
        "一级指标,二级指标,三级指标,指标性质,指标值,度量单位",
    ]
    for ind in doc["indicators"]:
        target = str(ind["target"])
        m = re.fullmatch(r"(≥|≤|≧)?\s*([\d.０-９]+)\s*(.*)", target)
        if m is not None:
            sign, number, unit = m.group(1) or "", m.group(2), m.group(3)
        else:
            sign, number, unit = "", target, ""
        rows.append(f"{ind['level1']},{ind['level2']},{ind['name']},{sign},{number},{unit}")
    return "\n".join(rows) + "\n"
