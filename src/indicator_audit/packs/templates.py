"""Indicator templates by project type (rules/templates/*.yaml): loaded once and validated.

A template is data only: the indicators a project of that type usually needs, each with a
target *form* whose number is a marked blank (`≥__次`), the basis to fill it from and the goal
or content words it answers. A template never carries a number: numbers come from the
document (budget, goal counts) or stay blank.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from indicator_audit.core.resources import list_resources
from indicator_audit.packs.load import load_pack

BLANK = "__"
DEADLINE = "____年__月底前"
# A form: comparator, blank, unit (≥__次, ≤__万元/个) or a deadline (____年__月底前).
_FORM = re.compile(r"^(?:([≥≤=])__([^\d_\s]+)|____年__月底前)$")


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TemplateIndicator(_Data):
    id: str
    level1: Literal["产出指标", "效益指标", "满意度指标", "成本指标"]
    level2: str
    name: str
    target: str  # the form, with a marked blank
    formula: str | None = None
    basis: str  # 计划标准 / 行业标准 / 历史标准 and what exactly to read the number from
    answers: list[str] = []  # goal and content words this indicator measures
    covers: list[str] = []  # words in an existing indicator's name that already measure it
    core: bool = False  # proposed for every project of the type when nothing covers it
    fill: Literal["budget"] | None = None  # the blank is filled from the document's budget
    source: str

    @field_validator("target")
    @classmethod
    def _form(cls, value: str) -> str:
        if not _FORM.match(value):
            raise ValueError(
                f"指标值形式“{value}”应为比较符 + __ + 单位（如 ≥__次）或 ____年__月底前"
            )
        return value

    @property
    def direction(self) -> str:
        """≥, ≤ or =; a deadline is a latest date (≤)."""
        m = _FORM.match(self.target)
        return m.group(1) if m is not None and m.group(1) else "≤"

    @property
    def unit(self) -> str:
        """The unit the target is written in (日期 for a deadline)."""
        m = _FORM.match(self.target)
        return "日期" if m is None or m.group(1) is None else m.group(2)

    @model_validator(mode="after")
    def _rate_has_formula(self) -> TemplateIndicator:
        if self.target.endswith("%") and not self.formula:
            raise ValueError(f"比率指标“{self.name}”应给出计算公式")
        return self


class Template(_Data):
    type: str
    aliases: list[str] = []
    source: str
    satisfaction_group: str
    detect: dict[str, int]  # keyword → weight
    indicators: list[TemplateIndicator]

    @property
    def is_general(self) -> bool:
        return not self.detect


def _load(name: str) -> Template:
    return load_pack(Template, name)


@cache
def load_templates() -> tuple[Template, ...]:
    """Every template, in file order; the general fallback (no detection words) last."""
    found = [_load(name) for name in list_resources("rules", "templates")]
    return tuple(sorted(found, key=lambda t: t.is_general))


def general_template() -> Template:
    return next(t for t in load_templates() if t.is_general)


def template_for(type_name: str) -> Template | None:
    """The template whose type or alias is `type_name` (as written in project.type)."""
    wanted = type_name.strip()
    for t in load_templates():
        if wanted == t.type or wanted in t.aliases:
            return t
    return None
