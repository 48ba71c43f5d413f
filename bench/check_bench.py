"""Benchmark `indicator-audit check` against its peers, in one run, on the same files.

    python bench/check_bench.py [--n 50000] [--repeat 3] [--peer-dir /tmp/ia-peer]

Prints, for a generated N-indicator targets file: our check time (full CLI, a fresh process,
best of --repeat), Spectral's time with ../shared/bench/spectral-ruleset.yaml (the peer a team
would otherwise use; installed once with npm by shared/bench/run_peer.sh), and the ratio; then,
for the small Guangzhou example, our cold start against yamllint's. These machines are noisy:
compare the ratios of one run, not absolute seconds across runs.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED_BENCH = ROOT.parent / "shared" / "bench"


def best_of(cmd: list[str], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        best = min(best, time.perf_counter() - start)
    return best


def spectral_seconds(target: Path, repeat: int, peer_dir: str) -> float | None:
    runner = SHARED_BENCH / "run_peer.sh"
    if not runner.is_file():
        print("spectral: ../shared/bench/run_peer.sh not found; skipped")
        return None
    best = float("inf")
    for _ in range(repeat):
        run = subprocess.run(
            ["bash", str(runner), str(target)],
            capture_output=True,
            text=True,
            env={**os.environ, "PEER_DIR": peer_dir},
            check=False,
        )
        for line in run.stdout.splitlines():
            if line.startswith("spectral_seconds"):
                best = min(best, float(line.split()[1]))
    return None if best == float("inf") else best


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=50_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--peer-dir", default=os.environ.get("PEER_DIR", "/tmp/ia-peer"))
    ap.add_argument("--skip-peer", action="store_true")
    args = ap.parse_args()

    # An installed package has its bytecode compiled by pip (yamllint's has); an editable or
    # PYTHONPATH checkout under PYTHONDONTWRITEBYTECODE would recompile every module at every
    # start. Compile it once so both tools start on the same footing.
    import compileall

    compileall.compile_dir(str(ROOT / "src" / "indicator_audit"), quiet=1)
    ours = [sys.executable, "-m", "indicator_audit", "check", "-f", "json", "--fail-on", "never"]
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / f"corpus-{args.n}.yaml"
        subprocess.run(
            [sys.executable, str(ROOT / "bench" / "gen_corpus.py"), str(args.n), str(corpus)],
            check=True,
        )
        size = corpus.stat().st_size / 1e6
        print(f"corpus: {args.n} indicators, {size:.1f} MB")

        # load only (source + document), in process
        sys.path.insert(0, str(ROOT / "src"))
        from indicator_audit.read.document import build
        from indicator_audit.read.source import read_file

        best_load = float("inf")
        for _ in range(args.repeat):
            start = time.perf_counter()
            source = read_file(corpus)
            build(source)
            best_load = min(best_load, time.perf_counter() - start)
        print(
            f"load ({source.loader} reader + validation): {best_load:.2f} s (best of {args.repeat})"
        )

        our = best_of([*ours, str(corpus)], args.repeat)
        print(f"indicator-audit check: {our:.2f} s (best of {args.repeat})")
        if not args.skip_peer:
            peer = spectral_seconds(corpus, args.repeat, args.peer_dir)
            if peer is not None:
                print(f"spectral lint: {peer:.2f} s (best of {args.repeat})")
                print(f"ratio spectral / indicator-audit: {peer / our:.1f}x")

    small = ROOT / "examples" / "guangzhou-2021-it-ops.yaml"
    cold = best_of([*ours, str(small)], max(args.repeat, 5))
    print(f"guangzhou example, cold check: {cold * 1000:.0f} ms")
    yamllint = shutil.which("yamllint")
    if yamllint is None:
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "yamllint"], check=False)
        yamllint = shutil.which("yamllint")
    if yamllint is not None:
        peer_cold = best_of([yamllint, "-d", "relaxed", str(small)], max(args.repeat, 5))
        print(f"yamllint, same file: {peer_cold * 1000:.0f} ms")
        print(f"ratio indicator-audit / yamllint (cold): {cold / peer_cold:.2f}x")


if __name__ == "__main__":
    main()
