"""Finding the indicator table in a grid of cells and building the targets node tree from it.

Budget staff fill 绩效目标申报表 / 绩效自评表 in Excel: a title row, a project block (项目名称,
主管部门, 预算, 年度目标 …), then the indicator table under a header row — often two header
rows ("年度指标值" over 指标性质 / 指标值 / 度量单位), with the 一级 / 二级 cells merged down.
A sheet may hold several projects one after another. The Excel and CSV readers turn a sheet
into a `Grid`; this module finds each project in it and builds the same tree the YAML
loader would produce (project / goals / budget_execution / indicators), every scalar at its
row (line) and column.

Column names and labels are matched through `model.alias_table` (the single list of accepted
spellings, shared with the YAML keys), after removing spaces and line breaks and a trailing
note in brackets ("指标值（包含数字及文字描述）", "分值(分)").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from indicator_audit.core.model import BudgetExecution, Goals, IndicatorFields, Project, alias_table
from indicator_audit.read.source import Mapping, Node, Scalar, Sequence, Source

# Column heads beside a goal label ("年度总体目标 | 预期目标 | 实际完成情况"): the goal is
# written below them.
_SUB_LABELS = frozenset({"预期目标", "年度预期目标", "实际完成情况", "全年实际完成情况"})
# First cell of a row that ends the indicator table.
_FOOTERS = (
    "总分",
    "合计",
    "总计",
    "存在问题",
    "改进措施",
    "问题及改进",
    "说明",
    "备注",
    "填报说明",
    "填表说明",
    "填表人",
    "填报人",
    "联系电话",
    "审核人",
    "单位负责人",
    "财务负责人",
    "评价结论",
    "自评结论",
)
_LEVELS = ("level1", "level2")
_SPACE = re.compile(r"[\s\u3000]+")
_NOTE = re.compile(r"[（(][^（）()]*[）)]$")
_YEAR = re.compile(r"((?:19|20)\d\d)\s*年")
_YEAR_VALUE = re.compile(r"^((?:19|20)\d\d)(?:年度?|年)?$")


def _ascii(text: str) -> bool:
    return text.isascii()


# Every spelling comes from core/model.py, the one table of aliases that YAML keys use too.
_HEADERS: dict[str, str] = alias_table(IndicatorFields)
_LABELS: dict[str, tuple[str, str]] = {
    **{k: ("goals", v) for k, v in alias_table(Goals).items() if not _ascii(k)},
    **{k: ("project", v) for k, v in alias_table(Project).items() if not _ascii(k)},
}
_BUDGET: dict[str, str] = {k: v for k, v in alias_table(BudgetExecution).items() if not _ascii(k)}


def normalize(text: str) -> str:
    """A header or label as compared: no spaces or line breaks, no marks around it."""
    return _SPACE.sub("", text).strip("：:*＊")


def _lookup(text: str, table: dict[str, str]) -> str | None:
    key = normalize(text)
    if not key:
        return None
    found = table.get(key)
    if found is None:
        stripped = _NOTE.sub("", key)
        found = table.get(stripped) if stripped != key else None
    return found


@lru_cache(maxsize=1 << 16)  # the same headers and cells recur in every file of a batch
def header_field(text: str) -> str | None:
    """The indicator field a column header names ("年度指标值" → "target"), if any."""
    return _lookup(text, _HEADERS)


@lru_cache(maxsize=1 << 16)
def label_field(text: str) -> tuple[str, str] | None:
    """The project or goal field a block label names ("项目名称" → ("project", "name"))."""
    key = normalize(text)
    found = _LABELS.get(key) or _LABELS.get(_NOTE.sub("", key))
    return found


def budget_field(text: str) -> str | None:
    return _lookup(text, _BUDGET)


@dataclass(slots=True)
class Grid:
    """A sheet as text; every cell of a merged area resolves to the area's top-left cell."""

    cells: list[list[str]]  # [row - 1][col - 1], "" when empty (and inside merged areas)
    merged: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)
    # the widest row, counted once: every scan of a row goes up to it
    n_cols: int = field(init=False, default=0)
    # each row as shown (merged areas resolved), made once: finding the headers, the end of
    # the table and the indicators read the same rows again and again
    _shown: dict[int, list[tuple[str, int, int]]] = field(init=False, default_factory=dict)
    _merged_cols: dict[int, list[int]] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        # every read of a cell strips it: strip each once
        self.cells = [[v.strip() for v in row] for row in self.cells]
        self.n_cols = max((len(r) for r in self.cells), default=0)
        for r, c in self.merged:
            self._merged_cols.setdefault(r, []).append(c)

    @property
    def n_rows(self) -> int:
        return len(self.cells)

    def origin(self, row: int, col: int) -> tuple[int, int]:
        return self.merged.get((row, col), (row, col))

    def at(self, row: int, col: int) -> tuple[str, int, int]:
        """(text, row, col) of the cell that shows at (row, col), merged areas resolved."""
        found = self.merged.get((row, col))
        r, c = found if found is not None else (row, col)
        cells = self.cells
        if 0 < r <= len(cells):
            line = cells[r - 1]
            if 0 < c <= len(line):
                return line[c - 1], r, c
        return "", r, c

    def shown(self, row: int) -> list[tuple[str, int, int]]:
        """`at(row, col)` for every column 1 … n_cols (index col - 1)."""
        out = self._shown.get(row)
        if out is None:
            line = self.cells[row - 1] if 0 < row <= len(self.cells) else []
            line = line + [""] * (self.n_cols - len(line))
            out = [(text, row, col) for col, text in enumerate(line, 1)]
            for col in self._merged_cols.get(row, ()):
                if col <= self.n_cols:
                    out[col - 1] = self.at(row, col)
            self._shown[row] = out
        return out

    def plain(self, row: int) -> list[str] | None:
        """The row's cells (fewer than n_cols when its last ones are empty) when no merged
        area covers any of them, so that each shows where it stands: the common row, read
        without building `shown`. None for a row with a covered cell."""
        if row in self._merged_cols or not 0 < row <= len(self.cells):
            return None
        return self.cells[row - 1]

    def distinct(self, row: int) -> list[tuple[str, int, int]]:
        """The non-empty cells showing in a row, each merged area once, left to right."""
        out: list[tuple[str, int, int]] = []
        seen: set[tuple[int, int]] = set()
        for text, r, c in self.shown(row):
            if text and (r, c) not in seen:
                seen.add((r, c))
                out.append((text, r, c))
        return out


@dataclass(slots=True)
class TableSource(Source):
    """A project read from a table: where it stands, for reports that annotate the table."""

    file: str = ""
    sheet: str | None = None  # None for a CSV file
    first_row: int = 1  # first row of the project block
    header_row: int = 1  # last header row
    last_row: int = 1  # last row of the indicator table
    last_col: int = 1
    columns: dict[str, int] = field(default_factory=dict)  # field → column


def _scalar(text: str | None, row: int, col: int) -> Scalar:
    return Scalar(text, row, col, row, col + 1, None)


@dataclass(slots=True)
class _Header:
    first: int
    last: int
    columns: dict[str, tuple[int, int, int]]  # field → (column, header row, header col)


def _row_fields(grid: Grid, row: int) -> dict[int, tuple[str, int, int]]:
    out: dict[int, tuple[str, int, int]] = {}
    line = grid.plain(row)
    if line is not None:  # every row is asked whether it is a header: the quick way first
        for col, text in enumerate(line, 1):
            name = header_field(text) if text else None
            if name is not None:
                out[col] = (name, row, col)
        return out
    for col, (text, r, c) in enumerate(grid.shown(row), 1):
        name = header_field(text) if text else None
        if name is not None:
            out[col] = (name, r, c)
    return out


def _is_header(fields: dict[int, tuple[str, int, int]]) -> bool:
    names = {f[0] for f in fields.values()}
    return len(names) >= 3 and ("name" in names or "target" in names)


def _header_at(grid: Grid, row: int) -> _Header | None:
    first = _row_fields(grid, row)
    if not _is_header(first):
        return None
    combined = dict(first)
    if row < grid.n_rows:
        second = _row_fields(grid, row + 1)
        for col in range(1, grid.n_cols + 1):
            below = second.get(col)
            if below is not None and (below[1], below[2]) != grid.origin(row, col):
                combined[col] = below  # "指标性质 | 指标值 | 度量单位" under "年度指标值"
            elif col not in first:
                # a header broken over two unmerged cells: "偏差原因分析" / "及改进措施"
                top, r, c = grid.at(row, col)
                low = grid.at(row + 1, col)[0]
                name = header_field(top + low) if top and low else None
                if name is not None:
                    combined[col] = (name, r, c)
        if {f[0] for f in combined.values()} > {f[0] for f in first.values()}:
            return _Header(row, row + 1, _first_columns(combined))
    return _Header(row, row, _first_columns(first))


def _first_columns(fields: dict[int, tuple[str, int, int]]) -> dict[str, tuple[int, int, int]]:
    # Two columns with one meaning (计算公式 and 指标解释): the leftmost wins.
    out: dict[str, tuple[int, int, int]] = {}
    for col in sorted(fields):
        name, r, c = fields[col]
        out.setdefault(name, (col, r, c))
    return out


def _is_title(cells: list[tuple[str, int, int]]) -> bool:
    return len(cells) == 1 and "表" in cells[0][0] and "绩效" in cells[0][0]


def _ends_table(grid: Grid, row: int) -> bool:
    line = grid.plain(row)
    if line is None:
        cells = grid.distinct(row)
        if not cells:
            return False
        return _ends_with(cells[0][0], len(cells) > 1)
    first = None  # in a row without merged cells, the distinct cells are the non-empty ones
    for text in line:
        if text:
            if first is not None:
                return _ends_with(first, True)
            first = text
    return first is not None and _ends_with(first, False)


@lru_cache(maxsize=1 << 12)  # a table's rows start with the same few category labels
def _ends_with(first: str, more: bool) -> bool:
    """Whether a row whose first cell shows `first` (and `more` cells after it) ends the
    table: a title, a footer, or a project label with its value."""
    return (
        (not more and "表" in first and "绩效" in first)  # a title (_is_title)
        or normalize(first).startswith(_FOOTERS)
        or (more and label_field(first) is not None)
    )


def find_headers(grid: Grid) -> list[_Header]:
    out: list[_Header] = []
    row = 1
    while row <= grid.n_rows:
        header = _header_at(grid, row)
        if header is None:
            row += 1
            continue
        out.append(header)
        row = header.last + 1
    return out


class _Block:
    """The project block above a table: label → value cells, and a budget-execution table."""

    def __init__(self, grid: Grid, first: int, last: int) -> None:
        self.grid = grid
        self.project: dict[str, tuple[Scalar, Scalar]] = {}
        self.goals: dict[str, tuple[Scalar, Scalar]] = {}
        self.budget: dict[str, tuple[Scalar, Scalar]] = {}
        self.title_year: tuple[str, int, int] | None = None
        consumed: set[tuple[int, int]] = set()
        row = first
        while row <= last:
            cells = [c for c in grid.distinct(row) if (c[1], c[2]) not in consumed]
            if _is_title(cells) and (m := _YEAR.search(cells[0][0])):
                self.title_year = (m.group(1), cells[0][1], cells[0][2])
            if self._budget_table(row, cells, last):
                row += 2
                continue
            self._pairs(row, cells, consumed)
            row += 1

    def _budget_table(self, row: int, cells: list[tuple[str, int, int]], last: int) -> bool:
        found = [(budget_field(t), r, c) for t, r, c in cells]
        names = {f for f, _, _ in found if f}
        if len(names) < 2 or not names & {"planned", "spent"} or row >= last:
            return False
        for name, r, c in found:
            if name is None or name in self.budget:
                continue
            text, vr, vc = self.grid.at(row + 1, c)
            if text and vr == row + 1:
                self.budget[name] = (_scalar(name, r, c), _scalar(text, vr, vc))
        return True

    def _pairs(
        self, row: int, cells: list[tuple[str, int, int]], consumed: set[tuple[int, int]]
    ) -> None:
        i = 0
        while i < len(cells):
            text, r, c = cells[i]
            i += 1
            label, inline = text, ""
            for sep in ("：", ":"):
                if sep in text:
                    label, inline = text.split(sep, 1)
                    break
            target = label_field(label)
            if target is None:
                continue
            block, name = target
            value: tuple[str, int, int] | None = None
            if inline.strip():
                value = (inline.strip(), r, c)
            elif i < len(cells) and label_field(cells[i][0]) is None:
                value = cells[i]
                i += 1
                if normalize(value[0]) in _SUB_LABELS:  # the goal text is under its column head
                    below = self.grid.at(value[1] + 1, value[2])
                    value = below if below[0] else None
                    if value is not None:
                        consumed.add((value[1], value[2]))
            if value is None:
                continue
            into = self.project if block == "project" else self.goals
            if name in into:
                continue  # the first of two synonyms (项目单位, 实施单位) wins
            vtext, vr, vc = value
            if name == "year" and (m := _YEAR_VALUE.match(normalize(vtext))):
                vtext = m.group(1)
            into[name] = (_scalar(name, r, c), _scalar(vtext, vr, vc))


def _mapping(pairs: dict[str, tuple[Scalar, Scalar]], row: int, col: int) -> Mapping:
    return Mapping(row, col, [(k, v) for k, v in pairs.values()])


_TOTALS = ("总分", "合计", "总计")


def _total_row(grid: Grid, header: _Header, row: int) -> dict[str, tuple[Scalar, Scalar]]:
    """The 分值 and 得分 of a 总分 / 合计 row that ends the table, under their columns."""
    cells = grid.distinct(row)
    if not cells or not normalize(cells[0][0]).startswith(_TOTALS):
        return {}
    out: dict[str, tuple[Scalar, Scalar]] = {}
    for name in ("weight", "score"):
        if name not in header.columns:
            continue
        col = header.columns[name][0]
        text, r, c = grid.at(row, col)
        if text and r == row and c == col:
            out[name] = (_scalar(name, r, c), _scalar(text, r, c))
    return out


def _indicators(
    grid: Grid, header: _Header, stop: int
) -> tuple[Sequence, int, dict[str, tuple[Scalar, Scalar]]]:
    """The indicator rows under a header, up to the first row that ends the table, and the
    points of that row when it is the table's 总分 row."""
    seq = Sequence(header.last + 1, 1)
    first_col = min(col for col, _, _ in header.columns.values())
    mapped = {col for col, _, _ in header.columns.values()}
    ordered = sorted(header.columns.items(), key=lambda x: x[1][0])  # the columns left to right
    columns = [(name, col) for name, (col, _, _) in header.columns.items()]
    prev: dict[str, tuple[str, int, int]] = {}
    last = header.last
    total: dict[str, tuple[Scalar, Scalar]] = {}
    for row in range(header.last + 1, stop + 1):
        if _ends_table(grid, row):
            total = _total_row(grid, header, row)
            break
        values: dict[str, tuple[str, int, int]] = {}
        line = grid.plain(row)
        if line is not None:  # no merged cell: each cell shows where it stands
            n = len(line)
            for name, col in columns:
                if col <= n and (text := line[col - 1]):
                    values[name] = (text, row, col)
        else:
            shown = grid.shown(row)
            for name, col in columns:
                text, r, c = shown[col - 1]
                if not text:
                    continue
                if name in _LEVELS or (r == row and (c == col or c not in mapped)):
                    values[name] = (text, r, c)
        if not values:
            continue
        last = row
        # Blank or merged 一级 / 二级 carry down; 二级 only within the same 一级 group.
        level1 = values.get("level1")
        same_group = level1 is None or ("level1" in prev and level1[1:] == prev["level1"][1:])
        for name in _LEVELS:
            if name not in values and name in prev and (name == "level1" or same_group):
                values[name] = prev[name]
        for name in _LEVELS:
            if name in values:
                prev[name] = values[name]
            else:
                prev.pop(name, None)
        if not values.keys() & {"name", "target", "actual"}:
            continue  # a category row ("产出指标 | | | 50"): it only sets the carried levels
        item = Mapping(row, first_col)
        pairs = item.items
        for name, (_col, hr, hc) in ordered:
            if name in values:
                text, r, c = values[name]
                # _scalar, written out: two of these for every cell of a large table
                pairs.append((Scalar(name, hr, hc, hr, hc + 1, None), Scalar(text, r, c, r, c + 1)))
        seq.items.append(item)
    return seq, last, total


def extract(
    grid: Grid,
    file: str,
    sheet: str | None,
    path: str,
    loader: str,
    cell_ref: Callable[[int, int], str],
) -> list[TableSource]:
    """Every project of a sheet: a block of labels, then an indicator table."""
    headers = find_headers(grid)
    sources: list[TableSource] = []
    block_start = 1
    for i, header in enumerate(headers):
        stop = headers[i + 1].first - 1 if i + 1 < len(headers) else grid.n_rows
        seq, last, total = _indicators(grid, header, stop)
        block = _Block(grid, block_start, header.first - 1)
        root = Mapping(block_start, 1)
        if block.title_year and "year" not in block.project:
            text, r, c = block.title_year
            block.project["year"] = (_scalar("year", r, c), _scalar(text, r, c))
        for key, pairs in (
            ("project", block.project),
            ("goals", block.goals),
            ("budget_execution", block.budget),
        ):
            if pairs:
                first = next(iter(pairs.values()))[0]
                root.items.append(
                    (_scalar(key, first.line, first.col), _mapping(pairs, first.line, first.col))
                )
        col0 = min(col for col, _, _ in header.columns.values())
        root.items.append((_scalar("indicators", header.first, col0), seq))
        if total:
            first = next(iter(total.values()))[0]
            root.items.append(
                (_scalar("total", first.line, first.col), _mapping(total, first.line, first.col))
            )
        sources.append(
            TableSource(
                path=path,
                text="",
                encoding="utf-8",
                root=root,
                loader=loader,
                cell_ref=cell_ref,
                file=file,
                sheet=sheet,
                first_row=block_start,
                header_row=header.last,
                last_row=last,
                last_col=grid.n_cols,
                columns={k: v[0] for k, v in header.columns.items()},
            )
        )
        block_start = last + 1
    if len(sources) > 1:
        for k, s in enumerate(sources, 1):
            s.path = f"{path}[{k}]"  # "[" cannot occur in a sheet name
    return sources


class CellRef:
    """A table cell's name in reports ("Sheet1!D7", or "D7" in a CSV file): a class, not a
    closure, so that an audit can be sent between processes."""

    __slots__ = ("prefix",)

    def __init__(self, sheet: str | None) -> None:
        self.prefix = "" if sheet is None else _quote(sheet) + "!"

    def __call__(self, line: int, col: int) -> str:
        return f"{self.prefix}{column_letter(col)}{line}"


def _quote(sheet: str) -> str:
    if re.fullmatch(r"[A-Za-z_\u4e00-\u9fff][\w\u4e00-\u9fff.]*", sheet):
        return sheet
    return "'" + sheet.replace("'", "''") + "'"


def column_letter(col: int) -> str:
    out = ""
    while col > 0:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


def rows_to_tree(rows: Sequence, line: int, col: int) -> Node:
    """A list of row objects keyed by column names (a JSON table) → the document tree.

    Keys are matched like table headers; an unknown key is kept so the document check names
    it. Project columns (项目名称 …) repeated on every row fill the project block once; blank
    一级 / 二级 cells carry down as in a sheet.
    """
    project: dict[str, tuple[Scalar, Scalar]] = {}
    goals: dict[str, tuple[Scalar, Scalar]] = {}
    seq = Sequence(rows.line, rows.col)
    prev: dict[str, tuple[Scalar, Node]] = {}
    for row in rows.items:
        assert isinstance(row, Mapping)
        item = Mapping(row.line, row.col)
        levels: dict[str, tuple[Scalar, Node]] = {}
        for key, value in row.items:
            assert key.value is not None
            name = header_field(key.value)
            if name is None and (lf := label_field(key.value)) is not None:
                into = project if lf[0] == "project" else goals
                if isinstance(value, Scalar) and value.value and lf[1] not in into:
                    into[lf[1]] = (_renamed(key, lf[1]), value)
                continue
            if name is None:
                item.items.append((key, value))
                continue
            if isinstance(value, Scalar) and (value.value is None or not value.value.strip()):
                continue
            pair = (_renamed(key, name), value)
            if name in _LEVELS:
                levels[name] = pair
            item.items.append(pair)
        same_group = "level1" not in levels
        for name in _LEVELS:
            if name not in levels and name in prev and (name == "level1" or same_group):
                item.items.insert(0 if name == "level1" else 1, prev[name])
                levels[name] = prev[name]
        prev = levels
        seq.items.append(item)
    root = Mapping(line, col)
    for block, pairs in (("project", project), ("goals", goals)):
        if pairs:
            head = next(iter(pairs.values()))[0]
            root.items.append(
                (_scalar(block, head.line, head.col), _mapping(pairs, head.line, head.col))
            )
    root.items.append((_scalar("indicators", rows.line, rows.col), seq))
    return root


def _renamed(key: Scalar, name: str) -> Scalar:
    return Scalar(name, key.line, key.col, key.end_line, key.end_col, None)
