"""What several reporters share: where a finding stands (a cell or a line), which field of an
indicator it marks, the text of a table cell, and the batch summary of many projects."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from indicator_audit.core.findings import KINDS, Finding, Severity
from indicator_audit.read.source import Mapping, Node, Scalar
from indicator_audit.run.audit import Audit

SEVERITY_LABEL = {"error": "错误", "warning": "警告", "info": "提示"}
KIND_LABEL = {
    "vague": "表述模糊",
    "unquantified": "未量化",
    "placeholder": "模板残留",
    "comparator": "指标性质",
    "unit": "度量单位",
    "misclassified": "类别错配",
    "process": "投入或过程指标",
    "structure": "指标结构",
    "alignment": "目标对应",
    "ambition": "目标偏低",
    "self-eval": "自评评分",
    "schema": "格式错误",
}
# Indicator fields in the order a form shows them, with their column names.
FIELD_LABEL = {
    "level1": "一级指标",
    "level2": "二级指标",
    "name": "三级指标",
    "comparator": "指标性质",
    "target": "指标值",
    "unit": "度量单位",
    "value_type": "指标值类型",
    "weight": "分值",
    "formula": "计算公式",
    "basis": "指标值设定依据",
    "scoring": "评分标准",
    "actual": "实际完成值",
    "score": "得分",
    "explanation": "偏差原因分析及改进措施",
}


def cell_of(audit: Audit, line: int, column: int) -> str | None:
    """ "Sheet1!D7" when the audit comes from a table, else None."""
    ref = audit.source.cell_ref if audit.source is not None else None
    return ref(line, column) if ref is not None else None


def location(audit: Audit, f: Finding) -> str:
    return cell_of(audit, f.line, f.column) or f"{f.line}:{f.column}"


def cell_texts(node: Node) -> dict[tuple[int, int], str]:
    """(line, column) → the text of every scalar value in a tree (for quoting table cells)."""
    out: dict[tuple[int, int], str] = {}
    stack: list[Node] = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, Scalar):
            if n.value is not None:
                out.setdefault((n.line, n.col), n.value)
        elif isinstance(n, Mapping):
            stack.extend(v for _, v in n.items)
        else:
            stack.extend(n.items)
    return out


def field_of(audit: Audit, f: Finding) -> str | None:
    """The indicator field whose cell the finding points into, if any."""
    doc = audit.document
    if doc is None or f.indicator is None or f.indicator >= len(doc.indicators):
        return None
    best: tuple[int, str] | None = None
    for name, cell in doc.indicators[f.indicator].cells.items():
        inside = (cell.line, cell.col) <= (f.line, f.column) and (f.line, f.column) < (
            cell.end_line,
            cell.end_col,
        )
        if inside:
            size = (cell.end_line - cell.line) * 10_000 + cell.end_col - cell.col
            if best is None or size < best[0]:
                best = (size, name)
    return best[1] if best else None


def field_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, list):
        return "；".join(str(v) for v in value)
    return str(value)


@dataclass(slots=True)
class ProjectCount:
    path: str
    errors: int = 0
    warnings: int = 0
    infos: int = 0
    unreadable: bool = False

    @property
    def total(self) -> int:
        return self.errors + self.warnings + self.infos


@dataclass(slots=True)
class BatchSummary:
    projects: int
    unreadable: int
    findings: int
    by_severity: Counter[str]
    by_kind: dict[str, Counter[str]]  # kind → severity → count, kinds in KINDS order
    worst: list[ProjectCount] = field(default_factory=list)
    clean: int = 0


def batch_summary(audits: Sequence[Audit], worst: int = 5) -> BatchSummary:
    by_kind: dict[str, Counter[str]] = {}
    by_severity: Counter[str] = Counter()
    counts: list[ProjectCount] = []
    for audit in audits:
        pc = ProjectCount(audit.path, unreadable=audit.error is not None)
        for f in audit.findings:
            by_severity[f.severity.value] += 1
            by_kind.setdefault(f.kind, Counter())[f.severity.value] += 1
            if f.severity is Severity.ERROR:
                pc.errors += 1
            elif f.severity is Severity.WARNING:
                pc.warnings += 1
            else:
                pc.infos += 1
        counts.append(pc)
    order = {k: i for i, k in enumerate(KINDS)}
    ranked = sorted(
        (c for c in counts if c.total or c.unreadable),
        key=lambda c: (-c.unreadable, -c.errors, -c.warnings, -c.infos, c.path),
    )
    return BatchSummary(
        projects=len(audits),
        unreadable=sum(c.unreadable for c in counts),
        findings=sum(by_severity.values()),
        by_severity=by_severity,
        by_kind=dict(sorted(by_kind.items(), key=lambda kv: order.get(kv[0], len(order)))),
        worst=ranked[:worst],
        clean=sum(1 for c in counts if not c.total and not c.unreadable),
    )


# What a report shows beside this year's value when a document was compared with another.
_COMPANION_LABELS: dict[str, tuple[str, str | None]] = {
    "previous": ("上年目标", "上年实际"),
    "declared": ("申报目标", None),
}


def companion_columns(audit: Audit) -> list[tuple[str, dict[int, str]]]:
    """(column label, indicator index → value as written) for last year's target and actual
    and the declared target, when the audit was compared (--previous, --declared)."""
    doc = audit.document
    if doc is None:
        return []
    out: list[tuple[str, dict[int, str]]] = []
    for pairing in audit.pairings:
        rows = [r for r in pairing.rows(doc) if r["indicator"] is not None]
        target_label, actual_label = _COMPANION_LABELS[pairing.role]
        out.append(
            (
                target_label,
                {
                    r["indicator"]: r["other_target"] or ""
                    for r in rows
                    if r["indicator"] is not None
                },
            )
        )
        if actual_label is not None:
            out.append(
                (
                    actual_label,
                    {
                        r["indicator"]: r["other_actual"] or ""
                        for r in rows
                        if r["indicator"] is not None
                    },
                )
            )
    return out
