"""Helpers for the input/output tests: small workbooks laid out like the real forms."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

ROOT = Path(__file__).resolve().parents[2]
WORKBOOK_DIR = ROOT / "examples" / "workbook"

Rows = list[list[Any]]
Merges = list[str]


@pytest.fixture
def make_xlsx(tmp_path: Path) -> Callable[..., Path]:
    """Write sheets {name: (rows, merges)} to a workbook and return its path."""

    def make(sheets: dict[str, tuple[Rows, Merges]], name: str = "book.xlsx") -> Path:
        wb = Workbook()
        first = True
        for title, (rows, merges) in sheets.items():
            ws = wb.active if first else wb.create_sheet()
            assert ws is not None
            ws.title = title
            first = False
            for r, row in enumerate(rows, 1):
                for c, value in enumerate(row, 1):
                    if value is not None and value != "":
                        ws.cell(r, c, value)
            for rng in merges:
                ws.merge_cells(rng)
        path = tmp_path / name
        wb.save(path)
        return path

    return make
