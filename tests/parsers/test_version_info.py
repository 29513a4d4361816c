"""version-info parser: real `rustc -vV` / `cargo -vV` / `sccache --version`, pasted transcripts."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzer.ingest import keep_all, read_bundle
from analyzer.parsers import choose, get
from tests.parsers.support import split

FIXTURES = Path(__file__).parent.parent / "fixtures" / "version-info"
# Through the registry, so every kind is loaded before `choose` compares them.
PARSER = get("version-info")

RUSTC_VV = ["rustc 1.95.0 (59807616e 2026-04-14)", "binary: rustc",
            "commit-hash: 59807616e1fa2540724bfbac14d7976d7e4a3860", "commit-date: 2026-04-14",
            "host: x86_64-unknown-linux-gnu", "release: 1.95.0", "LLVM version: 22.1.2"]


def parse(lines, source="versions.txt"):
    return split(PARSER.parse(lines, source))


def fixture_lines(name):
    return (FIXTURES / name).read_text(encoding="utf-8").splitlines()


def facts_of(facts):
    return {(f.name, f.value) for f in facts}


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.iterdir()))
def test_every_fixture_is_chosen_as_version_info(name):
    head = (FIXTURES / name).read_text(encoding="utf-8")
    assert choose(head, name)[0] == "version-info"


@pytest.mark.parametrize("head", ["\n".join(RUSTC_VV), "sccache 0.16.0", "rustc 1.95.0 (59807616e 2026-04-14)"])
def test_sniff_positive(head):
    assert PARSER.sniff(head, "versions.txt") >= 0.8


@pytest.mark.parametrize("head", [
    "[2026-11-21T05:23:31Z INFO  sccache::server] start_server: 127.0.0.1:4226\n",
    "Compile requests                     12\nVersion (client)                0.16.0\n",
    '{"rustc_fingerprint":1,"outputs":{"1":{"success":true,"stdout":"rustc 1.95.0 (x)\\nhost: y"}}}',
    "   Compiling tinycrate v0.1.0 (/home/dev/tinycrate)\nerror: could not compile `tinycrate`\n",
    "PATH=/usr/bin\nHOME=/home/dev\n",
    "",
])
def test_sniff_rejects_other_kinds(head):
    assert PARSER.sniff(head, "x.txt") == 0.0


def test_rustc_block_release_record_field_by_field():
    records, facts, problems = parse(RUSTC_VV)
    assert problems == [] and len(records) == 7
    release = records[5]
    assert (release.line, release.end_line, release.text, release.time, release.level, release.target) == \
        (6, None, "release: 1.95.0", None, None, None)
    assert release.event == "rustc-version-ok"
    assert release.get("tool") == "rustc" and release.get("version") == "1.95.0"
    assert [r.event for r in records].count("rustc-version-ok") == 1
    assert records[0].fields == (("tool", "rustc"), ("version", "1.95.0"))
    assert facts_of(facts) == {("rustc_version", "1.95.0"), ("rustc_host", "x86_64-unknown-linux-gnu"), ("os", "linux")}


def test_real_concatenated_outputs():
    records, facts, problems = parse(fixture_lines("rustc-cargo-sccache-linux.txt"))
    assert problems == []
    assert len(records) == 17
    assert [r.line for r in records if r.event] == [6]  # cargo's release:/host: lines are not rustc's
    assert facts_of(facts) == {("rustc_version", "1.95.0"), ("rustc_host", "x86_64-unknown-linux-gnu"),
                               ("os", "linux"), ("cargo_version", "1.95.0"), ("sccache_version", "0.16.0")}


def test_windows_transcript_with_prompts():
    records, facts, problems = parse(fixture_lines("windows-pasted.txt"))
    assert problems == [] and len(records) == 12
    assert records[0].get("command") == "sccache --version"
    assert facts_of(facts) >= {("sccache_version", "0.10.0"), ("rustc_version", "1.86.0"),
                               ("os", "windows"), ("cargo_version", "1.86.0")}


@pytest.mark.parametrize("host,os_name", [("aarch64-apple-darwin", "macos"), ("x86_64-pc-windows-gnu", "windows"),
                                          ("aarch64-unknown-linux-musl", "linux")])
def test_os_from_host_triple(host, os_name):
    _, facts, _ = parse(["rustc 1.80.0 (051478957 2024-07-21)", f"host: {host}", "release: 1.80.0"])
    assert ("os", os_name) in facts_of(facts)


def test_rustc_v_only_has_no_event():
    records, facts, _ = parse(["rustc 1.95.0 (59807616e 2026-04-14)"])
    assert records[0].event is None
    assert facts_of(facts) == {("rustc_version", "1.95.0")}


def test_truncated_block_has_no_event_but_keeps_records():
    records, facts, problems = parse(RUSTC_VV[:5])
    assert problems == [] and len(records) == 5
    assert all(r.event is None for r in records)
    assert ("rustc_host", "x86_64-unknown-linux-gnu") in facts_of(facts)


@pytest.mark.parametrize("lines", [["\x00\x01", "release:", ": :", "host: "], ["cargo 1.2.3", "x" * 10000], []])
def test_garbage_never_raises(lines):
    parse(lines)


def test_end_to_end_through_read_bundle():
    bundle = read_bundle([str(FIXTURES / "rustc-cargo-sccache-linux.txt")], keep_all)
    [artifact] = bundle.artifacts
    assert artifact.kind == "version-info"
    assert artifact.record_count == 17 and artifact.problems == []
    assert ("sccache_version", "0.16.0") in facts_of(artifact.facts)
