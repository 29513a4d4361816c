"""`--format junit`: the report as JUnit XML, for the CI systems that show test results.

GitLab (`artifacts:reports:junit`), Jenkins (the JUnit plugin) and Azure DevOps
(`PublishTestResults`) read this one format. Each finding is a test case, named after its ID and
grouped by layer (`classname="sccache-forensics.cache-backend"`); a root cause (of a failed build
or of a cache that did not do its job) is a failure carrying its summary, evidence and fix; every
other finding passes with its summary as output. One more case, `verdict`, fails only when the
build failed or the cache did not work and no root cause was found, so such a run is never green;
a healthy build has no failure at all.

    <testsuites name="sccache-forensics" tests="3" failures="1">
      <testsuite name="sccache-forensics" tests="3" failures="1" errors="0" skipped="0">
        <testcase classname="sccache-forensics.cache-backend" name="storage-check-slow: …">
          <failure type="root-cause" message="The server's start-up storage check took 16.0 s …">…</failure>

Characters XML 1.0 cannot carry (most C0 controls) are replaced by U+FFFD; the rest is escaped by
the XML writer, so log text stays text.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import regex

from analyzer.report.status import FAILING, verdict_status

SUITE = "sccache-forensics"
NOT_XML = regex.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
MESSAGE_CHARS = 1000
EVIDENCE_SHOWN = 20


def render(report: dict) -> str:
    cases = [_finding_case(f, report) for f in report.get("findings", [])]
    cases.append(_verdict_case(report))
    failures = sum(1 for c in cases if c.find("failure") is not None)
    root = ET.Element("testsuites", name=SUITE, tests=str(len(cases)), failures=str(failures), errors="0")
    suite = ET.SubElement(root, "testsuite", name=SUITE, tests=str(len(cases)), failures=str(failures),
                          errors="0", skipped="0")
    properties = ET.SubElement(suite, "properties")
    ET.SubElement(properties, "property", name="status", value=_text(verdict_status(report)))
    for name, value in report.get("facts", {}).items():
        ET.SubElement(properties, "property", name=_text(name), value=_text(value))
    suite.extend(cases)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _finding_case(finding: dict, report: dict) -> ET.Element:
    layer = finding.get("layer") or "unknown"
    case = ET.Element("testcase", classname=f"{SUITE}.{_text(layer)}",
                      name=_text(f"{finding['id']}: {finding.get('title') or ''}".rstrip(": ")))
    if finding.get("role") == "root-cause":
        cause = next((c for c in report.get("root_causes", []) if c["id"] == finding["id"]), finding)
        failure = ET.SubElement(case, "failure", type="root-cause",
                                message=_text(cause.get("summary") or cause.get("title") or finding["id"],
                                              MESSAGE_CHARS))
        failure.text = _text(_details(cause))
    else:
        out = ET.SubElement(case, "system-out")
        out.text = _text(_details(finding, role=finding.get("role")))
    return case


def _verdict_case(report: dict) -> ET.Element:
    status = verdict_status(report)
    verdict = report.get("verdict") or {}
    case = ET.Element("testcase", classname=f"{SUITE}.verdict", name=f"verdict: {status}")
    has_cause = any(f.get("role") == "root-cause" for f in report.get("findings", []))
    if status in FAILING and not has_cause:
        failure = ET.SubElement(case, "failure", type=status,
                                message=_text(verdict.get("summary") or status, MESSAGE_CHARS))
        failure.text = _text(_missing(report))
    else:
        out = ET.SubElement(case, "system-out")
        out.text = _text(verdict.get("summary") or status)
    return case


def _details(item: dict, role: str | None = None) -> str:
    lines = [f"role: {role}"] if role else []
    if item.get("confidence") is not None:
        lines.append(f"confidence: {item['confidence']}")
    if item.get("summary"):
        lines.append(str(item["summary"]))
    evidence = item.get("evidence") or []
    if evidence:
        lines += ["", "Evidence:"]
        for e in evidence[:EVIDENCE_SHOWN]:
            where = f"{e.get('source')}:{e['line']}" if e.get("line") else str(e.get("source"))
            lines.append(f"  {where}: {e.get('text', '')}")
        if len(evidence) > EVIDENCE_SHOWN:
            lines.append(f"  … {len(evidence) - EVIDENCE_SHOWN} more in the JSON report")
    for step in item.get("remediation") or []:
        lines += ["", f"Fix: {step.get('text') or ''}".rstrip()]
        if step.get("command"):
            lines.append(f"  ({step.get('shell')}) {step['command']}")
    return "\n".join(lines)


def _missing(report: dict) -> str:
    items = report.get("missing") or []
    if not items:
        return "No root cause was found in the bundle."
    return "No root cause was found in the bundle. Collect: " + "; ".join(
        f"{m['artifact']} ({m.get('collect') or ''})" for m in items)


def _text(value, limit: int | None = None) -> str:
    text = NOT_XML.sub("\ufffd", "" if value is None else str(value))
    return text if limit is None or len(text) <= limit else text[: limit - 1] + "…"
