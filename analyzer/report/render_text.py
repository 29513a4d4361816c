"""`--format text` (the default): a short terminal summary.

Colour only on a TTY and never with NO_COLOR. Log text can carry terminal escape sequences
(`\\x1b]0;title\\x07`, `\\x1b[2J`); printed raw they would repaint the reader's terminal, so every
control character from the report is shown as a visible escape (`\\x1b`) instead.
"""

from __future__ import annotations

import os
import sys

import regex

from analyzer.report import collect_next, stats_text
from analyzer.report.evidence_text import display_lines

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
    lines.extend(_cache(report))
    lines.extend(_candidates(report))
    for cause in report["root_causes"][:3]:
        lines.append("")
        lines.extend(_cause(cause, paint))
    lines.extend(_fix_plan(report, paint))
    others = [f for f in report["findings"] if f["role"] != "root-cause"]
    if others:
        lines += ["", "Findings:"]
        for finding in others:
            mark = ROLE_MARK.get(finding["role"], "?")
            lines.append(f"  {mark} {finding['role']:<12} [{safe(finding['id'])}] {safe(finding['title'], 160)}")
    lines.extend(_stats(report))
    if report["ruled_out"]:
        lines += ["", "Ruled out:"]
        lines.extend(f"  - [{safe(item['id'])}] {safe(item['reason'], 200)}" for item in report["ruled_out"])
    from analyzer.report.compiles_view import text_lines

    lines.extend(text_lines(report, safe))
    defaulted = set(report.get("facts_defaulted") or ())
    facts = [f"{name}={safe(report['facts'][name], 60)}" + (" (default)" if name in defaulted else "")
             for name in KEY_FACTS if name in report["facts"]]
    if facts:
        lines += ["", paint("Facts: " + "  ".join(facts), "dim")]
    if report["missing"]:
        lines += ["", "What to collect next:"]
        lines.extend(f"  {safe(artifact)}: {safe(command, 300)}" for artifact, command in collect_next.commands(report))
    redactions = report.get("redactions") or {}
    if redactions.get("count"):
        lines.append(paint(f"Redacted {redactions['count']} secret value(s): "
                           + ", ".join(safe(k) for k in redactions["kinds"]), "dim"))
    return "\n".join(lines) + "\n"


def _stats(report: dict) -> list[str]:
    stats = report.get("stats")
    if not stats:
        return []
    lines = ["", f"Cache stats: {safe(stats_text.totals(stats), 240)}"]
    lines.extend(f"  {label}: {safe(text, 240)}" for label, text in stats_text.groups(stats))
    reasons = stats_text.reasons(stats)
    if reasons:
        lines.append("  not cacheable:")
        lines.extend(f"    {safe(line, 240)}" for line in reasons[:12])
    levels = stats_text.levels(stats)
    if levels:
        lines.append("  levels:")
        lines.extend(f"    {safe(line, 240)}" for line in levels)
    return lines


STATUS_WORDS = {"build-failed": ("build failed", "red"), "cache-ineffective": ("cache ineffective", "yellow"),
                "healthy": ("healthy", "green"), "nothing-recognised": ("nothing recognised", "yellow")}


def _verdict(report: dict, paint) -> list[str]:
    verdict = report["verdict"]
    words, colour = STATUS_WORDS.get(verdict.get("status") or "", ("unknown", "yellow"))
    if verdict["root_cause"]:
        top = report["root_causes"][0] if report["root_causes"] else {"title": ""}
        lines = [paint(f"Verdict: {words} — {safe(verdict['layer'])} — [{safe(verdict['root_cause'])}] "
                       f"{safe(top['title'])}", colour)]
    elif verdict.get("status") == "build-failed":
        lines = [paint(f"Verdict: {words} — root cause not in the bundle"
                       + (f" (symptom: {safe(verdict['symptom'])})" if verdict.get("symptom") else ""), colour)]
    else:
        lines = [paint(f"Verdict: {words} — no root cause", colour)]
    lines.append(f"  {safe(verdict['summary'])}")
    if verdict.get("confidence_meaning"):
        lines.append(f"  Confidence {safe(verdict['confidence_meaning'])}")
    return lines


def _cache(report: dict) -> list[str]:
    cache = report.get("cache") or {}
    if not cache or cache.get("state") == "unknown" and cache.get("requests") is None:
        return []
    counts = [f"{name.replace('_', ' ')} {cache[name]}" for name in ("requests", "hits", "misses", "write_errors",
                                                                      "read_errors") if cache.get(name) is not None]
    text = f"Cache: {safe(cache['state'])}"
    if cache.get("location"):
        text += f" — {safe(cache['location'], 100)}"
    if counts:
        text += f" ({', '.join(counts)})"
    if cache.get("reason"):
        text += f" [{safe(cache['reason'])}]"
    return ["", text]


def _candidates(report: dict) -> list[str]:
    items = report.get("candidates") or []
    if not items:
        return []
    lines = ["", "Candidate causes the bundle does not show (most likely first), what tells them apart, "
                 "how to collect it:"]
    for item in items:
        lines.append(f"  {item['rank']}. [{safe(item['id'])}] {safe(item['why'], 200)}")
        lines.append(f"     look for: {safe(item['tells_apart'], 200)}")
        for command in item["collect"][:1]:
            lines.append(f"     collect ({safe(command['shell'])}): {safe(command['command'], 240)}")
    return lines


def _fix_plan(report: dict, paint) -> list[str]:
    plan = report.get("fix_plan") or []
    if not plan:
        return []
    lines = ["", paint("Fix plan:", "bold")]
    for step in plan:
        lines.append(f"  {step['step']}. {one_line(step['text'], 300)} [{safe(step['why'])}]")
        lines.extend(f"       {safe(c)}" for c in step["commands"][:8])
        lines.extend(f"       (default) {safe(d)}" for d in step.get("defaults", []))
    return lines


def confidence_words(item: dict) -> str:
    """`strong: 2 independent sources agree (…)`, or the bare number of an older report."""
    return item.get("confidence_reason") or f"{item.get('confidence', 0):.2f}"


def _cause(cause: dict, paint) -> list[str]:
    lines = [paint(f"[{safe(cause['id'])}] {safe(cause['title'])}", "bold")]
    for item in cause["evidence"][:3]:
        where = f"{item['source']}:{item['line']}" if item["line"] else item["source"]
        text_lines = display_lines(item["text"])
        lines.append(f"    {safe(where)}  {safe(text_lines[0], 160)}")
        lines.extend(f"    {' ' * len(safe(where))}  {safe(more, 160)}" for more in text_lines[1:8])
    for step in cause["remediation"][:3]:
        if step["text"]:  # prose wrapped in the pattern file: one line here
            lines.append(f"  fix: {one_line(step['text'], 300)}")
        if step["command"]:
            lines.append(f"  fix ({safe(step['shell'])}):")
            lines.extend(f"      {safe(c)}" for c in step["command"].splitlines()[:6])
    return lines
