"""The built-in definitions: one file per taxonomy ID, every example behaves, the taxonomy data
and docs are generated from them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from analyzer import taxonomy
from analyzer.patterns import builtin_dir, load_library
from analyzer.patterns.loader import load_file
from analyzer.patterns.masks import apply_masks, load_masks
from analyzer.records import Record

LIBRARY = load_library()
TAXONOMY = taxonomy.load()
DOCS = Path(__file__).resolve().parent.parent / "docs" / "taxonomy.md"

# IDs that need several sources or arithmetic; the correlation rules detect them.
RULE_ONLY_IDS = {
    "cold-cache",
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


def test_every_taxonomy_id_has_exactly_one_definition_file():
    files = sorted(p.stem for p in builtin_dir().glob("[!_]*.toml"))
    assert files == sorted(TAXONOMY.ids) == LIBRARY.ids()


def test_rule_only_ids_have_no_indications_and_name_their_rules():
    rule_only = {d.id for d in LIBRARY.definitions.values() if not d.indications}
    assert rule_only == RULE_ONLY_IDS
    for finding_id in rule_only:
        assert LIBRARY.definitions[finding_id].rules, finding_id


def test_taxonomy_data_is_generated_from_the_definitions():
    text = taxonomy.DATA_FILE.read_text(encoding="utf-8")
    assert taxonomy.render_data(LIBRARY.definitions.values(), text) == text, "run `make taxonomy`"


def test_docs_taxonomy_is_generated_from_the_definitions():
    text = DOCS.read_text(encoding="utf-8")
    assert taxonomy.render_docs(LIBRARY.definitions.values(), text, TAXONOMY.groups) == text, "run `make taxonomy`"


def test_docs_taxonomy_lists_exactly_the_data_ids():
    documented = set(re.findall(r"^\| `([a-z0-9-]+)` \| (?:source-code|toolchain|cache-wrapper|cache-backend|network|environment|none) \|",
                                DOCS.read_text(encoding="utf-8"), re.M))
    assert documented == set(TAXONOMY.ids)


def test_explained_ids_exist():
    for definition in LIBRARY.definitions.values():
        assert definition.causality.explains <= set(TAXONOMY.ids), definition.id
        assert definition.id not in definition.causality.explains


def test_an_indication_overrides_travel_with_its_name():
    panic = LIBRARY.signature("server-exited-midbuild.panic")
    assert (panic.default_role, panic.severity) == ("root-cause", "error")
    assert LIBRARY.definitions["server-exited-midbuild"].default_role == "contributing"
    assert LIBRARY.signature("local-disk-cache-problem.dir").title != "The disk is full"


def test_a_broken_definition_reports_every_problem(tmp_path):
    path = tmp_path / "proxy-in-path.toml"
    path.write_text('''id = "proxy-in-path"
title = "t"
group = "nowhere"
layer = "network"
default_role = "boss"
severity = "warning"
status = "test"
meaning = "m"
typical_evidence = "e"

[causality]
root_cause = "maybe"

[doc]
what_it_detects = "w"
why_builds_fail = "y"
fix = "f"

[[indication]]
name = "a"
confidence = "certain"
applies_to = ["sccache-log"]

[[indication.match]]
regex = "abc"

[indication.examples]
match = ["abc"]

[[indication]]
name = "b"
applies_to = ["sccache-log"]

[[indication.match]]
regex = "abc"

[indication.examples]
match = ["xyz"]
''', encoding="utf-8")
    definition, errors = load_file(path, user=True)
    keys = {e.key for e in errors}
    assert definition is None
    assert {"group", "default_role", "causality.root_cause"} <= keys
    assert {"indication[0].confidence", "indication[1].examples.match[0]", "indication[1].match[0].regex"} <= keys


def test_an_id_with_no_indication_must_name_its_rules(tmp_path):
    text = (builtin_dir() / "storage-check-slow.toml").read_text(encoding="utf-8")
    path = tmp_path / "storage-check-slow.toml"
    path.write_text(re.sub(r"^rules = .*$", "", text, flags=re.M), encoding="utf-8")
    definition, errors = load_file(path, user=True)
    assert definition is None and [e.key for e in errors] == ["rules"]


def test_stable_signatures_name_a_sample():
    for pattern in LIBRARY.patterns:
        if pattern.status == "stable":
            assert pattern.samples, pattern.name


def test_fix_has_shell_variants_and_references():
    for definition in LIBRARY.definitions.values():
        assert definition.doc.fix.sh and definition.doc.fix.powershell, definition.id
        assert definition.doc.references, definition.id
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
