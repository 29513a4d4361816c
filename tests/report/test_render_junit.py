"""`--format junit`: one test case per finding, a failure per root cause, a healthy build all green."""

from __future__ import annotations

import copy
import xml.etree.ElementTree as ET

from analyzer.report import render_junit
from tests.report.support import SEED, report


def cases(xml: str) -> list[ET.Element]:
    root = ET.fromstring(xml.encode("utf-8"))
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert len(suites) == 1
    found = suites[0].findall("testcase")
    assert int(suites[0].get("tests")) == len(found) == int(root.get("tests"))
    failures = sum(c.find("failure") is not None for c in found)
    assert int(suites[0].get("failures")) == failures == int(root.get("failures"))
    return found


def test_failing_bundle_fails_its_root_cause_only():
    rep = report(SEED)
    found = cases(render_junit.render(rep))
    assert len(found) == len(rep["findings"]) + 1, "each finding, plus the verdict"
    failed = [c for c in found if c.find("failure") is not None]
    assert [c.get("name").split(":")[0] for c in failed] == ["storage-check-slow"]
    failure = failed[0].find("failure")
    assert failure.get("type") == "root-cause"
    assert failure.get("message").startswith("The server's start-up storage check")
    assert "sccache-server.log:" in failure.text and "Fix:" in failure.text
    assert failed[0].get("classname") == "sccache-forensics.cache-backend"
    verdict = [c for c in found if c.get("classname") == "sccache-forensics.verdict"]
    assert verdict[0].get("name") == "verdict: build-failed" and verdict[0].find("failure") is None


def test_healthy_bundle_has_no_failure():
    rep = report("healthy-second-run")
    assert not rep["verdict"]["root_cause"]
    found = cases(render_junit.render(rep))
    assert not [c for c in found if c.find("failure") is not None]
    assert found[-1].get("name") == "verdict: healthy"


def test_failed_build_without_a_cause_is_not_green():
    rep = copy.deepcopy(report("healthy-second-run"))
    rep["verdict"]["status"] = "build-failed"
    found = cases(render_junit.render(rep))
    failed = [c for c in found if c.find("failure") is not None]
    assert [c.get("name") for c in failed] == ["verdict: build-failed"]


def test_every_root_cause_fails_whichever_question_it_answers():
    rep = copy.deepcopy(report(SEED))
    rep["verdict"]["status"] = "cache-ineffective"
    second = {**rep["findings"][0], "id": "cache-write-failed", "role": "root-cause"}
    rep["findings"].append(second)
    found = cases(render_junit.render(rep))
    failed = sorted(c.get("name").split(":")[0] for c in found if c.find("failure") is not None)
    assert failed == ["cache-write-failed", "storage-check-slow"]


def test_text_xml_cannot_carry_is_replaced():
    rep = copy.deepcopy(report(SEED))
    rep["root_causes"][0]["summary"] = "bell\x07 nul\x00 ]]> </failure><x/> \udcff end"
    xml = render_junit.render(rep)
    failure = next(c for c in cases(xml) if c.find("failure") is not None).find("failure")
    assert failure.get("message") == "bell\ufffd nul\ufffd ]]> </failure><x/> \ufffd end"
    xml.encode("utf-8")
