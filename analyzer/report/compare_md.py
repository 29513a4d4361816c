"""`compare --format md`: one ticket comment, the ranked explanations first."""

from __future__ import annotations

from analyzer.report.markdown import code, details, more, prose
from analyzer.report.render_md import LIMIT

SUBJECTS_SHOWN = 20


def render(result: dict) -> str:
    lines = ["## sccache-forensics compare", "", prose(result["verdict"]), "",
             "| | inputs | compiles | hits | not served | hit rate | sccache |", "| --- | --- | --- | --- | --- | --- | --- |"]
    for label in ("baseline", "candidate"):
        side = result[label]
        counts = side["compiles"] or {}
        rate = counts.get("hit_rate")
        lines.append(f"| {label} | {code(', '.join(side['inputs']))} | {counts.get('requests', 'no debug log')} | "
                     f"{counts.get('hits', '')} | {counts.get('not_served', '')} | "
                     f"{'' if rate is None else f'{rate * 100:.0f} %'} | {code(side['facts'].get('sccache_version', '?'))} |")
    lines.append("")
    for index, item in enumerate(result["explanations"], 1):
        names = item["explains"]
        lines += [f"### {index}. {code(item['id'])} {prose(item['title'])}", "",
                  f"Explains **{item['count']}** miss(es): " + ", ".join(code(n) for n in names[:SUBJECTS_SHOWN])
                  + (f", … ({len(names) - SUBJECTS_SHOWN} more)" if len(names) > SUBJECTS_SHOWN else ""), ""]
        if item["fix"]:
            lines += [f"**Fix:** {prose(item['fix'])}", ""]
        body = [f"- {item_side(ev)} {code(where(ev))} {code(ev['text'])}" for ev in item["evidence"][:12]]
        lines += details(f"Evidence ({len(item['evidence'])})", body + more(len(item["evidence"]), 12, "lines"))
    if result["unexplained"]:
        lines += ["### Misses nothing explains", ""]
        lines += [f"- {code(u['subject'])} ({prose(u['reason'])}) {code(u['source'] + ':' + str(u['line']))}: {prose(u['note'])}"
                  for u in result["unexplained"][:50]]
        lines.append("")
    if result["not_regressions"]:
        body = [f"- {code(u['subject'])}: {prose(u['reason'])} — {prose(u['note'])}" for u in result["not_regressions"][:50]]
        lines += details(f"The same in both runs ({len(result['not_regressions'])})", body)
    if result["unrelated_differences"]:
        body = [f"- {code(d['id'])} {prose(d['title'])}" for d in result["unrelated_differences"]]
        lines += details(f"Differences that explain no miss ({len(result['unrelated_differences'])})", body)
    lines += [f"> {prose(n)}" for n in result["notes"]]
    text = "\n".join(lines).rstrip("\n") + "\n"
    if len(text) > LIMIT:
        text = text[: LIMIT - 200].rsplit("\n", 1)[0] + "\n\n*… cut to fit one comment; see `--format json`.*\n"
    return text


def item_side(ev: dict) -> str:
    return f"**{ev['side']}**"


def where(ev: dict) -> str:
    if not ev.get("source"):
        return "(derived)"
    return f"{ev['source']}:{ev['line']}" if ev.get("line") else ev["source"]
