"""Two installed builds of indicator-audit, side by side on the same machine in the same run.

    python bench/compare_builds.py BEFORE_PYTHON AFTER_PYTHON [--runs 7] [--n 50000]

Each PYTHON is an interpreter with one build installed (for example a venv made from an
older commit with `pip install .`). Runs alternate between the two builds, so a machine that
slows down mid-run slows both. Printed for each build: the median wall time and the median
CPU seconds (user + system, the process and its children) of a cold `check` of the
Guangzhou example, and of a `check -f json` of a generated N-indicator file; then the ratios
after / before. Each build has a cache folder of its own (filled by a first, untimed run):
builds that share one evict each other's entries, as do other checkouts' test runs that use
the user's cache, and a start that misses rebuilds what it would otherwise load.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "guangzhou-2021-it-ops.yaml"


def timed(python: str, target: Path, cache: Path) -> tuple[float, float]:
    """Wall and CPU seconds of one `check -f json` in a fresh process."""
    env = {**os.environ, "INDICATOR_AUDIT_CACHE_DIR": str(cache)}
    before = os.times()
    start = time.perf_counter()
    subprocess.run(
        [python, "-m", "indicator_audit", "check", "-f", "json", "--fail-on", "never", str(target)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
        check=False,
    )
    wall = time.perf_counter() - start
    after = os.times()
    cpu = (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )
    return wall, cpu


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("before")
    parser.add_argument("after")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--n", type=int, default=50_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        large = Path(scratch) / "large.yaml"
        subprocess.run(
            [sys.executable, str(ROOT / "bench" / "gen_corpus.py"), str(args.n), str(large)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        builds = {"before": args.before, "after": args.after}
        caches = {name: Path(scratch) / f"cache-{name}" for name in builds}
        for label, target, runs in (
            ("cold start, Guangzhou example", EXAMPLE, args.runs * 2),
            (f"{args.n} indicators", large, args.runs),
        ):
            results: dict[str, list[tuple[float, float]]] = {"before": [], "after": []}
            for name, python in builds.items():  # warm both (caches, page cache)
                timed(python, target, caches[name])
            for _ in range(runs):
                for name, python in builds.items():
                    results[name].append(timed(python, target, caches[name]))
            print(f"{label} (median of {runs}):")
            medians = {}
            for name, rows in results.items():
                wall = statistics.median(r[0] for r in rows)
                cpu = statistics.median(r[1] for r in rows)
                medians[name] = (wall, cpu)
                print(f"  {name:6}  wall {wall:6.2f} s   cpu {cpu:6.2f} s")
            (bw, bc), (aw, ac) = medians["before"], medians["after"]
            print(f"  after/before: wall {aw / bw:.2f}×   cpu {ac / bc:.2f}×")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
