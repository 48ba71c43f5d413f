"""The page in a real headless browser (Debian's chromium, driven by playwright): a workbook
is uploaded, the findings table appears in the page, the annotated workbook downloads, and a
<script> in a cell is shown as text; without JavaScript the plain form post shows the report."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
import uvicorn
from openpyxl import Workbook
from serve_support import ATTACK

from chromium_support import FLAGS, chromium
from indicator_audit.serve import ServeSettings, create_app

playwright_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = uvicorn.Config(
        create_app(ServeSettings()), host="127.0.0.1", port=port, log_level="warning"
    )
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not running.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        running.should_exit = True
        thread.join(timeout=30)


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    """A 申报表 laid out like the forms, one of its indicator names an attack."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "申报表"
    rows = [
        ["2024年度项目支出绩效目标申报表"],
        ["项目名称", "<b>培训</b>项目", None, "主管部门", "某某局"],
        ["年度目标", "完成全年培训任务，提升干部能力"],
        ["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位"],
        ["产出指标", "数量指标", ATTACK, None, "明显提高", None],
        [None, None, "培训班期数", "＝", "４", "期"],
        [None, "质量指标", "培训合格率", "≧", "95", "%"],
        ["满意度指标", "服务对象满意度指标", "学员满意度", "≥", "90", "%"],
    ]
    for r, row in enumerate(rows, 1):
        for c, value in enumerate(row, 1):
            if value is not None:
                ws.cell(r, c, value)
    ws.merge_cells("A5:A7")
    path = tmp_path / "培训项目申报表.xlsx"
    wb.save(path)
    return path


def _browser(p: object) -> object:
    return p.chromium.launch(  # type: ignore[attr-defined]
        executable_path=chromium(), headless=True, args=FLAGS
    )


def test_upload_see_findings_download_workbook(server: str, workbook: Path, tmp_path: Path) -> None:
    with playwright_api.sync_playwright() as p:
        browser = _browser(p)
        try:
            context = browser.new_context(accept_downloads=True)  # type: ignore[attr-defined]
            page = context.new_page()
            problems: list[str] = []
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: problems.append(str(e)))
            page.goto(server + "/")
            assert page.title() == "绩效目标审核"
            page.set_input_files("#files", str(workbook))
            assert "培训项目申报表.xlsx" in page.inner_text("#chosen")
            page.click("button[value=check]")
            page.wait_for_selector("#result table.indicators", timeout=60_000)
            assert page.url == server + "/"  # shown in the page, not a new one
            items = page.locator("#result li.finding")
            assert items.count() >= 2
            result_text = page.inner_text("#result")
            assert "明显提高" in result_text and "申报表!" in result_text
            # the attack is text in a cell, never an element, and never ran
            assert ATTACK in result_text
            assert page.locator("#result script").count() == 0
            assert page.evaluate("typeof window.pwned") == "undefined"
            assert page.title() == "绩效目标审核"
            # caret="initial": the default hides the caret with an injected inline style
            page.screenshot(path=str(tmp_path / "page.png"), full_page=True, caret="initial")
            with page.expect_download(timeout=60_000) as download:
                page.click("button[value=xlsx]")
            saved = tmp_path / "downloaded.xlsx"
            download.value.save_as(saved)
            assert download.value.suggested_filename == "审核意见.xlsx"
            book = openpyxl.load_workbook(saved)
            assert book.sheetnames[:2] == ["审核汇总", "申报表"]
            sheet = book["申报表"]
            comments = [c.comment.text for row in sheet.iter_rows() for c in row if c.comment]
            assert any("明显提高" in t or "IA" in t for t in comments)
            assert sheet.cell(5, 3).value == ATTACK  # the cell's text, kept as text
            assert not problems, problems  # no CSP violation, no script error
        finally:
            browser.close()  # type: ignore[attr-defined]


def test_without_javascript_the_form_post_shows_the_report(server: str, workbook: Path) -> None:
    with playwright_api.sync_playwright() as p:
        browser = _browser(p)
        try:
            page = browser.new_context(java_script_enabled=False).new_page()  # type: ignore[attr-defined]
            page.goto(server + "/")
            page.set_input_files("#files", str(workbook))
            with page.expect_navigation(timeout=60_000):
                page.click("button[value=check]")
            assert page.url == server + "/report"
            assert page.title() == "绩效目标审核报告"
            assert page.locator("table.indicators li.finding").count() >= 2
            assert ATTACK in page.inner_text("table.indicators")
            assert page.locator("script").count() == 0
        finally:
            browser.close()  # type: ignore[attr-defined]
