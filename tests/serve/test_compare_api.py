"""Last year's tables and the declared targets through the service: the same findings and
match table as `check --previous/--declared`, companions named as the client named them
(never the server's path), and a companion that cannot be read answered 422, located."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from serve_support import cli_json

from compare_tables import LAST, THIS

DECLARED = """\
project: {name: 2024年学生资助项目, department: 永德县教育体育局}
indicators:
  - {level1: 产出指标, level2: 数量指标, name: 学生受资助人数, target: ≥800人次}
  - {level1: 满意度指标, level2: 服务对象满意度指标, name: 学生满意度, target: ≥90%}
"""
SELF_EVAL = """\
project: {name: 2024年学生资助项目, department: 永德县教育体育局}
indicators:
  - {level1: 产出指标, level2: 数量指标, name: 学生受资助人数, target: ≥700人次, actual: 760人次}
"""


@pytest.fixture
def tables(tmp_path: Path) -> Path:
    for name, text in {
        "2023.yaml": LAST,
        "2024.yaml": THIS,
        "申报表.yaml": DECLARED,
        "自评表.yaml": SELF_EVAL,
    }.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def _post(client: TestClient, files: list[tuple[str, Path]], query: str = "") -> Any:
    sent = [(field, (p.name, p.read_bytes())) for field, p in files]
    return client.post(f"/v1/check{query}", files=sent)


def _without(report: dict[str, Any], key: str) -> list[Any]:
    return [[m[k] for k in sorted(m) if k != key] for f in report["files"] for m in f["matches"]]


def test_previous_gives_the_command_lines_findings_and_match_table(
    client: TestClient, tables: Path
) -> None:
    response = _post(client, [("files", tables / "2024.yaml"), ("previous", tables / "2023.yaml")])
    assert response.status_code == 200, response.text
    api = response.json()
    cli = cli_json(
        "check", tables / "2024.yaml", "--previous", tables / "2023.yaml", "-f", "json",
        "--fail-on", "never",
    )  # fmt: skip
    rules = [f["rule"] for f in api["files"][0]["findings"]]
    assert rules == [f["rule"] for f in cli["files"][0]["findings"]]
    assert {"IA711", "IA713"} <= set(rules)
    # the same match table, last year's file named as uploaded
    assert _without(api, "path") == _without(cli, "path")
    assert {m["path"] for m in api["files"][0]["matches"]} == {"2023.yaml"}
    text = json.dumps(api, ensure_ascii=False)
    assert str(tables) not in text and "upload-" not in text  # no server path anywhere


def test_declared_targets_against_the_self_evaluation(client: TestClient, tables: Path) -> None:
    response = _post(
        client, [("files", tables / "自评表.yaml"), ("declared", tables / "申报表.yaml")]
    )
    assert response.status_code == 200, response.text
    findings = response.json()["files"][0]["findings"]
    changed = [f for f in findings if f["rule"] == "IA811"]
    assert changed and "800" in changed[0]["message"] and "700" in changed[0]["message"]
    assert "申报表.yaml" in changed[0]["message"]
    assert any(f["rule"] == "IA812" for f in findings)  # 学生满意度 left out


def test_html_report_shows_last_years_values(client: TestClient, tables: Path) -> None:
    response = _post(
        client,
        [("files", tables / "2024.yaml"), ("previous", tables / "2023.yaml")],
        "?format=html",
    )
    assert response.status_code == 200
    assert "上年" in response.text and "735" in response.text


def test_page_form_takes_companions(client: TestClient, tables: Path) -> None:
    page = client.get("/").text
    assert 'name="previous"' in page and 'name="declared"' in page
    sent = [
        ("files", ("2024.yaml", (tables / "2024.yaml").read_bytes())),
        ("previous", ("2023.yaml", (tables / "2023.yaml").read_bytes())),
    ]
    response = client.post("/report", files=sent, data={"action": "json"})
    assert response.status_code == 200
    assert any(f["rule"] == "IA711" for f in response.json()["files"][0]["findings"])


@pytest.mark.parametrize(
    ("name", "content", "status", "words"),
    [
        ("2023.yaml", b"project: [unclosed\n", 422, "上年的表 2023.yaml:"),
        ("2023.xlsx", b"PK\x03\x04 not a workbook", 422, "上年的表 2023.xlsx:"),
        ("2023.yaml", b"indicators: 5\n", 422, "上年的表 2023.yaml:"),
        ("2023.txt", b"hello", 415, "不支持的文件类型"),
    ],
)
def test_an_unreadable_companion_is_a_located_refusal(
    client: TestClient, tables: Path, name: str, content: bytes, status: int, words: str
) -> None:
    sent = [
        ("files", ("2024.yaml", (tables / "2024.yaml").read_bytes())),
        ("previous", (name, content)),
    ]
    response = client.post("/v1/check", files=sent)
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert words in error["message"] and error["file"] == name
    assert "upload-" not in response.text and "/tmp" not in response.text


def test_companions_alone_are_not_an_audit(client: TestClient, tables: Path) -> None:
    response = client.post(
        "/v1/check", files=[("previous", ("2023.yaml", (tables / "2023.yaml").read_bytes()))]
    )
    assert response.status_code == 400 and response.json()["error"]["code"] == "no-file"


def test_peers_across_uploaded_projects(client: TestClient) -> None:
    sent = []
    for i, cost in enumerate((400, 410, 390, 405, 395, 1600)):
        text = (
            f"project: {{name: 培训项目{i}}}\nindicators:\n"
            f"  - {{level1: 产出指标, level2: 成本指标, name: 人均培训成本, target: ≤{cost}元/人·天}}\n"
        )
        sent.append(("files", (f"p{i}.yaml", text.encode())))
    response = client.post("/v1/check", files=sent)
    assert response.status_code == 200
    flagged = [
        f["path"] for f in response.json()["files"] for g in f["findings"] if g["rule"] == "IA721"
    ]
    assert flagged == ["p5.yaml"]
