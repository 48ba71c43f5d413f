"""The table as its author meant it, before any rule reads it.

Two things real exports do to an indicator table:

- Merged category cells: the 一级/二级 label is written on the first row of its block and the
  rows below are blank. A blank label takes the label of the row above (a 二级 label only
  within the same 一级 block); the inherited cell is the one written above, so a finding on
  it points where the label stands. A column blank on every row (two rows or more) has
  nothing to inherit: `Layout.blank_columns` names it, and one table finding says so
  (IA412) instead of one per row.
- Names in the 二级 column: some forms (the seed's own table) put each indicator's name in the
  二级 column and its formula or description in the 三级 column, and have no 二级 categories
  at all. When most rows' 二级 cells are not categories and several 三级 cells are formulas,
  the table is read as meant: the 二级 cell is the name, the 三级 cell the formula, and the
  二级 category is unknown. One table finding says so (IA411), not one per row.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from indicator_audit.lint.facts import clean_label
from indicator_audit.packs.load import Packs
from indicator_audit.read.document import Cell, Indicator

# A formula written as a name: a division sign, a ratio times 100, half- or full-width.
FORMULA = re.compile(r"[÷×]|[/／].*[*＊xX]\s*100|[*＊]\s*100\s*[%％]")
_SAMPLE = 200  # the layout is the form's: the first rows show it


@dataclass(frozen=True, slots=True)
class Layout:
    names_in_level2: bool = False
    blank_columns: tuple[str, ...] = ()  # "level1", "level2": blank on every row
    first_named: int | None = None  # the first row read with its name from the 二级 column


PLAIN = Layout()


def _blank(text: str | None) -> bool:
    return text is None or not text.strip()


def _names_in_level2(indicators: Sequence[Indicator], packs: Packs) -> bool:
    labelled = [i.fields for i in indicators[:_SAMPLE] if not _blank(i.fields.level2)]
    if len(labelled) < 2:
        return False
    index = packs.level2_index
    level1_index = packs.level1_index
    unknown = 0
    formulas = 0
    for f in labelled:
        label = clean_label(f.level2, packs)
        if label not in index and label not in level1_index and label != clean_label(f.name, packs):
            unknown += 1
            if f.name and FORMULA.search(f.name):
                formulas += 1
    return unknown * 3 >= len(labelled) * 2 and formulas >= 2 and formulas * 3 >= len(labelled)


def _as_named(ind: Indicator, packs: Packs) -> Indicator:
    """The row with its 二级 cell read as the name, unless it holds a real category above a
    real name (a row the form's author filled in the usual way)."""
    f = ind.fields
    if _blank(f.level2):
        return ind
    formula = f.name is not None and FORMULA.search(f.name) is not None
    if clean_label(f.level2, packs) in packs.level2_index and not formula:
        return ind
    cells = dict(ind.cells)
    name_cell = cells.pop("level2", None)
    formula_cell = cells.pop("name", None)
    if name_cell is not None:
        cells["name"] = name_cell
    if formula_cell is not None and f.formula is None:
        cells["formula"] = formula_cell
    fields = replace(f, level2=None, name=f.level2, formula=f.formula or f.name)
    return Indicator(ind.index, ind.pointer, fields, cells, ind.line, ind.col, ind.sentence)


def read_as_meant(indicators: list[Indicator], packs: Packs) -> tuple[list[Indicator], Layout]:
    """The indicators with merged labels filled in and the layout read; the same list when
    there is nothing to change (the common case costs one look at each row's labels)."""
    if not indicators:
        return indicators, PLAIN
    several = len(indicators) >= 2
    blank = tuple(
        field
        for field in ("level1", "level2")
        if several and all(_blank(getattr(i.fields, field)) for i in indicators)
    )
    named = "level2" not in blank and _names_in_level2(indicators, packs)
    out = indicators
    first: int | None = None
    if named:
        out = [_as_named(ind, packs) for ind in indicators]
        first = next(i for i, (a, b) in enumerate(zip(indicators, out, strict=True)) if a is not b)
    fill_level2 = not named and "level2" not in blank
    if "level1" not in blank or fill_level2:
        out = _inherit(out, fill_level2)
    return out, Layout(named, blank, first)


def _inherit(indicators: list[Indicator], fill_level2: bool) -> list[Indicator]:
    out: list[Indicator] = []
    changed = False
    prev: Indicator | None = None
    for ind in indicators:
        f = ind.fields
        if prev is not None and (_blank(f.level1) or (fill_level2 and _blank(f.level2))):
            p = prev.fields
            cells: dict[str, Cell] = {}
            level1, level2 = f.level1, f.level2
            if _blank(level1) and not _blank(p.level1):
                level1 = p.level1
                if (c := prev.cell("level1")) is not None:
                    cells["level1"] = c
            # a 二级 label is merged only within its 一级 block
            if (
                fill_level2
                and _blank(level2)
                and not _blank(p.level2)
                and (level1 or "").strip() == (p.level1 or "").strip()
            ):
                level2 = p.level2
                if (c := prev.cell("level2")) is not None:
                    cells["level2"] = c
            if level1 is not f.level1 or level2 is not f.level2:
                ind = Indicator(
                    ind.index,
                    ind.pointer,
                    replace(f, level1=level1, level2=level2),
                    {**ind.cells, **cells},
                    ind.line,
                    ind.col,
                    ind.sentence,
                )
                changed = True
        out.append(ind)
        prev = ind
    return out if changed else indicators
