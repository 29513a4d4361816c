"""`--format text`: a short terminal summary. Colour only on a TTY, never with NO_COLOR."""

from __future__ import annotations

import os
import sys

ROLE_MARK = {"root-cause": "✗", "contributing": "+", "symptom": "·", "benign": "○"}
COLOURS = {"red": "31", "yellow": "33", "green": "32", "dim": "2", "bold": "1"}


def use_colour(stream=None) -> bool:
    stream = stream or sys.stdout
    return bool(getattr(stream, "isatty", lambda: False)()) and "NO_COLOR" not in os.environ


def render(report: dict, colour: bool = False) -> str:
    def paint(text: str, name: str) -> str:
        return f"\x1b[{COLOURS[name]}m{text}\x1b[0m" if colour else text

    verdict = report["verdict"]
    lines = []
    if verdict["root_cause"]:
        top = report["root_causes"][0]
        lines.append(paint(f"Verdict: {verdict['layer']} — {verdict['root_cause']}", "red")
                     + f" (confidence {top['confidence']:.2f})")
    else:
        lines.append(paint("Verdict: healthy build — no root cause found", "green"))
    lines.append(f"  {verdict['summary']}")
    for cause in report["root_causes"][:3]:
        lines.append("")
        lines.append(paint(f"[{cause['id']}] {cause['title']}", "bold"))
        for item in cause["evidence"][:3]:
            where = f"{item['source']}:{item['line']}" if item["line"] else item["source"]
            lines.append(f"    {where}  {item['text'][:160]}")
        for step in cause["remediation"][:3]:
            if step["text"]:
                lines.append(f"  fix: {step['text'][:300]}")
            if step["command"]:
                lines.append(f"  fix ({step['shell']}):")
                lines.extend(f"      {c}" for c in step["command"].splitlines()[:6])
    others = [f for f in report["findings"] if f["role"] != "root-cause"]
    if others:
        lines.append("")
        lines.append("Findings:")
        for finding in others:
            lines.append(f"  {ROLE_MARK.get(finding['role'], '?')} {finding['role']:<12} [{finding['id']}] {finding['title']}")
    if report["ruled_out"]:
        lines.append("")
        lines.append("Ruled out:")
        for item in report["ruled_out"]:
            lines.append(f"  - [{item['id']}] {item['reason']}")
    if report["missing"]:
        lines.append("")
        lines.append(paint("Would help: " + ", ".join(m["artifact"] for m in report["missing"]), "dim"))
    return "\n".join(lines) + "\n"
