"""`indicator-audit check`: files → a batch run (worker processes, or a Dask cluster) → the
report → the exit code.

Exit codes: 0 no finding at or above --fail-on; 1 findings; 2 usage or input error, including
any file that could not be checked (its worker crashed or it hung past --timeout): the other
files are still checked and reported.

With -f html or -f xlsx, a run over PORTFOLIO_FILES files or more writes the portfolio report
(scores, departments, frequent problems, charts) instead of every table; fewer files get the
detailed report of each table. `report` makes the portfolio from a JSON report at any size.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from indicator_audit.cli.exits import EXIT_FINDINGS, EXIT_INPUT, EXIT_OK, FAIL_ON
from indicator_audit.report import is_binary

if TYPE_CHECKING:
    from indicator_audit.core.findings import Finding
    from indicator_audit.run.audit import Audit
    from indicator_audit.run.batch import BatchResult
    from indicator_audit.run.records import EntryParts

PORTFOLIO_FILES = 10
PORTFOLIO_FORMATS = frozenset({"html", "xlsx"})

# What a check made, kept alive until cli.main.run() leaves the process (see run()).
_KEPT: list[object] = []


def collect(paths: Sequence[str]) -> list[tuple[Path, bool]]:
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


def _split(values: list[str]) -> list[str]:
    return [v.strip() for item in values for v in item.split(",") if v.strip()]


def run_check(args: argparse.Namespace) -> int:
    from indicator_audit.cli.progress import Progress
    from indicator_audit.core.errors import ConfigError
    from indicator_audit.run.batch import FileOutcome, FileWork, Want, run_fixing, run_local
    from indicator_audit.run.companions import CompanionError
    from indicator_audit.run.runner import RunSettings, write_baseline

    files = collect(args.paths)
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
        previous=Path(args.previous) if args.previous else None,
        declared=Path(args.declared) if args.declared else None,
    )
    try:
        probe = FileWork(settings, Want())
        paths = [p for p, named in files if named or not probe.runner.is_pack(p)]
        portfolio = args.format in PORTFOLIO_FORMATS and len(paths) >= PORTFOLIO_FILES
        want = Want(
            audits=not (args.format == "json" or portfolio) or bool(args.write_baseline),
            entry=_json_entry(args.suggest) if args.format == "json" else None,
            piece=_json_piece() if args.format == "json" else None,
            peers=settings.peers and not args.fix,  # --fix: Runner.run takes the step
            alone=len(paths) == 1,
        )
        work = FileWork(settings, want)
        with Progress(len(paths), quiet=args.quiet) as progress:

            def done(outcome: FileOutcome) -> None:
                progress.advance(sum(len(r.findings) for r in outcome.records))

            if args.fix:  # every file audited before any is written: one process, in order
                result = run_fixing(paths, work)
            elif args.scheduler:  # the cluster's module only for a run on a cluster
                from indicator_audit.run.cluster import ClusterError, run_cluster

                try:
                    result = run_cluster(paths, work, args.scheduler, done, args.timeout)
                except ClusterError as exc:
                    sys.stderr.write(f"indicator-audit: {exc}\n")
                    return EXIT_INPUT
            else:
                result = run_local(paths, work, args.jobs, args.timeout, done, progress.tick)
    except ConfigError as exc:  # every mistake of the configuration, each where it stands
        sys.stderr.write("".join(f"indicator-audit: {p.describe()}\n" for p in exc.problems))
        return EXIT_INPUT
    except CompanionError as exc:
        sys.stderr.write(f"indicator-audit: {exc.describe()}\n")
        return EXIT_INPUT
    except (OSError, ValueError) as exc:
        sys.stderr.write(f"indicator-audit: {exc}\n")
        return EXIT_INPUT
    _KEPT.append(result)  # freed by the process's exit, not one object at a time (see run())
    if args.write_baseline:
        count = write_baseline(result.audits, Path(args.write_baseline))
        sys.stderr.write(f"indicator-audit: 已把 {count} 个问题写入基线 {args.write_baseline}\n")
    if result.fixed_files:
        sys.stderr.write(
            f"indicator-audit: 已修正 {result.fixes_applied} 处，文件：{'、'.join(result.fixed_files)}\n"
        )
    color = args.color == "always" or (
        args.color == "auto" and args.output is None and sys.stdout.isatty()
    )
    if args.format == "json":
        from indicator_audit.report.json_report import assemble

        _emit(assemble(result.pieces, result.counts()), args.output)
    elif portfolio:
        write_portfolio(args.format, result, args.output)
    else:
        write_report(args.format, result.audits, color, args.output, args.suggest)
    if args.statistics:
        _statistics(result, args)
    records = result.records
    if any(r.error is not None for r in records):
        return EXIT_INPUT
    threshold = FAIL_ON[args.fail_on]
    ranks = {"error": 3, "warning": 2, "info": 1}
    worst = max((ranks.get(f.severity, 0) for r in records for f in r.findings), default=0)
    return EXIT_FINDINGS if worst >= threshold else EXIT_OK


def _statistics(result: BatchResult, args: argparse.Namespace) -> None:
    """The portfolio in the terminal: on stdout after a terminal report or one written to a
    file; on stderr when stdout carries a machine format."""
    from indicator_audit.report import portfolio, portfolio_text

    machine = args.output is None and args.format != "rich"
    stream = sys.stderr if machine else sys.stdout
    color = args.color == "always" or (args.color == "auto" and stream.isatty())
    stream.write(portfolio_text.render(portfolio.build(result.records), color=color))


def write_portfolio(fmt: str, result: BatchResult, output: str | None) -> None:
    from indicator_audit.report import portfolio, portfolio_html, portfolio_xlsx

    view = portfolio.build(result.records)
    if fmt == "html":
        _emit(portfolio_html.render(view).encode(), output)
    else:
        _emit(portfolio_xlsx.render(view), output, text=False)


def _json_entry(suggestions: bool) -> Callable[[Audit], EntryParts]:
    """The JSON report's entry of one project, made by the worker that audits it."""
    from indicator_audit.report.json_report import file_entry_parts

    return partial(file_entry_parts, suggestions=suggestions)


def _json_piece() -> Callable[[Finding, str | None], bytes]:
    """The JSON report's text of a finding the batch step adds (with its table cell)."""
    from indicator_audit.report.json_report import fragment

    return fragment


def _json_fragment() -> Callable[[Finding], bytes]:
    """The JSON report's text of one finding: made while the rules run rather than in a second
    pass over every finding at the end."""
    from indicator_audit.report.json_report import fragment

    return fragment


def _emit(data: bytes, output: str | None, text: bool = True) -> None:
    """A report's bytes to -o FILE (atomically) or to stdout (`text`: UTF-8 text that a
    text-only stream, a caller's redirect, may take decoded)."""
    if output:
        from indicator_audit.core.atomic import write_bytes_atomic

        write_bytes_atomic(Path(output), data)
        return
    sys.stdout.flush()
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is not None:
        buffer.write(data)
    elif text:
        sys.stdout.write(data.decode())
    else:
        raise OSError("标准输出不接受二进制数据，请用 -o FILE 写入文件")


def write_report(
    fmt: str, audits: Sequence[Any], color: bool, output: str | None, suggestions: bool = False
) -> None:
    from indicator_audit.report import get_binary_reporter, get_reporter

    if is_binary(fmt) or fmt == "json":
        if fmt == "json":  # made as UTF-8 from the start (see json_report.render_bytes)
            from indicator_audit.report.json_report import render_bytes

            data = render_bytes(audits, suggestions=suggestions)
        else:
            data = get_binary_reporter(fmt)(audits, color=False, suggestions=suggestions)
        _emit(data, output, text=fmt == "json")
        return
    text = get_reporter(fmt)(audits, color=color, suggestions=suggestions)
    if output:
        from indicator_audit.core.atomic import write_text_atomic

        write_text_atomic(Path(output), text)
    else:
        sys.stdout.write(text)
