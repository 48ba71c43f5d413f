"""The page and the guards around every answer: strict headers, no inline script, no outside
resource, the form that works without JavaScript, the token, CORS, and uploads that never keep
the client's name nor outlive the answer."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from serve_support import ATTACK, GUANGZHOU, XLSX

from indicator_audit.report.html_report import STYLE
from indicator_audit.serve import uploads


def _attack_yaml() -> bytes:
    return (
        "project:\n  name: <b>培训</b>项目\n"
        "indicators:\n"
        f'  - {{level1: 产出指标, level2: 数量指标, name: "{ATTACK}", target: 明显提高}}\n'
        "  - {level1: 产出指标, level2: 数量指标, name: 培训班期数, target: ＝４期}\n"
    ).encode()


def test_page_has_strict_headers_and_no_inline_script(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "default-src 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["x-frame-options"] == "DENY"
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page.text, re.S)
    assert scripts and all('src="/static/' in attrs and not body for attrs, body in scripts)
    assert re.search(r"<[^>]+\son\w+\s*=", page.text) is None  # no inline event handler
    # nothing from the internet: every resource is the app's own
    refs = re.findall(r'(?:src|href|action)="([^"]*)"', page.text)
    assert refs and all(r.startswith("/") or r == "data:," for r in refs), refs
    assert 'lang="zh-CN"' in page.text and "审核" in page.text
    for name in ("app.js", "page.css", "report.css"):
        asset = client.get(f"/static/{name}")
        assert asset.status_code == 200 and asset.headers["x-content-type-options"] == "nosniff"
    assert client.get("/static/report.css").text == STYLE
    assert client.get("/static/../app.py").status_code == 404
    assert client.get("/static/settings.py").status_code == 404


def test_docs_page_is_the_apps_own(client: TestClient) -> None:
    docs = client.get("/docs")
    assert docs.status_code == 200 and "/v1/check" in docs.text and "审核指标表" in docs.text
    assert "<script" not in docs.text and "cdn" not in docs.text.lower()
    spec = client.get("/openapi.json").json()
    assert {"/v1/check", "/v1/suggest", "/v1/rules", "/v1/rules/{code}", "/healthz"} <= set(
        spec["paths"]
    )
    assert "TargetsDocument" in spec["components"]["schemas"]


def test_form_post_without_javascript_shows_the_report(client: TestClient) -> None:
    response = client.post(
        "/report", files=[("files", ("培训.yaml", _attack_yaml()))], data={"action": "check"}
    )
    assert response.status_code == 200
    csp = response.headers["content-security-policy"]
    assert "script-src" not in csp and "default-src 'none'" in csp  # no script may run at all
    text = response.text
    assert 'class="finding"' in text and "明显提高" in text
    assert "&lt;script&gt;document.title=" in text and "<script" not in text.lower()
    assert "&lt;b&gt;培训&lt;/b&gt;项目" in text


@pytest.mark.parametrize(
    ("action", "kind", "name"),
    [("xlsx", XLSX, "审核意见.xlsx"), ("json", "application/json", "审核报告.json")],
)
def test_form_post_downloads(client: TestClient, action: str, kind: str, name: str) -> None:
    from urllib.parse import quote

    response = client.post(
        "/report", files=[("files", ("g.yaml", GUANGZHOU.read_bytes()))], data={"action": action}
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == kind
    assert quote(name) in response.headers["content-disposition"]


def test_form_post_revised_table(client: TestClient) -> None:
    one = client.post(
        "/report", files=[("files", ("g.yaml", GUANGZHOU.read_bytes()))], data={"action": "suggest"}
    )
    assert one.status_code == 200 and one.headers["content-type"].startswith("application/yaml")
    assert "indicators:" in one.text
    two = client.post(
        "/report",
        files=[
            ("files", ("a.yaml", GUANGZHOU.read_bytes())),
            ("files", ("b.yaml", GUANGZHOU.read_bytes())),
        ],
        data={"action": "suggest"},
    )
    assert two.status_code == 200 and two.headers["content-type"] == "application/json"
    assert [f["path"] for f in two.json()["files"]] == ["a.yaml", "b.yaml"]


def test_form_post_revised_table_keeps_the_input_form(
    client: TestClient, dev_workbook: Path
) -> None:
    from io import BytesIO

    import openpyxl

    from indicator_audit.serve.settings import MIB

    book = openpyxl.load_workbook(dev_workbook)
    book.remove(book["自评表"])  # one project: its draft comes back as a workbook
    buffer = BytesIO()
    book.save(buffer)
    assert buffer.tell() < MIB
    draft = client.post(
        "/report", files=[("files", ("申报表.xlsx", buffer.getvalue()))], data={"action": "suggest"}
    )
    assert draft.status_code == 200 and draft.headers["content-type"] == XLSX
    assert "%E4%BF%AE%E8%AE%A2%E7%A8%BF.xlsx" in draft.headers["content-disposition"]  # 修订稿
    revised = openpyxl.load_workbook(BytesIO(draft.content))
    cells = [c.value for row in revised.worksheets[0].iter_rows() for c in row]
    assert "修改说明" in cells


def test_form_post_refusal_is_a_page(client: TestClient) -> None:
    response = client.post("/report", files=[("files", ("", b""))], data={"action": "check"})
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/html")
    assert "请选择要审核的文件" in response.text and 'href="/"' in response.text
    broken = client.post(
        "/report", files=[("files", ("坏.yaml", b"a: [1\n"))], data={"action": "check"}
    )
    assert broken.status_code == 422 and "无法检查" in broken.text and "YAML" in broken.text


def test_token(make_client: Callable[..., TestClient]) -> None:
    client = make_client(token="s3cret-令牌".encode().hex())
    token = "s3cret-令牌".encode().hex()
    files = [("files", ("g.yaml", GUANGZHOU.read_bytes()))]
    assert client.get("/healthz").status_code == 200
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {token}"}):
        refused = client.post("/v1/check", files=files, headers=headers)
        assert refused.status_code == 401 and refused.headers["www-authenticate"] == "Bearer"
        assert "令牌" in refused.json()["error"]["message"]
        assert client.get("/v1/rules", headers=headers).status_code == 401
    ok = client.post("/v1/check", files=files, headers={"Authorization": f"Bearer {token}"})
    assert ok.status_code == 200
    assert 'name="token"' in client.get("/").text  # the page asks for it
    page_post = client.post("/report", files=files, data={"action": "check", "token": token})
    assert page_post.status_code == 200
    assert client.post("/report", files=files, data={"action": "check"}).status_code == 401


def test_cors_is_off_unless_an_origin_is_named(make_client: Callable[..., TestClient]) -> None:
    preflight = {
        "Origin": "https://budget.example",
        "Access-Control-Request-Method": "POST",
    }
    closed = make_client()
    answer = closed.options("/v1/check", headers=preflight)
    assert "access-control-allow-origin" not in answer.headers
    got = closed.get("/v1/rules", headers={"Origin": "https://budget.example"})
    assert "access-control-allow-origin" not in got.headers
    opened = make_client(cors_origins=("https://budget.example",))
    answer = opened.options("/v1/check", headers=preflight)
    assert answer.headers["access-control-allow-origin"] == "https://budget.example"
    other = opened.options("/v1/check", headers={**preflight, "Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in other.headers


def test_uploads_get_generated_names_and_are_gone_after_the_answer(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[Path] = []
    real = uploads.Workdir.save

    def spy(self: uploads.Workdir, *args: object, **kwargs: object) -> uploads.Upload:
        upload = real(self, *args, **kwargs)  # type: ignore[arg-type]
        assert upload.path.is_file()
        seen.append(upload.path)
        return upload

    monkeypatch.setattr(uploads.Workdir, "save", spy)
    body = GUANGZHOU.read_bytes()
    names = ["../../etc/passwd.yaml", "a;rm -rf ~.yaml", "C:\\Users\\财务\\表\x1b[31m.yaml"]
    response = client.post("/v1/check", files=[("files", (n, body)) for n in names])
    assert response.status_code == 200
    shown = [f["path"] for f in response.json()["files"]]
    assert shown == ["passwd.yaml", "a;rm -rf ~.yaml", "表[31m.yaml"]  # no folders, no ESC
    root: Path = client.app.state.uploads.path  # type: ignore[attr-defined]
    assert len(seen) == 3
    for path in seen:
        assert re.fullmatch(r"upload-\d\.yaml", path.name)
        assert path.parent.parent == root
        assert not path.exists() and not path.parent.exists()
    assert list(root.iterdir()) == []
