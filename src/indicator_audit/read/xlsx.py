"""Reading workbooks (.xlsx, .xlsm, .xls): every sheet, every project in it, one `Source` each.

Values and merged areas come from calamine (python-calamine, a reader written in Rust): about
ten times faster than openpyxl's read-only mode, which matters when a bureau checks thousands
of workbooks. calamine gives each cell's value but not its number format, and a form shows 0.95
formatted "0%" as "95%". So for .xlsx the percentage styles are found in xl/styles.xml and the
cells that use them by a scan of the sheet's XML for those style numbers only; the scan runs
only when the workbook has such a style. A legacy .xls has no XML to scan: there a number is
read as its value (0.95); save the workbook as .xlsx to keep percentages as shown.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from indicator_audit.read.source import MAX_FILE_BYTES, SourceError
from indicator_audit.read.tabular import CellRef, Grid, TableSource, extract

# A workbook is a zip: refuse one that inflates far beyond any real form (a "zip bomb").
MAX_UNZIPPED_BYTES = 256 * 1024 * 1024
# A merged area this large is formatting (a whole column), not content.
MERGED_FORMATTING = 100_000
# More merged cells than this in one sheet is not an indicator table (and would exhaust memory).
MAX_MERGED_CELLS = 1_000_000
_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"
# Excel's built-in percentage formats ("0%", "0.00%"); custom ones are read from styles.xml.
_PERCENT_BUILTIN = frozenset({9, 10})
_CELL_REF = re.compile(rb'\br="([A-Z]+)(\d+)"')
# styles.xml and the sheet XML are scanned with patterns rather than parsed: only a few
# attributes are needed, and a parse of every part costs more than calamine's whole read.
_NUM_FMT = re.compile(rb"<(?:\w+:)?numFmt\b([^>]*)>")
_NUM_FMT_ID = re.compile(rb'\bnumFmtId="(\d+)"')
_FORMAT_CODE = re.compile(rb'\bformatCode="([^"]*)"')
_CELL_XFS = re.compile(rb"<(?:\w+:)?cellXfs\b.*?</(?:\w+:)?cellXfs>", re.S)
_XF = re.compile(rb"<(?:\w+:)?xf\b([^>]*)>")


def _corrupt(detail: str, suffix: str) -> SourceError:
    kind = ".xls" if suffix == ".xls" else ".xlsx"
    return SourceError(f"无法读取 Excel 文件：文件已损坏或不是 {kind} 格式（{detail}）")


def _col_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _number(value: float) -> str:
    rounded = round(value, 10)
    if rounded == int(rounded):
        return str(int(rounded))
    return repr(rounded)


def cell_text(value: Any, percent: bool = False) -> str:
    """What the cell shows, as text: 1 formatted as a percentage is "100%"."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float):
        return _number(value * 100) + "%" if percent else _number(value)
    if isinstance(value, dt.datetime):
        day = f"{value.year}年{value.month}月{value.day}日"
        return day if value.time() == dt.time() else f"{day} {value:%H:%M}"
    if isinstance(value, dt.date):
        return f"{value.year}年{value.month}月{value.day}日"
    return str(value)


def _merged(
    ranges: list[tuple[tuple[int, int], tuple[int, int]]], n_rows: int, n_cols: int
) -> dict[tuple[int, int], tuple[int, int]]:
    """calamine's merged areas (0-based corners) → every covered cell's top-left (1-based),
    within the sheet's data (`n_rows` × `n_cols`): a merge beyond the data holds nothing."""
    out: dict[tuple[int, int], tuple[int, int]] = {}
    for (r0, c0), (r1, c1) in ranges:
        if (r1 - r0 + 1) * (c1 - c0 + 1) > MERGED_FORMATTING:
            continue  # a whole-column merge: formatting, not content
        top, left = r0 + 1, c0 + 1
        bottom, right = min(r1 + 1, n_rows), min(c1 + 1, n_cols)
        if bottom < top or right < left:
            continue
        if len(out) + (bottom - top + 1) * (right - left + 1) > MAX_MERGED_CELLS:
            raise SourceError(
                f"工作表的合并单元格过多（超过 {MAX_MERGED_CELLS} 个），不像一张指标表"
            )
        for r in range(top, bottom + 1):
            for c in range(left, right + 1):
                out[(r, c)] = (top, left)
        del out[(top, left)]
    return out


class _Percentages:
    """Which cells of an .xlsx use a percentage number format."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive
        self.styles = self._percent_styles()
        self.parts: dict[str, str] | None = None
        self._pattern: re.Pattern[bytes] | None = None

    def _percent_styles(self) -> frozenset[int]:
        """Indices of the cell styles (cellXfs) whose number format shows a percentage."""
        try:
            data = self.archive.read("xl/styles.xml")
        except KeyError:
            return frozenset()
        percent = set(_PERCENT_BUILTIN)
        for attrs in _NUM_FMT.findall(data):
            code = _FORMAT_CODE.search(attrs)
            number = _NUM_FMT_ID.search(attrs)
            if code is not None and number is not None and b"%" in code.group(1):
                percent.add(int(number.group(1)))
        section = _CELL_XFS.search(data)
        if section is None:
            return frozenset()
        out = set()
        for i, attrs in enumerate(_XF.findall(section.group(0))):
            number = _NUM_FMT_ID.search(attrs)
            if number is not None and int(number.group(1)) in percent:
                out.add(i)
        return frozenset(out)

    def cells(self, sheet: str) -> set[tuple[int, int]]:
        """(row, col) of the cells of `sheet` styled as percentages (1-based)."""
        if not self.styles:
            return set()
        if self.parts is None:
            self.parts = _sheet_parts(self.archive)
        try:
            data = self.archive.read(self.parts.get(sheet, ""))
        except KeyError:
            return set()
        out: set[tuple[int, int]] = set()
        for attrs in self.pattern.findall(data):
            ref = _CELL_REF.search(attrs)
            if ref is not None:
                out.add((int(ref.group(2)), _col_index(ref.group(1))))
        return out

    @property
    def pattern(self) -> re.Pattern[bytes]:
        """The tags of cells with a percentage style, and only those: the scan of a sheet
        stays in the regex engine instead of looking at every cell in Python."""
        if self._pattern is None:
            styles = b"|".join(str(s).encode() for s in sorted(self.styles))
            self._pattern = re.compile(rb'<(?:\w+:)?c\b([^>]*\bs="(?:' + styles + rb')"[^>]*)>')
        return self._pattern


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → the XML part that holds it."""
    book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_NS_PKG}Relationship")}
    out: dict[str, str] = {}
    for sheet in book.iter(f"{_NS_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_NS_REL}id"), "")
        part = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
        out[sheet.get("name", "")] = posixpath.normpath(part)
    return out


def _rows(values: list[list[Any]], percent: set[tuple[int, int]]) -> list[list[str]]:
    rows = [[v if type(v) is str else cell_text(v) for v in row] for row in values]
    for r, c in percent:
        if r <= len(values) and c <= len(values[r - 1]):
            value = values[r - 1][c - 1]
            if isinstance(value, int | float) and not isinstance(value, bool):
                rows[r - 1][c - 1] = cell_text(value, percent=True)
    return rows


def _check_package(path: Path) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise _corrupt("不是有效的压缩包", path.suffix.lower()) from None
    if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED_BYTES:
        archive.close()
        raise _corrupt("解压后过大", path.suffix.lower())
    return archive


def read(path: Path) -> list[TableSource]:
    from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

    suffix = path.suffix.lower()
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise SourceError(f"文件过大，上限为 {MAX_FILE_BYTES // 1048576} MB")
        archive = None if suffix == ".xls" else _check_package(path)
    except OSError as exc:
        raise SourceError(f"无法读取文件：{exc.strerror}") from None
    sources: list[TableSource] = []
    try:
        percentages = _Percentages(archive) if archive is not None else None
        book = CalamineWorkbook.from_path(str(path))
        try:
            for meta in book.sheets_metadata:
                if meta.typ != SheetTypeEnum.WorkSheet:
                    continue  # a chart sheet has no cells
                if meta.visible != SheetVisibleEnum.Visible:
                    continue  # a hidden sheet is not part of the form the user sees
                sheet = book.get_sheet_by_name(meta.name)
                values = sheet.to_python(skip_empty_area=False)
                percent = percentages.cells(meta.name) if percentages is not None else set()
                width = max((len(r) for r in values), default=0)
                ranges = sheet.merged_cell_ranges or []
                grid = Grid(_rows(values, percent), _merged(ranges, len(values), width))
                ref: Callable[[int, int], str] = CellRef(meta.name)
                loader = "xls" if suffix == ".xls" else "xlsx"
                sources.extend(
                    extract(grid, str(path), meta.name, f"{path}#{meta.name}", loader, ref)
                )
        finally:
            book.close()
    except SourceError:
        raise
    except (KeyError, ElementTree.ParseError, zipfile.BadZipFile) as exc:
        raise _corrupt(type(exc).__name__, suffix) from None
    except Exception as exc:  # calamine raises several kinds on a damaged file
        raise _corrupt(f"{type(exc).__name__}: {exc}", suffix) from None
    finally:
        if archive is not None:
            archive.close()
    if not sources:
        raise SourceError(
            "工作簿中没有找到指标表：需要一行含“三级指标”（或“指标名称”）、“指标值”等列标题的表头"
        )
    return sources
