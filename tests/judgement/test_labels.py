"""Judgement on tables the rules were not written for: the tool's findings on the 24 real
projects of dev_tables_2, scored against a senior auditor's labels (dev_labels_2) exactly as the
labels' header says (see dev2_harness.py).

Eight projects are held out: rules are changed while looking only at the other sixteen (the
tuning split), and the held-out split shows whether a change generalises. `pytest
tests/judgement -s` prints the tuning split's figures with every disagreement (missed must-label,
unwanted (row, kind) pair), the held-out split's aggregate figures only, and the figures over all
24 projects.

The issue's bar is recall 0.90 / precision 0.95 over all of dev_tables_2 (TARGET_*), and
test_target_reached asserts it; the floors are the figures measured so far: raised as the rules
improve, never lowered to let a change pass. A failing assertion shows figures only, never a
held-out project's rows.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import yaml
from dev2_harness import (
    CLEAN,
    DOCUMENTS,
    HELD_OUT,
    PROJECT,
    Labels,
    Reported,
    Scores,
    document_path,
    document_text,
    load_labels,
    load_tables,
    score_all,
    score_project,
    tuning_report,
)

TARGET_RECALL = 0.90
TARGET_PRECISION = 0.95

# Measured over all 24 projects; raised as the rules improve, never lowered.
RECALL_FLOOR = 0.96
PRECISION_FLOOR = 0.95


@pytest.fixture(scope="module")
def scores() -> Iterator[Scores]:
    yield score_all()


def test_figures_on_dev_tables_2(scores: Scores) -> None:
    tuning = len({p["id"] for p in load_tables()} - HELD_OUT)
    print(f"\ndev_tables_2, tuning split ({tuning} projects): {scores.tuning.figures()}")
    for line in tuning_report(scores.tuning):
        print(line)
    print(f"dev_tables_2, held-out split ({len(HELD_OUT)} projects): {scores.held_out.figures()}")
    print(f"dev_tables_2, all: {scores.all.figures()}")
    recall, precision = scores.all.recall, scores.all.precision
    assert recall >= RECALL_FLOOR
    assert precision >= PRECISION_FLOOR


def test_target_reached(scores: Scores) -> None:
    recall, precision = scores.all.recall, scores.all.precision
    assert recall >= TARGET_RECALL
    assert precision >= TARGET_PRECISION


# -- the material and the harness -----------------------------------------------------------


def test_documents_are_generated_from_the_tables() -> None:
    """tests/documents/dev2 is what `python tests/judgement/dev2_harness.py` writes."""
    projects = load_tables()
    assert sorted(p.name for p in DOCUMENTS.glob("*.yaml")) == sorted(
        f"{p['id']}.yaml" for p in projects
    )
    for project in projects:
        assert document_path(project["id"]).read_text(encoding="utf-8") == document_text(project)


def test_labels_name_known_projects_rows_and_kinds() -> None:
    from indicator_audit.core.findings import KINDS

    rows = {p["id"]: len(p["indicators"]) for p in load_tables()}
    labels = load_labels()
    assert set(labels) == set(rows)
    assert set(rows) > HELD_OUT
    for pid, by_row in labels.items():
        for row, row_labels in by_row.items():
            assert row == PROJECT or 0 <= int(row) < rows[pid], (pid, row)
            assert row_labels.allowed <= set(KINDS), (pid, row, row_labels)


def test_every_cell_reaches_the_document() -> None:
    """The document carries every cell of the table, under the model's key."""
    for project in load_tables():
        data = yaml.safe_load(document_text(project))
        assert len(data["indicators"]) == len(project["indicators"])
        for cells, written in zip(project["indicators"], data["indicators"], strict=True):
            for key, value in cells.items():
                if key != "note" and value is not None:
                    assert written[key] == value, (project["id"], key)
        assert data["project"]["name"] == project["name"]
        if project.get("annual_goal"):
            assert data["goals"]["annual"] == project["annual_goal"]


def _reported(row: int | str, kind: str) -> tuple[tuple[int | str, str], Reported]:
    return (row, kind), Reported("PX", row, kind, "IA000", "info", "")


def test_scoring_follows_the_labels_header() -> None:
    labels = {
        PROJECT: Labels((frozenset({"structure"}),), frozenset({"alignment"})),
        0: Labels((frozenset({"vague", "unquantified"}), frozenset({"comparator"})), frozenset()),
        1: Labels((), frozenset({"self-eval"})),
    }
    pairs = dict(
        [
            _reported(0, "unquantified"),  # hits the vague|unquantified alternative
            _reported(1, "self-eval"),  # may: wanted, no recall
            _reported(2, "unit"),  # a clean row: unwanted
            _reported(PROJECT, "alignment"),  # may on the project
        ]
    )
    score = score_project("PX", labels, pairs)
    assert (score.must, score.hit) == (3, 1)
    assert {m[1:] for m in score.missed} == {(PROJECT, "structure"), (0, "comparator")}
    assert (score.reported, score.wanted) == (4, 3)
    assert [(r.row, r.kind) for r in score.unwanted] == [(2, "unit")]
    assert CLEAN.allowed == frozenset()
