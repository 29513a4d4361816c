"""`--format md`: one GitHub/Jira comment — verdict and fix first, the details folded.

Log text goes into code spans and fences whose backtick run is longer than any run inside the
text, so a log line holding ``` cannot close the fence and inject markup; prose outside code
is HTML- and Markdown-escaped. Long lists are cut with a note so the whole comment stays under
`LIMIT` characters (GitHub refuses comments over 65 536).
"""

from __future__ import annotations

import html

import regex

from analyzer.report.render_text import confidence_words

LIMIT = 60_000
LINE_CHARS = 300
CAPS = {"evidence": 8, "findings": 40, "ruled_out": 30, "timeline": 80, "artifacts": 60, "facts": 60}
CONTROL = regex.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
BACKTICK_SPAN = regex.compile(r"(`+)(.+?)\1")
MD_SPECIAL = regex.compile(r"([\\*_\[\]|#~])")
ROLE_ORDER = ("root-cause", "contributing", "symptom", "benign")


def clip(text, limit: int = LINE_CHARS) -> str:
    text = CONTROL.sub("\ufffd", "" if text is None else str(text))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def code(text, limit: int = LINE_CHARS) -> str:
    """An inline code span no backtick in `text` can close (CommonMark: a longer fence)."""
    text = clip(text, limit).replace("\n", " ")
    if not text:
        return "` `"
    runs = [len(r) for r in regex.findall(r"`+", text)]
    fence = "`" * (max(runs, default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or text.startswith(" ") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def fenced(text: str, lang: str = "") -> str:
    """A fenced block longer than any backtick run inside it."""
    body = "\n".join(clip(line, 2000) for line in text.splitlines())
    runs = [len(r) for r in regex.findall(r"`+", body)]
    fence = "`" * max(3, max(runs, default=0) + 1)
    return f"{fence}{lang}\n{body}\n{fence}"


def prose(text) -> str:
    """Report prose: its own backtick spans re-fenced, everything else escaped."""
    text = clip(text, 4000).replace("\n", " ")
    out, last = [], 0
    for match in BACKTICK_SPAN.finditer(text):
        out.append(_escape(text[last:match.start()]))
        out.append(code(match.group(2), 4000))
        last = match.end()
    out.append(_escape(text[last:]))
    return "".join(out)


def _escape(text: str) -> str:
    return MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False)).replace("`", "\\`")


def summary_html(text) -> str:
    """Text for a `<summary>` (HTML context: Markdown is not rendered there)."""
    return html.escape(clip(text, 200))


def details(title: str, body: list[str]) -> list[str]:
    return ["<details>", f"<summary>{title}</summary>", "", *body, "", "</details>", ""]


def more(total: int, shown: int, what: str) -> list[str]:
    if total <= shown:
        return []
    return [f"*… {total - shown} more {what} not shown; the JSON report (`--format json`) has them all.*"]


def evidence_line(item: dict) -> str:
    where = f"{item['source']}:{item['line']}" if item.get("line") else item["source"]
    when = f" {code(item['time'])}" if item.get("time") else ""
    return f"- {code(where)}{when} {code(item['text'])}"


def render(report: dict) -> str:
    parts = _head(report) + _causes(report) + _findings(report) + _ruled_out(report)
    tail = _facts(report) + _artifacts(report) + _missing(report) + _footer(report)
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


def _head(report: dict) -> list[str]:
    verdict = report["verdict"]
    if not verdict["root_cause"]:
        return ["## sccache-forensics: healthy build, no root cause found", "", prose(verdict["summary"]), ""]
    top = report["root_causes"][0] if report["root_causes"] else {"title": "", "confidence": 0}
    return [f"## sccache-forensics: {code(verdict['root_cause'])} {prose(top['title'])}", "",
            f"**Layer:** {code(verdict['layer'])} · **Confidence:** {prose(confidence_words(top))}", "",
            f"**Verdict:** {prose(verdict['summary'])}", ""]


def _causes(report: dict) -> list[str]:
    lines: list[str] = []
    for index, cause in enumerate(report["root_causes"]):
        if index:
            lines += [f"### Also a root cause: {code(cause['id'])} {prose(cause['title'])}", "",
                      prose(cause["summary"]), ""]
        lines += ["### Fix", ""] if index == 0 else []
        for step in cause["remediation"]:
            if step["text"]:
                lines += [f"- {prose(step['text'])}", ""]
            if step["command"]:
                lines += [f"{step['shell']}:", "", fenced(step["command"], _lang(step["shell"])), ""]
        evidence = cause["evidence"]
        body = [evidence_line(e) for e in evidence[: CAPS["evidence"]]]
        body += more(len(evidence), CAPS["evidence"], "evidence lines")
        lines += details(f"Evidence for <code>{summary_html(cause['id'])}</code> ({len(evidence)})", body)
    return lines


def _lang(shell: str) -> str:
    return {"powershell": "powershell", "sh": "sh", "cmd": "bat"}.get(shell, "")


def _findings(report: dict) -> list[str]:
    findings = sorted(report["findings"], key=lambda f: ROLE_ORDER.index(f["role"]) if f["role"] in ROLE_ORDER else 9)
    if not findings:
        return []
    body = []
    for finding in findings[: CAPS["findings"]]:
        body.append(f"- **{finding['role']}** {code(finding['id'])} {prose(finding['title'])}"
                    f" (confidence {prose(confidence_words(finding))})")
        if finding.get("summary"):
            body.append(f"  {prose(finding['summary'])}")
        body.extend("  " + evidence_line(e) for e in finding["evidence"][:3])
    body += more(len(findings), CAPS["findings"], "findings")
    return details(f"Findings ({len(findings)})", body)


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


def _footer(report: dict) -> list[str]:
    redactions = report.get("redactions") or {"count": 0, "kinds": []}
    if redactions["count"]:
        note = f"{redactions['count']} secret value(s) redacted ({', '.join(redactions['kinds'])})."
    else:
        note = "No secret values found to redact."
    tool = report["tool"]
    return [f"<sub>{html.escape(note)} Generated by {html.escape(tool['name'])} {html.escape(tool['version'])},"
            f" report schema {html.escape(report['schema_version'])}.</sub>"]
