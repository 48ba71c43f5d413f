"""From a positioned node tree to a validated document whose every value knows where it stands.

Every form people write resolves to the same `TargetsDocument`:
indicators as a list of mappings, as bare sentences ("平均故障恢复时间不超过 25 分钟"), or
nested by category (`{产出指标: {数量指标: [...]}}`); project and goal keys at the top level are
lifted into their blocks. Each indicator keeps its 0-based index in document order and, for
each field, a `Cell` with the file position of its text.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from indicator_audit.core.model import (
    BudgetExecution,
    Goals,
    IndicatorFields,
    Project,
    TargetsDocument,
    TotalScore,
    alias_table,
    validate,
)
from indicator_audit.core.parsed import Span
from indicator_audit.core.text import closest
from indicator_audit.read.source import Mapping, Node, Scalar, Sequence, Source


class Cell:
    """A value's text and where it stands in the file (1-based, end exclusive).

    A plain slotted class rather than a frozen dataclass: one is made per value of every
    indicator, and a frozen dataclass's __init__ costs several times more. Treat as immutable.
    """

    __slots__ = ("base_col", "col", "end_col", "end_line", "line", "pointer", "text")

    def __init__(
        self,
        text: str,
        pointer: str,
        line: int,
        col: int,
        end_line: int,
        end_col: int,
        base_col: int | None,  # column of text[0] when the text stands verbatim on one line
    ) -> None:
        self.text = text
        self.pointer = pointer
        self.line = line
        self.col = col
        self.end_line = end_line
        self.end_col = end_col
        self.base_col = base_col

    def __repr__(self) -> str:
        return f"Cell({self.text!r}, {self.pointer!r}, {self.line}:{self.col})"

    def locate(self, span: Span | None) -> tuple[int, int, int, int]:
        """File position of a span inside the text; the whole cell when it cannot be mapped."""
        if span is None or self.base_col is None:
            return self.line, self.col, self.end_line, self.end_col
        start = min(max(span.start, 0), len(self.text))
        end = min(max(span.end, start), len(self.text))
        return self.line, self.base_col + start, self.line, self.base_col + max(end, start + 1)

    def sub(self, start: int, end: int, pointer: str | None = None) -> Cell:
        """The cell of text[start:end] (for the parts of a bare indicator sentence)."""
        piece = self.text[start:end]
        if self.base_col is None:
            return Cell(
                piece,
                pointer or self.pointer,
                self.line,
                self.col,
                self.end_line,
                self.end_col,
                None,
            )
        col = self.base_col + start
        return Cell(
            piece, pointer or self.pointer, self.line, col, self.line, col + len(piece), col
        )


# The cells of an indicator not made yet: (pointer + "/", the category cells it inherits,
# (field, key as a pointer token, value node) for each value written)
_Pending = tuple[str, dict[str, Cell], list[tuple[str, str, Scalar]]]


def _make_cells(pending: _Pending, made: dict[str, Cell] | None = None) -> dict[str, Cell]:
    """The cells of an indicator; `made` are those already made one by one (Indicator.cell)."""
    prefix, levels, written = pending
    cells = dict(levels)
    for name, token, v in written:
        cells[name] = (made.get(name) if made else None) or _cell(v, prefix + token)
    return cells


class Indicator:
    """One indicator: its fields, and for each field the cell it was written in.

    The cells are made when first asked for: most indicators of a large table are checked
    without a finding, and in a process that checks only some of them (see parallel.py) the
    others never need theirs."""

    __slots__ = (
        "_cells",
        "_made",
        "_pending",
        "col",
        "fields",
        "index",
        "line",
        "pointer",
        "sentence",
    )

    def __init__(
        self,
        index: int,  # 0-based, document order
        pointer: str,  # JSON pointer of the indicator node as written
        fields: IndicatorFields,
        cells: dict[str, Cell] | _Pending,  # field name → cell, or what to make them from
        line: int,
        col: int,
        sentence: bool = False,  # written as a bare sentence
    ) -> None:
        self.index = index
        self.pointer = pointer
        self.fields = fields
        self._cells: dict[str, Cell] | None = None
        self._pending: _Pending | None = None
        self._made: dict[str, Cell] = {}
        if isinstance(cells, dict):
            self._cells = cells
        else:
            self._pending = cells
        self.line = line
        self.col = col
        self.sentence = sentence

    def __repr__(self) -> str:
        return f"Indicator({self.index}, {self.pointer!r}, {self.fields!r})"

    @property
    def cells(self) -> dict[str, Cell]:
        """Field name → cell."""
        cells = self._cells
        if cells is None:
            assert self._pending is not None
            cells = self._cells = _make_cells(self._pending, self._made)
            self._pending = None
        return cells

    def cell(self, name: str) -> Cell | None:
        """The cell of one field: made alone if the others are not needed yet (a finding
        needs one cell; the same object is in `cells` later)."""
        if self._cells is not None:
            return self._cells.get(name)
        made = self._made.get(name)
        if made is None:
            assert self._pending is not None
            prefix, levels, written = self._pending
            for field, token, v in written:
                if field == name:
                    made = _cell(v, prefix + token)
                    break
            if made is None:
                return levels.get(name)
            self._made[name] = made
        return made


@dataclass(slots=True)
class SchemaProblem:
    message: str
    line: int
    col: int
    pointer: str


@dataclass(slots=True, weakref_slot=True)  # the rules' facts go with it (lint/registry.py)
class Document:
    path: str
    source: Source
    model: TargetsDocument
    indicators: list[Indicator]
    cells: dict[str, Cell]  # pointer → cell, for document-level values (goals, content, ...)
    paths: dict[str, str]  # "goals.annual" → pointer as written

    def value_cells(self, path: str) -> list[Cell]:
        """The cells of a document field: one for a text, one per item for a list."""
        pointer = self.paths.get(path)
        if pointer is None:
            return []
        if pointer in self.cells:
            return [self.cells[pointer]]
        out: list[Cell] = []
        while (cell := self.cells.get(f"{pointer}/{len(out)}")) is not None:
            out.append(cell)
        return out


class DocumentError(Exception):
    """The file is YAML but not a valid targets document; every problem is located."""

    def __init__(self, problems: list[SchemaProblem]) -> None:
        super().__init__(problems[0].message)
        self.problems = problems


_TOP = alias_table(TargetsDocument)
_PROJECT = alias_table(Project)
_GOALS = alias_table(Goals)
_BUDGET = alias_table(BudgetExecution)
_INDICATOR = alias_table(IndicatorFields)
_BLOCKS = {
    "project": _PROJECT,
    "goals": _GOALS,
    "budget_execution": _BUDGET,
    "total": alias_table(TotalScore),
}
# Top-level keys that belong to a block ("项目名称: …" written flat).
_LIFTED: dict[str, tuple[str, str]] = {}
for _block, _table in (("project", _PROJECT), ("goals", _GOALS)):
    for _spelling, _field in _table.items():
        if _spelling not in _TOP and _spelling not in ("name", "type", "content", "year"):
            _LIFTED.setdefault(_spelling, (_block, _field))
_LIFTED.update({"项目名称": ("project", "name")})


def _esc(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


# Every spelling of an indicator key → (field, the spelling as a pointer token): one lookup
# per cell, for keys that repeat on every indicator.
_INDICATOR_KEYS: dict[str, tuple[str, str]] = {
    spelling: (field, _esc(spelling)) for spelling, field in _INDICATOR.items()
}


def _cell(node: Scalar, pointer: str) -> Cell:
    return Cell(
        node.value or "",
        pointer,
        node.line,
        node.col,
        node.end_line,
        node.end_col,
        node.base_col,
    )


def _hint(key: str, spellings: Iterable[str]) -> str:
    close = closest(key, spellings)
    return f"；是否想写“{close}”？" if close else ""


class _Builder:
    def __init__(self, source: Source) -> None:
        self.source = source
        self.problems: list[SchemaProblem] = []
        self.cells: dict[str, Cell] = {}
        self.indicators: list[tuple[str, dict[str, Any], _Pending, int, int, bool]] = []
        self.paths: dict[str, str] = {}  # "goals.annual" → the pointer it was written at

    def problem(self, message: str, line: int, col: int, pointer: str) -> None:
        self.problems.append(SchemaProblem(message, line, col, pointer))

    # -- plain values ---------------------------------------------------------------------

    def plain(self, node: Node, pointer: str) -> Any:
        """Node → plain data (scalars stay text), recording a cell for every scalar."""
        if isinstance(node, Scalar):
            if node.value is not None:
                self.cells[pointer] = _cell(node, pointer)
            return node.value
        if isinstance(node, Sequence):
            return [self.plain(item, f"{pointer}/{i}") for i, item in enumerate(node.items)]
        out: dict[str, Any] = {}
        for key, value in node.items:
            assert key.value is not None
            if key.value in out:
                self.problem(
                    f"键“{key.value}”重复出现", key.line, key.col, f"{pointer}/{_esc(key.value)}"
                )
                continue
            out[key.value] = self.plain(value, f"{pointer}/{_esc(key.value)}")
        return out

    def block(self, node: Node, pointer: str, table: dict[str, str], what: str, name: str) -> Any:
        if not isinstance(node, Mapping):
            if isinstance(node, Scalar) and node.value is None:
                return {}
            self.problem(f"“{what}”应为键值映射", node.line, node.col, pointer)
            return {}
        out: dict[str, Any] = {}
        for key, value in node.items:
            assert key.value is not None
            field = table.get(key.value)
            kp = f"{pointer}/{_esc(key.value)}"
            if field is None:
                self.problem(
                    f"“{what}”中有未知的键“{key.value}”{_hint(key.value, table)}",
                    key.line,
                    key.col,
                    kp,
                )
                continue
            if field in out:
                self.problem(f"键“{key.value}”与前面的键重复", key.line, key.col, kp)
                continue
            out[field] = self.plain(value, kp)
            self.paths[f"{name}.{field}"] = kp
        return out

    # -- indicators -----------------------------------------------------------------------

    def indicators_node(self, node: Node, pointer: str) -> None:
        if isinstance(node, Sequence):
            for i, item in enumerate(node.items):
                self.indicator(item, f"{pointer}/{i}", {})
        elif isinstance(node, Mapping):
            # nested by category: {一级: {二级: [...]}} or {一级: [...]}
            for key, value in node.items:
                assert key.value is not None
                kp = f"{pointer}/{_esc(key.value)}"
                level1 = {"level1": _cell(key, kp)}
                if isinstance(value, Mapping):
                    for key2, value2 in value.items:
                        assert key2.value is not None
                        kp2 = f"{kp}/{_esc(key2.value)}"
                        levels = {**level1, "level2": _cell(key2, kp2)}
                        self.category_items(value2, kp2, levels)
                else:
                    self.category_items(value, kp, level1)
        elif not (isinstance(node, Scalar) and node.value is None):
            self.problem("“indicators”应为列表或按类别嵌套的映射", node.line, node.col, pointer)

    def category_items(self, node: Node, pointer: str, levels: dict[str, Cell]) -> None:
        if isinstance(node, Sequence):
            for i, item in enumerate(node.items):
                self.indicator(item, f"{pointer}/{i}", levels)
        elif isinstance(node, Scalar) and node.value is not None:
            self.indicator(node, pointer, levels)
        elif not (isinstance(node, Scalar) and node.value is None):
            self.problem("类别下应为指标列表", node.line, node.col, pointer)

    def indicator(self, node: Node, pointer: str, levels: dict[str, Cell]) -> None:
        data: dict[str, Any] = {name: cell.text for name, cell in levels.items()} if levels else {}
        if type(node) is Mapping:  # the common form first: one mapping per indicator
            prefix = pointer + "/"
            written: list[tuple[str, str, Scalar]] = []
            for key, value in node.items:
                spelling = key.value
                assert spelling is not None
                known = _INDICATOR_KEYS.get(spelling)
                if known is None:
                    self.problem(
                        f"指标中有未知的键“{spelling}”{_hint(spelling, _INDICATOR)}",
                        key.line,
                        key.col,
                        prefix + _esc(spelling),
                    )
                    continue
                field, escaped = known
                if field in data and field not in levels:
                    self.problem(
                        f"键“{spelling}”与前面的键重复", key.line, key.col, prefix + escaped
                    )
                    continue
                if type(value) is Scalar:
                    text = value.value
                    data[field] = text
                    if text is not None:
                        written.append((field, escaped, value))
                else:
                    self.problem(f"“{spelling}”应为单个值", value.line, value.col, prefix + escaped)
            pending: _Pending = (prefix, levels, written)
            sentence = False
        elif isinstance(node, Scalar):
            if node.value is None:
                self.problem("指标为空", node.line, node.col, pointer)
                return
            sentence = True
            cells: dict[str, Cell] = dict(levels)
            whole = _cell(node, pointer)
            name_end, target_start = _split_sentence(whole.text)
            cells["name"] = whole.sub(0, name_end)
            data["name"] = cells["name"].text
            if target_start < len(whole.text):
                cells["target"] = whole.sub(target_start, len(whole.text))
                data["target"] = cells["target"].text
            pending = ("", cells, [])
        else:
            self.problem("指标应为一句话或键值映射", node.line, node.col, pointer)
            return
        self.indicators.append((pointer, data, pending, node.line, node.col, sentence))


def _split_sentence(text: str) -> tuple[int, int]:
    """Where the name of a bare indicator sentence ends and its target starts."""
    from indicator_audit.parse.grammar import parse_cell  # the grammar is built on first use

    parsed = parse_cell(text, "sentence")
    clause = parsed.first
    if parsed.error is not None or clause is None or not clause.subject:
        return len(text), len(text)
    at = text.find(clause.subject)
    end = at + len(clause.subject) if at >= 0 else len(text)
    start = end
    while start < len(text) and text[start] in " \u3000":
        start += 1
    return end, start


# The longest value a document may hold. Real cells, even pasted goal paragraphs, stay far
# below it; a longer one is a mistake or an attack, and every rule that reads a value is then
# bounded by it (a rule's cost per value may grow faster than its length).
MAX_VALUE_CHARS = 5000


def _too_long(b: _Builder, root: Node) -> None:
    """A located problem for every value longer than MAX_VALUE_CHARS."""
    if not _any_too_long(root):
        return  # the usual case: no pointer strings built for every value of a large table
    stack: list[tuple[Node, str]] = [(root, "")]
    while stack:
        node, pointer = stack.pop()
        if isinstance(node, Scalar):
            if node.value is not None and len(node.value) > MAX_VALUE_CHARS:
                b.problem(
                    f"内容过长（{len(node.value)} 字，上限 {MAX_VALUE_CHARS} 字）",
                    node.line,
                    node.col,
                    pointer,
                )
        elif isinstance(node, Mapping):
            for key, value in node.items:
                kp = f"{pointer}/{_esc(key.value or '')}"
                stack += ((key, kp), (value, kp))
        else:
            stack += ((item, f"{pointer}/{i}") for i, item in enumerate(node.items))


def _any_too_long(root: Node) -> bool:
    stack: list[Node] = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, Scalar):
            if node.value is not None and len(node.value) > MAX_VALUE_CHARS:
                return True
        elif isinstance(node, Mapping):
            for key, value in node.items:
                stack += (key, value)
        else:
            stack += node.items
    return False


def build(source: Source) -> Document:
    """Validate a loaded source as a targets document; raise DocumentError with every problem."""
    b = _Builder(source)
    root = source.root
    _too_long(b, root)
    if not isinstance(root, Mapping):
        raise DocumentError(
            [SchemaProblem("文件顶层应为键值映射（project、goals、indicators …）", 1, 1, "")]
        )
    data: dict[str, Any] = {}
    lifted: dict[str, dict[str, Any]] = {"project": {}, "goals": {}}
    seen: set[str] = set()
    for key, value in root.items:
        assert key.value is not None
        kp = "/" + _esc(key.value)
        field = _TOP.get(key.value)
        if field is None and key.value in _LIFTED:
            block, sub = _LIFTED[key.value]
            lifted[block][sub] = b.plain(value, kp)
            b.paths.setdefault(f"{block}.{sub}", kp)
            continue
        if field is None:
            b.problem(
                f"未知的顶层键“{key.value}”{_hint(key.value, [*_TOP, *_LIFTED])}",
                key.line,
                key.col,
                kp,
            )
            continue
        if field in seen:
            b.problem(f"键“{key.value}”与前面的键重复", key.line, key.col, kp)
            continue
        seen.add(field)
        if field == "indicators":
            b.indicators_node(value, kp)
        else:
            data[field] = b.block(value, kp, _BLOCKS[field], key.value, field)
    for block, values in lifted.items():
        if values:
            data[block] = {**values, **(data.get(block) or {})}
    data["indicators"] = [item[1] for item in b.indicators]
    model, invalid = validate(data)
    for loc, kind in invalid:
        _schema_problem(b, root, loc, kind)
    if b.problems:
        b.problems.sort(key=lambda p: (p.line, p.col))
        raise DocumentError(b.problems)
    indicators = [
        Indicator(i, pointer, fields, pending, line, col, sentence)
        for i, ((pointer, _, pending, line, col, sentence), fields) in enumerate(
            zip(b.indicators, model.indicators, strict=True)
        )
    ]
    return Document(source.path, source, model, indicators, b.cells, b.paths)


_TYPE_MESSAGES = {
    "float_parsing": "应为数字",
    "float_type": "应为数字",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "string_type": "应为文字",
    "list_type": "应为列表",
    "dict_type": "应为键值映射",
}


def _schema_problem(b: _Builder, root: Mapping, loc: tuple[str | int, ...], kind: str) -> None:
    if loc and loc[0] == "indicators" and len(loc) >= 2 and isinstance(loc[1], int):
        pointer, _, pending, line, col, _ = b.indicators[loc[1]]
        cells = _make_cells(pending)
        field = str(loc[2]) if len(loc) > 2 else None
        cell = cells.get(field) if field else None
        if cell is not None:
            line, col = cell.line, cell.col
        where = f"{pointer}/{field}" if field else pointer
        value = cell.text if cell else None
    else:
        where = "/" + "/".join(_esc(str(p)) for p in loc)
        cell = b.cells.get(where)
        line, col = (cell.line, cell.col) if cell else (root.line, root.col)
        value = cell.text if cell else None
    base = _TYPE_MESSAGES.get(kind, "类型不符")
    shown = value if value is None or len(value) <= 40 else value[:40] + "…"
    got = f"，实际为“{shown}”" if shown is not None else ""
    b.problem(f"{where or '/'}：{base}{got}", line, col, where)
