"""Rule metadata and the decorators that attach it. Nothing registers by import side effect:
the built-in rules are listed in `checks.BUILTIN_RULES`, third-party rules come through the
`indicator_audit.rules` entry-point group."""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple, NotRequired, TypedDict, Unpack
from weakref import finalize

from indicator_audit.core.findings import KINDS, Edit, Finding, Severity
from indicator_audit.core.parsed import Span
from indicator_audit.lint.facts import IndicatorFacts, SharedFacts
from indicator_audit.lint.layout import Layout, read_as_meant
from indicator_audit.packs.load import Packs, Preset
from indicator_audit.read.document import Cell, Document, Indicator

# "pair" rules compare the document with another (last year's table, or the declared targets
# of a self-evaluation: RuleMeta.against); "batch" rules compare the documents of one run.
Scope = Literal["indicator", "document", "pair", "batch"]
# What rules about names and category labels read (see RuleMeta.reads).
LABEL_FIELDS: tuple[str, ...] = ("level1", "level2", "name", "formula")
# What rules about the spelling of value cells read (the target and its neighbours).
CELL_FIELDS: tuple[str, ...] = ("target", "comparator", "unit", "actual", "basis")


# The codes no rule makes but findings carry: a document that fails its schema, a rule that
# crashed, a suppression comment that suppressed nothing.
class InternalCode(NamedTuple):
    code: str
    name: str


SCHEMA_INVALID = InternalCode("IA001", "schema-invalid")
INTERNAL_ERROR = InternalCode("IA002", "internal-error")
UNUSED_SUPPRESSION = InternalCode("IA003", "unused-suppression")
INTERNAL_CODES: tuple[InternalCode, ...] = (SCHEMA_INVALID, INTERNAL_ERROR, UNUSED_SUPPRESSION)


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
    against: str = ""  # a pair rule's other document: "previous" or "declared"

    def __post_init__(self) -> None:
        if not _CODE.match(self.code):
            raise ValueError(f"rule code {self.code!r} must be IA + 3 digits")
        if not _NAME.match(self.name):
            raise ValueError(f"rule name {self.name!r} must be kebab-case")
        if self.kind not in KINDS:
            raise ValueError(f"rule {self.code}: unknown kind {self.kind!r}")
        if (self.scope == "pair") != (self.against in ("previous", "declared")):
            raise ValueError(f"rule {self.code}: a pair rule, and only one, names `against`")


# A check returns an iterable of findings. The built-in rules that run on every indicator
# return a tuple (() when they have nothing to say) rather than yield: a generator costs a
# third of a microsecond more per call, and a large table makes millions of calls.
IndicatorCheck = Callable[["IndicatorContext"], Iterable[Finding]]
DocumentCheck = Callable[["DocumentContext"], Iterable[Finding]]


@dataclass(frozen=True, slots=True)
class Rule:
    meta: RuleMeta
    check: Callable[[Any], Iterable[Finding]]


class RuleFields(TypedDict):
    """What every rule states about itself (see RuleMeta)."""

    code: str
    name: str
    kind: str
    severity: Severity
    source: str
    summary: str
    bad: str
    good: str
    packs: NotRequired[tuple[str, ...]]


def _rule(scope: Scope, **meta: Any) -> Callable[[Callable[[Any], Iterable[Finding]]], Rule]:
    def wrap(fn: Callable[[Any], Iterable[Finding]]) -> Rule:
        doc = inspect.cleandoc(fn.__doc__ or "")
        return Rule(RuleMeta(scope=scope, doc=doc, **meta), fn)

    return wrap


def indicator_rule(
    *,
    reads: tuple[str, ...] = (),
    needs: tuple[str, ...] = (),
    **meta: Unpack[RuleFields],
) -> Callable[[IndicatorCheck], Rule]:
    """Make an indicator check a rule: it runs once per indicator (or once per distinct value
    of the fields it `reads`), and not at all where a field it `needs` is empty."""
    return _rule("indicator", reads=reads, needs=needs, **meta)


def document_rule(**meta: Unpack[RuleFields]) -> Callable[[DocumentCheck], Rule]:
    """Make a document check a rule: it runs once per document."""
    return _rule("document", **meta)


def pair_rule(
    *, against: Literal["previous", "declared"], **meta: Unpack[RuleFields]
) -> Callable[[Callable[[Any], Iterable[Finding]]], Rule]:
    """A rule over two documents (lint/pairs.py). Its `bad` and `good` examples are YAML
    mappings of two documents: `current` and `previous` (or `declared`)."""
    return _rule("pair", against=against, **meta)


def batch_rule(**meta: Unpack[RuleFields]) -> Callable[[Callable[[Any], Iterable[Finding]]], Rule]:
    """A rule over the documents of one run (run/peers.py). Its examples are YAML lists of
    documents."""
    return _rule("batch", **meta)


# What a memoised rule said about an indicator, without its location:
# (rule, field, message, span, suggestion, (edit start, end, replacement) or None)
Proto = tuple[RuleMeta, str | None, str, Span | None, str | None, tuple[int, int, str] | None]


# ---------------------------------------------------------------------------------------------
# The contexts a rule's check receives: the document (with its packs and preset) and, for an
# indicator rule, the indicator's facts.

# Each document's facts, made once for its packs: the rules, the pair rules and the batch step
# each make a context of one document, and its facts (what they compute lazily, shared as they
# fill) are the same for all; they go with the document.
# (By id: a document compares by value and has no hash; its entry goes when it does.)
_FACTS: dict[int, tuple[Packs, Layout, list[IndicatorFacts]]] = {}


class DocumentContext:
    __slots__ = (
        "__weakref__",
        "document",
        "facts",
        "layout",
        "memo",
        "packs",
        "preset",
        "rule",
    )

    def __init__(self, document: Document, packs: Packs, preset: Preset) -> None:
        self.document = document
        self.packs = packs
        self.preset = preset
        self.layout: Layout
        self.facts: list[IndicatorFacts]
        known = _FACTS.get(id(document))
        if known is not None and known[0] is packs:
            _, self.layout, self.facts = known
        else:
            shared: SharedFacts = {}  # facts of repeated labels, names and targets: see analysis
            # the table as meant: merged labels filled in, names read from the 二级 column
            indicators, self.layout = read_as_meant(document.indicators, packs)
            self.facts = [IndicatorFacts(ind, packs, shared) for ind in indicators]
            if known is None:
                finalize(document, _FACTS.pop, id(document), None)
            _FACTS[id(document)] = (packs, self.layout, self.facts)
        self.rule: RuleMeta | None = None
        self.memo: dict[str, object] = {}  # derived data shared by the rules of one document

    def finding(
        self,
        message: str,
        *,
        cell: Cell | None = None,
        span: Span | None = None,
        indicator: int | None = None,
        pointer: str | None = None,
        suggestion: str | None = None,
        edit: Edit | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> Finding:
        assert self.rule is not None
        rule = self.rule
        if cell is not None:
            ln, col, end_ln, end_col = cell.locate(span)
            where = pointer or cell.pointer
        elif indicator is not None:
            ind = self.document.indicators[indicator]
            ln, col = (line, column) if line and column else (ind.line, ind.col)
            end_ln, end_col = ln, col + 1
            where = pointer or ind.pointer
        else:
            ln = line or 1
            col = column or 1
            end_ln, end_col = ln, col + 1
            where = pointer or ""
        return Finding(
            rule=rule.code,
            name=rule.name,
            kind=rule.kind,
            severity=rule.severity,
            message=message,
            line=ln,
            column=col,
            end_line=end_ln,
            end_column=end_col,
            pointer=where,
            indicator=indicator,
            suggestion=suggestion,
            edit=edit,
        )

    def empty_cell(self, ind: Indicator, field: str) -> tuple[int | None, int | None]:
        """Where an empty field of a table row stands (the blank cell under the field's
        column), so that a finding about a missing value points at the cell to fill in;
        (None, None) in a text file and for a field the table has no column for."""
        columns: dict[str, int] | None = getattr(self.document.source, "columns", None)
        if not columns or field not in columns or ind.sentence:
            return None, None
        return ind.line, columns[field]

    def goal_cells(self) -> list[Cell]:
        doc = self.document
        return doc.value_cells("goals.annual") + doc.value_cells("goals.overall")

    def top_key(self, name: str) -> tuple[int, int]:
        """Line and column of a top-level key, or of the document start."""
        root = self.document.source.root
        from indicator_audit.core.model import TargetsDocument, alias_table

        table = alias_table(TargetsDocument)
        for key, _ in getattr(root, "items", []):
            if key.value is not None and table.get(key.value) == name:
                return key.line, key.col
        return 1, 1


class IndicatorContext:
    __slots__ = ("doc", "facts", "index", "recording")

    def __init__(self, doc: DocumentContext, facts: IndicatorFacts) -> None:
        self.doc = doc
        self.facts = facts
        self.index = facts.indicator.index
        # while memoising rules that read only some fields: what each finding was made of
        self.recording: list[Proto] | None = None

    @property
    def packs(self) -> Packs:
        return self.doc.packs

    def finding(
        self,
        field: str | None,
        message: str,
        *,
        span: Span | None = None,
        suggestion: str | None = None,
        edit: Edit | None = None,
    ) -> Finding:
        """A finding on this indicator, at the cell of `field` (or the indicator itself)."""
        rule = self.doc.rule
        assert rule is not None
        if self.recording is not None:
            rel = (edit.start, edit.end, edit.replacement) if edit is not None else None
            self.recording.append((rule, field, message, span, suggestion, rel))
        cell = self.facts.indicator.cell(field) if field else None
        if cell is not None:  # the common case, without DocumentContext.finding's branches
            line, col, end_line, end_col = cell.locate(span)
            return Finding(
                rule.code,
                rule.name,
                rule.kind,
                rule.severity,
                message,
                line,
                col,
                end_line,
                end_col,
                cell.pointer,
                self.index,
                suggestion,
                edit,
            )
        at_line, at_col = self._empty_cell(field)
        return self.doc.finding(
            message,
            span=span,
            indicator=self.index,
            pointer=self._pointer(field),
            suggestion=suggestion,
            edit=edit,
            line=at_line,
            column=at_col,
        )

    def _empty_cell(self, field: str | None) -> tuple[int | None, int | None]:
        if field is None:
            return None, None
        return self.doc.empty_cell(self.facts.indicator, field)

    def _pointer(self, field: str | None) -> str:
        base = self.facts.indicator.pointer
        return f"{base}/{field}" if field and not self.facts.indicator.sentence else base

    def edit(self, field: str, start: int, end: int, replacement: str) -> Edit | None:
        cell = self.facts.indicator.cell(field)
        if cell is None or cell.base_col is None:
            return None
        return Edit(cell.pointer, start, end, replacement, cell.line, cell.base_col, cell.text)
