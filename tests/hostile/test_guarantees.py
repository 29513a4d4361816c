"""docs/guarantees.md, each guarantee proven on the real command line.

Read-only input and no network are watched from inside the analyzer's process by the audit
hook of tests/hostile/audit/sitecustomize.py; two control tests prove that hook does see a
write and a network lookup, so a silent hook cannot make these tests pass.
"""

from __future__ import annotations

import io
import re
import shutil
import tarfile
import zipfile
from pathlib import Path

import pytest

from analyzer import decode
from analyzer.budget import DEFAULT_SECONDS, TIME_LIMIT_ENV, Limits
from tests.hostile.harness import assert_clean_exit, assert_no_traceback, assert_wrote_only, run_cli, snapshot
from tests.shared import ROOT, SAMPLES

SEED = SAMPLES / "seed-windows-oss-proxy" / "bundle"
GUARANTEES = ROOT / "docs" / "guarantees.md"


def mixed_bundle(root: Path) -> Path:
    """The seed sample as a folder holding a copy of itself, a zip, a tar.gz and a link out."""
    bundle = root / "bundle"
    shutil.copytree(SEED, bundle / "folder")
    files = sorted(p for p in SEED.iterdir() if p.is_file())
    with zipfile.ZipFile(bundle / "copy.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        for path in files:
            archive.write(path, f"zipped/{path.name}")
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as archive:
        for path in files:
            archive.add(path, f"tarred/{path.name}")
    (bundle / "copy.tar.gz").write_bytes(buf.getvalue())
    (root / "outside.txt").write_text("AWS_SECRET_ACCESS_KEY=FAKEsecretFAKEsecretFAKEsecret12\n", encoding="utf-8")
    (bundle / "link-out.txt").symlink_to(root / "outside.txt")
    for path in bundle.rglob("*"):
        if path.is_file() and not path.is_symlink():
            path.chmod(0o444)
    return bundle


@pytest.mark.parametrize("command", [("analyze", "text"), ("analyze", "json"), ("analyze", "md"),
                                     ("analyze", "html"), ("inspect", "text"), ("inspect", "json")],
                         ids=lambda c: "-".join(c))
def test_input_is_read_only(command, tmp_path):
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    bundle = mixed_bundle(inputs)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    report = out_dir / f"report.{command[1]}"
    before_inputs, before_out = snapshot(inputs), snapshot(out_dir)
    run = run_cli([command[0], str(bundle), "--format", command[1], "-o", str(report)], cwd=out_dir,
                  scratch=tmp_path / "scratch")
    assert_clean_exit(run)
    assert run.returncode == 0, run.describe()
    assert snapshot(inputs) == before_inputs, "the input changed"
    assert set(snapshot(out_dir)) - set(before_out) == {report.name}
    assert_wrote_only(run, {report}, tmp_path / "scratch" / "tmp")


def test_output_never_written_through_a_link(tmp_path):
    """`-o` naming a link replaces the link with the report; the file it pointed at is untouched."""
    target = tmp_path / "precious.txt"
    target.write_text("keep me\n", encoding="utf-8")
    link = tmp_path / "report.json"
    link.symlink_to(target)
    run = run_cli(["analyze", str(SEED), "--format", "json", "-o", str(link)], cwd=tmp_path,
                  scratch=tmp_path / "scratch")
    assert run.returncode == 0, run.describe()
    assert target.read_text(encoding="utf-8") == "keep me\n"
    assert not link.is_symlink() and link.read_bytes().startswith(b"{")


def test_report_never_written_over_an_input(tmp_path):
    """`-o` naming a file of the bundle is refused (exit 2, one line) and the file is untouched."""
    bundle = tmp_path / "bundle"
    shutil.copytree(SEED, bundle)
    before = snapshot(bundle)
    for command, target in (("analyze", bundle / "env.txt"), ("inspect", bundle / "sccache-server.log")):
        run = run_cli([command, str(bundle), "-o", str(target)], cwd=tmp_path, scratch=tmp_path / "scratch")
        assert run.returncode == 2 and "refusing to write the report over an input file" in run.stderr, run.describe()
        assert len(run.stderr.splitlines()) == 1
    assert snapshot(bundle) == before


def test_no_network_on_every_sample(tmp_path):
    """Every sample bundle, one process per machine they come from (analyze refuses to mix
    machines), every renderer: no lookup, no connection."""
    from analyzer.machines import identify

    by_machine: dict[tuple, list[str]] = {}
    for bundle in sorted(p for p in SAMPLES.glob("*/bundle") if p.is_dir()):
        machine = identify(str(bundle))
        by_machine.setdefault((machine.host, machine.os), []).append(str(bundle))
    for n, bundles in enumerate(by_machine.values()):
        for fmt in ("json", "html"):
            run = run_cli(["analyze", *bundles, "--format", fmt], cwd=tmp_path,
                          scratch=tmp_path / f"scratch-{n}-{fmt}")
            assert_clean_exit(run)
            assert run.returncode == 0, run.describe()
            assert run.network() == [], run.network()
            assert run.changes() == [], run.changes()


def test_network_audit_catches_a_lookup(tmp_path):
    """Control: the hook that watches the tests above does see (and refuse) a network call."""
    run = run_cli([], cwd=tmp_path, scratch=tmp_path / "scratch",
                  program=("-c", "import socket\ntry:\n    socket.getaddrinfo('example.invalid', 80)\n"
                                 "except PermissionError:\n    print('refused')\n"))
    assert run.stdout.strip() == b"refused"
    assert [e["event"] for e in run.network()] == ["socket.getaddrinfo"]


def test_write_audit_catches_a_write(tmp_path):
    """Control: the hook does see a file opened for writing and a rename."""
    run = run_cli([], cwd=tmp_path, scratch=tmp_path / "scratch",
                  program=("-c", "import os\nopen('x.txt', 'w').close()\nos.replace('x.txt', 'y.txt')\n"))
    assert run.returncode == 0, run.describe()
    assert [(e["event"], Path(e["path"]).name) for e in run.changes()] == [("open", "x.txt"), ("os.rename", "x.txt")]


# -- exit codes ------------------------------------------------------------------------------------

def test_exit_codes(tmp_path):
    scratch = tmp_path / "scratch"
    healthy = SAMPLES / "healthy-second-run" / "bundle"
    cases = [
        (["analyze", str(SEED)], 0),
        (["analyze", str(healthy), "--fail-on", "root-cause"], 0),
        (["analyze", str(SEED), "--fail-on", "root-cause"], 1),
        (["analyze", str(tmp_path / "missing")], 2),
        (["analyze", str(SEED), "-o", str(tmp_path / "no-such-dir" / "r.json")], 2),
    ]
    for args, expected in cases:
        run = run_cli(args, cwd=tmp_path, scratch=scratch)
        assert_no_traceback(run)
        assert run.returncode == expected, (args, run.describe())
        if expected == 2:
            assert len(run.stderr.splitlines()) == 1, run.describe()


@pytest.mark.parametrize("args", [["analyze"], ["analyze", "--bogus", "x"], ["analyze", "x", "--format", "pdf"],
                                  ["no-such-command"]], ids=["no-bundle", "bad-option", "bad-format", "bad-command"])
def test_usage_errors_exit_2(args, tmp_path):
    run = run_cli(args, cwd=tmp_path, scratch=tmp_path / "scratch")
    assert_no_traceback(run)
    assert run.returncode == 2, run.describe()
    assert "Error:" in run.stderr


# -- the document itself -------------------------------------------------------------------------------

def test_guarantees_document_states_the_limits_in_force():
    """docs/guarantees.md quotes the numbers in the code; a changed limit must change the text."""
    text = guarantees_section()
    limits = Limits()
    for value in (limits.max_member_bytes, limits.max_total_bytes, limits.max_members, limits.max_depth,
                  limits.max_nested_archive_bytes, limits.max_ratio, limits.ratio_free_bytes,
                  limits.max_header_bytes, decode.MAX_LINE):
        assert f"{value:,}".replace(",", " ") in text or str(value) in text, f"{value} not in docs/guarantees.md"
    assert f"{DEFAULT_SECONDS:g} s" in text and TIME_LIMIT_ENV in text
    from analyzer.patterns.model import MAX_MATCH_CHARS, SEARCH_SECONDS

    assert f"{MAX_MATCH_CHARS:,}".replace(",", " ") in text and f"{SEARCH_SECONDS:g} s" in text


def guarantees_section() -> str:
    return GUARANTEES.read_text(encoding="utf-8")


def test_guarantees_document_names_only_existing_tests():
    text = guarantees_section()
    named = re.findall(r"`(tests/[\w/]+\.py)::(\w+)(?:\[[^\]]*\])?`", text)
    assert len(named) >= 8
    for path, name in named:
        source = (ROOT / path).read_text(encoding="utf-8")
        assert re.search(rf"^def {name}\(", source, re.MULTILINE), f"{path}::{name} does not exist"
