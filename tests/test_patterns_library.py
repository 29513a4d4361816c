"""The built-in signature library: every example behaves, every taxonomy ID is covered."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from analyzer import taxonomy
from analyzer.patterns import builtin_dir, load_library
from analyzer.patterns.masks import apply_masks, load_masks
from analyzer.records import Record

LIBRARY = load_library()
TAXONOMY = taxonomy.load()
DOCS = Path(__file__).resolve().parent.parent / "docs" / "taxonomy.md"

# IDs that need several sources or arithmetic; the correlation rules detect them.
RULE_ONLY_IDS = {
    "storage-check-slow",
    "daemon-not-listening",
    "server-not-running",
    "server-stale-environment",
    "low-cache-hit-rate",
    "sccache-known-defect",
    "launcher-not-applied",
}

MATCH_CASES = [(p.name, line) for p in LIBRARY.patterns for line in p.examples_match]
NO_MATCH_CASES = [(p.name, line) for p in LIBRARY.patterns for line in p.examples_no_match]
BY_NAME = {p.name: p for p in LIBRARY.patterns}


def test_builtin_library_loads_without_errors():
    assert [str(e) for e in LIBRARY.errors] == []
    assert len(LIBRARY) == len(list(builtin_dir().glob("[!_]*.toml")))


@pytest.mark.parametrize(("name", "line"), MATCH_CASES, ids=[f"{n}:{i}" for i, (n, _) in enumerate(MATCH_CASES)])
def test_match_example_fires(name, line):
    pattern = BY_NAME[name]
    kind = sorted(pattern.applies_to)[0]
    matches = LIBRARY.match(Record("x.log", kind, 1, line))
    assert name in {m.signature for m in matches}, f"{name} does not fire on {line!r}"


@pytest.mark.parametrize(("name", "line"), NO_MATCH_CASES, ids=[f"{n}:{i}" for i, (n, _) in enumerate(NO_MATCH_CASES)])
def test_no_match_example_stays_silent(name, line):
    pattern = BY_NAME[name]
    kind = sorted(pattern.applies_to)[0]
    assert name not in {m.signature for m in LIBRARY.match(Record("x.log", kind, 1, line))}


def test_every_taxonomy_id_has_a_signature_or_is_rule_only():
    covered = set(LIBRARY.ids())
    missing = set(TAXONOMY.ids) - covered - RULE_ONLY_IDS
    assert missing == set()
    assert RULE_ONLY_IDS & covered == set(), "an ID with a signature need not be rule-only"
    assert RULE_ONLY_IDS <= set(TAXONOMY.ids)


def test_docs_taxonomy_lists_exactly_the_data_ids():
    documented = set(re.findall(r"^\| `([a-z0-9-]+)` \| (?:source-code|toolchain|cache-wrapper|cache-backend|network|environment) \|",
                                DOCS.read_text(encoding="utf-8"), re.M))
    assert documented == set(TAXONOMY.ids)


def test_docs_taxonomy_layers_match_the_data():
    text = DOCS.read_text(encoding="utf-8")
    for entry in TAXONOMY.entries.values():
        assert f"| `{entry.id}` | {entry.layer} |" in text


def test_stable_signatures_name_a_sample():
    for pattern in LIBRARY.patterns:
        if pattern.status == "stable":
            assert pattern.samples, pattern.name


def test_fix_has_shell_variants_and_references():
    for pattern in LIBRARY.patterns:
        assert pattern.doc.fix.sh and pattern.doc.fix.powershell, pattern.name
        assert pattern.doc.references, pattern.name


def test_masks_turn_variable_parts_into_placeholders():
    masks, errors = load_masks(builtin_dir() / "_masks.toml")
    assert errors == []
    line = "[serde-1d2c3b4a5e6f7a8b]: Cache read error: Unexpected (temporary) at read => send http request in 12.004 s"
    assert apply_masks(masks, line).endswith("in <DURATION>")
    assert apply_masks(masks, "start_server: 127.0.0.1:4226") == "start_server: <ADDR>"
    assert apply_masks(masks, "error sending request for url (http://127.0.0.1:4311/b/.sccache_check)") == \
        "error sending request for url (<URL>)"
