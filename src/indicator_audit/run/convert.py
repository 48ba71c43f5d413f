"""`indicator-audit convert`: any supported input (workbook, CSV, JSON table, YAML) → targets
YAML, one document per project, with the English keys of model.TargetsDocument.

Where the files go: one project → OUT (or stdout without -o); several projects (a workbook) →
OUT with a numeric suffix ("targets.yaml" → "targets-1.yaml", "targets-2.yaml" … in the order
of the sheets), or, when OUT is a folder (exists, or ends with "/"), "<input name>-N.yaml" in it.
Nothing is written unless every project converts; each file is written atomically.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from indicator_audit.core.atomic import write_text_atomic
from indicator_audit.core.model import TargetsDocument, as_data
from indicator_audit.read.document import DocumentError, build
from indicator_audit.read.readers import read_sources
from indicator_audit.read.source import Source


class ConvertError(Exception):
    """The input cannot be converted; the message says where and why (in Chinese)."""


@dataclass(frozen=True, slots=True)
class Converted:
    project: str  # the source's report name ("book.xlsx#Sheet1")
    path: Path | None  # None: stdout
    text: str


def _plain(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        out = {k: _plain(v) for k, v in value.items()}
        return {k: v for k, v in out.items() if v not in (None, [], {})}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def document_data(model: TargetsDocument) -> dict[str, Any]:
    """The document as plain data: unset fields left out, whole numbers without ".0"."""
    data: dict[str, Any] = _plain(as_data(model))
    data.setdefault("indicators", [])
    return data


def to_yaml(source: Source) -> str:
    import yaml

    try:
        document = build(source)
    except DocumentError as exc:
        ref = source.cell_ref
        lines = [
            f"  {ref(p.line, p.col) if ref else f'{p.line}:{p.col}'} {p.message}"
            for p in exc.problems
        ]
        raise ConvertError(
            f"{source.path}：表格内容有误，无法转换：\n" + "\n".join(lines)
        ) from None
    body = yaml.safe_dump(
        document_data(document.model),
        allow_unicode=True,
        sort_keys=False,
        width=1_000_000,
        default_flow_style=False,
    )
    return f"# 由 indicator-audit convert 从 {source.path} 生成\n{body}"


def _targets(input_path: Path, out: str | None, count: int) -> list[Path | None]:
    if out is None:
        if count > 1:
            raise ConvertError(
                f"{input_path} 含有 {count} 个项目：请用 -o 指定输出文件（将加数字后缀）或目录"
            )
        return [None]
    target = Path(out)
    if out.endswith(("/", "\\")) or target.is_dir():
        stem = input_path.stem
        if count == 1:
            return [target / f"{stem}.yaml"]
        return [target / f"{stem}-{k}.yaml" for k in range(1, count + 1)]
    if count == 1:
        return [target]
    suffix = target.suffix or ".yaml"
    return [target.with_name(f"{target.stem}-{k}{suffix}") for k in range(1, count + 1)]


def convert(input_path: str | Path, out: str | None) -> list[Converted]:
    """Convert every project of the input; write the files unless OUT is None (stdout)."""
    p = Path(input_path)
    sources = read_sources(p)  # SourceError: the caller reports it
    texts = [to_yaml(s) for s in sources]
    targets = _targets(p, out, len(sources))
    converted = [
        Converted(s.path, t, text) for s, t, text in zip(sources, targets, texts, strict=True)
    ]
    for c in converted:
        if c.path is not None:
            c.path.parent.mkdir(parents=True, exist_ok=True)
            write_text_atomic(c.path, c.text)
    return converted


class ConvertWork:
    """The per-file work of `convert` over many files (run/pool.py): every project of one
    input into the folder `out`; what was written (project, file), or why nothing was."""

    def __init__(self, out: str) -> None:
        self.out = out

    def __call__(self, path: Path) -> list[tuple[str, str]] | str:
        from indicator_audit.read.source import SourceError

        try:
            return [(c.project, str(c.path)) for c in convert(path, self.out)]
        except SourceError as exc:
            return f"{path}:{exc.line}:{exc.column}: {exc.message}"
        except (ConvertError, OSError) as exc:
            return str(exc)


def clashing(inputs: list[Path]) -> list[str]:
    """Inputs whose converted files would have the same names in one folder (same stem)."""
    seen: dict[str, Path] = {}
    out: list[str] = []
    for p in inputs:
        if p.stem in seen:
            out.append(f"{seen[p.stem]} 与 {p}")
        seen.setdefault(p.stem, p)
    return out
