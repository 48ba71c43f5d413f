"""Which kind of project a document describes, and the words that show it.

An explicit `project.type` wins when it names a template. Otherwise each template's detection
words are looked for in the project name, the budget-content items, the goals and the indicator
names; where a word stands weighs more than how often it occurs (a name says what the project
is, an indicator name may be copied from another project's template).
"""

from __future__ import annotations

from dataclasses import dataclass

from indicator_audit.packs.templates import Template, general_template, load_templates, template_for
from indicator_audit.read.document import Document

# Where a word was found → how much it counts.
_PLACES: tuple[tuple[str, int], ...] = (
    ("项目名称", 3),
    ("主要内容", 2),
    ("绩效目标", 1),
    ("指标名称", 1),
)
_THRESHOLD = 3  # one strong word in the name, or several weaker ones elsewhere


@dataclass(frozen=True, slots=True)
class Evidence:
    word: str
    where: str  # 项目名称 / 主要内容 / 绩效目标 / 指标名称 / project.type
    points: int


@dataclass(frozen=True, slots=True)
class ProjectType:
    template: Template
    explicit: bool  # taken from project.type
    score: int
    evidence: tuple[Evidence, ...]
    note: str | None = None  # e.g. an explicit type that names no template

    @property
    def name(self) -> str:
        return self.template.type

    @property
    def recognised(self) -> bool:
        return self.explicit or not self.template.is_general

    def describe(self) -> str:
        """One line for people: the type and why."""
        if self.explicit:
            return f"{self.name}（project.type 指定）"
        if self.template.is_general:
            return "未识别（按通用指标建议）" + (f"；{self.note}" if self.note else "")
        words = "、".join(f"{e.where}“{e.word}”" for e in self.evidence[:6])
        return f"{self.name}（依据：{words}）" + (f"；{self.note}" if self.note else "")


def _places(document: Document) -> list[tuple[str, str]]:
    m = document.model
    goals = " ".join([m.goals.overall or "", *m.goals.annual])
    names = " ".join(ind.fields.name or "" for ind in document.indicators)
    return [
        ("项目名称", m.project.name or ""),
        ("主要内容", " ".join(m.project.content)),
        ("绩效目标", goals),
        ("指标名称", names),
    ]


def score_template(template: Template, places: list[tuple[str, str]]) -> list[Evidence]:
    weights = dict(_PLACES)
    found: list[Evidence] = []
    for where, text in places:
        for word, weight in template.detect.items():
            if word in text:
                found.append(Evidence(word, where, weight * weights[where]))
    return found


def detect_project_type(document: Document) -> ProjectType:
    note: str | None = None
    declared = (document.model.project.type or "").strip()
    if declared:
        chosen = template_for(declared) or next(
            (t for t in load_templates() if not t.is_general and t.type in declared), None
        )
        if chosen is not None:
            return ProjectType(chosen, True, 0, (Evidence(declared, "project.type", 0),))
        note = f"project.type“{declared}”不对应任何模板，改为按文字识别"
    places = _places(document)
    best: tuple[int, Template, list[Evidence]] | None = None
    for template in load_templates():
        if template.is_general:
            continue
        evidence = score_template(template, places)
        score = sum(e.points for e in evidence)
        if score >= _THRESHOLD and (best is None or score > best[0]):
            best = (score, template, evidence)
    if best is None:
        return ProjectType(general_template(), False, 0, (), note)
    score, template, evidence = best
    evidence.sort(key=lambda e: -e.points)
    return ProjectType(template, False, score, tuple(evidence), note)
