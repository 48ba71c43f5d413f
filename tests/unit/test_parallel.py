"""Two processes on one large file: the chunks divide without gaps, a chunk both processes
took is reported once, a child that dies leaves its work to the parent, and report fragments
made in either process are the report's own text."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from indicator_audit import api, parallel
from indicator_audit.api import _builtin_rules, audit_path_full
from indicator_audit.engine import IndicatorContext, RunOptions
from indicator_audit.findings import Finding, Severity
from indicator_audit.registry import indicator_rule
from indicator_audit.reporters import json_report
from indicator_audit.runner import Runner, RunSettings

ROOT = Path(__file__).resolve().parents[2]
BUILTIN_RULES = _builtin_rules()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("corpus") / "corpus.yaml"
    subprocess.run(
        [sys.executable, str(ROOT / "bench" / "gen_corpus.py"), "3000", str(path)], check=True
    )
    return path


def _chunks(part: parallel.Part, n: int) -> list[tuple[int, int]]:
    return list(part.ranges(n))


def test_front_and_back_meet_without_a_gap() -> None:
    board = parallel.Board()
    front, back = parallel.Front(board), parallel.Back(board)
    n = 10 * parallel.CHUNK + 7
    f_iter, b_iter = front.ranges(n), back.ranges(n)
    taken: list[tuple[int, int]] = []
    # the child takes three chunks for each of the parent's, until they meet
    for _ in range(20):
        taken += [r for r in (next(f_iter, None),) if r]
        for _ in range(3):
            taken += [r for r in (next(b_iter, None),) if r]
    covered = sorted(i for lo, hi in taken for i in range(lo, hi))
    assert covered == list(range(n))  # every indicator once
    assert back.start == front.end


class _StaleBoard(parallel.Board):
    """A board whose reader sees the other process's claims late (the moment both claim)."""

    def _get(self, slot: int) -> int:
        return parallel._UNCLAIMED if slot == 1 else super()._get(slot)


def test_a_chunk_both_claim_is_checked_twice_and_kept_once(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    board = parallel.Board()
    n = 3000
    back = parallel.Back(board)
    b_iter = back.ranges(n)
    last = next(b_iter)  # the child claims the last chunk …
    front = parallel.Front(board)
    front.board = _StaleBoard.__new__(_StaleBoard)
    front.board._memory, front.board._slot = board._memory, board._slot
    assert _chunks(front, n)[-1] == last  # … and the parent, not seeing it, takes it too
    assert next(b_iter, None) is None and back.start == last[0] < front.end == n

    (whole,) = audit_path_full(corpus, options=RunOptions(jobs=1))
    own = [f for f in whole.findings if f.indicator is not None]
    on_document = [f for f in whole.findings if f.indicator is None]
    child_copy = [f for f in own if f.indicator is not None and f.indicator >= last[0]]
    assert child_copy
    monkeypatch.setattr(parallel, "child_findings", lambda *_: (child_copy, last[0], on_document))
    document = whole.document
    assert document is not None
    more = api._child_share((0, 0), front, document, None, None, None)
    assert sorted(more, key=Finding.sort_key) == sorted(on_document, key=Finding.sort_key)


@indicator_rule(
    code="IA996",
    name="child-dies",
    kind="vague",
    severity=Severity.WARNING,
    source="practice",
    summary="测试用",
    bad="indicators: []",
    good="indicators: []",
)
def child_dies(ctx: IndicatorContext) -> Iterator[Finding]:
    if os.getpid() != PARENT and ctx.index % parallel.CHUNK == 0:
        os._exit(3)  # the child dies on the first chunk it checks, after claiming it
    return
    yield  # pragma: no cover


PARENT = os.getpid()


def test_a_child_that_dies_leaves_its_chunks_to_the_parent(corpus: Path) -> None:
    rules = (*BUILTIN_RULES, child_dies)
    (one,) = audit_path_full(corpus, rules=rules, options=RunOptions(jobs=1))
    (two,) = audit_path_full(corpus, rules=rules, options=RunOptions(jobs=2))
    assert len(one.findings) > 500
    assert two.findings == one.findings


def test_fragments_from_both_processes_are_the_report_text(corpus: Path) -> None:
    (plain,) = audit_path_full(corpus, options=RunOptions(jobs=1))
    (made,) = audit_path_full(corpus, options=RunOptions(jobs=2, fragment=json_report.fragment))
    assert made.findings == plain.findings
    assert all(f.rendered == json_report.fragment(f) for f in made.findings)
    assert json_report.render([made]) == json_report.render([plain])


def test_a_changed_finding_is_rendered_anew(tmp_path: Path, corpus: Path) -> None:
    """A severity changed by the configuration (dataclasses.replace) drops the fragment."""
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "corpus.yaml").write_text(corpus.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / ".indicator-audit.yaml").write_text(
        "severity: {unit-mismatch: error}\n", encoding="utf-8"
    )
    settings = RunSettings(fragment=json_report.fragment)
    (audit,) = Runner(settings).run([folder / "corpus.yaml"]).audits
    changed = [f for f in audit.findings if f.rule == "IA352"]
    assert changed and all(f.severity == Severity.ERROR for f in changed)
    assert all(f.rendered is None for f in changed)
    assert '"severity": "error"' in json_report.render([audit]).split('"IA352"', 1)[1][:200]


def test_spooled_chunks_come_back_whole(corpus: Path) -> None:
    """What the child spools chunk by chunk, the parent takes in between its own chunks:
    the same findings, report fragments included, and a chunk half written waits."""
    (audit,) = audit_path_full(corpus, options=RunOptions(jobs=1, fragment=json_report.fragment))
    found = audit.findings[:300]
    board = parallel.Board()
    try:
        back, front = parallel.Back(board), parallel.Front(board)
        back.checked(found, 0)
        back.checked(found, 200)
        first = board._get(2)
        front.take_in(first - 1)  # the counter says less than one whole chunk more
        assert len(front.received) == 1
        front.take_in(first)
        assert [f for chunk in front.received for f in chunk] == found + found[200:]
        assert [f.rendered for f in front.received[1]] == [f.rendered for f in found[200:]]
    finally:
        board.close()
