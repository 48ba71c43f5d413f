"""A baseline keeps working when rows of a table are added, removed or reordered: only the
problems that are really new are reported (the fingerprint holds no row, position or count)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from indicator_audit.cli.main import main

HEAD = (
    "项目名称,社区文化服务项目,主管部门,示例区文化局\n"
    "年度目标,举办文艺演出不少于20场，群众满意度不低于90%。\n"
    "\n"
    "一级指标,二级指标,三级指标,指标值,分值\n"
)
ROWS = [
    "产出指标,数量指标,文艺演出场次,≥20场,10",
    "产出指标,数量指标,图书借阅人次,较多,10",  # vague target
    "产出指标,质量指标,活动覆盖率,≥100%,10",  # impossible rate
    "产出指标,时效指标,活动完成时间,及时,10",  # vague target
    "效益指标,社会效益指标,群众文化生活,明显改善,10",  # vague target
    "满意度指标,服务对象满意度指标,群众满意度,≥90%,10",
]
NEW = "产出指标,数量指标,培训班期数,待定,10"  # a placeholder: the one new problem
# The weights add up to 60, not 100: whole-table findings whose messages quote the sums, which
# change with every row added or removed, and are still the same problems.


def write(path: Path, rows: list[str]) -> None:
    path.write_text(HEAD + "\n".join(rows) + "\n", encoding="utf-8")


def check(capsys: pytest.CaptureFixture[str], *args: str) -> list[dict[str, object]]:
    main(["check", "-f", "json", *args])
    data = json.loads(capsys.readouterr().out)
    return [f for file in data["files"] for f in file["findings"]]


@pytest.fixture
def table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, Path]:
    path = tmp_path / "表.csv"
    write(path, ROWS)
    base = tmp_path / "baseline.json"
    before = check(capsys, str(path), "--write-baseline", str(base))
    assert len(before) >= 5  # the table has problems worth a baseline
    assert check(capsys, str(path), "--baseline", str(base)) == []
    return path, base


def test_reordered_rows_show_nothing_new(
    table: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    path, base = table
    write(path, [*reversed(ROWS[:5]), ROWS[5]])
    assert check(capsys, str(path), "--baseline", str(base)) == []


def test_a_removed_row_shows_nothing_new(
    table: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    path, base = table
    write(path, [r for r in ROWS if "图书借阅" not in r])
    assert check(capsys, str(path), "--baseline", str(base)) == []


def test_an_added_row_shows_only_its_own_problems(
    table: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    path, base = table
    write(path, [ROWS[0], NEW, *ROWS[1:]])  # inserted near the top: every row below moves
    new = check(capsys, str(path), "--baseline", str(base))
    assert new, "the new row's problem must show"
    assert {f["cell"] for f in new} <= {"D6", "E6", "C6", "A6", "B6"}, new
    assert any(f["rule"] == "IA201" for f in new)


def test_all_three_at_once(table: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    path, base = table
    rows = [ROWS[5], ROWS[3], NEW, ROWS[0], ROWS[4], ROWS[2]]  # reordered, one out, one in
    write(path, rows)
    new = check(capsys, str(path), "--baseline", str(base))
    assert new and all(str(f["cell"]).endswith("7") for f in new), new


def test_the_same_problem_twice_counts_twice(
    table: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    # near miss of "nothing new": a second, identical row is a second problem
    path, base = table
    write(path, [*ROWS, ROWS[1]])
    new = check(capsys, str(path), "--baseline", str(base))
    assert new and all(str(f["cell"]).endswith("11") for f in new), new


def test_a_baseline_of_the_old_format_is_refused_with_the_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "表.csv"
    write(path, ROWS)
    base = tmp_path / "old.json"
    base.write_text('{"version": 1, "files": {}}', encoding="utf-8")
    code = main(["check", str(path), "--baseline", str(base)])
    assert code == 2 and "重新生成" in capsys.readouterr().err
