"""`patterns list|show|test` through click's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from analyzer.cli import main
from analyzer.patterns import builtin_dir, load_library, samples_dir

LIBRARY = load_library()


def run(*args: str):
    return CliRunner().invoke(main, ["patterns", *args])


def test_list_text_has_one_row_per_signature():
    result = run("list")
    assert result.exit_code == 0
    rows = result.output.splitlines()
    assert len(rows) == len(LIBRARY)
    assert any(r.split()[:4] == ["server-startup-timeout", "stable", "cache-wrapper", "symptom"] for r in rows)


def test_list_json():
    result = run("list", "--format", "json")
    assert result.exit_code == 0
    rows = json.loads(result.output)["patterns"]
    assert {r["id"] for r in rows} == set(LIBRARY.ids())
    assert set(rows[0]) >= {"id", "status", "layer", "default_role", "title"}


def test_show_prints_ruff_style_sections():
    result = run("show", "server-startup-timeout")
    assert result.exit_code == 0
    for heading in ("## What it detects", "## Why builds fail", "## Fix", "## Causes", "## Indication",
                    "## References"):
        assert heading in result.output
    assert "```sh" in result.output and "```powershell" in result.output
    assert "server_startup_timeout_ms = 60000" in result.output


def test_show_json_lists_every_variant():
    result = run("show", "proxy-in-path", "--format", "json")
    body = json.loads(result.output)
    assert {s["signature"] for s in body["signatures"]} == {"proxy-in-path", "proxy-in-path.tunnel", "proxy-in-path.env"}
    assert body["signatures"][0]["fix"]["powershell"]


def test_show_rule_only_id_explains_itself():
    result = run("show", "storage-check-slow")
    assert result.exit_code == 0
    assert "## Detected by rules\n  startup-timing" in result.output
    assert "server_startup_timeout_ms = 60000" in result.output  # its fix, in both shells
    assert "```powershell" in result.output


def test_show_prints_the_fix_of_every_id():
    for finding_id in LIBRARY.ids():
        result = run("show", finding_id)
        fix = LIBRARY.definitions[finding_id].doc.fix
        assert result.exit_code == 0 and "## Fix" in result.output
        assert fix.text.strip() in result.output and fix.sh.strip() in result.output, finding_id


def test_show_unknown_id_exits_2_with_one_line():
    result = run("show", "no-such-thing")
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1
    assert "unknown pattern id" in result.output


def test_test_builtin_library():
    result = run("test", "--format", "json")
    body = json.loads(result.output)
    assert body["patterns"] == len(LIBRARY.patterns)
    assert body["examples"] > len(LIBRARY)
    sample_folders_exist = all((samples_dir(builtin_dir()) / s).is_dir() for p in LIBRARY.patterns for s in p.samples)
    if sample_folders_exist:
        assert body["problems"] == [] and result.exit_code == 0
    else:  # sample bundles not checked out: only those may be reported
        assert {p["key"].split("[")[0] for p in body["problems"]} == {"samples"}


def test_test_dir_reports_all_problems_and_exits_2(tmp_path: Path):
    good = (builtin_dir() / "ipc-broken.toml").read_text(encoding="utf-8")
    (tmp_path / "ipc-broken.toml").write_text(good.replace('default_role = "symptom"', 'default_role = "culprit"'))
    (tmp_path / "unhandled-compile-passthrough.toml").write_text(
        (builtin_dir() / "unhandled-compile-passthrough.toml").read_text(encoding="utf-8")
        .replace('match = ["Server sent UnhandledCompile"]', 'match = ["Server sent UnsupportedCompiler"]'))
    result = run("test", str(tmp_path))
    assert result.exit_code == 2
    lines = result.output.splitlines()
    assert any(line.endswith("ipc-broken.toml: default_role: 'culprit' is not one of: root-cause, contributing, symptom, benign")
               for line in lines)
    assert any("unhandled-compile-passthrough.toml: indication[0].match[0].regex:" in line for line in lines)
    assert any("unhandled-compile-passthrough.toml: indication[0].examples.match[0]:" in line for line in lines)
    assert "Traceback" not in result.output


def test_test_dir_without_problems_exits_0(tmp_path: Path):
    (tmp_path / "ipc-broken.toml").write_text((builtin_dir() / "ipc-broken.toml").read_text(encoding="utf-8"))
    result = run("test", str(tmp_path))
    assert result.exit_code == 0
    assert result.output.strip().endswith("1 signatures, 11 examples, 0 problems")


def test_test_dir_checks_sample_folders(tmp_path: Path):
    patterns = tmp_path / "patterns"
    patterns.mkdir()
    (patterns / "config-file-missing.toml").write_text(
        (builtin_dir() / "config-file-missing.toml").read_text(encoding="utf-8"))
    result = run("test", str(patterns), "--format", "json")
    assert result.exit_code == 2
    assert [p["key"] for p in json.loads(result.output)["problems"]] == ["samples[0]"]
    (tmp_path / "samples" / "seed-windows-oss-proxy").mkdir(parents=True)
    assert run("test", str(patterns)).exit_code == 0


def test_list_with_user_patterns_dir(tmp_path: Path):
    (tmp_path / "ipc-broken.toml").write_text((builtin_dir() / "ipc-broken.toml").read_text(encoding="utf-8")
                                              .replace("The client/server channel broke", "Channel broke (local copy)"))
    result = run("list", "--patterns", str(tmp_path))
    assert "Channel broke (local copy)" in result.output
    assert len(result.output.splitlines()) == len(LIBRARY)
