"""dist-status parser: the JSON line of `sccache --dist-status` in the shapes 0.3-0.16 print."""

from __future__ import annotations

import pytest

from analyzer.parsers import choose, get
from tests.parsers.support import OTHER_KINDS, ROOT, split

PARSER = get("dist-status")
SAMPLES = ROOT / "samples"


def parse(text: str):
    return split(PARSER.parse(text.splitlines(), "dist-status.txt"))


def test_connected_with_builders():
    records, facts, problems = parse(
        '{"SchedulerStatus":["http://127.0.0.1:4416/",{"num_servers":1,"num_cpus":2,"in_progress":0}]}\n')
    assert problems == []
    (record,) = records
    assert (record.get("state"), record.get("scheduler"), record.get("num_servers"), record.get("num_cpus")) == \
        ("connected", "http://127.0.0.1:4416/", "1", "2")
    assert {(f.name, f.value) for f in facts} == {("dist_state", "connected"),
                                                   ("dist_scheduler", "http://127.0.0.1:4416/"), ("dist_servers", 1)}


@pytest.mark.parametrize(("text", "state", "detail"), [
    ('{"NotConnected":["http://127.0.0.1:4408/","enabled, not connected, will retry"]}', "not-connected",
     "enabled, not connected, will retry"),
    ('{"NotConnected":["http://127.0.0.1:4419/","enabled, not connected, will retry in 27.3s"]}', "not-connected",
     "enabled, not connected, will retry in 27.3s"),
    ('{"Disabled":"disabled"}', "disabled", "disabled"),
])
def test_other_states(text, state, detail):
    records, _, problems = parse(text)
    assert problems == [] and records[0].get("state") == state and records[0].get("detail") == detail


def test_every_sample_status_is_read():
    files = sorted(SAMPLES.glob("**/bundle/dist-status.txt"))
    assert len(files) >= 15
    for path in files:
        records, _, problems = parse(path.read_text(encoding="utf-8"))
        assert problems == [] and records and records[0].get("state"), path


@pytest.mark.parametrize("text", ["{not json", '{"Unknown":1}', '{"A":1,"B":2}'])
def test_bad_input_is_a_problem_not_a_traceback(text):
    records, _, problems = parse(text)
    assert records == [] and len(problems) == 1


def test_a_build_log_quoting_the_status_is_not_claimed():
    log = "\n".join(["$ make CC=\"sccache gcc\"", "sccache gcc -O2 -c shapes.c -o shapes.o",
                     "cc -c a.c -o a.o", "make: *** [Makefile:14: shapes.o] Error 254",
                     "$ sccache --dist-status", '{"Disabled":"disabled"}'])
    assert PARSER.sniff(log, "build.txt") < 0.3
    assert choose('{"Disabled":"disabled"}\n', "x.txt")[0] == "dist-status"


@pytest.mark.parametrize("name", sorted(OTHER_KINDS))
def test_sniff_rejects_other_kinds(name):
    assert PARSER.sniff(OTHER_KINDS[name], name) == 0.0
