"""Beyond one machine: a local Dask cluster of two worker processes gives the same results as
a run in one process, from the library and from the command line."""

from __future__ import annotations

import importlib.util
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from indicator_audit.api import audit_paths, audit_paths_on_cluster
from indicator_audit.cli.main import main

# Dask is imported when a test runs, not at collection: a run without the extra skips here.
pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("distributed") is None,
    reason="Dask 未安装：pip install 'indicator-audit[dask]'（CI 通过 test 附加依赖安装）",
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    spec = importlib.util.spec_from_file_location(
        "gen_workbooks", ROOT / "bench" / "gen_workbooks.py"
    )
    assert spec is not None and spec.loader is not None
    gen: Any = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    folder = tmp_path_factory.mktemp("cluster")
    paths: list[Path] = gen.generate(8, folder, seed=11)
    broken = folder / "损坏.xlsx"
    broken.write_bytes(b"not a workbook")
    return [*paths, broken, ROOT / "examples" / "guangzhou-2021-it-ops.yaml"]


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    from dask.distributed import Client, LocalCluster

    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as c,
    ):
        c.wait_for_workers(2, timeout=120)
        assert len(c.scheduler_info()["workers"]) == 2
        yield c


def test_library_results_equal_a_local_run(files: list[Path], client: Any) -> None:
    here = audit_paths(files)
    there = audit_paths_on_cluster(files, client)
    assert there == here
    assert there.summary.findings > 100
    assert there.files[-2].error is not None  # the damaged workbook, reported, not raised


def test_command_line_on_the_cluster_equals_jobs_1(
    files: list[Path], client: Any, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    address = client.scheduler.address
    args = [str(p) for p in files]
    code1 = main(["check", *args, "-f", "json", "--jobs", "1", "-q"])
    local = capsysbinary.readouterr().out
    code2 = main(["check", *args, "-f", "json", "--scheduler", address, "-q"])
    remote = capsysbinary.readouterr().out
    assert code1 == code2 == 2
    assert remote == local


def test_an_unreachable_scheduler_is_a_clear_error(
    files: list[Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["check", str(files[0]), "--scheduler", "tcp://127.0.0.1:9", "-q"])
    assert code == 2
    err = capsys.readouterr().err
    assert "无法连接 Dask 调度器" in err and "Traceback" not in err


def test_a_file_past_the_time_limit_is_that_files_error(tmp_path: Path) -> None:
    """The cluster's per-file limit: the hanging task answers 处理超时 and its worker is
    restarted, the others are done, and the run ends (its own cluster: one is restarted)."""
    from dask.distributed import Client, LocalCluster

    from indicator_audit.run.cluster import map_paths
    from indicator_audit.run.pool import Failure

    def work(path: Path) -> str:  # pickled by value: it runs in the workers
        import time

        if path.name == "卡住.yaml":
            time.sleep(600)
        return path.name

    names = ["a.yaml", "卡住.yaml", "b.yaml", "c.yaml"]
    got: dict[int, object] = {}
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        client.wait_for_workers(2, timeout=120)
        start = time.monotonic()
        map_paths(client, work, [tmp_path / n for n in names], got.__setitem__, timeout=3)
        assert time.monotonic() - start < 120
    assert [got[i] for i in (0, 2, 3)] == ["a.yaml", "b.yaml", "c.yaml"]
    hung = got[1]
    assert isinstance(hung, Failure) and "处理超时" in hung.message
