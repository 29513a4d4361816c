"""Without stats in the bundle, the server log's `CannotCache(reason)` lines give the reasons."""

from __future__ import annotations

from analyzer.analysis import analyze
from tests.shared import knowledge

LOG = (
    '[2026-12-03T04:05:32Z DEBUG sccache::server] parse_arguments: CannotCache(multiple input files): '
    '["-c", "a.c", "b.c"]\n'
    '[2026-12-03T04:05:33Z DEBUG sccache::server] parse_arguments: CannotCache(crate-type, bin): '
    '["--crate-name", "demo"]\n'
)


def findings(tmp_path, text: str) -> dict:
    log = tmp_path / "sccache.log"
    log.write_text(text, encoding="utf-8")
    return {f["id"]: f for f in analyze([str(log)], knowledge()).report["findings"]}


def test_a_fixable_reason_in_the_log_makes_the_limitation_finding(tmp_path):
    found = findings(tmp_path, LOG)
    limitation = found["non-cacheable-limitation"]
    assert "multiple input files" in limitation["summary"] and "crate-type" not in limitation["summary"]
    assert limitation["evidence"][0]["line"] == 1


def test_expected_reasons_alone_do_not(tmp_path):
    only_crate_type = LOG.splitlines(keepends=True)[1]
    assert "non-cacheable-limitation" not in findings(tmp_path, only_crate_type)
