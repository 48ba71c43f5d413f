"""Which kind of project a document describes, with the words that show it and how sure it is.

A type given by the user (`--type`, or `project.type` in the document) wins when it names a
sector library. Otherwise each library's signal words are looked for in the project name, the
budget-content items, the goals and the indicator names together; where a word stands weighs
more than how often it occurs (a name says what the project is, a goal may mention a road a
lighting project lights, an indicator name may be copied from another project's template).

The type is used only when it is clearly ahead: its score reaches `_THRESHOLD` and beats the
runner-up by `_MARGIN`. Below that the project is "未识别" and `suggest` makes only the
suggestions that do not depend on the type (the general library).
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
_THRESHOLD = 7  # e.g. one strong word in the name, or a medium one there and more elsewhere
_MARGIN = 1.25  # the best type's score over the runner-up's


@dataclass(frozen=True, slots=True)
class Evidence:
    word: str
    where: str  # 项目名称 / 主要内容 / 绩效目标 / 指标名称 / project.type / --type
    points: int


@dataclass(frozen=True, slots=True)
class ProjectType:
    template: Template
    explicit: bool  # given by the user (--type or project.type)
    score: int
    evidence: tuple[Evidence, ...]
    note: str | None = None  # e.g. a given type that names no library, or a close runner-up
    confidence: float = 1.0  # 0–1: how far ahead of the runner-up and the threshold
    runner_up: str | None = None

    @property
    def name(self) -> str:
        return self.template.type

    @property
    def recognised(self) -> bool:
        return self.explicit or not self.template.is_general

    def describe(self) -> str:
        """One line for people: the type and why."""
        if self.explicit:
            where = self.evidence[0].where if self.evidence else "project.type"
            return f"{self.name}（{where} 指定）"
        if self.template.is_general:
            return "未识别（只给出与类型无关的建议）" + (f"；{self.note}" if self.note else "")
        words = "、".join(f"{e.where}“{e.word}”" for e in self.evidence[:6])
        sure = f"置信度 {self.confidence:.0%}"
        return f"{self.name}（{sure}；依据：{words}）" + (f"；{self.note}" if self.note else "")


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
    """Each signal word once, at the place where it counts most."""
    weights = dict(_PLACES)
    best: dict[str, Evidence] = {}
    for where, text in places:
        for word, weight in template.detect.items():
            if word in text:
                found = Evidence(word, where, weight * weights[where])
                if word not in best or found.points > best[word].points:
                    best[word] = found
    # a word inside a longer signal found at the same place (护 in 养护) is not counted twice
    kept = [
        e
        for e in best.values()
        if not any(
            o.word != e.word and e.word in o.word and o.where == e.where for o in best.values()
        )
    ]
    return sorted(kept, key=lambda e: -e.points)


def _given(name: str, where: str) -> ProjectType | None:
    chosen = template_for(name) or next(
        (t for t in load_templates() if not t.is_general and t.type in name), None
    )
    if chosen is None:
        return None
    return ProjectType(chosen, True, 0, (Evidence(name, where, 0),))


def type_names() -> list[str]:
    """The types a user may give (--type): every library's type name."""
    return [t.type for t in load_templates()]


def detect_project_type(document: Document, override: str | None = None) -> ProjectType:
    """The project's type: `override` (--type) first, then project.type, then the text."""
    notes: list[str] = []
    for given, where in ((override, "--type"), (document.model.project.type, "project.type")):
        name = (given or "").strip()
        if not name:
            continue
        found = _given(name, where)
        if found is not None:
            return found
        notes.append(f"{where}“{name}”不对应任何行业指标库，改为按文字识别")
    places = _places(document)
    scored: list[tuple[int, Template, list[Evidence]]] = []
    for template in load_templates():
        if template.is_general:
            continue
        evidence = score_template(template, places)
        scored.append((sum(e.points for e in evidence), template, evidence))
    scored.sort(key=lambda s: -s[0])
    note = "；".join(notes) or None
    if not scored or scored[0][0] == 0:
        return ProjectType(general_template(), False, 0, (), note, 0.0)
    score, template, evidence = scored[0]
    second = scored[1][0] if len(scored) > 1 else 0
    runner = scored[1][1].type if len(scored) > 1 and second > 0 else None
    confidence = min(1.0, score / _THRESHOLD / 2) * (1 - second / score / 2)
    if score < _THRESHOLD or score < second * _MARGIN:
        why = (
            f"最接近“{template.type}”（{score} 分）"
            + (f"与“{runner}”（{second} 分）" if runner else "")
            + "，证据不足：可用 --type 或 project.type 指定"
        )
        return ProjectType(
            general_template(),
            False,
            score,
            tuple(evidence),
            "；".join([*notes, why]),
            round(confidence, 2),
            runner,
        )
    return ProjectType(template, False, score, tuple(evidence), note, round(confidence, 2), runner)
