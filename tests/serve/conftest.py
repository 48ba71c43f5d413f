"""The service under test: an app per settings, a client that fails any test on a 500, and
a workbook of real dev tables."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx2
import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook
from serve_support import DEV, ROOT

from indicator_audit.serve import ServeSettings, create_app


def _no_server_error(response: httpx2.Response) -> None:
    # 503 is the service's own answer (timeout, busy, internal error logged); 500 never is
    assert response.status_code != 500, response.text
    assert response.status_code < 500 or response.status_code == 503, response.text


@pytest.fixture
def make_client() -> Iterator[Callable[..., TestClient]]:
    made: list[TestClient] = []

    def make(**settings: Any) -> TestClient:
        client = TestClient(create_app(ServeSettings(**settings)), raise_server_exceptions=False)
        client.event_hooks["response"].append(_no_server_error)
        client.__enter__()  # runs the lifespan: its shutdown removes the upload folder
        made.append(client)
        return client

    yield make
    for client in made:
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_client: Callable[..., TestClient]) -> TestClient:
    return make_client()


def _make_workbook_module() -> ModuleType:
    """examples/workbook/make_workbook.py: lays a targets document out as the real forms."""
    path = ROOT / "examples" / "workbook" / "make_workbook.py"
    spec = importlib.util.spec_from_file_location("make_workbook", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def dev_workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two real dev tables (P12 a 申报表, P02 a 自评表) as an Excel workbook, one per sheet."""
    mw = _make_workbook_module()
    wb = Workbook()
    first = wb.active
    assert first is not None
    first.title = "申报表"
    mw.write_project(first, 1, mw.build(mw.read_file(DEV / "P12.yaml")), False, True)
    second = wb.create_sheet("自评表")
    mw.write_project(second, 1, mw.build(mw.read_file(DEV / "P02.yaml")), True, False)
    path = tmp_path_factory.mktemp("dev") / "dev-tables.xlsx"
    wb.save(path)
    return path
