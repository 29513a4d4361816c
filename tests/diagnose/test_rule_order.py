"""Rules run in the order their declared reads give; any other valid order gives the same report."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from analyzer import taxonomy
from analyzer.analysis import analyze
from analyzer.diagnose import Rule, RuleOrderError, load_rules, ordered
from analyzer.diagnose.registry import EVERYTHING, dependencies
from tests.shared import SAMPLES, knowledge

CASES = Path(__file__).resolve().parent / "cases"
BUNDLES = sorted(p for p in SAMPLES.glob("*/bundle") if p.is_dir()) + sorted(p for p in CASES.glob("*/bundle"))
SEEDS = (1, 2, 3, 4)


def fake(name: str, emits: tuple[str, ...] = (), reads: tuple[str, ...] = ()) -> Rule:
    return Rule(name, emits, reads, (), lambda ctx: None, "")


def test_a_rule_runs_after_the_rules_whose_findings_it_reads():
    rules = [fake("a", reads=("x",)), fake("b", emits=("x",)), fake("c", emits=("y",), reads=("x",))]
    assert [r.name for r in ordered(rules)] == ["b", "a", "c"]


def test_a_rule_reading_everything_runs_last():
    rules = [fake("zz-notes", reads=(EVERYTHING,)), fake("b"), fake("a", emits=("x",))]
    assert ordered(rules)[-1].name == "zz-notes"


def test_a_cycle_is_an_error_naming_the_rules():
    rules = [fake("a", emits=("x",), reads=("y",)), fake("b", emits=("y",), reads=("x",)), fake("c")]
    with pytest.raises(RuleOrderError, match="a, b"):
        ordered(rules)


def test_shuffled_orders_respect_every_declared_read():
    rules = list(load_rules().values())
    before = dependencies(rules)
    for seed in range(20):
        seen: set[str] = set()
        for item in ordered(rules, random.Random(seed)):
            assert before[item.name] <= seen, item.name
            seen.add(item.name)


def test_shuffling_gives_different_orders():
    rules = list(load_rules().values())
    orders = {tuple(r.name for r in ordered(rules, random.Random(seed))) for seed in range(10)}
    assert len(orders) > 1


def test_the_shipped_rules_read_what_they_need():
    rules = load_rules()
    order = [r.name for r in ordered(rules.values())]
    assert order.index("server-port-listener") < order.index("startup-timing")
    assert order.index("server-port-listener") < order.index("rustc-info-replay")
    assert order[-1] == "missing-artifacts"


@pytest.mark.parametrize("bundle", BUNDLES, ids=[f"{p.parent.parent.name}/{p.parent.name}" for p in BUNDLES])
def test_every_valid_order_gives_byte_identical_json(bundle: Path):
    reference = orjson.dumps(analyze([str(bundle)], knowledge()).report)
    for seed in SEEDS:
        shuffled = orjson.dumps(analyze([str(bundle)], knowledge(), rule_shuffle=random.Random(seed)).report)
        assert shuffled == reference, f"rule order from seed {seed} changed the report"


def test_definitions_and_rules_agree_on_who_detects_what():
    library = knowledge().library
    rules = load_rules()
    for item in rules.values():
        for finding_id in item.emits:
            assert item.name in library.definitions[finding_id].rules, f"{finding_id} does not name {item.name}"
    for definition in library.definitions.values():
        for name in definition.rules:
            assert name in rules and definition.id in rules[name].emits, f"{definition.id}: rule {name}"


def test_rules_read_and_need_only_known_ids_and_kinds():
    library = knowledge().library
    kinds = set(taxonomy.load().kinds)
    for item in load_rules().values():
        assert set(item.reads) - {EVERYTHING} <= set(library.definitions), item.name
        assert set(item.needs) <= kinds, item.name


def test_a_rule_runs_only_when_one_of_its_kinds_is_present():
    item = Rule("r", (), (), ("sockets", "processes"), lambda ctx: None, "")
    assert item.applies({"processes", "env"}) and not item.applies({"env"})
    assert fake("always").applies(set())


def test_knowledge_does_not_import_diagnosis():
    code = "import sys, analyzer.knowledge; print('analyzer.diagnose' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
