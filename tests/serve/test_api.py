"""The HTTP API against the command line: the same findings for the same input, and every
kind of bad request answered with the right 4xx and a located Chinese message."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import openpyxl
import pytest
from fastapi.testclient import TestClient
from serve_support import GUANGZHOU, WORKBOOK, XLSX, cli_json, findings_of

CHINESE = range(0x4E00, 0xA000)


def _chinese(text: str) -> bool:
    return any(ord(c) in CHINESE for c in text)


def _upload(client: TestClient, *paths: Path, query: str = "") -> dict[str, object]:
    files = [("files", (p.name, p.read_bytes())) for p in paths]
    response = client.post(f"/v1/check{query}", files=files)
    assert response.status_code == 200, response.text
    data: dict[str, object] = response.json()
    return data


def test_guangzhou_same_findings_as_check_json(client: TestClient) -> None:
    api = _upload(client, GUANGZHOU)
    cli = cli_json("check", GUANGZHOU, "-f", "json", "--fail-on", "never")
    assert findings_of(api) == findings_of(cli)  # type: ignore[arg-type]
    assert api["summary"] == cli["summary"]
    assert len(findings_of(cli)[0]) >= 10  # a real table with real problems
    # the report names the file as the client did, never the server's temporary name
    assert [f["path"] for f in api["files"]] == ["guangzhou-2021-it-ops.yaml"]  # type: ignore[index]


def test_dev_workbook_same_findings_as_check_json(client: TestClient, dev_workbook: Path) -> None:
    api = _upload(client, dev_workbook, WORKBOOK)
    cli = cli_json("check", dev_workbook, WORKBOOK, "-f", "json", "--fail-on", "never")
    assert findings_of(api) == findings_of(cli)  # type: ignore[arg-type]
    assert api["summary"] == cli["summary"]
    paths = [f["path"] for f in api["files"]]  # type: ignore[index]
    assert paths[:2] == ["dev-tables.xlsx#申报表", "dev-tables.xlsx#自评表"]
    # findings are located to the cell, as on the command line
    cells = {f.get("cell") for f in findings_of(api)[0]}  # type: ignore[arg-type]
    assert any(c and c.startswith("申报表!") for c in cells)


def test_json_body_same_findings_as_file(client: TestClient) -> None:
    text = GUANGZHOU.read_text(encoding="utf-8")
    response = client.post(
        "/v1/check", content=text.encode(), headers={"content-type": "application/yaml"}
    )
    assert response.status_code == 200
    cli = cli_json("check", GUANGZHOU, "-f", "json", "--fail-on", "never")
    assert findings_of(response.json()) == findings_of(cli)
    # the JSON form of the same document: the same rules fire (positions differ)
    import yaml

    doc = yaml.safe_load(text)
    response = client.post("/v1/check", json=doc)
    assert response.status_code == 200
    codes = sorted(f["rule"] for f in findings_of(response.json())[0])
    assert codes == sorted(f["rule"] for f in findings_of(cli)[0])


def test_preset_and_suggest_as_on_the_command_line(client: TestClient) -> None:
    api = _upload(client, GUANGZHOU, query="?preset=sichuan&suggest=true")
    cli = cli_json(
        "check", GUANGZHOU, "-f", "json", "--preset", "sichuan", "--suggest", "--fail-on", "never"
    )
    assert api["files"] == [dict(cli["files"][0], path="guangzhou-2021-it-ops.yaml")]
    assert api["files"][0]["suggestions"]  # type: ignore[index]


def test_suggest_same_as_suggest_json(client: TestClient) -> None:
    response = client.post("/v1/suggest", files=[("files", ("广州.yaml", GUANGZHOU.read_bytes()))])
    assert response.status_code == 200
    cli = cli_json("suggest", GUANGZHOU, "-f", "json")
    got = response.json()["files"][0]
    want = cli["files"][0]
    assert got["path"] == "广州.yaml"
    assert got["suggestions"] == want["suggestions"]
    assert got["project_type"] == want["project_type"]
    draft = client.post(
        "/v1/suggest?format=yaml", files=[("files", ("广州.yaml", GUANGZHOU.read_bytes()))]
    )
    assert draft.status_code == 200
    assert "# 原文件：广州.yaml" in draft.text and "indicators:" in draft.text
    assert quote("修订稿.yaml") in draft.headers["content-disposition"]
    table = client.post(
        "/v1/suggest?format=csv", files=[("files", ("广州.yaml", GUANGZHOU.read_bytes()))]
    )
    assert table.status_code == 200 and table.headers["content-type"].startswith("text/csv")
    assert quote("修订稿.csv") in table.headers["content-disposition"]
    several = client.post(
        "/v1/suggest?format=yaml",
        files=[
            ("files", ("a.yaml", GUANGZHOU.read_bytes())),
            ("files", ("b.yaml", GUANGZHOU.read_bytes())),
        ],
    )
    assert several.status_code == 422 and "恰好一个项目" in several.json()["error"]["message"]


def test_annotated_workbook_download(client: TestClient, dev_workbook: Path) -> None:
    response = client.post(
        "/v1/check?format=xlsx", files=[("files", ("表.xlsx", dev_workbook.read_bytes()))]
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == XLSX
    assert response.headers["content-disposition"].startswith("attachment;")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[:3] == ["审核汇总", "申报表", "自评表"]
    notes = [c.value for row in book["申报表"].iter_rows() for c in row if c.comment]
    assert notes  # flagged cells carry the finding as a comment


def test_rules_and_health(client: TestClient) -> None:
    listed = client.get("/v1/rules").json()
    codes = [r["code"] for r in listed]
    assert codes == sorted(codes) and "IA201" in codes and len(codes) >= 40
    one = client.get("/v1/rules/vague-target")
    assert one.status_code == 200
    body = one.json()
    assert body["code"] in codes and body["bad"] and body["good"] and body["source"]
    missing = client.get("/v1/rules/IA999")
    assert missing.status_code == 404 and _chinese(missing.json()["error"]["message"])
    health = client.get("/healthz").json()
    assert health["status"] == "ok" and health["rules"] == len(codes)


# ------------------------------------------------------------------------------------------
# Bad requests: each a 4xx with a located Chinese message, the one the command line gives.


def _error(response: object) -> dict[str, object]:
    body = response.json()  # type: ignore[attr-defined]
    error: dict[str, object] = body["error"]
    assert _chinese(str(error["message"])), error
    assert error["status"] == response.status_code  # type: ignore[attr-defined]
    return error


def test_oversize_file_is_413(make_client: Callable[..., TestClient]) -> None:
    client = make_client(max_file_bytes=2048)
    big = b"project:\n  name: \xe5\xa4\xa7\n" + b"# padding\n" * 400
    response = client.post("/v1/check", files=[("files", ("大表.yaml", big))])
    assert response.status_code == 413
    error = _error(response)
    assert error["file"] == "大表.yaml" and "2 KB" in str(error["message"])
    small = client.post("/v1/check", files=[("files", ("g.yaml", b"project: {name: x}\n"))])
    assert small.status_code != 413  # a near miss: under the limit is read


def test_oversize_request_is_413_before_reading(make_client: Callable[..., TestClient]) -> None:
    client = make_client(max_request_bytes=4096)
    files = [("files", (f"{i}.yaml", b"x: 1\n" * 300)) for i in range(3)]
    response = client.post("/v1/check", files=files)
    assert response.status_code == 413
    assert "请求" in str(_error(response)["message"])

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
        for _ in range(20):
            yield b"a: 1\n" * 100

    response = client.post(
        "/v1/check", content=chunks(), headers={"content-type": "application/yaml"}
    )
    assert response.status_code == 413
    _error(response)


def test_too_many_files_is_400(make_client: Callable[..., TestClient]) -> None:
    client = make_client(max_files=3)
    body = GUANGZHOU.read_bytes()
    response = client.post("/v1/check", files=[("files", (f"{i}.yaml", body)) for i in range(4)])
    assert response.status_code == 400
    assert "3 个文件" in str(_error(response)["message"])
    ok = client.post("/v1/check", files=[("files", (f"{i}.yaml", body)) for i in range(3)])
    assert ok.status_code == 200 and len(ok.json()["files"]) == 3


def test_no_file_is_400(client: TestClient) -> None:
    response = client.post("/v1/check", files=[("files", ("", b""))])
    assert response.status_code == 400
    _error(response)


def test_corrupt_xlsx_is_422_with_the_command_lines_message(
    client: TestClient, tmp_path: Path
) -> None:
    broken = tmp_path / "绩效目标表.xlsx"
    raw = WORKBOOK.read_bytes()
    broken.write_bytes(raw[: len(raw) // 2])  # a download cut off half way
    response = client.post("/v1/check", files=[("files", (broken.name, broken.read_bytes()))])
    assert response.status_code == 422
    error = _error(response)
    cli = cli_json("check", broken, "-f", "json")["files"][0]["error"]
    detail = response.json()["errors"][0]
    assert detail["message"] == cli["message"] and "Excel" in detail["message"]
    assert (detail["line"], detail["column"]) == (cli["line"], cli["column"])
    assert error["file"] == "绩效目标表.xlsx" and "绩效目标表.xlsx:1:1" in str(error["message"])
    # a zip that is no workbook
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("hello.txt", "你好")
    response = client.post("/v1/check", files=[("files", ("x.xlsx", buffer.getvalue()))])
    assert response.status_code == 422
    _error(response)


def test_invalid_yaml_is_422_located(client: TestClient, tmp_path: Path) -> None:
    text = "project:\n  name: 运维项目\nindicators:\n  - name: 系统可用率\n    target: [≥９９％\n"
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    response = client.post("/v1/check", files=[("files", ("坏的.yaml", text.encode()))])
    assert response.status_code == 422
    error = _error(response)
    cli = cli_json("check", path, "-f", "json")["files"][0]["error"]
    assert (error["line"], error["column"]) == (cli["line"], cli["column"])
    assert error["file"] == "坏的.yaml"
    assert f"坏的.yaml:{cli['line']}:{cli['column']}" in str(error["message"])
    assert cli["message"] in str(error["message"])
    # the report of the request comes along: a batch keeps its good files' findings
    good = ("广州.yaml", GUANGZHOU.read_bytes())
    response = client.post(
        "/v1/check", files=[("files", good), ("files", ("坏的.yaml", text.encode()))]
    )
    assert response.status_code == 422
    report = response.json()["report"]
    assert report["files"][0]["findings"] and report["files"][1]["error"]


def test_schema_error_is_422_located(client: TestClient) -> None:
    body = {"project": {"name": "x"}, "indicators": [{"name": "培训人次", "weight": "很多"}]}
    response = client.post("/v1/check", json=body)
    assert response.status_code == 422
    error = _error(response)
    assert error["line"] == 1 and error["file"] == "request.json"


def test_wrong_content_type_is_415(client: TestClient) -> None:
    response = client.post("/v1/check", content=b"hello", headers={"content-type": "text/plain"})
    assert response.status_code == 415
    assert "text/plain" in str(_error(response)["message"])
    response = client.post("/v1/check", content=b"hello")
    assert response.status_code == 415
    _error(response)


@pytest.mark.parametrize(
    ("name", "words"),
    [("报告.docx", "“.docx”"), ("表格.ods", "“.ods”"), ("无扩展名", "没有扩展名")],
)
def test_unsupported_file_type_is_415(client: TestClient, name: str, words: str) -> None:
    response = client.post("/v1/check", files=[("files", (name, b"PK\x03\x04 data"))])
    assert response.status_code == 415
    error = _error(response)
    assert words in str(error["message"]) and error["file"] == name


def test_bad_parameters_are_422_in_chinese(client: TestClient) -> None:
    body = GUANGZHOU.read_bytes()
    for query in ("?format=pdf", "?preset=beijing", "?suggest=maybe"):
        response = client.post(f"/v1/check{query}", files=[("files", ("g.yaml", body))])
        assert response.status_code == 422, query
        _error(response)


def test_an_unknown_preset_gets_the_closest_name(client: TestClient) -> None:
    body = GUANGZHOU.read_bytes()
    response = client.post("/v1/check?preset=hubie", files=[("files", ("g.yaml", body))])
    assert response.status_code == 422
    assert "未知的预设“hubie”；是否想写“hubei”？" in str(_error(response)["message"])


def test_unknown_path_and_method(client: TestClient) -> None:
    assert client.get("/v2/check").status_code == 404
    response = client.get("/v1/check")
    assert response.status_code == 405
    _error(response)


def test_an_unexpected_exception_is_a_logged_503(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    engine = client.app.state.engine  # type: ignore[attr-defined]

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug in a rule")

    monkeypatch.setattr(engine, "audit", broken)
    response = client.post("/v1/check", files=[("files", ("g.yaml", GUANGZHOU.read_bytes()))])
    assert response.status_code == 503
    error = _error(response)
    rid = response.headers["x-request-id"]
    assert error["request_id"] == rid and rid in str(error["message"])
    assert "Traceback" not in response.text and "RuntimeError" not in response.text
    logged = [json.loads(r.getMessage()) for r in caplog.records if r.name.endswith(".error")]
    assert logged and logged[-1]["request_id"] == rid and "RuntimeError" in logged[-1]["error"]


def test_time_limit_is_503(
    make_client: Callable[..., TestClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    client = make_client(time_limit=0.3)
    engine = client.app.state.engine  # type: ignore[attr-defined]
    real = engine.audit

    def slow(*args: object, **kwargs: object) -> object:
        time.sleep(1.0)
        return real(*args, **kwargs)

    monkeypatch.setattr(engine, "audit", slow)
    response = client.post("/v1/check", files=[("files", ("g.yaml", GUANGZHOU.read_bytes()))])
    assert response.status_code == 503
    assert "时限" in str(_error(response)["message"])
    assert response.headers["retry-after"] == "30"


@pytest.mark.parametrize(
    ("path", "fmt"),
    [
        ("/v1/check", "sarif"),
        ("/v1/check", "xlsx"),
        ("/v1/suggest", "yaml"),
        ("/v1/suggest", "csv"),
    ],
)
def test_each_download_matches_what_the_document_declares(
    client: TestClient, path: str, fmt: str
) -> None:
    """A JSON or YAML download is declared as a document (a client parses it), bytes as bytes."""
    import yaml

    response = client.post(
        f"{path}?format={fmt}", files=[("files", ("广州.yaml", GUANGZHOU.read_bytes()))]
    )
    assert response.status_code == 200
    media = response.headers["content-type"].split(";")[0]
    declared = client.get("/openapi.json").json()["paths"][path]["post"]["responses"]["200"]
    schema = declared["content"][media]["schema"]
    if media.endswith(("json", "yaml")):
        assert schema == {"type": "object"}
        assert isinstance(yaml.safe_load(response.content), dict)
    else:
        assert schema["type"] == "string"
