#!/usr/bin/env python3
"""Print the cost of parsing indicator cells, in microseconds per cell.

Usage: PYTHONPATH=src python bench/parse_bench.py [N] [--seed S] [--repeat R]

Generates N indicators with bench/gen_corpus.py (same values as the speed comparison), takes
the distinct target and name strings, and times parse_cell over them:
  cold  - cache cleared before each pass, every distinct string parsed once (what a check of a
          fresh file pays per distinct cell);
  warm  - the same strings again, served from the memo (what each repeated cell costs);
  per indicator - cold cost of the whole file's distinct cells divided by N.
The best of R passes is reported: these machines are shared and noisy. The cyclic garbage
collector is paused during the timings, as `check` runs (it only rescans the cache's objects);
pass --gc to leave it on.
"""

from __future__ import annotations

import argparse
import gc
import subprocess
import sys
import tempfile
import time
import timeit
from pathlib import Path

import yaml

from indicator_audit.parse.grammar import clear_cache, parse_cell

HERE = Path(__file__).resolve().parent


def corpus(n: int, seed: int) -> tuple[list[str], list[str]]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "corpus.yaml"
        subprocess.run(
            [sys.executable, str(HERE / "gen_corpus.py"), str(n), str(out), "--seed", str(seed)],
            check=True,
        )
        doc = yaml.safe_load(out.read_text(encoding="utf-8"))
    rows = doc["indicators"]
    return [str(r["target"]) for r in rows], [str(r["name"]) for r in rows]


def best(fn: object, repeat: int) -> float:
    assert callable(fn)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int, nargs="?", default=50_000)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--gc", action="store_true", help="keep the garbage collector running")
    a = ap.parse_args()

    targets, names = corpus(a.n, a.seed)
    distinct_targets = list(dict.fromkeys(targets))
    distinct_names = list(dict.fromkeys(names))
    parse_cell("≥90%")  # build the parser outside the timings

    def cold_targets() -> None:
        clear_cache()
        for t in distinct_targets:
            parse_cell(t)

    def cold_names() -> None:
        clear_cache()
        for t in distinct_names:
            parse_cell(t, "sentence")

    def warm_all() -> None:
        for t in targets:
            parse_cell(t)

    def simple() -> None:
        clear_cache()
        parse_cell("≥ 90%")

    if not a.gc:
        gc.collect()
        gc.disable()
    t_cold = best(cold_targets, a.repeat)
    t_names = best(cold_names, a.repeat)
    cold_targets()
    t_warm = best(warm_all, a.repeat)
    # many short runs, best taken: one cell is too quick to time alone on a noisy machine
    t_simple = min(timeit.repeat(simple, number=500, repeat=20)) / 500
    gc.enable()
    us = 1e6
    print(
        f"indicators {a.n}, distinct targets {len(distinct_targets)}, "
        f"distinct names {len(distinct_names)}"
    )
    print(f"cold target parse   {t_cold / len(distinct_targets) * us:8.1f} us/cell")
    print(f"cold name parse     {t_names / len(distinct_names) * us:8.1f} us/cell")
    print(f"warm (memoised)     {t_warm / len(targets) * us:8.2f} us/cell")
    print(f"cold '≥ 90%'        {t_simple * us:8.1f} us/cell")
    total = t_cold + t_names + t_warm
    print(f"whole file: targets+names {total:.3f} s = {total / a.n * us:.1f} us per indicator")


if __name__ == "__main__":
    main()
