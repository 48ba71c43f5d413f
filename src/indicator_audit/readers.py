"""Choosing a reader by file type. Every reader returns a positioned `Source`."""

from __future__ import annotations

from pathlib import Path

from .source import Source, SourceError, read_file

YAML_SUFFIXES = frozenset({".yaml", ".yml", ".json"})


def read_any(path: str | Path) -> Source:
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix in YAML_SUFFIXES or not suffix:
        return read_file(p)
    raise SourceError(f"不支持的文件类型“{suffix}”：请使用 .yaml/.yml/.json")


def is_supported(path: Path) -> bool:
    return path.suffix.lower() in YAML_SUFFIXES
