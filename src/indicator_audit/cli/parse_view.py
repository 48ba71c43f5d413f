"""Showing a parsed cell: as JSON-ready data, or as a rich tree for `indicator-audit parse`."""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Sequence
from enum import Enum
from typing import Any

from indicator_audit.core.parsed import ParsedCell


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


def as_json(parsed: ParsedCell) -> dict[str, Any]:
    data: dict[str, Any] = _plain(parsed)
    return data


def render_rich(results: Sequence[ParsedCell], *, color: bool = False) -> str:
    from rich.console import Console
    from rich.text import Text
    from rich.tree import Tree

    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=color, no_color=not color, width=120)
    for parsed in results:
        tree = Tree(Text(parsed.text, style="bold"))
        tree.add(Text(f"kind: {parsed.kind.value}"))
        if parsed.error is not None:
            e = parsed.error
            tree.add(Text(f"error: {e.reason} @{e.position}: {e.message}", style="red"))
        if parsed.formula is not None:
            f = parsed.formula
            tree.add(
                Text(
                    f"formula: {f.numerator} ÷ {f.denominator}" + (" ×100%" if f.times_100 else "")
                )
            )
        for i, clause in enumerate(parsed.clauses):
            node = tree.add(Text(f"clause {i + 1}", style="cyan"))
            for field in dataclasses.fields(clause):
                value = getattr(clause, field.name)
                if value in (None, (), False) or field.name in ("span", "value_span"):
                    continue
                if field.name == "comparator":
                    shown = f"{value.op} ({value.direction.value}) “{value.text}”"
                elif field.name == "unit":
                    shown = f"{value.text} → {value.canonical} ×{value.scale:g} [{value.dimension}]"
                    if value.per:
                        shown += f" per {value.per}"
                elif field.name in ("date", "date_end"):
                    shown = value.text
                else:
                    shown = str(value)
                node.add(Text(f"{field.name}: {shown}"))
        console.print(tree)
    return buffer.getvalue()
