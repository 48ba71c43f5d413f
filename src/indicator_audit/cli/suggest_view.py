"""`indicator-audit suggest`: the revised indicator table as a rich table or JSON, and --write.

Kept here rather than in cli.py so the CLI stays wiring only.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from indicator_audit.report.revised import REVISED_FORMATS, format_for, revised_bytes
from indicator_audit.report.suggestions import render_entries, render_json, suggestion_entry
from indicator_audit.run.audit import Audit, audit_path_full, audit_text_full
from indicator_audit.suggest.project_type import type_names
from indicator_audit.suggest.rows import SuggestionSet

EXIT_OK, EXIT_INPUT = 0, 2
_STATUS = {
    "kept": ("保留", "dim"),
    "changed": ("修改", "yellow"),
    "added": ("新增", "green"),
    "removed": ("删除", "red"),
}


def _table(audit: Audit, result: SuggestionSet) -> Table:
    title = f"{audit.path}：修订后的指标表 — 项目类型 {result.project_type.describe()}"
    table = Table(title=Text(title), show_lines=True, title_justify="left")
    for header in ("状态", "原", "一级 / 二级", "三级指标", "指标值", "权重", "理由与依据"):
        table.add_column(header, overflow="fold")
    for row in result.rows:
        label, style = _STATUS[row.status]
        why = Text(row.reason)
        if row.codes:
            why.append(f" [{', '.join(row.codes)}]", style="dim")
        if row.answers and row.status == "added":
            why.append(f"\n回应：{row.answers}", style="cyan")
        if row.basis and row.status != "removed":
            why.append(f"\n依据：{row.basis}", style="dim")
        if row.formula and row.status != "removed":
            why.append(f"\n公式：{row.formula}", style="dim")
        table.add_row(
            Text(label, style=style),
            Text(str(row.replaces + 1) if row.replaces is not None else "—"),
            Text(f"{row.level1}\n{row.level2}"),
            Text(row.name, style="strike" if row.status == "removed" else ""),
            Text(row.target),
            Text(f"{row.weight:g}" if row.weight is not None else ""),
            why,
        )
    return table


def render_rich(pairs: list[tuple[Audit, SuggestionSet]], *, color: bool) -> str:
    buffer = io.StringIO()
    console = Console(
        file=buffer, force_terminal=color, no_color=not color, width=160, highlight=False
    )
    for audit, result in pairs:
        console.print(_table(audit, result))
        counts = {k: sum(1 for r in result.rows if r.status == k) for k in _STATUS}
        console.print(
            Text(
                f"保留 {counts['kept']}，修改 {counts['changed']}，新增 {counts['added']}，"
                f"删除 {counts['removed']}；“__”为待填写的数值，按依据填写。"
            )
        )
        for note in result.weight_notes:
            console.print(Text(f"权重：{note.text}"))
    return buffer.getvalue()


@dataclass(frozen=True, slots=True)
class Suggested:
    """One file's suggestions as they will be printed (made by the worker that audits it),
    and why any of its projects has none."""

    pieces: list[str] = field(default_factory=list)  # the rich text of each project
    entries: list[dict[str, Any]] = field(default_factory=list)  # the JSON of each project
    problems: list[str] = field(default_factory=list)


class SuggestWork:
    """The per-file work of `suggest` over many files, for the pool (run/pool.py)."""

    def __init__(self, fmt: str, color: bool, project_type: str | None) -> None:
        self.fmt = fmt
        self.color = color
        self.project_type = project_type

    def __call__(self, path: Path) -> Suggested:
        out = Suggested()
        audits = audit_path_full(path)
        out.problems.extend(_problem(a) for a in audits if a.document is None)
        for a in audits:
            result = a.suggest(self.project_type)
            if result is None:
                continue
            if self.fmt == "json":
                out.entries.append(suggestion_entry(a, result))
            else:
                out.pieces.append(render_rich([(a, result)], color=self.color))
        return out


def _problem(audit: Audit) -> str:
    e = audit.error
    where = f"{e.line}:{e.column} " if e is not None else ""
    message = e.message if e is not None else "无法读取"
    return f"indicator-audit: {audit.path}:{where}无法给出建议：{message}\n"


def run_suggest(
    paths: Sequence[str],
    fmt: str,
    write: str | None,
    color_mode: str,
    project_type: str | None = None,
    jobs: int | None = None,
    timeout: float | None = None,
) -> int:
    if project_type is not None and project_type.strip() not in type_names():
        from indicator_audit.packs.templates import template_for

        if template_for(project_type) is None:
            sys.stderr.write(
                f"indicator-audit: --type“{project_type}”不是已知的项目类型；可选："
                f"{'、'.join(type_names())}\n"
            )
            return EXIT_INPUT
    if write is not None:
        if len(paths) != 1 or Path(paths[0]).is_dir():
            sys.stderr.write("indicator-audit: --write 需要恰好一个输入文件\n")
            return EXIT_INPUT
        return _write_one(paths[0], fmt, write, color_mode, project_type)
    from indicator_audit.cli.check import collect
    from indicator_audit.run.pool import DEFAULT_TIMEOUT, Failure, Pool

    files = [p for p, _ in collect(paths)]
    if not files:
        sys.stderr.write("indicator-audit: 没有找到可给出建议的文件\n")
        return EXIT_INPUT
    color = color_mode == "always" or (color_mode == "auto" and sys.stdout.isatty())
    work = SuggestWork(fmt, color, project_type)
    pool: Pool[Path, Suggested] = Pool(work, jobs=jobs, timeout=timeout or DEFAULT_TIMEOUT)
    if pool.forks(len(files)):
        audit_text_full(_WARM_UP)  # rules and grammar built once, before the workers fork
    failed = False
    done: list[Suggested] = []
    for path, got in zip(files, pool.run(files), strict=True):
        if isinstance(got, Failure):
            got = Suggested(problems=[f"indicator-audit: {path}: 无法给出建议：{got.message}\n"])
        failed = failed or bool(got.problems)
        done.append(got)
    for d in done:
        for line in d.problems:
            sys.stderr.write(line)
    if fmt == "json":
        sys.stdout.write(render_entries([e for d in done for e in d.entries]))
    else:
        sys.stdout.write("".join(p for d in done for p in d.pieces))
    return EXIT_INPUT if failed else EXIT_OK


_WARM_UP = "indicators:\n  - {level1: 产出指标, level2: 数量指标, name: 培训期数, target: ≥4期}\n"


def _write_one(path: str, fmt: str, write: str, color_mode: str, project_type: str | None) -> int:
    """`suggest FILE --write OUT`: the draft of the file's one project, in this process."""
    out_format = format_for(write)
    if out_format is None:
        sys.stderr.write(
            f"indicator-audit: --write {write}：不支持的扩展名，请用 "
            f"{' / '.join('.' + f for f in REVISED_FORMATS)}\n"
        )
        return EXIT_INPUT
    audits = audit_path_full(path)
    failed = [a for a in audits if a.document is None]
    for a in failed:
        sys.stderr.write(_problem(a))
    pairs: list[tuple[Audit, SuggestionSet]] = []
    for a in audits:
        result = a.suggest(project_type)
        if result is not None:
            pairs.append((a, result))
    if len(pairs) != 1:
        sys.stderr.write(
            f"indicator-audit: --write 需要恰好一个项目，{path} 中可用的有 {len(pairs)} 个\n"
        )
        return EXIT_INPUT
    from indicator_audit.core.atomic import write_bytes_atomic

    audit, result = pairs[0]
    assert audit.document is not None
    write_bytes_atomic(Path(write), revised_bytes(audit.document, result, out_format))
    if fmt == "json":
        sys.stdout.write(render_json(pairs))
    else:
        color = color_mode == "always" or (color_mode == "auto" and sys.stdout.isatty())
        sys.stdout.write(render_rich(pairs, color=color))
    sys.stderr.write(f"indicator-audit: 修订稿已写入 {write}\n")
    return EXIT_INPUT if failed else EXIT_OK
