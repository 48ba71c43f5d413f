"""Cold start on a fresh install: `check` of the Guangzhou example against yamllint on the same
file, both installed from wheels into one new virtual environment, in the same run.

    python bench/cold_start_bench.py [--runs 9]

The package is built as a wheel and installed with yamllint into a temporary venv (pip compiles
both packages' bytecode, as on a user's machine), with an empty cache folder. The first check
fills the cache (its time is printed apart); then the two commands alternate, each a new
process, and the medians of wall and CPU seconds are compared.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "guangzhou-2021-it-ops.yaml"


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one run of `cmd` in a new process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=9)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        pip = [sys.executable, "-m", "pip"]
        subprocess.run([*pip, "wheel", "-q", "--no-deps", "-w", str(work), str(ROOT)], check=True)
        wheel = next(work.glob("indicator_audit-*.whl"))
        venv = work / "venv"
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        vpip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q"]
        subprocess.run([*vpip, str(wheel), "yamllint"], check=True)
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in ("PYTHONPATH", "PYTHONDONTWRITEBYTECODE")
        }
        env["INDICATOR_AUDIT_CACHE_DIR"] = str(work / "cache")
        ours = [str(venv / "bin" / "indicator-audit"), "check", "-f", "json", str(EXAMPLE)]
        peer = [str(venv / "bin" / "yamllint"), "-d", "relaxed", str(EXAMPLE)]
        first = timed(ours, env)
        print(
            f"first check on the fresh install (fills the cache): {first[0]:.2f} s wall, {first[1]:.2f} s CPU"
        )
        runs: dict[str, list[tuple[float, float]]] = {"ours": [], "peer": []}
        for _ in range(args.runs):
            runs["ours"].append(timed(ours, env))
            runs["peer"].append(timed(peer, env))
        med = {
            k: (statistics.median(w for w, _ in v), statistics.median(c for _, c in v))
            for k, v in runs.items()
        }
        print(
            f"indicator-audit check, median of {args.runs}: {med['ours'][0]:.3f} s wall, {med['ours'][1]:.3f} s CPU"
        )
        print(
            f"yamllint, same file, median of {args.runs}: {med['peer'][0]:.3f} s wall, {med['peer'][1]:.3f} s CPU"
        )
        print(f"ratio indicator-audit / yamllint: {med['ours'][0] / med['peer'][0]:.2f}x wall, "
              f"{med['ours'][1] / med['peer'][1]:.2f}x CPU (target ≤ 1.5x)")  # fmt: skip


if __name__ == "__main__":
    main()
