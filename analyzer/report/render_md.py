"""`--format md`: one GitHub/Jira comment — verdict and fix first, the details folded.

Log text is quoted with `analyzer/report/markdown.py`'s spans and fences, which no text can close.
Long lists are cut with a note so the whole comment stays under `LIMIT` characters (GitHub refuses
comments over 65 536).
"""

from __future__ import annotations

import html

from analyzer.report import reading_guide, stats_text
from analyzer.report.evidence_text import display_lines, key
from analyzer.report.markdown import clip, code, details, escape, fenced, more, prose, summary_html
from analyzer.report.render_text import confidence_words

LIMIT = 60_000
CAPS = {"evidence": 8, "findings": 40, "ruled_out": 30, "timeline": 80, "artifacts": 60, "facts": 60}
ROLE_ORDER = ("root-cause", "contributing", "symptom", "benign")


def evidence_line(item: dict, indent: str = "") -> str:
    """One evidence item as a list entry; a message of several lines (real breaks or Rust `\\n`
    escapes) follows as a fenced block inside the entry, so the ticket shows its lines."""
    where = f"{item['source']}:{item['line']}" if item.get("line") else item["source"]
    when = f" {code(item['time'])}" if item.get("time") else ""
    lines = display_lines(item["text"])
    if len(lines) == 1:
        return f"{indent}- {code(where)}{when} {code(lines[0])}"
    block = fenced("\n".join(lines)).replace("\n", "\n" + indent + "  ")
    return f"{indent}- {code(where)}{when}\n\n{indent}  {block}\n"


def fresh_evidence(items: list[dict], shown: set) -> list[dict]:
    """The items not shown earlier in the report; remembers them as shown."""
    out = []
    for item in items:
        if key(item) not in shown:
            shown.add(key(item))
            out.append(item)
    return out


def render(report: dict) -> str:
    from analyzer.report.compiles_view import md_lines

    seen: set = set()  # evidence is shown once, where it first matters
    parts = (_head(report) + _cache(report) + _candidates(report) + _fix_plan(report) + _causes(report, seen)
             + _findings(report, seen) + _stats(report) + _ruled_out(report) + md_lines(report))
    tail = _facts(report) + _artifacts(report) + _missing(report) + _guide() + _footer(report)
    timeline = _timeline(report, CAPS["timeline"])
    text = "\n".join(parts + timeline + tail)
    shown = CAPS["timeline"]
    while len(text) > LIMIT and shown > 0:
        shown //= 2
        text = "\n".join(parts + _timeline(report, shown) + tail)
    if len(text) > LIMIT:
        cut = text[: LIMIT - 200].rsplit("\n", 1)[0]
        text = cut + "\n\n*… report cut to fit one comment; see `--format json`.*\n"
    return text.rstrip("\n") + "\n"


STATUS_WORDS = {"build-failed": "build failed", "cache-ineffective": "cache ineffective", "healthy": "healthy",
                "nothing-recognised": "nothing recognised"}


def _head(report: dict) -> list[str]:
    verdict = report["verdict"]
    status = STATUS_WORDS.get(verdict.get("status") or "", "unknown")
    if not verdict["root_cause"]:
        what = ("root cause not in the bundle" if verdict.get("status") == "build-failed" else "no root cause")
        return [f"## sccache-forensics: {status}, {what}", "", f"**Status:** {code(verdict.get('status'))}", "",
                prose(verdict["summary"]), ""]
    top = report["root_causes"][0] if report["root_causes"] else {"title": ""}
    meaning = prose(verdict["confidence_meaning"]) if verdict.get("confidence_meaning") else "–"
    return [f"## sccache-forensics: {status}: {code(verdict['root_cause'])} {prose(top['title'])}", "",
            f"**Status:** {code(verdict.get('status'))} · **Layer:** {code(verdict['layer'])} · "
            f"**Confidence:** {meaning}", "",
            f"**Verdict:** {prose(verdict['summary'])}", ""]


def _cache(report: dict) -> list[str]:
    cache = report.get("cache") or {}
    if not cache:
        return []
    counts = ", ".join(f"{name.replace('_', ' ')} {cache[name]}" for name in
                       ("requests", "hits", "misses", "write_errors", "read_errors") if cache.get(name) is not None)
    line = f"**Cache:** {code(cache['state'])}"
    if cache.get("location"):
        line += f" at {code(cache['location'])}"
    if counts:
        line += f" ({prose(counts)})"
    if cache.get("reason"):
        line += f", explained by {code(cache['reason'])}"
    return [line, ""]


def _candidates(report: dict) -> list[str]:
    items = report.get("candidates") or []
    if not items:
        return []
    lines = ["### Candidate causes", "", "Causes the bundle does not show that fit what it does show, most likely first.", ""]
    for item in items:
        lines.append(f"{item['rank']}. {code(item['id'])}: {prose(item['why'])}. Look for: {prose(item['tells_apart'])}.")
        for command in item["collect"][:1]:
            lines.append(f"   Collect ({command['shell']}): {code(command['command'])}")
    return lines + [""]


def _fix_plan(report: dict) -> list[str]:
    plan = report.get("fix_plan") or []
    if not plan:
        return []
    lines = ["### Fix plan", ""]
    for step in plan:
        lines += [f"{step['step']}. {prose(step['text'])} ({code(step['why'])})", ""]
        if step["commands"]:
            lines += [fenced("\n".join(step["commands"]), _lang(step["shell"])), ""]
        lines += [f"   *Default, not from the bundle:* {code(d)}" for d in step.get("defaults", [])]
    return lines


def _causes(report: dict, shown: set) -> list[str]:
    lines: list[str] = []
    for index, cause in enumerate(report["root_causes"]):
        if index:
            lines += [f"### Also a root cause: {code(cause['id'])} {prose(cause['title'])}", "",
                      prose(cause["summary"]), ""]
        lines += ["### Fix for this cause", ""] if index == 0 else []
        for step in cause["remediation"]:
            if step["text"]:
                lines += [f"- {prose(step['text'])}", ""]
            if step["command"]:
                lines += [f"{step['shell']}:", "", fenced(step["command"], _lang(step["shell"])), ""]
        evidence = fresh_evidence(cause["evidence"], shown)
        if not evidence:
            continue
        body = [evidence_line(e) for e in evidence[: CAPS["evidence"]]]
        body += more(len(evidence), CAPS["evidence"], "evidence lines")
        lines += details(f"Evidence for <code>{summary_html(cause['id'])}</code> ({len(evidence)})", body)
    return lines


def _lang(shell: str) -> str:
    return {"powershell": "powershell", "sh": "sh", "cmd": "bat"}.get(shell, "")


def _findings(report: dict, shown: set) -> list[str]:
    findings = sorted(report["findings"], key=lambda f: ROLE_ORDER.index(f["role"]) if f["role"] in ROLE_ORDER else 9)
    if not findings:
        return []
    body = []
    for finding in findings[: CAPS["findings"]]:
        body.append(f"- **{finding['role']}** {code(finding['id'])} {prose(finding['title'])}"
                    f" (confidence {prose(confidence_words(finding))})")
        if finding.get("summary"):
            body.append(f"  {prose(finding['summary'])}")
        fresh = fresh_evidence(finding["evidence"], shown)
        body.extend(evidence_line(e, "  ") for e in fresh[:3])
        if len(fresh) < len(finding["evidence"]) and not fresh:
            body.append("  - *evidence shown above*")
    body += more(len(findings), CAPS["findings"], "findings")
    return details(f"Findings ({len(findings)})", body)


def _stats(report: dict) -> list[str]:
    """The cache statistics, open (not folded): the non-cacheable reasons are often the answer."""
    stats = report.get("stats")
    if not stats:
        return []
    lines = ["### Cache statistics", "", prose(stats_text.totals(stats)), ""]
    lines += [f"- {label}: {prose(text)}" for label, text in stats_text.groups(stats)]
    reasons = stats_text.reasons(stats)
    if reasons:
        lines += ["- not cacheable:"] + [f"  - {code(r['reason'])} {r['count']}: {prose(r['advice'])}"
                                         for r in stats["non_cacheable_reasons"][:20]]
    lines += [f"- level {prose(line)}" for line in stats_text.levels(stats)]
    return lines + [""]


def _ruled_out(report: dict) -> list[str]:
    items = report["ruled_out"]
    if not items:
        return []
    body = [f"- {code(i['id'])} {prose(i['reason'])}" for i in items[: CAPS["ruled_out"]]]
    return details(f"Ruled out ({len(items)})", body + more(len(items), CAPS["ruled_out"], "items"))


def _timeline(report: dict, cap: int) -> list[str]:
    events = report["timeline"]
    if not events:
        return []
    body = []
    for event in events[:cap]:
        when = event["time"] or "untimed"
        mark = " (est.)" if event.get("time_estimated") else ""
        where = f"{event['source']}:{event['line']}"
        body.append(f"- {code(when)}{mark} {code(event['event'])} {code(where)} {code(event['text'], 200)}")
    return details(f"Timeline ({len(events)} events)", body + more(len(events), cap, "events"))


def _facts(report: dict) -> list[str]:
    facts = list(report["facts"].items())
    if not facts:
        return []
    body = [f"- {code(k)}: {code(v)}" for k, v in facts[: CAPS["facts"]]]
    return details("Facts", body + more(len(facts), CAPS["facts"], "facts"))


def _artifacts(report: dict) -> list[str]:
    artifacts = report["artifacts"]
    body = []
    for item in artifacts[: CAPS["artifacts"]]:
        problems = "; ".join(clip(p["reason"], 120) for p in item["problems"][:3])
        note = f" — problems: {code(problems)}" if problems else ""
        body.append(f"- {code(item['path'])} {code(item['kind'])} {code(item['encoding'] or '?')}"
                    f" {item['records']} records{note}")
    return details(f"Artifacts ({len(artifacts)})", body + more(len(artifacts), CAPS["artifacts"], "artifacts"))


def _missing(report: dict) -> list[str]:
    items = report["missing"]
    if not items:
        return []
    body = [f"- {code(m['artifact'])} (collect: {code(m.get('collect') or '')}) would enable "
            + ", ".join(code(i) for i in m["would_enable"]) for m in items]
    return details(f"Missing artifacts ({len(items)})", body)


def _guide() -> list[str]:
    roles = [f"- {code(role)}: {escape(meaning)}" for role, meaning in reading_guide.ROLES]
    return details("How to read this report", [escape(reading_guide.ANSWERS), "", *roles, "",
                                                escape(reading_guide.CONFIDENCE)])


def _footer(report: dict) -> list[str]:
    redactions = report.get("redactions") or {"count": 0, "kinds": []}
    if redactions["count"]:
        note = f"{redactions['count']} secret value(s) redacted ({', '.join(redactions['kinds'])})."
    else:
        note = "No secret values found to redact."
    tool = report["tool"]
    return [f"<sub>{html.escape(note)} Generated by {html.escape(tool['name'])} {html.escape(tool['version'])},"
            f" report schema {html.escape(report['schema_version'])}.</sub>"]
