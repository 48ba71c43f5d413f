"""Command line: arguments → audits → reporter → exit code. Nothing else lives here.

Exit codes: 0 no finding at or above --fail-on; 1 findings; 2 usage or input error.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from indicator_audit._version import __version__
from indicator_audit.report import is_binary, reporters

if TYPE_CHECKING:
    from indicator_audit.core.findings import Finding

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT = 0, 1, 2
_FAIL_ON = {"error": 3, "warning": 2, "info": 1, "never": 99}
_COLORS = ["auto", "always", "never"]


def _rich_or_json(parser: argparse.ArgumentParser) -> None:
    """`--format rich|json`, for the commands that show one thing rather than a report."""
    from indicator_audit.cli.arguments import choice

    choice(
        parser,
        "--format",
        "-f",
        choices=["rich", "json"],
        default="rich",
        help="输出格式",
        metavar="FORMAT",
    )


def _parser() -> argparse.ArgumentParser:
    from indicator_audit.cli.arguments import ArgumentParser, choice

    p = ArgumentParser(
        prog="indicator-audit",
        description="审核预算绩效目标表（绩效目标申报表、绩效自评表）中的指标。",
    )
    p.add_argument(
        "--version",
        action="version",
        version=f"indicator-audit {__version__}",
        help="显示版本号并退出",
    )
    sub = p.add_subparsers(dest="command", required=True, parser_class=ArgumentParser, title="命令")

    c = sub.add_parser("check", help="检查一个或多个绩效目标文件（文件或目录）")
    c.add_argument("paths", nargs="+", metavar="PATH", help="文件或目录（目录递归查找）")
    choice(
        c,
        "--format",
        "-f",
        choices=list(reporters()),
        default="rich",
        help="报告格式",
        metavar="FORMAT",
    )
    choice(
        c,
        "--fail-on",
        choices=list(_FAIL_ON),
        default="error",
        help="达到该级别的问题使退出码为 1，never 表示总是 0",
        metavar="LEVEL",
    )
    c.add_argument("--output", "-o", metavar="FILE", help="把报告写入文件")
    c.add_argument("--preset", help="权重与类别约定（rules/conventions.yaml 中的 presets）")
    c.add_argument("--config", metavar="FILE", help="配置文件（默认：从文件所在目录向上查找）")
    c.add_argument(
        "--select", action="append", default=[], metavar="RULE", help="只报这些规则/类型"
    )
    c.add_argument(
        "--ignore", action="append", default=[], metavar="RULE", help="不报这些规则/类型"
    )
    c.add_argument("--baseline", metavar="FILE", help="只报基线中没有的新问题")
    c.add_argument("--write-baseline", metavar="FILE", help="把当前全部问题写为基线")
    c.add_argument(
        "--suggest",
        action="store_true",
        help="JSON 报告中附上每个文件的修订建议表（suggestions），同 suggest 命令；只用于 -f json",
    )
    c.add_argument(
        "--fix",
        action="store_true",
        help="就地修正 YAML/JSON 文件中的机械性问题（符号、全角、类别名称）；不修改表格文件",
    )
    choice(c, "--color", choices=_COLORS, default="auto", help="终端颜色", metavar="WHEN")

    q = sub.add_parser("parse", help="解析指标文字，显示解析结构")
    q.add_argument("texts", nargs="+", metavar="TEXT", help="指标文字或指标值")
    _rich_or_json(q)
    choice(
        q,
        "--mode",
        choices=["target", "sentence"],
        default="sentence",
        help="sentence：整句指标；target：指标值单元格",
        metavar="MODE",
    )

    sub.add_parser("rules", help="列出全部规则")
    r = sub.add_parser("rule", help="显示一条规则的说明")
    r.add_argument("code", metavar="CODE_OR_NAME", help="规则代码（如 IA301）或名称")

    v = sub.add_parser("convert", help="把 Excel/CSV/JSON 表格（或 YAML）转换为 targets.yaml")
    v.add_argument("input", metavar="FILE", help="要转换的文件")
    v.add_argument(
        "--output",
        "-o",
        metavar="OUT",
        help="输出文件；多个项目时加数字后缀（OUT-1.yaml …），或给一个目录（以 / 结尾）",
    )
    sub.add_parser("schema", help="输出 targets.yaml 的 JSON Schema（供编辑器补全）")

    from indicator_audit.cli.serve_command import add_parser as add_serve

    add_serve(sub)
    g = sub.add_parser("suggest", help="给出修订后的指标表（保留 / 修改 / 新增，并说明理由）")
    g.add_argument("path", metavar="PATH", help="要给出建议的文件")
    _rich_or_json(g)
    g.add_argument(
        "--write",
        "-w",
        metavar="OUT",
        help="把修订稿写入文件，格式按扩展名：.yaml / .csv / .xlsx（xlsx 输入时沿用原表格式）/ .json",
    )
    g.add_argument(
        "--type",
        dest="project_type",
        metavar="TYPE",
        help="指定项目类型（行业指标库的类型名，如 信息化运维），不再按文字识别",
    )
    choice(g, "--color", choices=_COLORS, default="auto", help="终端颜色", metavar="WHEN")
    return p


def _collect(paths: Sequence[str]) -> list[tuple[Path, bool]]:
    """The files to check, each with whether it was named on the command line (a file found
    in a folder is skipped when it is a rule pack of its configuration)."""
    from indicator_audit.read.readers import is_supported

    out: list[tuple[Path, bool]] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found = sorted(q for q in p.rglob("*") if q.is_file() and is_supported(q))
            out.extend((q, False) for q in found)
        else:
            out.append((p, True))
    return out


# What a check made, kept alive until run() leaves the process (see run()).
_KEPT: list[object] = []


def _split(values: list[str]) -> list[str]:
    return [v.strip() for item in values for v in item.split(",") if v.strip()]


def _check(args: argparse.Namespace) -> int:
    from indicator_audit.core.errors import ConfigError
    from indicator_audit.run.runner import Runner, RunSettings, write_baseline

    files = _collect(args.paths)
    if not files:
        sys.stderr.write("indicator-audit: 没有找到可检查的文件\n")
        return EXIT_INPUT
    if args.suggest and args.format != "json":
        sys.stderr.write(
            f"indicator-audit: --suggest 只用于 -f json：{args.format} 报告没有放修订建议表的位置；"
            "要看修订建议，请用 -f json --suggest，或运行 indicator-audit suggest FILE\n"
        )
        return EXIT_INPUT
    if is_binary(args.format) and not args.output and sys.stdout.isatty():
        sys.stderr.write(
            f"indicator-audit: {args.format} 报告是二进制文件，请用 -o FILE 写入文件\n"
        )
        return EXIT_INPUT
    settings = RunSettings(
        config_path=Path(args.config) if args.config else None,
        preset=args.preset,
        select=_split(args.select),
        ignore=_split(args.ignore),
        baseline=Path(args.baseline) if args.baseline else None,
        fix=args.fix,
        fragment=_json_fragment() if args.format == "json" else None,
    )
    try:
        runner = Runner(settings)
        result = runner.run([p for p, named in files if named or not runner.is_pack(p)])
    except ConfigError as exc:
        sys.stderr.write(f"indicator-audit: {exc.path}:{exc.line}:{exc.column}: {exc.message}\n")
        return EXIT_INPUT
    except (OSError, ValueError) as exc:
        sys.stderr.write(f"indicator-audit: {exc}\n")
        return EXIT_INPUT
    _KEPT.append(result)  # freed by the process's exit, not one object at a time (see run())
    audits = result.audits
    if args.write_baseline:
        count = write_baseline(audits, Path(args.write_baseline))
        sys.stderr.write(f"indicator-audit: 已把 {count} 个问题写入基线 {args.write_baseline}\n")
    if result.fixed_files:
        sys.stderr.write(
            f"indicator-audit: 已修正 {result.fixes_applied} 处，文件：{'、'.join(result.fixed_files)}\n"
        )
    color = args.color == "always" or (
        args.color == "auto" and args.output is None and sys.stdout.isatty()
    )
    _write_report(args.format, audits, color, args.output, args.suggest)
    if any(a.error is not None for a in audits):
        return EXIT_INPUT
    threshold = _FAIL_ON[args.fail_on]
    worst = max((f.severity.rank for a in audits for f in a.findings), default=0)
    return EXIT_FINDINGS if worst >= threshold else EXIT_OK


def _json_fragment() -> Callable[[Finding], bytes]:
    """The JSON report's text of one finding: made while the rules run rather than in a second
    pass over every finding at the end."""
    from indicator_audit.report.json_report import fragment

    return fragment


def _write_report(
    fmt: str, audits: Sequence[Any], color: bool, output: str | None, suggestions: bool = False
) -> None:
    from indicator_audit.core.atomic import write_bytes_atomic, write_text_atomic
    from indicator_audit.report import get_binary_reporter, get_reporter

    if is_binary(fmt) or fmt == "json":
        if fmt == "json":  # made as UTF-8 from the start (see json_report.render_bytes)
            from indicator_audit.report.json_report import render_bytes

            data = render_bytes(audits, suggestions=suggestions)
        else:
            data = get_binary_reporter(fmt)(audits, color=False, suggestions=suggestions)
        if output:
            write_bytes_atomic(Path(output), data)
            return
        sys.stdout.flush()
        buffer = getattr(sys.stdout, "buffer", None)
        if buffer is None and fmt == "json":  # a text-only stream (a caller's redirect)
            sys.stdout.write(data.decode())
        else:
            sys.stdout.buffer.write(data)
        return
    text = get_reporter(fmt)(audits, color=color, suggestions=suggestions)
    if output:
        write_text_atomic(Path(output), text)
    else:
        sys.stdout.write(text)


def _convert(args: argparse.Namespace) -> int:
    from indicator_audit.read.source import SourceError
    from indicator_audit.run.convert import ConvertError, convert

    try:
        converted = convert(args.input, args.output)
    except SourceError as exc:
        sys.stderr.write(f"indicator-audit: {args.input}:{exc.line}:{exc.column}: {exc.message}\n")
        return EXIT_INPUT
    except ConvertError as exc:
        sys.stderr.write(f"indicator-audit: {exc}\n")
        return EXIT_INPUT
    for c in converted:
        if c.path is None:
            sys.stdout.write(c.text)
        else:
            sys.stderr.write(f"indicator-audit: {c.project} → {c.path}\n")
    return EXIT_OK


def _schema() -> int:
    from indicator_audit.read.schema import targets_schema

    sys.stdout.write(json.dumps(targets_schema(), ensure_ascii=False, indent=2) + "\n")
    return EXIT_OK


def _parse(args: argparse.Namespace) -> int:
    from indicator_audit.cli.parse_view import as_json, render_rich
    from indicator_audit.parse.grammar import parse_cell

    results = [parse_cell(t, args.mode) for t in args.texts]
    if args.format == "json":
        sys.stdout.write(json.dumps([as_json(r) for r in results], ensure_ascii=False, indent=2))
        sys.stdout.write("\n")
    else:
        sys.stdout.write(render_rich(results, color=sys.stdout.isatty()))
    return EXIT_INPUT if any(r.error is not None for r in results) else EXIT_OK


def _rules(args: argparse.Namespace) -> int:
    from indicator_audit.lint.docs import render_rule, render_rules

    if args.command == "rules":
        sys.stdout.write(render_rules(color=sys.stdout.isatty()))
        return EXIT_OK
    text = render_rule(args.code)
    if text is None:
        sys.stderr.write(f"indicator-audit: 没有规则“{args.code}”\n")
        return EXIT_INPUT
    sys.stdout.write(text)
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    # A short-lived process that builds many small objects and no cycles worth collecting:
    # the cyclic collector would only rescan them (a second or more on a large file).
    gc.disable()
    try:
        return _main(argv)
    finally:
        gc.enable()


def _main(argv: Sequence[str] | None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "check":
            return _check(args)
        if args.command == "parse":
            return _parse(args)
        if args.command == "convert":
            return _convert(args)
        if args.command == "schema":
            return _schema()
        if args.command == "serve":
            from indicator_audit.cli.serve_command import run_serve

            return run_serve(args)
        if args.command == "suggest":
            from indicator_audit.cli.suggest_view import run_suggest

            return run_suggest(args.path, args.format, args.write, args.color, args.project_type)
        return _rules(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # never a traceback for users
        sys.stderr.write(
            f"indicator-audit: 内部错误：{type(exc).__name__}: {exc}\n请报告此问题并附上输入文件。\n"
        )
        return EXIT_INPUT


def run() -> None:
    """The console entry point: main(), then a quick exit. A large check leaves millions of
    objects behind; freeing them one by one when _check returns, or at the interpreter's
    teardown, is work for nothing in a process about to end: keep them referenced (_KEPT),
    keep the cyclic collector off, flush what was written and leave instead. Only the
    command line does this; the library never touches the collector or the exit path."""
    gc.disable()
    code = _main(None)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (BrokenPipeError, ValueError):
        pass  # the reader went away (`| head`), or a stream was closed: nothing more to say
    os._exit(code)
