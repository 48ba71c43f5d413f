"""Output formats. Each reporter turns the audits of one run into text (or, for the formats in
BINARY_FORMATS, into bytes); none prints or exits."""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from indicator_audit.run.audit import Audit


class Render(Protocol):
    def __call__(
        self, audits: Sequence[Audit], *, color: bool = False, suggestions: bool = False
    ) -> str: ...


class RenderBytes(Protocol):
    def __call__(
        self, audits: Sequence[Audit], *, color: bool = False, suggestions: bool = False
    ) -> bytes: ...


# format name → module; each module defines render(audits, *, color) -> str
FORMATS: dict[str, str] = {
    "rich": "rich_text",
    "json": "json_report",
    "sarif": "sarif",
    "github": "github",
    "html": "html_report",
    "markdown": "markdown",
    "junit": "junit",
    "xlsx": "xlsx_report",
}
# Formats whose render() returns bytes: written to -o FILE (or a pipe), never to a terminal.
BINARY_FORMATS = frozenset({"xlsx"})


def get_reporter(name: str) -> Render:
    module = importlib.import_module(f".{FORMATS[name]}", __name__)
    render: Render = module.render
    return render


def get_binary_reporter(name: str) -> RenderBytes:
    module = importlib.import_module(f".{FORMATS[name]}", __name__)
    render: RenderBytes = module.render
    return render
