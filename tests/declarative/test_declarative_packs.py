"""The built-in declarative rules and the example packs: each rule's bad example fires and its
good example does not; the examples/config folders change the findings as their comments say."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from indicator_audit.cli.main import main
from indicator_audit.lint.checks import BUILTIN_RULES
from indicator_audit.lint.declarative import builtin_declarative_rules, load_pack_file
from indicator_audit.lint.registry import Rule
from indicator_audit.run.audit import audit_text_full

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "config"
PROVINCE_PACK = EXAMPLES / "province-pack" / "信息化运维规则包.yaml"


def _declared() -> list[Rule]:
    return list(builtin_declarative_rules()) + load_pack_file(PROVINCE_PACK)


@pytest.mark.parametrize("rule", _declared(), ids=lambda r: r.meta.code)
def test_bad_example_fires_and_good_does_not(rule: Rule) -> None:
    rules = (*BUILTIN_RULES, rule)
    assert rule.meta.bad and rule.meta.good, "a declarative rule documents itself with examples"
    for example, should_fire in ((rule.meta.bad, True), (rule.meta.good, False)):
        audit = audit_text_full(example, f"<{rule.meta.code}>", rules=rules)
        assert audit.error is None, audit.error
        assert not [f for f in audit.findings if f.rule == "IA002"]
        mine = [f for f in audit.findings if f.rule == rule.meta.code]
        assert bool(mine) is should_fire, (example, [f.message for f in mine])


def test_builtin_declarative_codes_are_recorded_and_free() -> None:
    codes = [r.meta.code for r in builtin_declarative_rules()]
    python = {r.meta.code for r in BUILTIN_RULES}
    assert not set(codes) & python
    assert all(not c.startswith("IA9") for c in codes), "IA900–IA999 are left to user packs"
    recorded = (ROOT / "tests" / "meta" / "codes.txt").read_text(encoding="utf-8")
    for rule in builtin_declarative_rules():
        assert f"{rule.meta.code} {rule.meta.name}" in recorded


def test_declarative_rules_are_listed_and_documented(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules"]) == 0
    assert "IA409" in capsys.readouterr().out
    assert main(["rule", "timeliness-not-a-time"]) == 0
    out = capsys.readouterr().out
    assert "条件（when）" in out and 'subcategory == "时效指标"' in out


def findings(capsys: pytest.CaptureFixture[str], path: Path) -> dict[str, str]:
    main(["check", "-f", "json", str(path)])
    data = json.loads(capsys.readouterr().out)
    return {f["rule"]: f["severity"] for f in data["files"][0]["findings"]}


def _without_config(tmp_path: Path, source: Path) -> Path:
    copy = tmp_path / source.name
    shutil.copy(source, copy)
    return copy


def test_sichuan_config_changes_findings_as_documented(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sample = EXAMPLES / "sichuan" / "绩效自评表.yaml"
    default = findings(capsys, _without_config(tmp_path, sample))
    sichuan = findings(capsys, sample)
    # 产出 60 + 效益 20 + 满意度 10: wrong for the national split, fine for Sichuan's 90 points
    assert default.get("IA512") == "info" and "IA512" not in sichuan
    assert "IA505" not in default and "IA505" not in sichuan
    # a missed target without a reason: a warning by default, an error for a Sichuan reviewer
    assert default["IA803"] == "warning" and sichuan["IA803"] == "error"
    # the Sichuan preset does not require a 成本指标
    assert "IA503" in default and "IA503" not in sichuan


def test_province_pack_adds_a_required_indicator(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sample = EXAMPLES / "province-pack" / "政务云运维项目.yaml"
    default = findings(capsys, _without_config(tmp_path, sample))
    province = findings(capsys, sample)
    assert "IA901" not in default
    assert province["IA901"] == "error"
    assert set(province) - set(default) == {"IA901"}
    # adding the indicator the province asks for clears the finding
    fixed = tmp_path / "fixed" / sample.name
    fixed.parent.mkdir()
    (fixed.parent / ".indicator-audit.yaml").write_text(
        f"packs: [{PROVINCE_PACK}]\n", encoding="utf-8"
    )
    fixed.write_text(
        sample.read_text(encoding="utf-8")
        + "  - {level1: 效益指标, level2: 社会效益指标, name: 核心业务系统可用率, target: ≥99.5%}\n",
        encoding="utf-8",
    )
    assert "IA901" not in findings(capsys, fixed)
