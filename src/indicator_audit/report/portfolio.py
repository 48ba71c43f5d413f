"""The portfolio view of a batch: every project's quality score and grade, departments and
units compared, the most frequent problems, worst projects first.

The quality score (0–100) of a project with N indicators and E errors, W warnings and
I infos (prompts) among its findings:

    D = (3·E + 1·W + 0.2·I) / max(N, 1)        severity-weighted findings per indicator
    score = 100 / (1 + D)                       rounded to one decimal

so a clean table scores 100, one warning per indicator scores 50, one error per indicator 25;
a table twice the size needs twice the findings for the same score, which keeps departments
with large and small tables comparable. A group's (department's, unit's) score is the same
formula over the group's pooled findings and indicators, so a department is not lifted by
many tiny clean tables. Grades: 优 ≥ 90, 良 ≥ 75, 中 ≥ 60, 差 below. A file that could not be
checked has no score; it is listed first and counted apart.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from indicator_audit.core.findings import KINDS
from indicator_audit.run.records import FindingRecord, ProjectRecord

WEIGHTS = {"error": 3.0, "warning": 1.0, "info": 0.2}
GRADES: tuple[tuple[float, str], ...] = ((90.0, "优"), (75.0, "良"), (60.0, "中"), (0.0, "差"))
UNNAMED = "未注明"
EXAMPLES = 3  # example cells shown per problem


def penalty(findings: Sequence[FindingRecord]) -> float:
    return sum(WEIGHTS.get(f.severity, 0.0) for f in findings)


def score(weighted: float, indicators: int) -> float:
    return round(100.0 / (1.0 + weighted / max(indicators, 1)), 1)


def grade(value: float) -> str:
    return next(name for floor, name in GRADES if value >= floor)


@dataclass(frozen=True, slots=True)
class ProjectScore:
    record: ProjectRecord
    score: float | None  # None: the file could not be checked
    grade: str
    errors: int
    warnings: int
    infos: int

    @property
    def title(self) -> str:
        return self.record.name or self.record.path


@dataclass(slots=True)
class GroupScore:
    """A department or a unit: pooled indicators and findings."""

    name: str
    department: str  # the unit's department (the department itself for a department)
    projects: int = 0
    unreadable: int = 0
    indicators: int = 0
    findings: int = 0
    weighted: float = 0.0
    grades: Counter[str] = field(default_factory=Counter)

    @property
    def score(self) -> float | None:
        return score(self.weighted, self.indicators) if self.projects > self.unreadable else None


@dataclass(slots=True)
class Problem:
    """A rule (or a kind) and how often it was found."""

    key: str  # rule code, or kind
    label: str  # rule name, or the kind's Chinese label
    kind: str
    severity: str
    count: int = 0
    projects: set[str] = field(default_factory=set)
    examples: list[tuple[str, str, str]] = field(default_factory=list)  # (project, cell, message)


@dataclass(slots=True)
class Portfolio:
    projects: list[ProjectScore]  # worst first: unreadable, then by score, then by path
    departments: list[GroupScore]  # worst first
    units: list[GroupScore]  # worst first
    rules: list[Problem]  # most frequent first
    kinds: list[Problem]
    grades: Counter[str]
    findings: int
    indicators: int

    @property
    def overall(self) -> float | None:
        scored = [p for p in self.projects if p.score is not None]
        if not scored:
            return None
        return score(sum(penalty(p.record.findings) for p in scored), self.indicators)

    @property
    def unreadable(self) -> int:
        return sum(1 for p in self.projects if p.score is None)


def project_score(record: ProjectRecord) -> ProjectScore:
    counts = Counter(f.severity for f in record.findings)
    if record.error is not None:
        value = None
        name = "无法检查"
    else:
        value = score(penalty(record.findings), record.indicators)
        name = grade(value)
    return ProjectScore(record, value, name, counts["error"], counts["warning"], counts["info"])


def _group(
    groups: dict[tuple[str, str], GroupScore], name: str, department: str, p: ProjectScore
) -> None:
    g = groups.get((department, name))
    if g is None:
        g = groups[(department, name)] = GroupScore(name, department)
    g.projects += 1
    g.grades[p.grade] += 1
    if p.score is None:
        g.unreadable += 1
        return
    g.indicators += p.record.indicators
    g.findings += len(p.record.findings)
    g.weighted += penalty(p.record.findings)


def _worst_groups(groups: dict[tuple[str, str], GroupScore]) -> list[GroupScore]:
    return sorted(
        groups.values(),
        key=lambda g: (
            g.score is not None,
            g.score if g.score is not None else 0.0,
            g.department,
            g.name,
        ),
    )


def build(records: Sequence[ProjectRecord]) -> Portfolio:
    from indicator_audit.report.common import KIND_LABEL

    scored = [project_score(r) for r in records]
    departments: dict[tuple[str, str], GroupScore] = {}
    units: dict[tuple[str, str], GroupScore] = {}
    rules: dict[str, Problem] = {}
    kinds: dict[str, Problem] = {}
    for p in scored:
        department = p.record.department or UNNAMED
        unit = p.record.unit or department
        _group(departments, department, department, p)
        _group(units, unit, department, p)
        for f in p.record.findings:
            for table, key, label in (
                (rules, f.rule, f.name),
                (kinds, f.kind, KIND_LABEL.get(f.kind, f.kind)),
            ):
                problem = table.get(key)
                if problem is None:
                    problem = table[key] = Problem(key, label, f.kind, f.severity)
                problem.count += 1
                problem.projects.add(p.record.path)
                if len(problem.examples) < EXAMPLES and all(
                    e[0] != p.title for e in problem.examples
                ):
                    problem.examples.append((p.title, f.cell, f.message))
    order = {k: i for i, k in enumerate(KINDS)}
    return Portfolio(
        projects=sorted(
            scored,
            key=lambda p: (p.score is not None, p.score or 0.0, p.record.path),
        ),
        departments=_worst_groups(departments),
        units=_worst_groups(units),
        rules=sorted(rules.values(), key=lambda r: (-r.count, r.key)),
        kinds=sorted(kinds.values(), key=lambda k: (-k.count, order.get(k.key, len(order)))),
        grades=Counter(p.grade for p in scored),
        findings=sum(len(p.record.findings) for p in scored),
        indicators=sum(p.record.indicators for p in scored if p.score is not None),
    )
