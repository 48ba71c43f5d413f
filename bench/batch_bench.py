#!/usr/bin/env python3
"""Benchmark a bureau's batch: N generated workbooks checked with --jobs 1, --jobs N and on a
local Dask cluster, beside the floor a tool built on openpyxl pays (merely loading each
workbook with load_workbook(read_only=True) and reading every cell).

    python bench/batch_bench.py [--n 400] [--jobs 2] [--dir DIR] [--no-dask]

Prints, for each way: wall seconds, CPU seconds (this process's children: the command and
its workers), files/s and indicators/s; the --jobs N / --jobs 1 wall ratio; whether the JSON
reports are byte-identical; and per workbook, the CPU of the whole audit (read, build, rules,
JSON entry) against the CPU of the openpyxl load. These machines are shared and noisy: the
load average is printed first; compare ratios within one run.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from gen_workbooks import generate  # noqa: E402


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def openpyxl_floor(paths: Sequence[Path]) -> tuple[float, float]:
    """(CPU, wall) seconds to load every workbook read-only and read every cell."""
    import openpyxl

    cpu0, wall0 = time.process_time(), time.perf_counter()
    for path in paths:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        for ws in book.worksheets:
            for row in ws.iter_rows(values_only=True):
                for _ in row:
                    pass
        book.close()
    return time.process_time() - cpu0, time.perf_counter() - wall0


def audit_in_process(paths: Sequence[Path]) -> tuple[float, float]:
    """(CPU, wall) seconds of the whole per-file audit as a batch worker runs it (read,
    build, rules, the JSON report's entry), after one warm-up file."""
    from indicator_audit.report.json_report import file_entry_parts, fragment
    from indicator_audit.run.batch import FileWork, Want
    from indicator_audit.run.runner import RunSettings

    work = FileWork(
        RunSettings(fragment=fragment), Want(entry=file_entry_parts, piece=fragment, peers=True)
    )
    work(paths[0])  # rules and grammar built once, as in a worker
    cpu0, wall0 = time.process_time(), time.perf_counter()
    for path in paths:
        work(path)
    return time.process_time() - cpu0, time.perf_counter() - wall0


def check(args: list[str], out: Path) -> tuple[float, float]:
    """(wall, CPU) of one `check` command, its workers included."""
    cmd = [sys.executable, "-m", "indicator_audit", "check", *args, "-f", "json", "-q"]
    cpu0, wall0 = children_cpu(), time.perf_counter()
    done = subprocess.run([*cmd, "-o", str(out)], capture_output=True, text=True, check=False)
    wall, cpu = time.perf_counter() - wall0, children_cpu() - cpu0
    if done.returncode not in (0, 1):
        sys.exit(f"check failed ({done.returncode}): {done.stderr[-2000:]}")
    return wall, cpu


def line(label: str, wall: float, cpu: float, files: int, indicators: int) -> None:
    print(
        f"  {label:<28} wall {wall:7.2f} s  cpu {cpu:7.2f} s  "
        f"{files / wall:7.1f} files/s  {indicators / wall:9.0f} indicators/s"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=400)
    ap.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    ap.add_argument("--dir", type=Path, help="workbooks to use (default: generated, cached)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-dask", action="store_true")
    ap.add_argument("--only-per-workbook", action="store_true", help="skip the check runs")
    args = ap.parse_args()

    folder = args.dir or Path(tempfile.gettempdir()) / f"ia-batch-bench-{args.n}-{args.seed}"
    if args.dir is None and len(list(folder.glob("*.xlsx"))) != args.n:
        print(f"generating {args.n} workbooks in {folder} …")
        generate(args.n, folder, args.seed)
    paths = sorted(folder.glob("*.xlsx"))
    print(f"{len(paths)} workbooks in {folder}; load average {os.getloadavg()[0]:.1f}")

    if not args.only_per_workbook:
        runs(args, folder, paths)
    per_workbook(paths)


def runs(args: argparse.Namespace, folder: Path, paths: Sequence[Path]) -> None:
    out = Path(tempfile.mkdtemp(prefix="ia-batch-bench-"))
    wall1, cpu1 = check([str(folder), "--jobs", "1"], out / "jobs1.json")
    report = json.loads((out / "jobs1.json").read_bytes())
    projects = len(report["files"])
    indicators = sum((f.get("project") or {}).get("indicators", 0) for f in report["files"])
    print(f"{projects} projects, {indicators} indicators, {report['summary']['findings']} findings")
    print("check (a fresh process each, JSON report):")
    line("--jobs 1", wall1, cpu1, len(paths), indicators)
    wall_n, cpu_n = check([str(folder), "--jobs", str(args.jobs)], out / "jobsN.json")
    line(f"--jobs {args.jobs}", wall_n, cpu_n, len(paths), indicators)
    same = (out / "jobs1.json").read_bytes() == (out / "jobsN.json").read_bytes()
    print(
        f"  ratio --jobs {args.jobs} / --jobs 1 wall: {wall_n / wall1:.2f}; JSON byte-identical: {same}"
    )

    if not args.no_dask:
        try:
            from dask.distributed import LocalCluster
        except ImportError:
            print("  dask: not installed (pip install 'indicator-audit[dask]'); skipped")
        else:
            with LocalCluster(
                n_workers=args.jobs, threads_per_worker=1, processes=True, dashboard_address=None
            ) as cluster:
                address = cluster.scheduler_address
                wall_d, cpu_d = check([str(folder), "--scheduler", address], out / "dask.json")
            line(f"Dask, {args.jobs} workers", wall_d, cpu_d, len(paths), indicators)
            same = (out / "jobs1.json").read_bytes() == (out / "dask.json").read_bytes()
            print(
                f"  per worker {len(paths) / wall_d / args.jobs:.1f} files/s; "
                f"JSON byte-identical to --jobs 1: {same}  (cpu: the client only)"
            )


def per_workbook(paths: Sequence[Path]) -> None:
    print("per workbook, one process:")
    floor_cpu, floor_wall = openpyxl_floor(paths)
    audit_cpu, audit_wall = audit_in_process(paths)
    n = len(paths)
    print(
        f"  openpyxl load + read every cell   cpu {1000 * floor_cpu / n:6.1f} ms  wall {1000 * floor_wall / n:6.1f} ms"
    )
    print(
        f"  whole audit (read → JSON entry)   cpu {1000 * audit_cpu / n:6.1f} ms  wall {1000 * audit_wall / n:6.1f} ms"
    )
    print(f"  audit / openpyxl load CPU: {audit_cpu / floor_cpu:.2f}")


if __name__ == "__main__":
    main()
