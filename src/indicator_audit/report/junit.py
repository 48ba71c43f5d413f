"""JUnit XML for CI dashboards: one test suite per project, one test case per indicator (and
one for the table as a whole); errors and warnings fail the case, notes go to system-out."""

from __future__ import annotations

import re
from collections.abc import Sequence
from xml.etree import ElementTree as ET

from indicator_audit.core.cellsafe import terminal_text
from indicator_audit.core.findings import Finding
from indicator_audit.report.common import SEVERITY_LABEL, location
from indicator_audit.run.audit import Audit

# Characters XML 1.0 cannot carry at all (ElementTree would write them and break the file).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _x(text: str) -> str:
    # control characters shown escaped (CI logs print this text), then what XML cannot hold
    return _NOT_XML.sub("\ufffd", terminal_text(text))


def _line(audit: Audit, f: Finding) -> str:
    text = f"{location(audit, f)} {SEVERITY_LABEL[f.severity.value]} {f.rule} {f.message}"
    return _x(text + (f"（建议：{f.suggestion}）" if f.suggestion else ""))


def _case(suite: ET.Element, audit: Audit, name: str, findings: list[Finding]) -> tuple[int, int]:
    case = ET.SubElement(suite, "testcase", classname=_x(audit.path), name=_x(name))
    failing = [f for f in findings if f.severity.value != "info"]
    notes = [f for f in findings if f.severity.value == "info"]
    if failing:
        failure = ET.SubElement(
            case,
            "failure",
            message=_x(failing[0].message),
            type=failing[0].rule,
        )
        failure.text = "\n".join(_line(audit, f) for f in failing)
    if notes:
        ET.SubElement(case, "system-out").text = "\n".join(_line(audit, f) for f in notes)
    return 1, 1 if failing else 0


def render(audits: Sequence[Audit], *, color: bool = False, suggestions: bool = False) -> str:
    root = ET.Element("testsuites", name="indicator-audit")
    total = failures = errors = 0
    for audit in audits:
        suite = ET.SubElement(root, "testsuite", name=_x(audit.path))
        tests = fails = 0
        if audit.error is not None:
            case = ET.SubElement(suite, "testcase", classname=_x(audit.path), name="读取与格式")
            message = _x(audit.error.message)
            ET.SubElement(case, "error", message=message).text = message
            errors += 1
            tests += 1
        by_indicator: dict[int | None, list[Finding]] = {}
        for f in audit.findings:
            by_indicator.setdefault(f.indicator, []).append(f)
        if audit.error is None:
            t, n = _case(suite, audit, "整表", by_indicator.get(None, []))
            tests, fails = tests + t, fails + n
        doc = audit.document
        for ind in doc.indicators if doc is not None else []:
            title = f"指标 #{ind.index + 1} {(ind.fields.name or '').strip()}".strip()
            t, n = _case(suite, audit, title, by_indicator.get(ind.index, []))
            tests, fails = tests + t, fails + n
        suite.set("tests", str(tests))
        suite.set("failures", str(fails))
        suite.set("errors", "1" if audit.error is not None else "0")
        total += tests
        failures += fails
    root.set("tests", str(total))
    root.set("failures", str(failures))
    root.set("errors", str(errors))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"
