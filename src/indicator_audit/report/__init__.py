"""Output formats, found the way rules are: the built-in ones below, and those of installed
plugins through the entry-point group `indicator_audit.reporters`.

Each reporter is a module with `render(audits, *, color=False, suggestions=False)` that turns
the audits of one run into text, or into bytes for a binary format (`BINARY = True` in the
module); none prints or exits. A plugin's entry point names its module, under the format's name:

    [project.entry-points."indicator_audit.reporters"]
    csv-summary = "my_package.csv_summary"

The module is imported only when its format is asked for. A plugin cannot replace a built-in
format of the same name.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Protocol

from indicator_audit.lint.plugins import installed_entry_points

if TYPE_CHECKING:
    from indicator_audit.run.audit import Audit

GROUP = "indicator_audit.reporters"


class Render(Protocol):
    def __call__(
        self, audits: Sequence[Audit], *, color: bool = False, suggestions: bool = False
    ) -> str: ...


class RenderBytes(Protocol):
    def __call__(
        self, audits: Sequence[Audit], *, color: bool = False, suggestions: bool = False
    ) -> bytes: ...


@dataclass(frozen=True, slots=True)
class Reporter:
    """An output format: its name, the module that renders it, and whether it writes bytes
    (written to -o FILE or a pipe, never to a terminal)."""

    name: str
    module: str
    binary: bool | None = False  # None: as the module's BINARY says (a plugin's)


_BUILTIN = (
    Reporter("rich", f"{__name__}.rich_text"),
    Reporter("json", f"{__name__}.json_report"),
    Reporter("sarif", f"{__name__}.sarif"),
    Reporter("github", f"{__name__}.github"),
    Reporter("html", f"{__name__}.html_report"),
    Reporter("markdown", f"{__name__}.markdown"),
    Reporter("junit", f"{__name__}.junit"),
    Reporter("xlsx", f"{__name__}.xlsx_report", binary=True),
)


@cache
def reporters() -> dict[str, Reporter]:
    """Every format by name: the built-in ones, then those of installed plugins."""
    found = {r.name: r for r in _BUILTIN}
    for ep in installed_entry_points(GROUP):  # never from a dist-info in the current folder
        if ep.name in found:
            continue  # a built-in format keeps its name
        found[ep.name] = Reporter(ep.name, ep.module, binary=None)
    return found


def is_binary(name: str) -> bool:
    reporter = reporters()[name]
    if reporter.binary is None:
        return bool(getattr(importlib.import_module(reporter.module), "BINARY", False))
    return reporter.binary


def get_reporter(name: str) -> Render:
    render: Render = importlib.import_module(reporters()[name].module).render
    return render


def get_binary_reporter(name: str) -> RenderBytes:
    render: RenderBytes = importlib.import_module(reporters()[name].module).render
    return render
