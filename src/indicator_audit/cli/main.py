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
from typing import TYPE_CHECKING, Any

from indicator_audit._version import __version__
from indicator_audit.report import reporters

if TYPE_CHECKING:
    pass

from indicator_audit.cli.exits import EXIT_INPUT, EXIT_OK, FAIL_ON

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
        choices=list(FAIL_ON),
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
    c.add_argument(
        "--previous",
        metavar="LAST",
        help="上年的指标表（文件或目录，任何输入格式）：与上年的目标和实际值对照；"
        "多个项目按项目名称和主管部门配对",
    )
    c.add_argument(
        "--declared",
        metavar="TARGETS",
        help="申报（批复）的绩效目标表：核对自评表中的目标是否与申报的一致",
    )
    choice(c, "--color", choices=_COLORS, default="auto", help="终端颜色", metavar="WHEN")
    _pool_options(c, "检查")
    c.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="在 Dask 集群上检查（调度器地址，如 tcp://10.0.0.5:8786；需 indicator-audit[dask]）",
    )
    c.add_argument("--quiet", "-q", action="store_true", help="不显示进度条")
    c.add_argument(
        "--statistics",
        action="store_true",
        help="另外显示项目总览：各部门得分、得分最低的项目、最常见的问题",
    )

    rp = sub.add_parser("report", help="由 JSON 报告（check -f json）生成项目总览")
    rp.add_argument("input", metavar="REPORT.json", help="JSON 报告；- 表示标准输入")
    choice(
        rp,
        "--format",
        "-f",
        choices=["rich", "html", "xlsx"],
        default="rich",
        help="总览格式",
        metavar="FORMAT",
    )
    rp.add_argument("--output", "-o", metavar="FILE", help="把总览写入文件")
    choice(rp, "--color", choices=_COLORS, default="auto", help="终端颜色", metavar="WHEN")

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
    v.add_argument(
        "inputs", nargs="+", metavar="FILE", help="要转换的文件；多个文件或目录时 -o 须为目录"
    )
    v.add_argument(
        "--output",
        "-o",
        metavar="OUT",
        help="输出文件；多个项目时加数字后缀（OUT-1.yaml …），或给一个目录（以 / 结尾）",
    )
    _pool_options(v)
    sub.add_parser("schema", help="输出 targets.yaml 的 JSON Schema（供编辑器补全）")

    from indicator_audit.cli.serve_command import add_parser as add_serve

    add_serve(sub)
    g = sub.add_parser("suggest", help="给出修订后的指标表（保留 / 修改 / 新增，并说明理由）")
    g.add_argument(
        "paths", nargs="+", metavar="PATH", help="要给出建议的文件或目录（目录递归查找）"
    )
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
    _pool_options(g)
    return p


def _pool_options(parser: argparse.ArgumentParser, verb: str = "处理") -> None:
    """--jobs and --timeout of a command over many files; `verb` names its work in the help."""
    parser.add_argument(
        "--jobs",
        "-j",
        type=_positive(int),
        metavar="N",
        help=f"同时{verb}的进程数（默认：可用的 CPU 核数；1 表示在本进程中逐个{verb}）",
    )
    parser.add_argument(
        "--timeout",
        type=_positive(float),
        default=120.0,
        metavar="SECONDS",
        help="单个文件的处理时限，超时记为该文件的错误（默认 120 秒）",
    )


def _positive(kind: Callable[[str], Any]) -> Callable[[str], Any]:
    def parse(text: str) -> Any:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"“{text}”不是数字") from None
        if value <= 0:
            raise argparse.ArgumentTypeError(f"应大于 0：{text}")
        return value

    return parse


def _convert(args: argparse.Namespace) -> int:
    from pathlib import Path

    from indicator_audit.read.source import SourceError
    from indicator_audit.run.convert import ConvertError, convert

    if len(args.inputs) > 1 or Path(args.inputs[0]).is_dir():
        return _convert_many(args)
    (given,) = args.inputs
    try:
        converted = convert(given, args.output)
    except SourceError as exc:
        sys.stderr.write(f"indicator-audit: {given}:{exc.line}:{exc.column}: {exc.message}\n")
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


def _convert_many(args: argparse.Namespace) -> int:
    """`convert A B … -o DIR/` (or a folder): each input converted by a worker of the pool,
    into DIR, reported in input order whatever the number of workers."""
    from pathlib import Path

    from indicator_audit.cli.check import collect
    from indicator_audit.run.convert import ConvertWork, clashing
    from indicator_audit.run.pool import Failure, Pool

    out = args.output
    if out is None or not (out.endswith(("/", "\\")) or Path(out).is_dir()):
        sys.stderr.write(
            "indicator-audit: 转换多个文件或一个目录时，请用 -o 指定输出目录（以 / 结尾或已存在）\n"
        )
        return EXIT_INPUT
    inputs = [p for p, _ in collect(args.inputs)]
    if not inputs:
        sys.stderr.write("indicator-audit: 没有找到可转换的文件\n")
        return EXIT_INPUT
    clashes = clashing(inputs)
    if clashes:
        sys.stderr.write(
            f"indicator-audit: 输出文件会重名（文件名相同）：{'；'.join(clashes)}；没有转换任何文件。"
            "请分别转换到不同目录\n"
        )
        return EXIT_INPUT
    Path(out).mkdir(parents=True, exist_ok=True)
    pool: Pool[Path, list[tuple[str, str]] | str] = Pool(
        ConvertWork(out), jobs=args.jobs, timeout=args.timeout
    )
    code = EXIT_OK
    for path, got in zip(inputs, pool.run(inputs), strict=True):
        if isinstance(got, Failure):
            got = f"{path}: {got.message}"
        if isinstance(got, str):
            sys.stderr.write(f"indicator-audit: {got}\n")
            code = EXIT_INPUT
            continue
        for project, written in got:
            sys.stderr.write(f"indicator-audit: {project} → {written}\n")
    return code


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
        import shutil

        # the terminal's width (or $COLUMNS); 160 when there is neither, as in a pipe
        width = shutil.get_terminal_size(fallback=(160, 24)).columns
        sys.stdout.write(render_rules(color=sys.stdout.isatty(), width=max(width, 60)))
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
            from indicator_audit.cli.check import run_check

            return run_check(args)
        if args.command == "report":
            from indicator_audit.cli.report_cmd import run_report

            return run_report(args)
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

            return run_suggest(
                args.paths,
                args.format,
                args.write,
                args.color,
                args.project_type,
                args.jobs,
                args.timeout,
            )
        return _rules(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except MemoryError:
        # outside a file's check (those report it as the file's error): the run as a whole
        sys.stderr.write("indicator-audit: 内存不足：本次运行所需的内存超过了可用的内存\n")
        return EXIT_INPUT
    except Exception as exc:  # never a traceback for users
        from indicator_audit.core.atomic import WriteError  # here: not loaded for every start

        if isinstance(exc, WriteError):  # an output file (-o, --write, --write-baseline …)
            sys.stderr.write(f"indicator-audit: {exc}\n")
            return EXIT_INPUT
        sys.stderr.write(
            f"indicator-audit: 内部错误：{type(exc).__name__}: {exc}\n请报告此问题并附上输入文件。\n"
        )
        return EXIT_INPUT


def run() -> None:
    """The console entry point: main(), then a quick exit. A large check leaves millions of
    objects behind; freeing them one by one when run_check returns, or at the interpreter's
    teardown, is work for nothing in a process about to end: keep them referenced
    (cli.check._KEPT), keep the cyclic collector off, flush what was written and leave
    instead. Only the command line does this; the library never touches the collector or
    the exit path."""
    gc.disable()
    code = _main(None)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (BrokenPipeError, ValueError):
        pass  # the reader went away (`| head`), or a stream was closed: nothing more to say
    os._exit(code)
