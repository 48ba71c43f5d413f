"""Read the data files shipped beside the code (grammar/, rules/).

Installed, they live inside the package; in a source checkout they sit at the repository root
(`grammar/indicator.lark`, `rules/*.yaml`), which is where developers edit them.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from importlib.abc import Traversable

_KINDS = frozenset({"grammar", "rules"})
# src/indicator_audit/core/resources.py -> the package folder, and the repository root of a
# source checkout
_PACKAGE = Path(__file__).resolve().parents[1]
_REPO = Path(__file__).resolve().parents[3]


def _packaged(kind: str, name: str) -> Traversable:
    """`kind/name` inside the installed package. An installation on disk is read as plain
    files (importlib.resources would import tempfile and zipfile on every start); only a
    package imported from a zip archive goes through importlib.resources."""
    if os.path.isfile(__file__):
        return _PACKAGE / kind / name
    from importlib.resources import files

    return files("indicator_audit") / kind / name


def read_resource(kind: str, name: str) -> str:
    """Return the text of `kind/name` (kind is "grammar" or "rules"), package copy first."""
    if kind not in _KINDS:
        raise ValueError(f"unknown resource kind: {kind!r}")
    try:
        packaged = _packaged(kind, name)
        if packaged.is_file():
            return packaged.read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError, NotADirectoryError, TypeError):
        pass  # not installed, or a namespace package without that folder: use the checkout
    repo = _REPO / kind / name
    return repo.read_text(encoding="utf-8")


def list_resources(kind: str, folder: str, suffix: str = ".yaml") -> list[str]:
    """Sorted names (relative to `kind`, e.g. "templates/it-operations.yaml") in a folder."""
    if kind not in _KINDS:
        raise ValueError(f"unknown resource kind: {kind!r}")
    try:
        packaged = _packaged(kind, folder)
        if packaged.is_dir():
            return sorted(
                f"{folder}/{p.name}" for p in packaged.iterdir() if p.name.endswith(suffix)
            )
    except (ModuleNotFoundError, FileNotFoundError, NotADirectoryError, TypeError):
        pass  # same fallback as read_resource
    repo = _REPO / kind / folder
    return sorted(f"{folder}/{p.name}" for p in repo.glob(f"*{suffix}"))
