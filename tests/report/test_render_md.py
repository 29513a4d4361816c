"""The Markdown comment: verdict and fix first, fences nothing can break, one comment long."""

from __future__ import annotations

import regex

from analyzer.report import render_md
from tests.report.support import SAMPLE_NAMES, SEED, report


def some_report() -> dict:
    return report(SEED if SEED in SAMPLE_NAMES else SAMPLE_NAMES[0])


def test_verdict_and_fix_come_before_the_details():
    out = render_md.render(some_report())
    assert out.startswith("## ")
    if some_report()["verdict"]["root_cause"]:
        assert out.index("**Verdict:**") < out.index("### Fix") < out.index("<details>")


def test_code_span_survives_backticks():
    for text in ("plain", "a `tick`", "``` fence", "`start", "end`", "````"):
        span = render_md.code(text)
        fence = regex.match(r"`+", span).group(0)
        inner = span[len(fence):-len(fence)]
        assert span.endswith(fence) and fence not in inner.strip(), span
        assert inner.strip() == text.strip()


def test_fenced_block_longer_than_any_run_inside():
    block = render_md.fenced("echo ```\nmore ````` here", "sh")
    first = block.splitlines()[0]
    assert first == "``````sh" and block.endswith("\n``````")


def test_hostile_lines_do_not_escape_code(tmp_path):
    from analyzer.analysis import analyze
    from tests.report.support import IMG_PAYLOAD, hostile_bundle
    from tests.shared import knowledge

    rep = analyze([str(hostile_bundle(tmp_path / "b"))], knowledge()).report
    out = render_md.render(rep)
    outside = regex.sub(r"(`+)(?:(?!\1).)+?\1", "", out)  # drop every code span
    assert "<script" not in outside and "<img" not in outside
    assert IMG_PAYLOAD in out  # still readable, inside a code span


def test_long_reports_fit_one_comment():
    rep = some_report()
    big = dict(rep)
    line = {"time": None, "time_estimated": False, "source": "x.log", "kind": "sccache-log", "line": 1,
            "event": "command", "text": "y" * 300}
    big["timeline"] = [dict(line, line=i + 1) for i in range(5000)]
    big["findings"] = [dict(f, evidence=[{"source": "x", "line": 1, "time": None, "text": "z" * 300}] * 50)
                       for f in rep["findings"]] * 30
    out = render_md.render(big)
    assert len(out) < render_md.LIMIT
    assert "not shown" in out or "cut to fit" in out


def test_every_finding_id_is_shown():
    for name in SAMPLE_NAMES:
        rep = report(name)
        out = render_md.render(rep)
        for finding in rep["findings"]:
            assert f"`{finding['id']}`" in out, (name, finding["id"])
