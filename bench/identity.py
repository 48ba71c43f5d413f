"""Byte-identity of the JSON report across a change that must not change behaviour.

    python bench/identity.py record DIR   # before the change: write each report into DIR
    python bench/identity.py compare DIR  # after it: exit 1 and name each report that differs

Covers every example, every test document (the dev tables among them) and a generated
50,000-indicator file (bench/gen_corpus.py, seed 1). Each report comes from a fresh
`indicator-audit check -f json` process run from the repository root, so paths in the reports
are the same relative paths on both sides.
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LARGE_N = 50_000


def inputs(scratch: Path) -> list[Path]:
    found: list[Path] = []
    for folder in ("examples", "tests/documents"):
        for pattern in ("*.yaml", "*.yml", "*.json", "*.csv", "*.xlsx"):
            found.extend(p for p in (ROOT / folder).rglob(pattern) if ".venv" not in p.parts)
    large = scratch / "large-50k.yaml"
    subprocess.run(
        [sys.executable, str(ROOT / "bench" / "gen_corpus.py"), str(LARGE_N), str(large)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return [*sorted(found), large]


def report(path: Path) -> bytes:
    cmd = [sys.executable, "-m", "indicator_audit", "check", "-f", "json", "--fail-on", "never"]
    shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name
    run = subprocess.run(
        [*cmd, str(shown)],
        cwd=ROOT if path.is_relative_to(ROOT) else path.parent,
        capture_output=True,
        check=False,
    )
    return run.stdout + b"\n--stderr--\n" + run.stderr + f"\n--exit {run.returncode}\n".encode()


def key(path: Path) -> str:
    name = str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else path.name
    return hashlib.sha1(name.encode()).hexdigest()[:12] + "-" + path.name + ".out"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["record", "compare"])
    parser.add_argument("dir", type=Path)
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    differ = 0
    with tempfile.TemporaryDirectory() as scratch:
        paths = inputs(Path(scratch))
        for path in paths:
            out = report(path)
            target = args.dir / key(path)
            if args.mode == "record":
                target.write_bytes(out)
            elif not target.is_file() or target.read_bytes() != out:
                differ += 1
                print(
                    f"differs: {path.name if not path.is_relative_to(ROOT) else path.relative_to(ROOT)}"
                )
    print(f"{len(paths)} reports, {differ} differ")
    return 1 if differ else 0


if __name__ == "__main__":
    raise SystemExit(main())
