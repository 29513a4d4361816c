"""The analyze command end to end: exit codes, the JSON contract, determinism."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from analyzer.cli import main
from tests.shared import SAMPLES

SCHEMA = json.loads((Path(__file__).resolve().parent.parent / "analyzer" / "schema" / "report.schema.json")
                    .read_text(encoding="utf-8"))
SAMPLE_BUNDLES = sorted(p for p in SAMPLES.glob("*/bundle") if p.is_dir())
SEED = SAMPLES / "seed-windows-oss-proxy" / "bundle"


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


@pytest.mark.parametrize("bundle", SAMPLE_BUNDLES, ids=[p.parent.name for p in SAMPLE_BUNDLES])
def test_json_report_matches_the_schema(bundle: Path):
    result = run("analyze", str(bundle), "--format", "json")
    assert result.exit_code == 0, result.output
    jsonschema.validate(json.loads(result.stdout), SCHEMA)


def test_same_input_gives_byte_identical_json():
    first = run("analyze", str(SEED), "--format", "json").stdout_bytes
    second = run("analyze", str(SEED), "--format", "json").stdout_bytes
    assert first == second
    assert b'"schema_version": "2"' in first


def test_fail_on_root_cause_exits_1_when_a_root_cause_is_found():
    assert run("analyze", str(SEED), "--fail-on", "root-cause").exit_code == 1
    assert run("analyze", str(SEED)).exit_code == 0


def test_fail_on_root_cause_exits_0_for_a_healthy_build(tmp_path: Path):
    (tmp_path / "show-stats.txt").write_text(
        "Compile requests                     12\nCache hits                            6\n"
        "Cache misses                          6\nVersion (client)                0.16.0\n", encoding="utf-8")
    result = run("analyze", str(tmp_path), "--fail-on", "root-cause", "--format", "json")
    assert result.exit_code == 0, result.output
    verdict = json.loads(result.stdout)["verdict"]
    assert (verdict["status"], verdict["layer"], verdict["root_cause"]) == ("healthy", "none", None)
    assert verdict["summary"] == "No failure was found, and the cache works: 6 hits, 6 misses."


def test_nothing_readable_exits_2_with_one_line(tmp_path: Path):
    result = run("analyze", str(tmp_path / "does-not-exist"))
    assert result.exit_code == 2
    assert "nothing readable" in result.stderr
    assert "Traceback" not in result.output + result.stderr


def test_empty_folder_exits_2(tmp_path: Path):
    assert run("analyze", str(tmp_path)).exit_code == 2


def test_invalid_user_patterns_exit_2_naming_the_file(tmp_path: Path):
    (tmp_path / "broken.toml").write_text('id = "server-startup-timeout"\ntitle = 3\n', encoding="utf-8")
    result = run("analyze", str(SEED), "--patterns", str(tmp_path))
    assert result.exit_code == 2
    assert "broken.toml" in result.stderr


def test_stdin_bundle_is_analyzed():
    text = "sccache: error: Timed out waiting for server startup. Maybe the remote service is unreachable?\n"
    result = run("analyze", "-", "--format", "json", input=text)
    assert result.exit_code == 0, result.output
    assert "server-startup-timeout" in {f["id"] for f in json.loads(result.stdout)["findings"]}


def test_output_file_is_written(tmp_path: Path):
    target = tmp_path / "report.json"
    result = run("analyze", str(SEED), "--format", "json", "-o", str(target))
    assert result.exit_code == 0
    assert json.loads(target.read_text(encoding="utf-8"))["tool"]["name"] == "sccache-forensics"
    assert result.stdout == ""


def test_every_command_has_help_with_an_example():
    for name, command in main.commands.items():
        assert command.help and "Example" in command.help, f"{name} has no help with an example"


def test_inputs_from_two_machines_are_refused_with_a_pointer_to_batch(tmp_path: Path):
    ci = SAMPLES / "seed-ci-s3-imdsv1" / "bundle"
    for args in ([str(SEED), str(ci)], [str(_two_machines_in_one_folder(tmp_path, ci))]):
        result = run("analyze", *args)
        assert result.exit_code == 2
        assert len(result.stderr.splitlines()) == 1
        assert "DESKTOP-7Q2M4KD" in result.stderr and "ci-runner-7f3a" in result.stderr
        assert "windows" in result.stderr and "batch" in result.stderr


def _two_machines_in_one_folder(tmp_path: Path, ci: Path) -> Path:
    import shutil

    shutil.copytree(SEED, tmp_path / "two" / "win")
    shutil.copytree(ci, tmp_path / "two" / "ci")
    return tmp_path / "two"


def test_pieces_of_one_machine_are_analyzed_together():
    bundle = SAMPLES / "s3-access-denied" / "bundle"
    result = run("analyze", str(bundle / "cargo-build.txt"), str(bundle / "ss.txt"), "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["verdict"]["root_cause"] == "remote-access-denied"


@pytest.mark.parametrize(("gate", "code"), [("root-cause", 1), ("cache-ineffective", 1), ("build-failed", 0),
                                            ("build-failed|cache-ineffective", 1), ("build-failed,root-cause", 1)])
def test_fail_on_asks_either_question(gate: str, code: int):
    assert run("analyze", str(SAMPLES / "seed-ci-s3-imdsv1" / "bundle"), "--fail-on", gate).exit_code == code


def test_fail_on_build_failed_catches_a_failure_with_no_root_cause_in_the_bundle():
    bundle = Path(__file__).resolve().parent / "diagnose" / "cases" / "stop-server-failed" / "bundle"
    assert run("analyze", str(bundle), "--fail-on", "root-cause").exit_code == 0
    assert run("analyze", str(bundle), "--fail-on", "build-failed").exit_code == 1


def test_an_unknown_gate_is_a_usage_error():
    result = run("analyze", str(SEED), "--fail-on", "slow")
    assert result.exit_code == 2 and "root-cause, build-failed, cache-ineffective" in result.output


@pytest.mark.parametrize(("name", "start"), [("report.html", "<!DOCTYPE html>"), ("report.json", "{"),
                                             ("report.md", "## sccache-forensics")])
def test_the_output_suffix_picks_the_format(tmp_path: Path, name: str, start: str):
    assert run("analyze", str(SEED), "-o", str(tmp_path / name)).exit_code == 0
    assert (tmp_path / name).read_text(encoding="utf-8").startswith(start)


def test_an_explicit_format_wins_over_the_suffix(tmp_path: Path):
    assert run("analyze", str(SEED), "-o", str(tmp_path / "r.html"), "--format", "md").exit_code == 0
    assert (tmp_path / "r.html").read_text(encoding="utf-8").startswith("## sccache-forensics")
