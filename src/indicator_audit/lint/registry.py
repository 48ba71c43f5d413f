"""Rule metadata and the decorators that attach it. Nothing registers by import side effect:
the built-in rules are listed in `checks.BUILTIN_RULES`, third-party rules come through the
`indicator_audit.rules` entry-point group."""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from indicator_audit.core.findings import KINDS, Finding, Severity

if TYPE_CHECKING:
    from indicator_audit.lint.engine import DocumentContext, IndicatorContext

Scope = Literal["indicator", "document"]
# What rules about names and category labels read (see RuleMeta.reads).
LABEL_FIELDS: tuple[str, ...] = ("level1", "level2", "name", "formula")
# What rules about the spelling of value cells read (the target and its neighbours).
CELL_FIELDS: tuple[str, ...] = ("target", "comparator", "unit", "actual", "basis")
_CODE = re.compile(r"^IA\d{3}$")
_NAME = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")


@dataclass(frozen=True, slots=True)
class RuleMeta:
    code: str
    name: str
    kind: str
    severity: Severity
    scope: Scope
    source: str  # the official document and clause, or "practice"
    summary: str  # one Chinese line: what the rule checks
    bad: str  # YAML of a document (or an indicator mapping) that the rule flags
    good: str  # … and a near-miss it must not flag
    packs: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()  # old names, kept when a rule is renamed
    # The indicator fields the rule's result depends on, when it is only a few: the engine
    # then runs it once per distinct combination (tests check memoised == direct results).
    reads: tuple[str, ...] = ()
    # Indicator fields without which the rule has nothing to say (self-evaluation rules need
    # an actual value): the engine does not call it for indicators that lack one of them.
    needs: tuple[str, ...] = ()
    doc: str = ""

    def __post_init__(self) -> None:
        if not _CODE.match(self.code):
            raise ValueError(f"rule code {self.code!r} must be IA + 3 digits")
        if not _NAME.match(self.name):
            raise ValueError(f"rule name {self.name!r} must be kebab-case")
        if self.kind not in KINDS:
            raise ValueError(f"rule {self.code}: unknown kind {self.kind!r}")


# A check returns an iterable of findings. The built-in rules that run on every indicator
# return a tuple (() when they have nothing to say) rather than yield: a generator costs a
# third of a microsecond more per call, and a large table makes millions of calls.
IndicatorCheck = Callable[["IndicatorContext"], Iterable[Finding]]
DocumentCheck = Callable[["DocumentContext"], Iterable[Finding]]


@dataclass(frozen=True, slots=True)
class Rule:
    meta: RuleMeta
    check: Callable[[Any], Iterable[Finding]]


def _rule(scope: Scope, **meta: Any) -> Callable[[Callable[[Any], Iterable[Finding]]], Rule]:
    def wrap(fn: Callable[[Any], Iterable[Finding]]) -> Rule:
        doc = inspect.cleandoc(fn.__doc__ or "")
        return Rule(RuleMeta(scope=scope, doc=doc, **meta), fn)

    return wrap


def indicator_rule(
    *,
    code: str,
    name: str,
    kind: str,
    severity: Severity,
    source: str,
    summary: str,
    bad: str,
    good: str,
    packs: tuple[str, ...] = (),
    reads: tuple[str, ...] = (),
    needs: tuple[str, ...] = (),
) -> Callable[[IndicatorCheck], Rule]:
    return _rule(
        "indicator",
        reads=reads,
        needs=needs,
        code=code,
        name=name,
        kind=kind,
        severity=severity,
        source=source,
        summary=summary,
        bad=bad,
        good=good,
        packs=packs,
    )


def document_rule(
    *,
    code: str,
    name: str,
    kind: str,
    severity: Severity,
    source: str,
    summary: str,
    bad: str,
    good: str,
    packs: tuple[str, ...] = (),
) -> Callable[[DocumentCheck], Rule]:
    return _rule(
        "document",
        code=code,
        name=name,
        kind=kind,
        severity=severity,
        source=source,
        summary=summary,
        bad=bad,
        good=good,
        packs=packs,
    )
