"""Read the data files shipped beside the code (grammar/, rules/).

Installed, they live inside the package; in a source checkout they sit at the repository root
(`grammar/indicator.lark`, `rules/*.yaml`), which is where developers edit them.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

_KINDS = frozenset({"grammar", "rules"})
# src/indicator_audit/core/resources.py -> the repository root of a source checkout
_REPO = Path(__file__).resolve().parents[3]


def read_resource(kind: str, name: str) -> str:
    """Return the text of `kind/name` (kind is "grammar" or "rules"), package copy first."""
    if kind not in _KINDS:
        raise ValueError(f"unknown resource kind: {kind!r}")
    try:
        packaged = files("indicator_audit") / kind / name
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
        packaged = files("indicator_audit") / kind / folder
        if packaged.is_dir():
            return sorted(
                f"{folder}/{p.name}" for p in packaged.iterdir() if p.name.endswith(suffix)
            )
    except (ModuleNotFoundError, FileNotFoundError, NotADirectoryError, TypeError):
        pass  # same fallback as read_resource
    repo = _REPO / kind / folder
    return sorted(f"{folder}/{p.name}" for p in repo.glob(f"*{suffix}"))
