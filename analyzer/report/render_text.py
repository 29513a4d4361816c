"""`--format text` (the default): a short terminal summary.

Colour only on a TTY and never with NO_COLOR. Log text can carry terminal escape sequences
(`\\x1b]0;title\\x07`, `\\x1b[2J`); printed raw they would repaint the reader's terminal, so every
control character from the report is shown as a visible escape (`\\x1b`) instead.
"""

from __future__ import annotations

import os
import sys

import regex

ROLE_MARK = {"root-cause": "✗", "contributing": "+", "symptom": "·", "benign": "○"}
COLOURS = {"red": "31", "yellow": "33", "green": "32", "dim": "2", "bold": "1"}
# C0 controls, DEL, C1 controls, and the bidi overrides that reorder what a reader sees.
CONTROL = regex.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
KEY_FACTS = ("sccache_version", "backend", "server_port", "proxy", "startup_timeout_ms", "storage_check_s")


def use_colour(stream=None) -> bool:
    stream = stream or sys.stdout
    return bool(getattr(stream, "isatty", lambda: False)()) and "NO_COLOR" not in os.environ


def safe(text, limit: int | None = None) -> str:
    """One line of report text, every control character made visible and harmless."""
    text = "" if text is None else str(text)
    if limit is not None and len(text) > limit:
        text = text[: limit - 1] + "…"
    return CONTROL.sub(lambda m: _escape(m.group(0)), text)


def one_line(text, limit: int | None = None) -> str:
    """`safe`, with every run of whitespace (line breaks too) first made one space: prose that
    was wrapped, or an error message quoting several lines of a log."""
    return safe(" ".join(("" if text is None else str(text)).split()), limit)


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def render(report: dict, colour: bool = False) -> str:
    def paint(text: str, name: str) -> str:
        return f"\x1b[{COLOURS[name]}m{text}\x1b[0m" if colour else text

    lines = _verdict(report, paint)
    for cause in report["root_causes"][:3]:
        lines.append("")
        lines.extend(_cause(cause, paint))
    others = [f for f in report["findings"] if f["role"] != "root-cause"]
    if others:
        lines += ["", "Findings:"]
        for finding in others:
            mark = ROLE_MARK.get(finding["role"], "?")
            lines.append(f"  {mark} {finding['role']:<12} [{safe(finding['id'])}] {safe(finding['title'], 160)}")
    if report["ruled_out"]:
        lines += ["", "Ruled out:"]
        lines.extend(f"  - [{safe(item['id'])}] {safe(item['reason'], 200)}" for item in report["ruled_out"])
    facts = [f"{name}={safe(report['facts'][name], 60)}" for name in KEY_FACTS if name in report["facts"]]
    if facts:
        lines += ["", paint("Facts: " + "  ".join(facts), "dim")]
    if report["missing"]:
        lines.append(paint("Would help: " + ", ".join(safe(m["artifact"]) for m in report["missing"]), "dim"))
    redactions = report.get("redactions") or {}
    if redactions.get("count"):
        lines.append(paint(f"Redacted {redactions['count']} secret value(s): "
                           + ", ".join(safe(k) for k in redactions["kinds"]), "dim"))
    return "\n".join(lines) + "\n"


def _verdict(report: dict, paint) -> list[str]:
    verdict = report["verdict"]
    if verdict["root_cause"]:
        top = report["root_causes"][0] if report["root_causes"] else {"confidence": 0, "title": ""}
        head = paint(f"Verdict: {safe(verdict['layer'])} — [{safe(verdict['root_cause'])}] {safe(top['title'])}",
                     "red")
        lines = [head + f" (confidence {safe(confidence_words(top))})"]
    else:
        lines = [paint("Verdict: healthy build — no root cause found", "green")]
    lines.append(f"  {safe(verdict['summary'])}")
    return lines


def confidence_words(item: dict) -> str:
    """`strong: 2 independent sources agree (…)`, or the bare number of an older report."""
    return item.get("confidence_reason") or f"{item.get('confidence', 0):.2f}"


def _cause(cause: dict, paint) -> list[str]:
    lines = [paint(f"[{safe(cause['id'])}] {safe(cause['title'])}", "bold")]
    for item in cause["evidence"][:3]:
        where = f"{item['source']}:{item['line']}" if item["line"] else item["source"]
        lines.append(f"    {safe(where)}  {safe(item['text'], 160)}")
    for step in cause["remediation"][:3]:
        if step["text"]:  # prose wrapped in the pattern file: one line here
            lines.append(f"  fix: {one_line(step['text'], 300)}")
        if step["command"]:
            lines.append(f"  fix ({safe(step['shell'])}):")
            lines.extend(f"      {safe(c)}" for c in step["command"].splitlines()[:6])
    return lines
