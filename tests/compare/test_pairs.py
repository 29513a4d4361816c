"""compare on every lab pair: the planted difference, and only it, explains the misses, with
the crates or objects it explains, in every format; nothing is explained on the pair without
a difference."""

from __future__ import annotations

import json
import shutil
from functools import cache
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from analyzer.cli import main
from analyzer.compare.model import compare
from tests.shared import SAMPLES, knowledge

PAIRS = sorted(p for p in (SAMPLES / "pairs").iterdir() if (p / "expected.json").is_file())


def expected(pair: Path) -> dict[str, list[str]]:
    return json.loads((pair / "expected.json").read_text())["explanations"]


@cache
def result(name: str) -> dict:
    pair = SAMPLES / "pairs" / name
    return compare([str(pair / "baseline")], [str(pair / "candidate")], knowledge())


def test_every_pair_has_both_sides_and_small_files():
    assert len(PAIRS) >= 10
    for pair in PAIRS:
        assert (pair / "baseline" / "sccache-server.log").is_file() and (pair / "candidate").is_dir()
        assert all(f.stat().st_size < 2_000_000 for f in pair.rglob("*") if f.is_file())


SCHEMA = json.loads((SAMPLES.parent / "analyzer" / "schema" / "compare.schema.json").read_text())


@pytest.mark.parametrize("pair", PAIRS, ids=lambda p: p.name)
def test_the_planted_difference_explains_exactly_the_misses_it_caused(pair):
    got = result(pair.name)
    jsonschema.validate(json.loads(json.dumps(got)), SCHEMA)
    assert {e["id"]: e["explains"] for e in got["explanations"]} == expected(pair)
    assert not got["unexplained"], got["unexplained"]
    for item in got["explanations"]:
        sides = {e["side"] for e in item["evidence"] if e["source"] and e["line"]}
        assert sides == {"baseline", "candidate"}, f"{item['id']}: file:line evidence from both bundles"
        assert item["fix"]


def test_the_pair_without_a_difference_explains_nothing():
    got = result("same")
    assert got["explanations"] == [] and got["unexplained"] == []
    assert got["misses"]["explained"] == 0
    assert {n["subject"] for n in got["not_regressions"]} == {"app", "hello_macro"}
    assert got["verdict"].startswith("No miss to explain")


def test_the_fix_suggested_for_two_c_paths_works_for_real():
    """c-paths again with SCCACHE_BASEDIRS on each side: every object hits, and the project
    directory still differs but explains nothing."""
    got = result("c-paths-basedirs")
    assert got["candidate"]["compiles"]["hits"] == 3 and got["explanations"] == []
    assert [d["id"] for d in got["unrelated_differences"]] == ["path:project"]
    assert "SCCACHE_BASEDIRS" in result("c-paths")["explanations"][0]["fix"]


def test_differences_that_explain_nothing_are_listed_apart():
    got = result("sccache-version")
    assert [d["id"] for d in got["explanations"]] == ["version:sccache"]
    assert "env:RUSTC_WRAPPER" in [d["id"] for d in got["unrelated_differences"]]


def test_fixes_name_the_setting_to_change():
    fixes = {name: result(name)["explanations"][0]["fix"] for name in ("incremental", "c-paths", "rust-paths")}
    assert "CARGO_INCREMENTAL=0" in fixes["incremental"]
    assert "SCCACHE_BASEDIRS" in fixes["c-paths"]
    assert "same absolute path" in fixes["rust-paths"] and "--remap-path-prefix" in fixes["rust-paths"]


@pytest.mark.parametrize("pair", PAIRS, ids=lambda p: p.name)
@pytest.mark.parametrize("fmt", ["text", "md", "html", "json"])
def test_every_format_names_the_difference_and_what_it_explains(pair, fmt, tmp_path):
    out = tmp_path / f"out.{fmt}"
    run = CliRunner().invoke(main, ["compare", str(pair / "baseline"), str(pair / "candidate"),
                                    "--format", fmt, "-o", str(out)])
    assert run.exit_code == 0, run.output
    text = out.read_text(encoding="utf-8")
    for ident, subjects in expected(pair).items():
        assert ident in text
        for subject in subjects:
            assert subject in text, f"{subject} missing from the {fmt} output"
    if fmt == "html":
        assert "Content-Security-Policy" in text and text.count("<script") == 1


def _copy_pair(tmp_path: Path, name: str) -> tuple[Path, Path]:
    base, cand = tmp_path / "baseline", tmp_path / "candidate"
    shutil.copytree(SAMPLES / "pairs" / name / "baseline", base)
    shutil.copytree(SAMPLES / "pairs" / name / "candidate", cand)
    return base, cand


def test_without_env_dumps_the_define_in_the_arguments_explains_the_misses(tmp_path):
    base, cand = _copy_pair(tmp_path, "cflags-define")
    (base / "env.txt").unlink()
    (cand / "env.txt").unlink()
    got = compare([str(base)], [str(cand)], knowledge())
    jsonschema.validate(got, SCHEMA)
    assert {e["id"]: e["explains"] for e in got["explanations"]} == {
        "define:LAB_LEVEL": sorted(sum(expected(SAMPLES / "pairs" / "cflags-define").values(), []))}
    assert any("no environment dump" in n for n in got["notes"])


def test_with_a_debug_log_on_one_side_only_settings_still_explain_and_the_gap_is_said(tmp_path):
    base, cand = _copy_pair(tmp_path, "rustflags")
    (base / "sccache-server.log").unlink()
    got = compare([str(base)], [str(cand)], knowledge())
    assert {e["id"]: e["explains"] for e in got["explanations"]} == {"env:RUSTFLAGS": ["alpha", "beta", "util"]}
    assert any("baseline has no debug log" in n for n in got["notes"])
    assert got["baseline"]["debug_log"] is False


def test_a_candidate_without_debug_log_compares_settings_and_says_so(tmp_path):
    base, cand = _copy_pair(tmp_path, "rustflags")
    (cand / "sccache-server.log").unlink()
    got = compare([str(base)], [str(cand)], knowledge())
    assert got["explanations"] == []
    assert "env:RUSTFLAGS" in [d["id"] for d in got["unrelated_differences"]]
    assert "no debug log" in got["verdict"]


def test_unreadable_inputs_are_a_usage_error(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    run = CliRunner().invoke(main, ["compare", str(empty), str(tmp_path / "missing")])
    assert run.exit_code == 2 and "Traceback" not in run.output


def test_the_readme_shows_compare_as_printed(monkeypatch):
    monkeypatch.chdir(SAMPLES.parent)
    readme = (SAMPLES.parent / "README.md").read_text(encoding="utf-8")
    command = "sccache-forensics compare samples/pairs/rustflags/baseline samples/pairs/rustflags/candidate"
    assert command in readme
    run = CliRunner().invoke(main, command.split()[1:])
    assert run.exit_code == 0
    assert f"```\n{run.output}```" in readme


def test_a_secret_setting_that_differs_is_named_but_never_shown(tmp_path):
    base, cand = _copy_pair(tmp_path, "same")
    for side, secret in ((base, "FAKEsecretBASEbase1234567890"), (cand, "FAKEsecretCANDcand1234567890")):
        env = side / "env.txt"
        env.write_text(env.read_text() + f"SCCACHE_REDIS_PASSWORD={secret}\n")
    got = compare([str(base)], [str(cand)], knowledge())
    text = json.dumps(got)
    assert "env:SCCACHE_REDIS_PASSWORD" in [d["id"] for d in got["unrelated_differences"]]
    assert "FAKEsecret" not in text
    assert got["explanations"] == []


def test_a_compile_the_server_never_answered_is_not_blamed_on_a_difference():
    """server-killed-midbuild: the server was killed while `slow` compiled; no result line."""
    got = compare([str(SAMPLES / "healthy-second-run" / "bundle")],
                  [str(SAMPLES / "server-killed-midbuild" / "bundle")], knowledge())
    slow = next(u for u in got["unexplained"] if u["subject"] == "slow")
    assert slow["result"] == "unknown" and "server stopped" in slow["note"]
    assert not any("slow" in e["explains"] for e in got["explanations"])


def test_the_same_key_missed_in_another_place_is_blamed_on_the_cache_not_the_build(tmp_path):
    """An edited copy of cache-dir: both env dumps name the same SCCACHE_DIR but different S3
    key prefixes, the stats are gone. The hash keys are equal on both sides, so only a cache
    difference may explain the misses, and the prefix is the one left."""
    base, cand = _copy_pair(tmp_path, "cache-dir")
    for side, prefix in ((base, "laptop"), (cand, "ci")):
        (side / "show-stats.txt").unlink()
        env = side / "env.txt"
        lines = [line for line in env.read_text().splitlines() if not line.startswith("SCCACHE_DIR=")]
        env.write_text("\n".join(lines + ["SCCACHE_DIR=/home/dev/.cache/sccache", f"SCCACHE_S3_KEY_PREFIX={prefix}"])
                       + "\n")
    got = compare([str(base)], [str(cand)], knowledge())
    assert {e["id"]: e["explains"] for e in got["explanations"]} == {"cache:key-prefix": ["alpha", "beta", "util"]}
    assert "prefix" in got["explanations"][0]["fix"]
