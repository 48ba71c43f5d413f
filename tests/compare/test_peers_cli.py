"""The peer step through the command line: a generated batch of 200 projects (YAML files and
CSV tables) with planted outliers, checked as a folder, finds exactly the planted targets;
the report is the same byte for byte with one process, two workers and Runner.run (the
library's run over whole audits), and the batch step's findings obey the configuration, the
suppression comments and the baseline like any other finding."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import pytest
from peer_batch import OUTLIERS, as_csv, make_batch

from indicator_audit.cli.main import main
from indicator_audit.report.json_report import render_bytes
from indicator_audit.run.runner import Runner, RunSettings

PROJECTS = 200


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, set[tuple[str, str]]]:
    """200 projects, every seventh as a CSV table; the planted (file name, indicator name)."""
    batch = make_batch(PROJECTS, outliers=len(OUTLIERS))
    root = tmp_path_factory.mktemp("peers")
    names: list[str] = []
    for p, text in enumerate(batch.texts):
        if p % 7 == 3:
            name = f"p{p:03d}.csv"
            (root / name).write_text(as_csv(text), encoding="utf-8")
        else:
            name = f"p{p:03d}.yaml"
            (root / name).write_text(text, encoding="utf-8")
        names.append(name)
    planted = {(names[p], indicator) for p, indicator in batch.planted}
    assert any(n.endswith(".csv") for n, _ in planted)  # a table among the outliers
    return root, planted


def _check(capsysbinary: pytest.CaptureFixture[bytes], *args: str) -> bytes:
    code = main(["check", *args, "-f", "json", "-q", "--fail-on", "never"])
    assert code == 0
    return capsysbinary.readouterr().out


def _peer_findings(report: bytes) -> dict[tuple[str, str], dict[str, object]]:
    out = {}
    for entry in json.loads(report)["files"]:
        for f in entry["findings"]:
            if f["rule"] == "IA721":
                out[(Path(entry["path"]).name, _indicator_name(entry["path"], f))] = f
    return out


def _indicator_name(path: str, finding: dict[str, object]) -> str:
    text = Path(path).read_text(encoding="utf-8")
    index = finding["indicator"]
    assert isinstance(index, int)
    if path.endswith(".csv"):
        table = text.splitlines()[3:]
        return table[index].split(",")[2]
    return text.splitlines()[4 + index].split("name: ")[1].split(",")[0]


def test_outliers_and_nothing_else_identical_with_workers(
    folder: tuple[Path, set[tuple[str, str]]], capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    root, planted = folder
    one = _check(capsysbinary, str(root), "--jobs", "1")
    two = _check(capsysbinary, str(root), "--jobs", "2")
    assert one == two
    found = _peer_findings(one)
    assert set(found) == planted
    for f in found.values():
        assert f["severity"] == "info" and "中位数" in str(f["message"])
    csv = [f for (name, _), f in found.items() if name.endswith(".csv")]
    # a table's finding names the target's cell (column E, 指标值)
    assert csv and all(re.fullmatch(r"E\d+", str(f["cell"])) for f in csv)
    # the library's run over whole audits gives the same report
    paths = sorted(q for q in root.iterdir() if q.is_file())
    run = Runner(RunSettings()).run(paths)
    assert render_bytes(run.audits) == one
    # the summary counts them
    summary = json.loads(one)["summary"]
    assert summary["infos"] >= len(planted)


def test_other_formats_show_the_peer_findings(
    folder: tuple[Path, set[tuple[str, str]]], capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    root, planted = folder
    for fmt in ("sarif", "markdown"):
        outs = []
        for jobs in ("1", "2"):
            main(["check", str(root), "-f", fmt, "-q", "--jobs", jobs, "--fail-on", "never"])
            outs.append(capsysbinary.readouterr().out)
        assert outs[0] == outs[1], fmt
        assert outs[0].count(b"IA721") >= len(planted), fmt


def test_configuration_comments_and_baseline_apply(
    folder: tuple[Path, set[tuple[str, str]]],
    tmp_path: Path,
    capsysbinary: pytest.CaptureFixture[bytes],
) -> None:
    root, planted = folder
    copy = tmp_path / "batch"
    copy.mkdir()
    for q in root.iterdir():
        (copy / q.name).write_bytes(q.read_bytes())
    # a comment on the target's line hides the finding there, and only there
    file, name = sorted(hit for hit in planted if hit[0].endswith(".yaml"))[0]
    hidden = copy / file
    lines = hidden.read_text(encoding="utf-8").splitlines()
    at = next(k for k, line in enumerate(lines) if f"name: {name}," in line)
    lines[at] += "  # indicator-audit: ignore[IA721] 本项目为偏远地区培训，成本较高"
    hidden.write_text("\n".join(lines) + "\n", encoding="utf-8")
    one = _check(capsysbinary, str(copy), "--jobs", "1")
    two = _check(capsysbinary, str(copy), "--jobs", "2")
    assert one == two
    assert set(_peer_findings(one)) == planted - {(file, name)}
    run = Runner(RunSettings()).run(sorted(q for q in copy.iterdir() if q.is_file()))
    assert render_bytes(run.audits) == one
    # a severity set in the configuration
    (copy / ".indicator-audit.yaml").write_text("severity: {peer-outlier: warning}\n")
    raised = _peer_findings(_check(capsysbinary, str(copy), "--jobs", "2"))
    assert raised and {f["severity"] for f in raised.values()} == {"warning"}
    (copy / ".indicator-audit.yaml").write_text("ignore: [IA721]\n")
    assert _peer_findings(_check(capsysbinary, str(copy), "--jobs", "2")) == {}
    (copy / ".indicator-audit.yaml").unlink()
    # a baseline written today hides them tomorrow, with workers too
    baseline = tmp_path / "baseline.json"
    main(["check", str(copy), "-q", "--jobs", "2", "--write-baseline", str(baseline)])
    capsysbinary.readouterr()
    assert (
        _peer_findings(_check(capsysbinary, str(copy), "--jobs", "2", "--baseline", str(baseline)))
        == {}
    )


@pytest.mark.skipif(
    importlib.util.find_spec("distributed") is None,
    reason="Dask 未安装：pip install 'indicator-audit[dask]'（CI 通过 test 附加依赖安装）",
)
def test_the_cluster_gives_the_same_peer_findings(
    folder: tuple[Path, set[tuple[str, str]]], capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    from dask.distributed import Client, LocalCluster

    root, planted = folder
    local = _check(capsysbinary, str(root), "--jobs", "1")
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        client.wait_for_workers(2, timeout=120)
        remote = _check(capsysbinary, str(root), "--scheduler", client.scheduler.address)
    assert remote == local
    assert set(_peer_findings(remote)) == planted
