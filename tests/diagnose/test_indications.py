"""An indication's overrides (title, role, severity, fix, event) travel with its match into the report."""

from __future__ import annotations

from pathlib import Path

from analyzer.analysis import analyze
from tests.shared import knowledge


def report_of(tmp_path: Path, name: str, *lines: str) -> dict:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return analyze([str(path)], knowledge()).report


def finding(report: dict, finding_id: str) -> dict:
    return next(f for f in report["findings"] if f["id"] == finding_id)


def test_a_server_panic_after_start_is_not_a_healthy_build(tmp_path):
    report = report_of(tmp_path, "sccache.log",
                       "[2024-05-01T10:00:00Z DEBUG sccache::server] start_server: port: 4226",
                       "thread 'tokio-runtime-worker' panicked at src/server.rs:1021:33:",
                       "called `Option::unwrap()` on a `None` value")
    assert report["verdict"]["root_cause"] == "server-exited-midbuild"
    assert report["verdict"]["layer"] == "cache-wrapper"
    crash = report["root_causes"][0]
    assert crash["title"] == "The sccache server crashed (panic or fatal signal)"
    assert "panic message and location" in crash["remediation"][0]["text"]
    assert [e["event"] for e in report["timeline"] if e["line"] == 2] == ["server-crash"]


def test_the_fallback_to_a_local_compile_alone_keeps_the_base_title(tmp_path):
    report = report_of(tmp_path, "cargo.txt",
                       "sccache: warning: The server looks like it shut down unexpectedly, compiling locally instead")
    assert finding(report, "server-exited-midbuild")["title"].startswith("The server went away under a running compile")


def test_a_cache_dir_that_is_a_file_is_not_titled_disk_full(tmp_path):
    report = report_of(tmp_path, "sccache.log",
                       "[2024-05-01T10:00:00Z DEBUG sccache::server] start_server: port: 4226",
                       "[2024-05-01T10:00:03Z ERROR sccache::server] Error executing cache write: File exists (os error 17)")
    found = finding(report, "local-disk-cache-problem")
    assert found["title"] == "The local disk cache directory is unusable"
    # Not a failed build (nothing failed): the cache question's verdict, with this ID as its cause.
    assert report["verdict"]["status"] == "cache-ineffective"
    assert report["verdict"]["root_cause"] == "local-disk-cache-problem"


def test_the_most_severe_indication_leads(tmp_path):
    report = report_of(tmp_path, "sccache.log",
                       "[2024-05-01T10:00:00Z DEBUG sccache::server] start_server: port: 4226",
                       "[2024-05-01T10:00:03Z ERROR sccache::server] Error executing cache write: File exists (os error 17)",
                       "[2024-05-01T10:00:04Z ERROR sccache::server] Error executing cache write: No space left on device (os error 28)")
    assert finding(report, "local-disk-cache-problem")["title"] == "The disk is full"
