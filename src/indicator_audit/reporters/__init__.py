"""Output formats. Each reporter turns the audits of one run into text; none prints or exits."""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from ..api import Audit


class Render(Protocol):
    def __call__(self, audits: Sequence[Audit], *, color: bool = False) -> str: ...


# format name → module; each module defines render(audits, *, color) -> str
FORMATS: dict[str, str] = {
    "rich": "rich_text",
    "json": "json_report",
    "sarif": "sarif",
    "github": "github",
}


def get_reporter(name: str) -> Render:
    module = importlib.import_module(f".{FORMATS[name]}", __name__)
    render: Render = module.render
    return render
