"""The terminal summary: IDs next to titles, colour only when asked, log text cannot drive the terminal."""

from __future__ import annotations

import io

from analyzer.report import render_text
from tests.report.support import SAMPLE_NAMES, SEED, report


def hostile_report() -> dict:
    rep = report(SEED if SEED in SAMPLE_NAMES else SAMPLE_NAMES[0])
    rep = {**rep, "root_causes": [dict(c) for c in rep["root_causes"]]}
    evil = "title\x1b]0;pwned\x07 clear\x1b[2J bell\x07 back\x08 cr\r nul\x00 c1\x9b bidi\u202e"
    rep["verdict"] = {**rep["verdict"], "summary": evil}
    if rep["root_causes"]:
        rep["root_causes"][0]["evidence"] = [{"source": "a.log", "line": 1, "time": None, "text": evil}]
    return rep


def test_control_characters_are_shown_not_sent():
    out = render_text.render(hostile_report(), colour=False)
    for raw in ("\x1b", "\x07", "\x08", "\r", "\x00", "\x9b", "\u202e"):
        assert raw not in out
    assert "\\x1b]0;pwned\\x07" in out and "\\u202e" in out


def test_colour_only_when_asked_and_escapes_still_neutralised():
    plain = render_text.render(hostile_report(), colour=False)
    coloured = render_text.render(hostile_report(), colour=True)
    assert "\x1b[" not in plain
    assert "\x1b[31m" in coloured
    assert "\x1b]0;" not in coloured


def test_use_colour_needs_a_tty_and_no_NO_COLOR(monkeypatch):
    class Tty(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    assert render_text.use_colour(Tty()) is True
    assert render_text.use_colour(io.StringIO()) is False
    monkeypatch.setenv("NO_COLOR", "1")
    assert render_text.use_colour(Tty()) is False


def test_every_finding_shows_its_taxonomy_id():
    for name in SAMPLE_NAMES:
        rep = report(name)
        out = render_text.render(rep)
        for finding in rep["findings"]:
            assert f"[{finding['id']}]" in out, (name, finding["id"])
