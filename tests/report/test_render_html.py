"""The HTML report: self-contained, escaped, everything the ticket reader needs, small."""

from __future__ import annotations

import regex

from analyzer.analysis import analyze
from analyzer.report import render_html, svg_timeline
from tests.report.support import IMG_PAYLOAD, SAMPLE_NAMES, SCRIPT_PAYLOAD, SEED, hostile_bundle, report
from tests.shared import knowledge


def seed() -> dict:
    return report(SEED if SEED in SAMPLE_NAMES else SAMPLE_NAMES[0])


def test_self_contained_with_strict_csp():
    html = render_html.render(seed())
    assert '<meta http-equiv="Content-Security-Policy"' in html
    assert "default-src 'none'" in html and "'unsafe-inline'" not in html.split("script-src", 1)[1].split(";")[0]
    assert not regex.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", html), "loads from the network"
    assert "@import" not in html and "@media print" in html
    assert html.count("<script>") == 1


def test_csp_hash_matches_the_inline_script():
    html = render_html.render(seed())
    script = regex.search(r"<script>(.*?)</script>", html, regex.S).group(1)
    assert render_html.csp(script) in html


def test_sections_and_ids_present():
    rep = seed()
    html = render_html.render(rep)
    for anchor in ("verdict", "causes", "timeline", "findings", "ruled-out", "facts", "artifacts", "missing",
                   "redactions"):
        assert f'id="{anchor}"' in html
    for finding in rep["findings"]:
        assert f'<span class="id">{finding["id"]}</span>' in html
    assert html.index('id="verdict"') < html.index('id="causes"')


def test_contributing_and_benign_are_folded():
    html = render_html.render(seed())
    for folded in regex.findall(r'<details class="finding"><summary><span class="role role-([a-z-]+)">', html):
        assert folded in ("contributing", "benign")


def test_log_text_is_escaped(tmp_path):
    rep = analyze([str(hostile_bundle(tmp_path / "b"))], knowledge()).report
    html = render_html.render(rep)
    assert SCRIPT_PAYLOAD not in html and IMG_PAYLOAD not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_seed_html_under_300_kb():
    assert len(render_html.render(seed()).encode("utf-8")) < 300_000


def test_timeline_layout_marks_untimed_and_estimated_hollow():
    rep = {"timeline": [
        {"time": "2026-05-11T02:02:11Z", "time_estimated": False, "source": "s.log", "kind": "sccache-log",
         "line": 1, "event": "server-start", "text": "start_server"},
        {"time": "2026-05-11T02:02:27Z", "time_estimated": True, "source": "c.txt", "kind": "cargo-output",
         "line": 2, "event": "probe-failed", "text": "x"},
        {"time": None, "time_estimated": False, "source": "t.txt", "kind": "shell-transcript", "line": 3,
         "event": "command", "text": "<b>cargo</b>"}],
        "root_causes": [{"evidence": [{"source": "s.log", "line": 1}]}],
        "findings": [{"id": "storage-check-slow", "role": "root-cause"}],
        "facts": {"startup_timeout_ms": 10000}}
    layout = svg_timeline.layout(rep)
    assert [lane["name"] for lane in layout.lanes] == ["server log", "client/cargo", "transcript"]
    by_event = {m.event: m for m in layout.markers}
    assert by_event["server-start"].cause and not by_event["server-start"].hollow
    assert by_event["probe-failed"].hollow and by_event["command"].hollow
    assert by_event["command"].x > by_event["probe-failed"].x, "untimed events go to the right end"
    assert layout.window is not None and layout.window["label"] == "client start-up timeout (10 s)"
    healthy = svg_timeline.layout({**rep, "findings": [{"id": "storage-check-slow", "role": "benign"}]})
    assert healthy.window is None, "no start-up band when the start-up is not in question"
    start = by_event["server-start"].x
    assert abs(layout.window["x"] - start) < 1


def test_svg_text_is_escaped():
    rep = {"timeline": [{"time": None, "time_estimated": False, "source": "<x>.log", "kind": "unknown",
                         "line": 1, "event": "client-error", "text": SCRIPT_PAYLOAD}],
           "root_causes": [], "facts": {}}
    svg = render_html.environment().get_template("timeline.svg.j2").render(t=svg_timeline.layout(rep))
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "&lt;x&gt;.log" in svg
