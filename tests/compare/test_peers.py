"""Peers in a batch: a generated batch of 200 projects with planted outliers; the peer step
finds exactly the planted targets, states the peer median, the number of peers and their
projects, and says nothing when fewer than 5 peers share a measure."""

from __future__ import annotations

from pathlib import Path

from peer_batch import OUTLIERS, make_batch

from indicator_audit.packs.load import default_packs
from indicator_audit.run.audit import Audit, audit_text_full
from indicator_audit.run.batch import FileWork, Want
from indicator_audit.run.peers import add_peer_findings
from indicator_audit.run.runner import RunSettings


def _audits(texts: list[str]) -> list[Audit]:
    audits = [audit_text_full(t, f"<p{i}>") for i, t in enumerate(texts)]
    assert all(a.error is None for a in audits)
    return audits


def _flagged(audits: list[Audit]) -> set[tuple[int, str]]:
    out = set()
    for p, audit in enumerate(audits):
        assert audit.document is not None
        for f in audit.findings:
            if f.rule == "IA721":
                assert f.indicator is not None
                out.add((p, str(audit.document.indicators[f.indicator].fields.name)))
    return out


def test_planted_outliers_and_nothing_else_in_200_projects() -> None:
    batch = make_batch(200, outliers=len(OUTLIERS))
    assert len(batch.planted) == len(OUTLIERS)
    audits = _audits(batch.texts)
    add_peer_findings(audits, default_packs())
    assert _flagged(audits) == batch.planted
    for p, audit in enumerate(audits):
        for f in audit.findings:
            if f.rule == "IA721":
                assert f.severity == "info"
                assert "中位数" in f.message and "个同类项目" in f.message
                assert "号" in f.message  # names the peers' projects
                assert f"第{p + 1}号" not in f.message.split("同类项目", 1)[1]  # not itself


def test_a_batch_without_outliers_is_silent() -> None:
    audits = _audits(make_batch(200).texts)
    add_peer_findings(audits, default_packs())
    assert _flagged(audits) == set()


def test_fewer_than_five_peers_say_nothing() -> None:
    # five projects of one kind: each has only four peers, however far off one target is
    texts = []
    for i, cost in enumerate((400, 410, 390, 405, 5000)):
        texts.append(
            f"project: {{name: 培训{i}}}\nindicators:\n"
            f"  - {{level1: 产出指标, level2: 成本指标, name: 人均培训成本, target: ≤{cost}元/人·天}}\n"
        )
    audits = _audits(texts)
    add_peer_findings(audits, default_packs())
    assert _flagged(audits) == set()
    # a sixth project gives each five peers: now the far one stands out
    texts.append(texts[0].replace("培训0", "培训5").replace("≤400", "≤395"))
    audits = _audits(texts)
    add_peer_findings(audits, default_packs())
    assert _flagged(audits) == {(4, "人均培训成本")}


def test_different_units_are_not_peers() -> None:
    # a cost per person-day and a cost per person are different measures: six of the first
    # and one of the second, far above them, which only a wrong grouping would flag
    texts = [
        f"project: {{name: 甲{i}}}\nindicators:\n"
        f"  - {{level1: 产出指标, level2: 成本指标, name: 人均培训成本, target: ≤{400 + 5 * i}元/人·天}}\n"
        for i in range(6)
    ]
    texts.append(
        "project: {name: 乙}\nindicators:\n"
        "  - {level1: 产出指标, level2: 成本指标, name: 人均培训成本, target: ≤2000元/人}\n"
    )
    audits = _audits(texts)
    add_peer_findings(audits, default_packs())
    assert _flagged(audits) == set()
    # the same far value per person-day is flagged
    texts[-1] = texts[-1].replace("元/人}", "元/人·天}")
    audits = _audits(texts)
    add_peer_findings(audits, default_packs())
    assert _flagged(audits) == {(6, "人均培训成本")}


def test_the_runs_only_file_makes_peer_data_only_for_several_projects(tmp_path: Path) -> None:
    """The batch step compares two projects or more: the run's only file makes its projects'
    comparable targets when it holds several (a workbook may), and not for a single one."""
    audits = _audits(make_batch(6, outliers=0).texts[:2])
    path = str(tmp_path / "t.yaml")

    def made(want: Want, given: list[Audit]) -> int:
        peers = FileWork(RunSettings(), want).outcome(path, given).peers
        return sum(p is not None for p in peers)

    assert made(Want(peers=True, alone=True), audits[:1]) == 0
    assert made(Want(peers=True, alone=True), audits) == 2
    assert made(Want(peers=True), audits[:1]) == 1  # one of the run's files: its peers count
    assert made(Want(peers=False), audits) == 0
