"""Reading a CSV indicator table: one project per file, project block rows above the header
allowed. UTF-8 (with or without BOM) and GBK/GB18030 are told apart by `source.decode`; the
delimiter (comma, tab, semicolon) is sniffed."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from indicator_audit.read.source import SourceError, decode, read_bytes_capped
from indicator_audit.read.tabular import CellRef, Grid, TableSource, extract


def load_grid(path: Path) -> tuple[Grid, str]:
    """The file's cells and the encoding they were read in."""
    text, encoding = decode(read_bytes_capped(path))
    if "\x00" in text:
        raise SourceError("这不是文本格式的 CSV 文件（含有二进制内容）")
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(
            text[:8192], delimiters=",\t;"
        )
    except csv.Error:
        dialect = csv.excel
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), dialect))  # lists already
    except csv.Error as exc:
        raise SourceError(f"CSV 格式错误：{exc}") from None
    return Grid(rows), encoding


def read(path: Path) -> list[TableSource]:
    grid, encoding = load_grid(path)
    sources = extract(grid, str(path), None, str(path), "csv", CellRef(None))
    if not sources:
        raise SourceError(
            "CSV 中没有找到指标表：需要一行含“三级指标”（或“指标名称”）、“指标值”等列标题的表头"
        )
    if len(sources) > 1:
        raise SourceError(
            "一个 CSV 文件只能包含一个项目；多个项目请使用 Excel 工作簿或分成多个文件"
        )
    for s in sources:
        s.encoding = encoding
    return sources
