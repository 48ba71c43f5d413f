"""An indicator's cells, made lazily: one at a time or all at once, always the same cells."""

from __future__ import annotations

from indicator_audit.read.document import build
from indicator_audit.read.source import load_text


def test_one_cell_then_all_are_the_same_objects() -> None:
    doc = build(load_text("indicators:\n  - {name: 巡检次数, target: ≥12次}\n"))
    (ind,) = doc.indicators
    target = ind.cell("target")
    assert target is not None and (target.text, target.line, target.col) == ("≥12次", 2, 26)
    assert target.pointer == "/indicators/0/target"
    assert ind.cells["target"] is target
    assert ind.cell("name") is ind.cells["name"]
    assert ind.cell("weight") is None and "weight" not in ind.cells


def test_sentences_and_nested_categories_keep_their_cells() -> None:
    text = "indicators:\n  - 平均故障恢复时间不超过25分钟\n  - {name: 巡检次数, target: ≥12次}\n"
    sentence, _ = build(load_text(text)).indicators
    assert sentence.cell("target") is not None
    assert sentence.cell("target") is sentence.cells["target"]
    nested = build(
        load_text(
            "indicators:\n  产出指标:\n    质量指标:\n      - {name: 验收合格率, target: =100%}\n"
        )
    ).indicators[0]
    level1 = nested.cell("level1")
    assert level1 is not None and level1.text == "产出指标"
    assert nested.cell("target") is nested.cells["target"]
    assert set(nested.cells) == {"level1", "level2", "name", "target"}
