"""Which findings a user sees: select/ignore, severity overrides, per-path ignores, inline
suppressions and a baseline.

Inline suppression, on the value's line or on a comment line just above it::

    target: 25分钟   # indicator-audit: ignore[IA301] 合同按分钟计，方向在合同中约定

A comment that names no rule (`# indicator-audit: ignore 理由`) ignores every rule's findings
on its line, input and internal errors aside. A suppression that suppresses nothing is reported (IA003), so stale ones do not pile up.

A baseline records fingerprints of the findings a bureau accepts today; later runs show only
new ones. Fingerprints use the rule, the indicator's labels and name, the field and the text
of the cell, numbered by occurrence — never line numbers, positions or the message (which may
quote counts) — so they survive rows added, removed and reordered.
"""

from __future__ import annotations

import contextlib
import fnmatch
import hashlib
import json
import os
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from indicator_audit.core.findings import KINDS, Finding, Severity
from indicator_audit.lint.registry import INTERNAL_ERROR, SCHEMA_INVALID, UNUSED_SUPPRESSION
from indicator_audit.read.document import Cell, Document
from indicator_audit.run.config import Config

# "ignore[IA301,vague] reason"; a bare "ignore reason" (no brackets) covers every rule, as a
# linter's bare no-qa does; "ignore IA301 reason" reads the codes that follow as listed ones.
# Strings, compiled by re on the first line that names the tool (few files have one).
_SUPPRESS = r"#\s*indicator-audit:\s*ignore(?:\[([^\]]*)\]|(?=\s|$))\s*(.*)$"
_LEADING_CODES = r"^(IA\d{3}(?:\s*,\s*IA\d{3})*)(?:\s+|$)(.*)$"


@dataclass
class Suppression:
    line: int  # the line of the comment
    column: int
    targets: tuple[str, ...]  # codes or names
    reason: str
    applies_to: tuple[int, ...]  # lines whose findings it covers
    used: bool = False


def parse_suppressions(text: str) -> list[Suppression]:
    out: list[Suppression] = []
    if "indicator-audit" not in text:
        return out  # one C-level scan instead of a Python loop over every line
    for no, line in enumerate(text.splitlines(), 1):
        if "indicator-audit" not in line:
            continue
        m = re.search(_SUPPRESS, line)
        if m is None:
            continue
        listed, reason = m.group(1), m.group(2).strip()
        if listed is None:
            codes = re.match(_LEADING_CODES, reason, re.I)
            listed, reason = (codes.group(1), codes.group(2).strip()) if codes else ("", reason)
        # no code at all (a bare ignore, or empty brackets): every rule on the line
        targets = tuple(t.strip() for t in listed.split(",") if t.strip()) or (ALL_RULES,)
        comment_only = line.lstrip().startswith("#")
        applies = (no, no + 1) if comment_only else (no,)
        out.append(Suppression(no, m.start() + 1, targets, reason, applies))
    return out


ALL_RULES = "*"  # the target of an ignore comment that names no rule


def matches(selector: str, f: Finding) -> bool:
    """A selector is a kind, a rule name, or a code or code prefix (IA3 → IA301, IA302 …)."""
    if selector == ALL_RULES:
        return f.rule not in ("IA001", "IA002")  # input and internal errors are never hidden
    if selector in KINDS:
        return f.kind == selector
    upper = selector.upper()
    if upper.startswith("IA") and upper[2:].isdigit():
        return f.rule.startswith(upper)
    return f.name == selector


def _unused(s: Suppression) -> Finding:
    shown = "ignore（全部规则）" if s.targets == (ALL_RULES,) else f"ignore[{', '.join(s.targets)}]"
    return Finding(
        rule=UNUSED_SUPPRESSION.code,
        name=UNUSED_SUPPRESSION.name,
        kind="schema",
        severity=Severity.WARNING,
        message=f"忽略注释 {shown} 没有忽略任何问题，可以删除",
        line=s.line,
        column=s.column,
        end_line=s.line,
        end_column=s.column + 1,
        pointer="",
        indicator=None,
        suggestion="删除这条注释，或改成实际要忽略的规则代码",
    )


def _path_ignores(config: Config, path: str) -> list[str]:
    out: list[str] = []
    base = Path(config.origin).parent if config.origin else None
    for pattern, selectors in config.per_path_ignores.items():
        candidates = [path, Path(path).name]
        if base is not None:
            with contextlib.suppress(ValueError):  # the file is outside the config's folder
                candidates.append(
                    Path(os.path.realpath(path)).relative_to(os.path.realpath(base)).as_posix()
                )
        if any(fnmatch.fnmatch(c, pattern) for c in candidates):
            out.extend(selectors)
    return out


def apply_config(findings: Iterable[Finding], config: Config, path: str) -> list[Finding]:
    ignore = config.ignore + _path_ignores(config, path)
    if not (config.select or ignore or config.severity):
        return list(findings)  # nothing to select, hide or change
    out: list[Finding] = []
    for f in findings:
        if f.rule in (SCHEMA_INVALID.code, INTERNAL_ERROR.code):
            out.append(f)  # input and internal errors are never hidden
            continue
        if config.select and not any(matches(s, f) for s in config.select):
            continue
        if any(matches(s, f) for s in ignore):
            continue
        for selector, severity in config.severity.items():
            if matches(selector, f) and f.severity != severity:
                f = replace(f, severity=severity)
        out.append(f)
    return out


def apply_suppressions(findings: Sequence[Finding], text: str) -> list[Finding]:
    suppressions = parse_suppressions(text)
    if not suppressions:
        return list(findings)
    by_line: dict[int, list[Suppression]] = {}
    for s in suppressions:
        for line in s.applies_to:
            by_line.setdefault(line, []).append(s)
    out: list[Finding] = []
    for f in findings:
        hidden = False
        for s in by_line.get(f.line, ()):
            if any(matches(t, f) for t in s.targets):
                s.used = True
                hidden = True
        if not hidden:
            out.append(f)
    out.extend(_unused(s) for s in suppressions if not s.used)
    return out


# -- baseline -------------------------------------------------------------------------------


def normal_text(text: str) -> str:
    """A cell's text as a fingerprint sees it: full-width forms folded, no white space (a
    re-typed or re-spaced cell is the same cell)."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def fingerprint(f: Finding, identity: str, field: str, cell_text: str) -> str:
    """The identity of a finding that survives rows added, removed and reordered: the rule,
    the indicator's labels and name (`identity`, empty for a whole-table finding), the field
    and the text of the cell that holds the problem. Never a line, a row, a position, or the
    message (which may quote counts: "4 个产出指标中…")."""
    raw = "\x00".join((f.rule, identity, field, cell_text))
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:20]


def finding_identity(document: Document | None, f: Finding) -> tuple[str, str, str]:
    """What a fingerprint knows of a finding: its indicator's labels and name (empty for a
    finding about the whole document), where in the document it stands (the field, or the
    pointer without list positions), and the text of the cell that holds the problem."""
    if document is None:
        return "", _pointer_shape(f.pointer), ""
    if f.indicator is None or f.indicator >= len(document.indicators):
        cell = _cell_at(document.cells.values(), f.line, f.column)
        return "", _pointer_shape(f.pointer), normal_text(cell.text) if cell is not None else ""
    ind = document.indicators[f.indicator]
    fields = ind.fields
    identity = "|".join(normal_text(v or "") for v in (fields.level1, fields.level2, fields.name))
    where = f.pointer.rsplit("/", 1)[-1]
    cell = ind.cells.get(where)
    return identity, where, normal_text(cell.text) if cell is not None else ""


def _pointer_shape(pointer: str) -> str:
    """A pointer without its list positions (/goals/annual/2 → /goals/annual): where in the
    document, not which row."""
    return "/".join(p for p in pointer.split("/") if not p.isdigit())


def _cell_at(cells: Iterable[Cell], line: int, column: int) -> Cell | None:
    """The document-level value (a goal, the content, a budget figure) that a whole-table
    finding stands in."""
    for cell in cells:
        if cell.line <= line <= cell.end_line and (
            cell.line != cell.end_line or cell.col <= column <= max(cell.end_col, cell.col)
        ):
            return cell
    return None


def numbered(findings: Sequence[Finding], prints: Sequence[str]) -> list[str]:
    """Each finding's fingerprint with its occurrence in the file, counted in document order
    ("…#2" for the second finding of one rule on the same text): two equal problems count
    as two. Returned in the order of `findings`."""
    seen: Counter[str] = Counter()
    out = [""] * len(prints)
    for i in sorted(range(len(findings)), key=lambda i: Finding.sort_key(findings[i])):
        seen[prints[i]] += 1
        out[i] = f"{prints[i]}#{seen[prints[i]]}"
    return out


class Baseline:
    VERSION = 2  # 1 held the message and was lost when a count in it changed

    def __init__(self, entries: dict[str, Counter[str]] | None = None) -> None:
        self.entries = entries or {}

    @classmethod
    def load(cls, path: Path) -> Baseline:
        from indicator_audit.read.source import SourceError, read_bytes_capped

        try:
            data = json.loads(read_bytes_capped(path).decode("utf-8"))
        except SourceError as exc:
            raise ValueError(f"无法读取基线文件 {path}：{exc.message}") from None
        except ValueError:  # not JSON, or not UTF-8
            raise ValueError(
                f"基线文件 {path} 不是 indicator-audit 写出的基线（不是 JSON）"
            ) from None
        if isinstance(data, dict) and data.get("version") == 1:
            raise ValueError(
                f"基线文件 {path} 是旧版本（version 1，按行内容和问题说明记录），"
                "请用 --write-baseline 重新生成"
            )
        if not isinstance(data, dict) or data.get("version") != cls.VERSION:
            raise ValueError(
                f"基线文件 {path} 格式不对（应为 indicator-audit 写出的 version {cls.VERSION} 基线）"
            )
        files = data.get("files", {})
        return cls({name: Counter(fps) for name, fps in files.items()})

    def dump(self) -> str:
        files = {name: sorted(c.elements()) for name, c in sorted(self.entries.items())}
        return json.dumps({"version": self.VERSION, "files": files}, ensure_ascii=False, indent=1)

    def add(self, path: str, prints: Iterable[str]) -> None:
        self.entries.setdefault(path, Counter()).update(prints)

    def filter(
        self, path: str, findings: Sequence[Finding], prints: Sequence[str]
    ) -> list[Finding]:
        """Drop findings the baseline knows; a fingerprint seen twice hides two findings."""
        budget = Counter(self.entries.get(path, Counter()))
        out: list[Finding] = []
        for f, fp in zip(findings, prints, strict=True):
            if budget[fp] > 0:
                budget[fp] -= 1
                continue
            out.append(f)
        return out
