"""Choosing a reader by file type. Every reader returns positioned `Source`s, one per project.

YAML (and JSON, which is YAML) files hold one project. Tabular readers (Excel, CSV) may find
several projects in one file; they build the same node tree the YAML loader builds, with
line = row and column = column, and give the source a `cell_ref` so reports say "Sheet1!D7".
"""

from __future__ import annotations

import importlib
from pathlib import Path

from indicator_audit.read.source import Source, SourceError, check_regular, read_file

YAML_SUFFIXES = frozenset({".yaml", ".yml", ".json"})
# suffix → module defining read(path) -> list[Source]; imported only when such a file is read
TABULAR_READERS: dict[str, str] = {
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".xls": "xlsx",
    ".csv": "csv_table",
}


def source_from_text(text: str, path: str, encoding: str = "utf-8") -> Source:
    """A YAML/JSON file's source from its text, read exactly as read_sources reads the file
    (a JSON list of rows becomes a table): what `--fix` re-reads its result with."""
    from indicator_audit.read.json_table import from_rows, is_row_table
    from indicator_audit.read.source import load_text

    source = load_text(text, path, encoding)
    return from_rows(source) if is_row_table(source) else source


def read_sources(path: str | Path) -> list[Source]:
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix in YAML_SUFFIXES or not suffix:
        source = read_file(p)
        from indicator_audit.read.json_table import from_rows, is_row_table

        # a list of row objects is a table (JSON export), never a targets document
        return [from_rows(source) if is_row_table(source) else source]
    module = TABULAR_READERS.get(suffix)
    if module is None:
        known = "、".join(sorted(YAML_SUFFIXES | set(TABULAR_READERS)))
        raise SourceError(f"不支持的文件类型“{suffix}”：可读取 {known}")
    check_regular(p)  # not a FIFO, a device or an oversized file
    reader = importlib.import_module(f".{module}", __package__)
    sources: list[Source] = reader.read(p)
    return sources


def is_supported(path: Path) -> bool:
    """Whether a file found in a folder is a table to check. Hidden files (configuration such
    as .indicator-audit.yaml, editor files) and Excel's "~$" lock files are not."""
    suffix = path.suffix.lower()
    if path.name.startswith(("~$", ".")):
        return False
    return suffix in YAML_SUFFIXES or suffix in TABULAR_READERS
