"""`check --fix` never loses or corrupts a byte: over the dev tables and fuzzed documents, every
document `--fix` changes still parses, differs from the original only in the edited values (every
other line byte for byte), and a second `--fix` changes nothing.

CI runs a few hundred documents every time; INDICATOR_AUDIT_FIX_DOCS=10000 runs the full count.
"""

from __future__ import annotations

import json
import os
import random
from dataclasses import dataclass
from pathlib import Path

from indicator_audit.read.document import build
from indicator_audit.read.source import load_text
from indicator_audit.run.runner import Runner, RunSettings

ROOT = Path(__file__).resolve().parents[2]
DEV = sorted((ROOT / "tests" / "documents").glob("dev*/*.yaml"))
COUNT = int(os.environ.get("INDICATOR_AUDIT_FIX_DOCS", "300"))

# Cells of the kinds that real tables carry and the fixable rules touch: full-width digits and
# signs, look-alike comparators (≧ ═ ＜＝), placeholders (xx, **), bare sentences, odd labels.
NAMES = [
    "平均故障恢复时间", "用户满意度", "全年巡检xx次", "巡检**次数", "系统可用率", "培训人数",
    "设备采购数量", "故障响应及时率", "资金到位率", "＊＊项目完成率", "覆盖xx个社区", "受益群众满意度",
]  # fmt: skip
TARGETS = [
    "＜＝ 25 分钟", "不低于 ９０％", "≧９０％", "═100%", "（≥**次）", "≥**次", "≤ ２５", "１２次",
    "99.9%", "xx%", "大于等于95%", "=100%", "≥ ９５ ％", "＞＝ 3 个", "100 %", "≦ 2 小时", "达标",
]  # fmt: skip
LEVEL1 = ["产出指标", "产出", "效益指标", "效益", "满意度指标", "满意度", "成本指标", "产出 指标"]
LEVEL2 = ["数量指标", "数量", "质量指标", "质量", "时效指标", "时效", "服务对象满意度", "社会效益"]
UNITS = ["％", "%", "次", "分钟", "个", "人"]


def _quote(text: str, rng: random.Random) -> str:
    style = rng.choice(["plain", "plain", "single", "double"])
    if style == "plain" and text.startswith(("%", "=", "@")):  # not a valid plain scalar
        style = "double"
    if style == "single":
        return "'" + text.replace("'", "''") + "'"
    if style == "double":
        return json.dumps(text, ensure_ascii=False)
    return text


def _fuzzed(rng: random.Random) -> str:
    lines = ["project:", f"  name: {_quote('测试项目' + str(rng.randint(1, 99)), rng)}"]
    lines.append("indicators:")
    for _ in range(rng.randint(1, 8)):
        name, target = rng.choice(NAMES), rng.choice(TARGETS)
        note = rng.choice(["", "", "  # 备注"])
        style = rng.choice(["sentence", "block", "flow"])
        if style == "sentence":
            lines.append(f"  - {name}{rng.choice(['', ' '])}{target}{note}")
        elif style == "block":
            lines.append(f"  - level1: {_quote(rng.choice(LEVEL1), rng)}{note}")
            lines.append(f"    level2: {_quote(rng.choice(LEVEL2), rng)}")
            lines.append(f"    name: {_quote(name, rng)}")
            lines.append(f"    target: {_quote(target, rng)}")
            if rng.random() < 0.4:
                lines.append(f"    unit: {_quote(rng.choice(UNITS), rng)}")
        else:
            unit = f", unit: {_quote(rng.choice(UNITS), rng)}" if rng.random() < 0.3 else ""
            lines.append(
                f"  - {{level1: {_quote(rng.choice(LEVEL1), rng)}, "
                f"level2: {_quote(rng.choice(LEVEL2), rng)}, name: {_quote(name, rng)}, "
                f"target: {_quote(target, rng)}{unit}}}{note}"
            )
    return "\n".join(lines) + "\n"


@dataclass
class Tally:
    documents: int = 0
    changed: int = 0
    refused: int = 0


def _edit_lines(runner: Runner, path: Path) -> set[int] | None:
    """The lines the findings' edits are on; None when the document does not load."""
    (audit,) = runner.audit(path)
    if audit.error is not None:
        return None
    return {f.edit.line for f in audit.findings if f.edit is not None and f.edit.line}


def _one(runner: Runner, path: Path, text: str, tally: Tally) -> None:
    path.write_text(text, encoding="utf-8")
    allowed = _edit_lines(runner, path)
    assert allowed is not None, text  # the corpus holds valid documents only
    (audit,) = runner.run([path]).audits
    after = path.read_text(encoding="utf-8")
    tally.documents += 1
    if audit.error is not None:  # refused: exit 2 and the file untouched
        assert after == text, path
        tally.refused += 1
        return
    if after == text:
        return
    tally.changed += 1
    build(load_text(after, str(path)))  # still parses, still a document
    before_lines, after_lines = text.split("\n"), after.split("\n")
    assert len(before_lines) == len(after_lines), (text, after)
    for n, (b, a) in enumerate(zip(before_lines, after_lines, strict=True), 1):
        assert b == a or n in allowed, (n, b, a)
    runner.run([path])
    assert path.read_text(encoding="utf-8") == after, ("not idempotent", text, after)


def test_fix_keeps_every_byte_but_the_intended_ones(tmp_path: Path) -> None:
    rng = random.Random(20261207)
    runner = Runner(RunSettings(fix=True))
    tally = Tally()
    path = tmp_path / "t.yaml"
    for dev in DEV:
        _one(runner, path, dev.read_text(encoding="utf-8"), tally)
    while tally.documents < max(COUNT, len(DEV)):
        _one(runner, path, _fuzzed(rng), tally)
    print(
        f"--fix over {tally.documents} documents: {tally.changed} changed, {tally.refused} refused"
    )
    assert tally.documents >= COUNT
    assert tally.changed > tally.documents // 4  # the fuzzing reaches the fixable rules
    assert tally.refused == 0
