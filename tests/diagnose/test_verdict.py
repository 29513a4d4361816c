"""The two questions and the verdict: status, cache health, symptom-only bundles, the sentence."""

from __future__ import annotations

import json
import re
import shutil
from functools import cache
from pathlib import Path

import pytest

from analyzer.analysis import analyze
from tests.shared import SAMPLES, knowledge

CASES = Path(__file__).resolve().parent / "cases"
EVERY_BUNDLE = sorted(list(SAMPLES.glob("*/bundle")) + list(CASES.glob("*/bundle")))


@cache
def report(bundle: Path) -> dict:
    return analyze([str(bundle)], knowledge()).report


def write(tmp_path: Path, name: str, *lines: str) -> Path:
    (tmp_path / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("bundle", EVERY_BUNDLE, ids=lambda p: p.parent.name)
def test_no_verdict_summary_is_a_line_count(bundle: Path):
    summary = report(bundle)["verdict"]["summary"]
    assert not re.search(r"\d+ matching line\(s\)", summary), summary
    for cause in report(bundle)["root_causes"][:1]:
        assert not re.match(r"^(more than )?\d+ matching line", cause["summary"]), cause["summary"]


def test_the_ci_seed_is_an_ineffective_cache_with_the_metadata_service_as_its_cause():
    got = report(SAMPLES / "seed-ci-s3-imdsv1" / "bundle")
    verdict, cache_ = got["verdict"], got["cache"]
    assert (verdict["status"], verdict["root_cause"], verdict["layer"]) == (
        "cache-ineffective", "aws-imds-credentials", "cache-backend")
    assert (cache_["state"], cache_["hits"], cache_["write_errors"]) == ("broken", 0, 1391)
    assert "Failed to fetch IAM credentials: failed to read IAM role response" in verdict["summary"]
    assert "databend-ci" in verdict["summary"] and "0.3.0" in verdict["summary"]
    roles = {f["id"]: f["role"] for f in got["findings"]}
    assert "benign" not in {roles["remote-credentials-missing"], roles["cache-write-errors"],
                            roles["sccache-known-defect"]}


def test_the_windows_seed_gets_its_runbook_as_one_ordered_plan():
    plan = report(SAMPLES / "seed-windows-oss-proxy" / "bundle")["fix_plan"]
    assert [s["shell"] for s in plan] == ["powershell"] * 3
    assert "server_startup_timeout_ms = 60000" in " ".join(plan[0]["commands"])
    assert plan[1]["why"] == "rustc-info-cached-failure"
    assert plan[1]["commands"][-1].startswith("Remove-Item -Force target\\.rustc_info.json")
    assert plan[2]["commands"] == ["cd C:\\proj\\Genarrative\\server-rs", "sccache --stop-server",
                                   "cargo check -p api-server", "sccache --show-stats"]


def test_the_port_fix_uses_the_bundles_own_port(tmp_path: Path):
    """The real port-taken bundle, moved to another port: the plan follows the bundle."""
    bundle = tmp_path / "bundle"
    shutil.copytree(SAMPLES / "port-taken" / "bundle", bundle)
    for path in bundle.iterdir():
        path.write_bytes(path.read_bytes().replace(b"4414", b"4409"))
    plan = analyze([str(bundle)], knowledge()).report["fix_plan"]
    assert plan[0]["why"] == "server-port-in-use"
    assert plan[0]["commands"][0] == "ss -ltnp 'sport = :4409'"
    assert not plan[0]["defaults"]
    assert all("4226" not in c for step in plan for c in step["commands"])


def test_a_default_port_is_marked_as_a_default(tmp_path: Path):
    write(tmp_path, "cargo.txt",
          "error: failed to run custom build command",
          "sccache: error: Server startup failed: Address in use (os error 98)")
    got = analyze([str(tmp_path)], knowledge()).report
    assert "server_port" in got["facts_defaulted"]


def test_a_make_error_after_the_wrapper_gave_up_is_not_a_code_error():
    got = report(SAMPLES / "make-startup-timeout" / "bundle")
    assert got["verdict"]["status"] == "build-failed"
    assert got["verdict"]["root_cause"] == "storage-check-slow"
    assert "source-compile-error" not in {f["id"] for f in got["findings"]}


def test_a_c_compiler_diagnostic_is_a_code_error(tmp_path: Path):
    write(tmp_path, "make.txt", "sccache gcc -c -o hello.o hello.c",
          "hello.c:3:5: error: 'undefined_total' undeclared (first use in this function)",
          "make: *** [Makefile:5: hello.o] Error 1")
    assert analyze([str(tmp_path)], knowledge()).report["verdict"]["root_cause"] == "source-compile-error"


def test_a_lone_ipc_symptom_names_no_root_cause_and_lists_candidates(tmp_path: Path):
    write(tmp_path, "cargo.txt",
          "error: process didn't exit successfully: `sccache rustc -vV` (exit status: 2)",
          "--- stderr",
          "sccache: error: failed to execute compile",
          "sccache: caused by: Failed to send data to or receive data from server",
          "sccache: caused by: Failed to read response header",
          "sccache: caused by: failed to fill whole buffer")
    got = analyze([str(tmp_path)], knowledge()).report
    assert got["verdict"]["status"] == "build-failed"
    assert got["verdict"]["root_cause"] is None and got["verdict"]["symptom"] == "ipc-broken"
    ids = [c["id"] for c in got["candidates"]]
    assert {"server-exited-midbuild", "server-port-in-use", "server-version-mismatch"} <= set(ids)
    assert all(c["collect"] and c["tells_apart"] for c in got["candidates"])
    assert "failed to fill whole buffer" in got["verdict"]["summary"] or "Failed to" in got["verdict"]["summary"]


def test_a_folder_of_non_build_files_is_nothing_recognised():
    got = report(SAMPLES / "not-a-build" / "bundle")
    assert got["verdict"]["status"] == "nothing-recognised"
    assert "os-release" in got["verdict"]["summary"]
    assert got["fix_plan"] == [] and got["verdict"]["root_cause"] is None


def test_zero_hits_with_a_compile_missing_twice_is_not_a_cold_cache():
    got = report(SAMPLES / "zero-hits-moved-checkout" / "bundle")
    assert (got["verdict"]["status"], got["cache"]["state"]) == ("cache-ineffective", "degraded")
    assert "`util`" in got["verdict"]["summary"]


def test_a_first_run_is_a_cold_cache_and_healthy():
    got = report(SAMPLES / "cold-first-run" / "bundle")
    assert (got["verdict"]["status"], got["cache"]["state"], got["cache"]["reason"]) == ("healthy", "cold", "cold-cache")
    assert {f["id"]: f["role"] for f in got["findings"]}["cold-cache"] == "benign"


def test_a_stale_server_of_another_version_makes_the_cache_ineffective():
    got = report(SAMPLES / "old-server-new-client" / "bundle")
    assert (got["verdict"]["status"], got["verdict"]["root_cause"]) == ("cache-ineffective", "server-version-mismatch")


def test_confidence_is_printed_with_its_meaning():
    verdict = report(SAMPLES / "seed-windows-oss-proxy" / "bundle")["verdict"]
    assert (verdict["confidence"], verdict["confidence_level"]) == (0.9, "strong")
    assert verdict["confidence_meaning"].startswith("strong: ") and "sccache-server.log" in verdict["confidence_meaning"]


def test_every_expected_json_states_a_status():
    for expected in list(SAMPLES.glob("*/expected.json")) + list(CASES.glob("*/expected.json")):
        status = json.loads(expected.read_text(encoding="utf-8")).get("status")
        assert status in ("build-failed", "cache-ineffective", "healthy", "nothing-recognised"), expected


def test_a_crash_names_its_deeper_candidates():
    got = report(CASES / "fatal-panic-disk-eviction" / "bundle")
    assert got["verdict"]["root_cause"] == "server-exited-midbuild"
    assert got["candidates"][0]["id"] == "local-disk-cache-problem"


def test_every_candidate_command_fills_in_for_both_shells():
    from analyzer.diagnose import candidates

    for symptom in list(candidates.BY_SYMPTOM) + [None]:
        for windows in (True, False):
            items = candidates.to_json(candidates.for_symptom(symptom), "4409", windows)
            assert all("{" not in c["command"] or "${" in c["command"] for i in items for c in i["collect"])
            assert all("4226" not in c["command"] for i in items for c in i["collect"])


def test_sccache_lines_pasted_into_unrecognised_text_are_still_a_build():
    # mozilla/sccache#1825: the error alone, pasted; no file of it has a known kind.
    got = report(SAMPLES / "field" / "s3-key-prefix-access-denied" / "bundle")
    assert {a["kind"] for a in got["artifacts"]} == {"unknown"}
    assert (got["verdict"]["status"], got["verdict"]["root_cause"]) == ("build-failed", "remote-access-denied")
