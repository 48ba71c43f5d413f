"""Time each hostile input of the security review at 1×, 2× and 4× its size.

    python bench/hostile_bench.py                # the review's sizes (1×) and 2×, 4×
    python bench/hostile_bench.py --small        # a tenth of them (what the test runs)
    python bench/hostile_bench.py --only csv-rows --only fix-large

Each case is one `check` (or `check --fix`) in a fresh process, timed inside it (wall and CPU
seconds of main(), peak memory), with a time limit. Prints a table; growth is the 4×/1× ratio
of CPU seconds (linear: about 4; a quadratic input would show 16). These machines are shared
and noisy: CPU seconds are the figure to read, wall seconds follow the load.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LIMIT_S = 120.0

# The child: run the command line in-process, report its time and peak memory as JSON.
_CHILD = """
import json, os, resource, sys, time
from indicator_audit.cli.main import main
wall, cpu = time.perf_counter(), time.process_time()
sys.stdout = open(os.devnull, "w")
code = main(sys.argv[1:])
print(json.dumps({"code": code, "wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}),
      file=sys.stderr)
"""


@dataclass(frozen=True)
class Case:
    name: str
    review: str  # the size the review used, at 1×
    make: Callable[[Path, int], list[str]]  # (folder, units) → check arguments
    units: int  # 1× in the case's own unit


def _doc(indicators: list[str], goals: list[str] | None = None) -> str:
    lines = ["project:", "  name: 压力测试项目"]
    if goals:
        lines += [
            "goals:",
            "  annual:",
            *[f"    - {json.dumps(g, ensure_ascii=False)}" for g in goals],
        ]
    lines.append("indicators:")
    lines += indicators
    return "\n".join(lines) + "\n"


def _ind(name: str, target: str = "≥12次") -> str:
    return (
        f"  - {{level1: 产出指标, level2: 数量指标, name: {json.dumps(name, ensure_ascii=False)}, "
        f"target: {json.dumps(target, ensure_ascii=False)}}}"
    )


def goal_digits(folder: Path, n: int) -> list[str]:
    """One goal of n digit characters (the review: 40,000 took 70 s)."""
    path = folder / "goal.yaml"
    path.write_text(_doc([_ind("巡检次数")], ["完成" + "1,2%年" * (n // 5) + "项"]), "utf-8")
    return ["check", "-f", "json", str(path)]


def goals_at_cap(folder: Path, n: int) -> list[str]:
    """n goals just under the value cap, of the digit runs that backtracked."""
    path = folder / "goals.yaml"
    goals = ["完成" + ("1,2%年" * 990)[:4990] + "项" for _ in range(n)]
    path.write_text(_doc([_ind("巡检次数")], goals), "utf-8")
    return ["check", "-f", "json", str(path)]


def slash_star(folder: Path, n: int) -> list[str]:
    """n names made of "/*" repeated, each just under the value cap."""
    path = folder / "names.yaml"
    path.write_text(_doc([_ind("巡检" + "/*" * 2490 + "次数") for _ in range(n)]), "utf-8")
    return ["check", "-f", "json", str(path)]


def pack_regex(folder: Path, n: int) -> list[str]:
    """A pack whose condition is `(a+)+$` and `a.*b.*c`, on n names of 4,000 characters."""
    pack = folder / "pack.yaml"
    pack.write_text(
        "rules:\n"
        "  - code: IA901\n    name: evil-nested\n    kind: vague\n    severity: warning\n"
        "    source: test\n    summary: 嵌套重复\n    message: 名称可疑\n"
        '    when: name matches "(a+)+$"\n'
        '    bad: "indicators:\\n  - {level1: 产出指标, level2: 数量指标, name: aaa, target: ≥1次}"\n'
        '    good: "indicators:\\n  - {level1: 产出指标, level2: 数量指标, name: 巡检, target: ≥1次}"\n'
        "  - code: IA902\n    name: evil-polynomial\n    kind: vague\n    severity: warning\n"
        "    source: test\n    summary: 多处通配\n    message: 名称可疑\n"
        '    when: name matches "a.*b.*c"\n'
        '    bad: "indicators:\\n  - {level1: 产出指标, level2: 数量指标, name: abc, target: ≥1次}"\n'
        '    good: "indicators:\\n  - {level1: 产出指标, level2: 数量指标, name: 巡检, target: ≥1次}"\n',
        "utf-8",
    )
    (folder / ".indicator-audit.yaml").write_text("packs: [pack.yaml]\n", "utf-8")
    path = folder / "t.yaml"
    path.write_text(_doc([_ind("ab" * 2000 + "!") for _ in range(n)]), "utf-8")
    return ["check", "-f", "json", str(path)]


def extends_graph(folder: Path, depth: int) -> list[str]:
    """`extends` `depth` levels deep, two parents per level, both extending the level below."""
    for level in range(depth):
        for side in ("a", "b"):
            parents = [] if level == 0 else [f"c{level - 1}a.yaml", f"c{level - 1}b.yaml"]
            (folder / f"c{level}{side}.yaml").write_text(
                f"extends: {json.dumps(parents)}\nignore: [IA101]\n", "utf-8"
            )
    (folder / ".indicator-audit.yaml").write_text(
        f"extends: [c{depth - 1}a.yaml, c{depth - 1}b.yaml]\n", "utf-8"
    )
    path = folder / "t.yaml"
    path.write_text(_doc([_ind("巡检次数")]), "utf-8")
    return ["check", "-f", "json", str(path)]


_CSV_HEAD = (
    "项目名称,压力测试项目,主管部门,示例\n年度目标,全年巡检不少于200次。\n\n"
    "一级指标,二级指标,三级指标,计算公式,指标值,实际完成值,分值,得分,偏差原因分析及改进措施\n"
)


def csv_rows(folder: Path, n: int) -> list[str]:
    """A CSV table of n indicator rows (the review: 20,000 took 69 s)."""
    path = folder / "t.csv"
    rows = "".join(f"产出指标,数量指标,巡检次数{i},,≥{i % 97 + 1}次,,1,,\n" for i in range(n))
    path.write_text(_CSV_HEAD + rows, "utf-8")
    return ["check", "-f", "json", str(path)]


def xlsx_rows(folder: Path, n: int) -> list[str]:
    """A workbook of n indicator rows (the review: 100,000 took more than 240 s)."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("指标")
    for line in _CSV_HEAD.strip().split("\n"):
        ws.append(line.split(",") if line else [])
    for i in range(n):
        ws.append(["产出指标", "数量指标", f"巡检次数{i}", "", f"≥{i % 97 + 1}次", "", 1])
    path = folder / "t.xlsx"
    wb.save(path)
    return ["check", "-f", "json", str(path)]


def _after_sheet_data(folder: Path, name: str, payload: bytes) -> list[str]:
    """A small workbook whose sheets carry `payload` right after their cell data."""
    xlsx_rows(folder, 20)
    path = folder / "t.xlsx"
    out = folder / name
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                data = data.replace(b"</sheetData>", b"</sheetData>" + payload)
            dst.writestr(item, data)
    return ["check", "-f", "json", str(out)]


def merge_bomb(folder: Path, n: int) -> list[str]:
    """n sheet-wide merged areas in a few kilobytes (the review: 100 used 1.6 GB)."""
    merges = "".join(f'<mergeCell ref="A{i + 1}:CV{1000 + i}"/>' for i in range(n))
    payload = f'<mergeCells count="{n}">{merges}</mergeCells>'.encode()
    return _after_sheet_data(folder, "bomb.xlsx", payload)


def merge_tags(folder: Path, n: int) -> list[str]:
    """n unterminated `<mergeCell` tags: a pattern that backtracks is quadratic in them."""
    return _after_sheet_data(folder, "tags.xlsx", b"<!-- " + b"<mergeCell a=1 " * n + b"-->")


def fix_large(folder: Path, n: int) -> list[str]:
    """`check --fix` on n indicators, each with a fixable spelling (the review: 60,000 took
    more than 14 minutes)."""
    path = folder / "t.yaml"
    path.write_text(_doc([_ind(f"巡检次数{i}", f"≧{i % 90 + 10}次") for i in range(n)]), "utf-8")
    return ["check", "--fix", "-f", "json", str(path)]


def special_files(folder: Path, n: int) -> list[str]:
    """A FIFO with no writer and /dev/zero, n of each on one command line."""
    paths = []
    for i in range(n):
        fifo = folder / f"pipe{i}.yaml"
        os.mkfifo(fifo)
        paths += [str(fifo), "/dev/zero"]
    return ["check", "-f", "json", *paths]


CASES = [
    Case("goal-digits", "1 goal of 40,000 characters", goal_digits, 40_000),
    Case("goals-at-cap", "100 goals of 4,990 characters", goals_at_cap, 100),
    Case("slash-star-names", "50 names of 4,984 characters", slash_star, 50),
    Case("pack-regex", "(a+)+$ and a.*b.*c on 200 names of 4,001 characters", pack_regex, 200),
    Case("extends-graph", "depth 20, two parents per level", extends_graph, 20),
    Case("csv-rows", "20,000 rows", csv_rows, 20_000),
    Case("xlsx-rows", "100,000 rows", xlsx_rows, 100_000),
    Case("merge-bomb", "100 merged areas of 100,000 cells", merge_bomb, 100),
    Case("merge-tags", "20,000 unterminated merge tags", merge_tags, 20_000),
    Case("fix-large", "60,000 indicators, --fix", fix_large, 60_000),
    Case("fifo-dev-zero", "a FIFO and /dev/zero", special_files, 1),
]


def run_case(case: Case, units: int, limit: float = LIMIT_S) -> dict[str, float | str]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        argv = case.make(folder, units)
        env = {**os.environ, "INDICATOR_AUDIT_JOBS": os.environ.get("INDICATOR_AUDIT_JOBS", "")}
        env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")])
        try:
            run = subprocess.run(
                [sys.executable, "-c", _CHILD, *argv],
                capture_output=True,
                text=True,
                timeout=limit,
                env=env,
                cwd=folder,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return {"status": f"> {limit:.0f} s"}
        last = run.stderr.strip().splitlines()[-1] if run.stderr.strip() else ""
        try:
            out: dict[str, float | str] = json.loads(last)
        except json.JSONDecodeError:
            return {"status": f"crashed: {run.stderr.strip()[-200:]}"}
        out["status"] = "ok"
        return out


def measure(
    scale: float, only: list[str] | None = None, limit: float = LIMIT_S
) -> dict[str, list[dict[str, float | str]]]:
    """Each case at 1×, 2× and 4× of `scale` times its review size."""
    out: dict[str, list[dict[str, float | str]]] = {}
    for case in CASES:
        if only and case.name not in only:
            continue
        base = max(1, round(case.units * scale))
        out[case.name] = [{**run_case(case, base * k, limit), "units": base * k} for k in (1, 2, 4)]
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--small", action="store_true", help="a tenth of the review's sizes")
    ap.add_argument("--only", action="append", help="run only this case (repeatable)")
    ap.add_argument("--limit", type=float, default=LIMIT_S, help="seconds per run")
    args = ap.parse_args()
    scale = 0.1 if args.small else 1.0
    print(f"{'case':18} {'size at 1×':52} {'1× cpu':>8} {'2× cpu':>8} {'4× cpu':>8} "
          f"{'4×/1×':>6} {'1× wall':>8} {'4× MB':>7} exit")  # fmt: skip
    for case in CASES:
        if args.only and case.name not in args.only:
            continue
        runs = measure(scale, [case.name], args.limit)[case.name]
        cpu = [r.get("cpu") for r in runs]
        if all(isinstance(c, float) for c in cpu):
            c1, c2, c4 = (float(c) for c in cpu)  # type: ignore[arg-type]
            growth = f"{c4 / max(c1, 1e-3):6.1f}"
            cells = f"{c1:8.2f} {c2:8.2f} {c4:8.2f} {growth}"
            wall = f"{float(runs[0]['wall']):8.2f}"
            mem = f"{float(runs[2]['rss_mb']):7.0f}"
            codes = ",".join(str(r["code"]) for r in runs)
        else:
            cells = " ".join(str(r["status"]) for r in runs)
            wall = mem = codes = ""
        size = case.review if scale == 1 else f"{scale:g} × ({case.review})"
        print(f"{case.name:18} {size:52} {cells} {wall} {mem} {codes}")


if __name__ == "__main__":
    main()
