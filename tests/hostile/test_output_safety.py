"""Log text that attacks its reader: terminal escapes never reach a terminal, HTML never runs,
Markdown never leaves its code spans, secrets never leave the machine, in every format."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest
import regex

from analyzer.decode import strip_terminal_escapes
from tests.hostile.corpus import (
    HTML_ATTACKS,
    SECRET,
    TERMINAL_ATTACKS,
    TERMINAL_UNSAFE,
    injection,
    outside_code,
)
from tests.hostile.harness import Run, assert_clean_exit, run_cli
from tests.report.support import chromium, open_in_chromium

MD_TAGS_ALLOWED = {"details", "/details", "summary", "/summary", "code", "/code", "sub", "/sub"}


@cache
def outputs(folder: Path) -> dict[str, Run]:
    """The injection bundle through `analyze` in every format and `inspect` as text, run once."""
    work = folder / "work"
    work.mkdir(parents=True, exist_ok=True)
    inputs = injection(work)
    runs = {}
    for fmt in ("text", "json", "md", "html"):
        runs[fmt] = run_cli(["analyze", *inputs, "--format", fmt], cwd=work, scratch=folder / f"scratch-{fmt}")
    runs["inspect"] = run_cli(["inspect", *inputs], cwd=work, scratch=folder / "scratch-inspect")
    runs["no-redact"] = run_cli(["analyze", *inputs, "--format", "json", "--no-redact"], cwd=work,
                                scratch=folder / "scratch-no-redact")
    for run in runs.values():
        assert_clean_exit(run)
        assert run.returncode == 0, run.describe()
    return runs


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, Run]:
    return outputs(tmp_path_factory.mktemp("injection"))


def test_terminal_escapes_neutralised_in_text_output(runs):
    for name in ("text", "inspect"):
        out = runs[name].stdout.decode("utf-8")
        found = sorted({f"U+{ord(c):04X}" for c in TERMINAL_UNSAFE.findall(out)})
        assert not found, f"{name} output carries raw control characters {found}"
    text = runs["text"].stdout.decode("utf-8")
    assert "failed to start server" in text, "the hostile lines are still quoted as evidence"


def test_terminal_escapes_never_reach_stderr(runs):
    for name, run in runs.items():
        assert not TERMINAL_UNSAFE.findall(run.stderr), name


def test_html_payloads_stay_text(runs):
    html = runs["html"].stdout.decode("utf-8")
    assert html.count("<script") == 1, "only the report's own script element"
    for attack in HTML_ATTACKS:
        if "<" in attack or '"' in attack:
            assert attack not in html, f"{attack!r} reached the page unescaped"
    assert "<img" not in html and "<iframe" not in html and "<svg onload" not in html
    assert not regex.search(r"(?i)(href|src)\s*=\s*[\"']?\s*javascript:", html)
    assert "Content-Security-Policy" in html and "script-src 'sha256-" in html
    assert not regex.search(r"[\u200e\u200f\u202a-\u202e\u2066-\u2069]", html), "a bidi control reached the page"


@pytest.mark.browser
@pytest.mark.skipif(chromium() is None, reason="no chromium binary on PATH")
def test_html_payloads_do_not_run_in_a_browser(runs, tmp_path):
    page = tmp_path / "injection.html"
    page.write_bytes(runs["html"].stdout)
    dom, console = open_in_chromium(page)
    assert not console, f"console messages: {console}"
    assert dom.count("<script") == 1 and "<img" not in dom and "<iframe" not in dom


def test_markdown_payloads_stay_in_code(runs):
    md = runs["md"].stdout.decode("utf-8")
    outside = outside_code(md)
    tags = {t.lower() for t in regex.findall(r"<\s*(/?\w+)", outside)}
    assert tags <= MD_TAGS_ALLOWED, f"raw HTML outside code: {sorted(tags - MD_TAGS_ALLOWED)}"
    assert "javascript:" not in outside
    assert "](" not in outside, "a link made from log text"
    found = sorted({f"U+{ord(c):04X}" for c in TERMINAL_UNSAFE.findall(md)})
    assert not found, f"Markdown carries raw control characters {found}"


def test_every_format_redacts_by_default(runs):
    for name, run in runs.items():
        if name == "no-redact":
            continue
        assert SECRET not in run.stdout.decode("utf-8"), f"{name} shows the secret"
    assert SECRET in runs["no-redact"].stdout.decode("utf-8"), "the check above can fail: without redaction it shows"
    report = json.loads(runs["json"].stdout)
    assert report["redactions"]["count"] >= 1


def test_json_keeps_the_text_as_data(runs):
    """JSON is the machine contract: the log text is kept (escapes stripped at decoding) and valid."""
    report = json.loads(runs["json"].stdout)
    texts = json.dumps(report, ensure_ascii=False)
    assert "<script>alert('x')</script>" in texts
    for attack in TERMINAL_ATTACKS:  # each hostile line is there, its escapes stripped
        assert TERMINAL_UNSAFE.search(attack)
        assert f"failed to start server: {strip_terminal_escapes(attack)} end" in texts, attack
    assert "\x1b" not in texts and "\x07" not in texts and "\x9b" not in texts
