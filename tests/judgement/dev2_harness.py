"""The second set of real tables (dev_tables_2) and a senior auditor's labels for them
(dev_labels_2), both copied verbatim from the shared material into tests/judgement/dev2/.

This module turns each project into a targets document (tests/documents/dev2/PNN.yaml, written
by `python tests/judgement/dev2_harness.py`) and scores the tool's findings exactly as the
labels' header says:

- recall: a `must` label ("a|b": either kind names the problem) is hit by a finding of an
  allowed kind on the same row, or on the project for the project's labels;
- precision: the distinct (row, kind) pairs reported, at every severity (an info is a claim
  too), that are `must` (any alternative) or `may` for that row; a row not listed is clean.

A finding without an indicator counts against the project's labels.

Held-out projects: no rule is changed while looking at their rows or labels. Only their
aggregate figures are ever printed.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "tests" / "judgement" / "dev2"
TABLES = SOURCE / "dev_tables_2.yaml"
LABELS = SOURCE / "dev_labels_2.yaml"
DOCUMENTS = ROOT / "tests" / "documents" / "dev2"

HELD_OUT: frozenset[str] = frozenset({"P03", "P17", "P24", "P31", "P37", "P43", "P49", "P52"})

PROJECT = "project"  # the row key of a finding that has no indicator
Row = int | str  # an indicator's 0-based position, or PROJECT


# -- documents ------------------------------------------------------------------------------

_FIELDS = (
    "level1",
    "level2",
    "name",
    "comparator",
    "target",
    "unit",
    "weight",
    "actual",
    "score",
    "explanation",
)


def load_tables() -> list[dict[str, Any]]:
    data = yaml.safe_load(TABLES.read_text(encoding="utf-8"))
    projects: list[dict[str, Any]] = data["projects"]
    return projects


def _scalar(value: object) -> str:
    """A YAML scalar for a value copied from a cell: text is always quoted (a cell such as
    `100`, `是` or `≥90%` stays text), whole numbers lose their `.0`."""
    if isinstance(value, bool):
        raise TypeError(value)
    if isinstance(value, int | float):
        return str(int(value)) if float(value).is_integer() else repr(float(value))
    text = str(value)
    if "\n" in text or "\\" in text:
        return json.dumps(text, ensure_ascii=False)
    return "'" + text.replace("'", "''") + "'"


def _comment(text: object) -> str:
    return " ".join(str(text).split())


_NUMBER = r"(\d+(?:\.\d+)?)"


def budget_execution(budget: str | None) -> dict[str, float]:
    """What a budget cell states about budget execution, and nothing it does not state:
    分值 N (weight), 得分 N (score), 全年预算数 / 全年执行数 or "A / B（万元）" (planned /
    spent), or an amount with 执行率 X% (spent = amount × X%). Amounts are in 万元. A score
    given without its 分值 at an execution rate of 100% is full marks: the weight is the score."""
    if not budget:
        return {}
    out: dict[str, float] = {}
    if m := re.search("分值\\s*" + _NUMBER, budget):
        out["weight"] = float(m.group(1))
    if m := re.search("得分\\s*" + _NUMBER, budget):
        out["score"] = float(m.group(1))
    planned = re.search("全年预算数\\s*" + _NUMBER, budget)
    spent = re.search("全年执行数\\s*" + _NUMBER, budget)
    pair = re.search(_NUMBER + "\\s*/\\s*" + _NUMBER + "\\s*（万元）", budget)
    rate = re.search("执行率\\s*" + _NUMBER + "\\s*%", budget)
    amount = re.match("\\s*" + _NUMBER + "\\s*万元", budget)
    if planned and spent:
        out["planned"], out["spent"] = float(planned.group(1)), float(spent.group(1))
    elif pair:
        out["planned"], out["spent"] = float(pair.group(1)), float(pair.group(2))
    elif amount and rate:
        out["planned"] = float(amount.group(1))
        out["spent"] = round(out["planned"] * float(rate.group(1)) / 100, 6)
    if "score" in out and "weight" not in out and rate and float(rate.group(1)) == 100:
        out["weight"] = out["score"]
    return out


def document_text(project: dict[str, Any]) -> str:
    """The targets document for one project of dev_tables_2: every cell the table has, in the
    model's English keys; what the model has no field for is kept as a comment."""
    pid = project["id"]
    lines = [
        f"# source: shared/domain/dev_tables_2.yaml {pid} — {_comment(project['form'])}",
        f"# source: {_comment(project['source'])}",
        f"# sector: {_comment(project['sector'])}; quality (curator's note): "
        f"{_comment(project['quality'])}",
        f"# notes (dev_tables_2): {_comment(project['notes'])}",
    ]
    for key in ("actual_summary", "total_score"):
        if project.get(key):
            lines.append(f"# {key}: {_comment(project[key])}")
    lines.append("project:")
    lines.append(f"  name: {_scalar(project['name'])}")
    lines.append(f"  department: {_scalar(project['unit'])}")
    if project.get("year") is not None:
        lines.append(f"  year: {int(project['year'])}")
    if project.get("budget"):
        lines.append(f"  budget: {_scalar(project['budget'])}")
    if project.get("annual_goal"):
        lines.append("goals:")
        lines.append(f"  annual: {_scalar(project['annual_goal'])}")
    be = budget_execution(project.get("budget"))
    if be:
        inner = ", ".join(f"{k}: {_scalar(v)}" for k, v in be.items())
        lines.append(f"budget_execution: {{{inner}}}  # 万元, read from the budget cell")
    lines.append("indicators:")
    for row, indicator in enumerate(project["indicators"]):
        lines.append(f"  # row {row}")
        if indicator.get("note"):
            lines.append(f"  # note: {_comment(indicator['note'])}")
        unknown = set(indicator) - {*_FIELDS, "note"}
        if unknown:
            raise ValueError(f"{pid} row {row}: no field for {sorted(unknown)}")
        present = [k for k in _FIELDS if indicator.get(k) is not None]
        for i, key in enumerate(present):
            lead = "  - " if i == 0 else "    "
            lines.append(f"{lead}{key}: {_scalar(indicator[key])}")
        if not present:
            lines.append("  - {}")
    return "\n".join(lines) + "\n"


def document_path(pid: str) -> Path:
    return DOCUMENTS / f"{pid}.yaml"


def write_documents() -> list[Path]:
    DOCUMENTS.mkdir(parents=True, exist_ok=True)
    written = []
    for project in load_tables():
        path = document_path(project["id"])
        path.write_text(document_text(project), encoding="utf-8")
        written.append(path)
    return written


# -- labels and scoring ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Labels:
    must: tuple[frozenset[str], ...]  # each: the kinds that fairly name one problem
    may: frozenset[str]

    @property
    def allowed(self) -> frozenset[str]:
        return self.may.union(*self.must) if self.must else self.may


CLEAN = Labels((), frozenset())


def _labels(spec: dict[str, Any] | None) -> Labels:
    spec = spec or {}
    must = tuple(frozenset(item.split("|")) for item in spec.get("must") or [])
    return Labels(must, frozenset(spec.get("may") or []))


def load_labels(path: Path = LABELS) -> dict[str, dict[Row, Labels]]:
    """Labels in dev_labels_2's format (the made-up corpus's labels use it too)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    out: dict[str, dict[Row, Labels]] = {}
    for pid, spec in data.items():
        rows: dict[Row, Labels] = {PROJECT: _labels(spec.get("project"))}
        for row, labels in (spec.get("rows") or {}).items():
            rows[int(row)] = _labels(labels)
        out[pid] = rows
    return out


@dataclass(frozen=True, slots=True)
class Reported:
    """One (row, kind) pair the tool reported, with the first finding that made it."""

    project: str
    row: Row
    kind: str
    rule: str
    severity: str
    message: str


@dataclass(slots=True, repr=False)
class Score:
    must: int = 0
    hit: int = 0
    reported: int = 0
    wanted: int = 0
    missed: list[tuple[str, Row, str]] = field(default_factory=list)
    unwanted: list[Reported] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.hit / self.must if self.must else 1.0

    @property
    def precision(self) -> float:
        return self.wanted / self.reported if self.reported else 1.0

    def add(self, other: Score) -> None:
        self.must += other.must
        self.hit += other.hit
        self.reported += other.reported
        self.wanted += other.wanted
        self.missed += other.missed
        self.unwanted += other.unwanted

    def __repr__(self) -> str:
        # only figures: a failing assertion must not print a held-out project's rows
        return f"Score({self.figures()})"

    def figures(self) -> str:
        return (
            f"recall {self.recall:.3f} ({self.hit}/{self.must})  "
            f"precision {self.precision:.3f} ({self.wanted}/{self.reported})"
        )


def reported_pairs(pid: str, findings: Iterable[Any]) -> dict[tuple[Row, str], Reported]:
    """The distinct (row, kind) pairs of a project's findings (FindingResult objects)."""
    pairs: dict[tuple[Row, str], Reported] = {}
    for f in findings:
        row: Row = f.indicator if f.indicator is not None else PROJECT
        key = (row, f.kind)
        if key not in pairs:
            pairs[key] = Reported(pid, row, f.kind, f.rule, str(f.severity), f.message)
    return pairs


def score_project(
    pid: str, labels: dict[Row, Labels], pairs: dict[tuple[Row, str], Reported]
) -> Score:
    score = Score()
    kinds_at: dict[Row, set[str]] = {}
    for row, kind in pairs:
        kinds_at.setdefault(row, set()).add(kind)
    for row, row_labels in labels.items():
        for alternatives in row_labels.must:
            score.must += 1
            if alternatives & kinds_at.get(row, set()):
                score.hit += 1
            else:
                score.missed.append((pid, row, "|".join(sorted(alternatives))))
    for (row, kind), reported in pairs.items():
        score.reported += 1
        if kind in labels.get(row, CLEAN).allowed:
            score.wanted += 1
        else:
            score.unwanted.append(reported)
    return score


def audit_project(pid: str, path: Path | None = None) -> dict[tuple[Row, str], Reported]:
    from indicator_audit import audit_file

    result = audit_file(path if path is not None else document_path(pid))
    if result.error is not None:
        raise AssertionError(f"{pid}: {result.error}")
    return reported_pairs(pid, result.findings)


@dataclass(slots=True)
class Scores:  # its repr is the three Scores' figures only
    tuning: Score
    held_out: Score
    all: Score


def score_all(pids: Sequence[str] | None = None) -> Scores:
    labels = load_labels()
    scores = Scores(Score(), Score(), Score())
    for pid in pids if pids is not None else sorted(labels):
        one = score_project(pid, labels[pid], audit_project(pid))
        (scores.held_out if pid in HELD_OUT else scores.tuning).add(one)
        scores.all.add(one)
    return scores


def tuning_report(score: Score) -> list[str]:
    """The tuning split's disagreements, one per line (never called on held-out projects)."""
    lines = []
    for pid, row, kinds in sorted(score.missed, key=str):
        assert pid not in HELD_OUT
        lines.append(f"  missed   {pid} row {row}: {kinds}")
    for r in sorted(score.unwanted, key=lambda r: (r.project, str(r.row), r.kind)):
        assert r.project not in HELD_OUT
        lines.append(
            f"  unwanted {r.project} row {r.row}: {r.kind} ({r.rule} {r.severity}) {r.message}"
        )
    return lines


if __name__ == "__main__":
    for path in write_documents():
        print(path.relative_to(ROOT), file=sys.stderr)
