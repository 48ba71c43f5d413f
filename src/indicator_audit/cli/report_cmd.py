"""`indicator-audit report REPORT.json`: the portfolio view of a JSON report (`check -f json`),
in the terminal, as HTML or as an Excel workbook. The audit is not run again: a bureau can
check on a cluster once and make the views it needs from the one report."""

from __future__ import annotations

import argparse
import json
import sys

from indicator_audit.cli.exits import EXIT_INPUT, EXIT_OK


def run_report(args: argparse.Namespace) -> int:
    from indicator_audit.cli.check import _emit
    from indicator_audit.report import portfolio
    from indicator_audit.run.records import ReportFormatError, records_from_report

    name = "<stdin>" if args.input == "-" else args.input
    if args.format == "xlsx" and not args.output and sys.stdout.isatty():
        sys.stderr.write("indicator-audit: xlsx 是二进制文件，请用 -o FILE 写入文件\n")
        return EXIT_INPUT
    try:
        if args.input == "-":
            text = sys.stdin.buffer.read().decode("utf-8-sig")
        else:
            with open(args.input, encoding="utf-8-sig") as handle:
                text = handle.read()
    except OSError as exc:
        sys.stderr.write(f"indicator-audit: {name}: 无法读取：{exc.strerror}\n")
        return EXIT_INPUT
    except UnicodeDecodeError as exc:
        sys.stderr.write(f"indicator-audit: {name}: 不是 UTF-8 文本（字节 {exc.start}）\n")
        return EXIT_INPUT
    try:
        records = records_from_report(json.loads(text))
    except json.JSONDecodeError as exc:
        sys.stderr.write(
            f"indicator-audit: {name}:{exc.lineno}:{exc.colno}: JSON 格式错误：{exc.msg}\n"
        )
        return EXIT_INPUT
    except ReportFormatError as exc:
        sys.stderr.write(f"indicator-audit: {name}:1:1: {exc}\n")
        return EXIT_INPUT
    view = portfolio.build(records)
    if args.format == "html":
        from indicator_audit.report import portfolio_html

        _emit(portfolio_html.render(view).encode(), args.output)
    elif args.format == "xlsx":
        from indicator_audit.report import portfolio_xlsx

        _emit(portfolio_xlsx.render(view), args.output, text=False)
    else:
        from indicator_audit.report import portfolio_text

        color = args.color == "always" or (
            args.color == "auto" and args.output is None and sys.stdout.isatty()
        )
        _emit(portfolio_text.render(view, color=color).encode(), args.output)
    return EXIT_OK
