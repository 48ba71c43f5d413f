"""Targets against their peers: the same indicator in the other projects of one run (行业标准
in the small: what comparable projects accept).

Indicators are peers when they measure the same thing (the canonical name of matching.py;
every satisfaction survey is one measure), in the same unit and direction, with a single
number as target. Robust statistics only: the median and the median absolute deviation
(MAD, × 1.4826 to read as a standard deviation) of the group, which a few wild targets cannot
drag along. A target more than `threshold` such deviations from the median is reported as
information (peers are evidence, not a rule broken) with the median, the number of peers and
their projects. The deviation is never taken below `floor` × |median|: when most projects
write the same rate, the MAD is 0 and a point more must not stand out. With fewer than
`min_peers` other projects, nothing is said (rules/comparison.yaml).

The cost is one pass to group and one sort per group: linear in the indicators of the run
(bench/peers_bench.py).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from indicator_audit.core.findings import Finding, Severity
from indicator_audit.lint.checks.history import direction, shown, target_quantity
from indicator_audit.lint.matching import name_matcher
from indicator_audit.lint.registry import DocumentContext, batch_rule
from indicator_audit.packs.load import Packs, PeerLimits

MAD_SCALE = 1.4826  # MAD × this estimates the standard deviation of normal data


@dataclass(slots=True)
class BatchContext:
    """The documents of one run, each with a label (its project), and the findings made for
    each (by position in `documents`)."""

    documents: Sequence[DocumentContext]
    labels: Sequence[str]
    packs: Packs
    found: dict[int, list[Finding]] = field(default_factory=dict)

    def finding(self, doc: int, message: str, *, indicator: int, field_name: str) -> Finding:
        ctx = self.documents[doc]
        cell = ctx.document.indicators[indicator].cell(field_name)
        made = ctx.finding(message, cell=cell, indicator=indicator)
        self.found.setdefault(doc, []).append(made)
        return made


class PeerEntry(NamedTuple):
    """One target that can be compared with its peers: what the batch step needs of an
    indicator, small enough to send between processes (a batch's workers send these rather
    than their documents; run/peers.py)."""

    key: tuple[str, str, str | None, str | None, str]  # measure, unit, dimension, per, direction
    value: float  # in the canonical unit
    indicator: int
    shown: str  # the target as the table writes it
    unit: str  # the canonical unit as the message writes it ("元/人·天")


def peer_entries(doc: DocumentContext) -> list[PeerEntry]:
    """The comparable targets of one document, in its order: a single number in a known
    unit, with a direction, of a measure with a name."""
    names = name_matcher(doc.packs)
    out: list[PeerEntry] = []
    for f in doc.facts:
        q = target_quantity(f)
        wanted = direction(f)
        if q is None or q.canonical is None or wanted not in ("min", "max"):
            continue
        measure = "satisfaction" if f.is_satisfaction else names.canonical(f.name)
        if not measure:
            continue
        unit = q.canonical + (f"/{q.per}" if q.per else "")
        key = (measure, q.canonical, q.dimension, q.per, wanted)
        out.append(PeerEntry(key, q.value, f.indicator.index, shown(f), unit))
    return out


def peer_outliers(
    entries: Sequence[Sequence[PeerEntry]], labels: Sequence[str], limits: PeerLimits
) -> Iterator[tuple[int, PeerEntry, str]]:
    """(document, entry, message) of every target far from its peers. `entries[d]` are the
    entries of document `d`, labelled `labels[d]`. One pass groups by key (a dict), then one
    median per group: the cost is linear in the number of entries."""
    from statistics import median  # imports decimal and fractions: only for a batch

    groups: dict[tuple[object, ...], list[tuple[int, PeerEntry]]] = {}
    for d, found in enumerate(entries):
        for e in found:
            groups.setdefault(e.key, []).append((d, e))
    for group in groups.values():
        docs = {d for d, _ in group}
        if len(docs) <= limits.min_peers:  # every entry needs min_peers *other* projects
            continue
        values = [e.value for _, e in group]
        mid = median(values)
        spread = MAD_SCALE * median(abs(v - mid) for v in values)
        scale = max(spread, limits.floor * abs(mid))
        if scale <= 0:
            continue
        ordered: list[int] | None = None
        for d, e in group:
            distance = abs(e.value - mid) / scale
            if distance <= limits.threshold:
                continue
            ordered = ordered if ordered is not None else sorted(docs)
            others = [labels[o] for o in ordered if o != d]
            if len(others) < limits.min_peers:
                continue
            side = "高于" if e.value > mid else "低于"
            yield (
                d,
                e,
                f"目标 {e.shown} 明显{side}同类项目：{len(others)} 个同类项目"
                f"（{_projects(others)}）的目标中位数为 {mid:g}{e.unit}，"
                f"相差约 {distance:.1f} 倍稳健标准差",
            )


def _projects(labels: list[str]) -> str:
    unique = list(dict.fromkeys(labels))
    return "、".join(unique[:5]) + (" 等" if len(unique) > 5 else "")


def _six_projects(costs: tuple[int, ...]) -> str:
    """The rule's examples: one run of six training projects, one cost indicator each."""
    rows = "".join(
        f"- {{project: {{name: 培训项目{c}}}, indicators: [{{level1: 产出指标, level2: 成本指标, "
        f"name: 人均培训成本, target: ≤{v}元/人·天}}]}}\n"
        for c, v in zip("ABCDEF", costs, strict=True)
    )
    return "# 同一次检查的 6 个项目（每项一个文件）\n" + rows.rstrip()


@batch_rule(
    code="IA721",
    name="peer-outlier",
    kind="ambition",
    severity=Severity.INFO,
    source="财预〔2015〕88号：绩效标准含行业标准；同类项目的目标值是设定与审核目标的参照（practice）",
    summary="目标值远离同一批次中同类项目（同一指标、同一单位）的目标值（至少 5 个同类项目）",
    bad=_six_projects((400, 420, 380, 410, 390, 1600)),
    good=_six_projects((400, 420, 380, 410, 390, 450)),
)
def peer_outlier(ctx: BatchContext) -> Iterator[Finding]:
    """同一次检查的多个项目中，同一指标（名称含义相同、单位和方向相同）的目标值用中位数和中位数绝对偏差
    （MAD）比较；离中位数超过 3.5 倍稳健标准差的目标作为提示报告，写明同类的中位数、个数和来自哪些项目。
    同类项目少于 5 个时不报。"""
    entries = [peer_entries(doc) for doc in ctx.documents]
    for d, e, message in peer_outliers(entries, ctx.labels, ctx.packs.comparison.peers):
        yield ctx.finding(d, message, indicator=e.indicator, field_name="target")
