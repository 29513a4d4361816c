"""sccache-dist-log parser: real scheduler and builder logs from the lab (sccache-dist 0.16)."""

from __future__ import annotations

from analyzer.parsers import choose, get
from tests.parsers.support import ROOT, split

PARSER = get("sccache-dist-log")
BUNDLE = ROOT / "samples" / "dist-builder-sandbox-failed" / "bundle"


def read(name: str):
    return (BUNDLE / name).read_text(encoding="utf-8")


def test_the_scheduler_log_is_claimed_and_names_its_role():
    text = read("sccache-dist-scheduler.log")
    assert choose(text[:16000], "sccache-dist-scheduler.log")[0] == "sccache-dist-log"
    records, facts, problems = split(PARSER.parse(text.splitlines(), "s.log"))
    assert problems == [] and records and all(r.kind == "sccache-dist-log" for r in records)
    assert ("dist_role", "scheduler") in {(f.name, f.value) for f in facts}


def test_the_builder_log_keeps_its_sandbox_error_as_a_warning():
    text = read("sccache-dist-builder.log")
    assert choose(text[:16000], "builder.log")[0] == "sccache-dist-log"
    records, facts, _ = split(PARSER.parse(text.splitlines(), "b.log"))
    assert ("dist_role", "builder") in {(f.name, f.value) for f in facts}
    errors = [r for r in records if "Failed to enter a new Linux namespace" in r.text]
    assert errors and errors[0].level == "WARN" and errors[0].target == "sccache::dist::http::server"
    assert all(r.event is None for r in records)  # the local server's timeline events are not these


def test_the_local_server_log_stays_an_sccache_log():
    text = read("sccache-server.log")
    assert choose(text[:16000], "sccache-server.log")[0] == "sccache-log"
    assert PARSER.sniff(text[:16000], "sccache-server.log") == 0.0
